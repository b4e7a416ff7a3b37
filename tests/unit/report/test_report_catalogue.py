"""Every message key of the report, walked in both languages: each one the templates and the
renderer use is in the zh-CN catalogue, in Chinese, with the same placeholders, and formats
in both languages; the catalogue holds nothing the report no longer says (a stale sentence
such as an overclaim would otherwise come back the day a template reuses it)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from runner.report import i18n, render

_CALL = re.compile(r'_\("((?:[^"\\]|\\.)*)"')
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def used_keys() -> set[str]:
    templates = Path(render.__file__).parent / "templates"
    keys = {m.encode().decode("unicode_escape") if "\\" in m else m
            for p in templates.glob("*.j2") for m in _CALL.findall(p.read_text())}
    return keys | set(render.TERMS.values())


def catalogue() -> dict[str, str]:
    with (i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "patrol.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


def test_every_message_key_is_translated_with_its_placeholders_and_nothing_stale():
    used, zh = used_keys(), catalogue()
    assert len(used) > 150
    assert sorted(k for k in used if not zh.get(k)) == []  # untranslated
    assert sorted(set(zh) - used) == []  # stale: no template says it any more
    for key in used:
        assert re.search(r"[\u4e00-\u9fff]", zh[key]), (key, zh[key])
        assert set(_PLACEHOLDER.findall(key)) == set(_PLACEHOLDER.findall(zh[key])), key


def test_every_message_key_formats_in_both_languages():
    """What jinja2's newstyle gettext does with each key: the catalogue's text, its
    placeholders filled; English is the key itself."""
    for lang in ("en", "zh-CN"):
        trans = i18n.translations(lang)
        for key in used_keys():
            values = {name: f"<{name}>" for name in _PLACEHOLDER.findall(key)}
            text = trans.gettext(key) % values if values else trans.gettext(key)
            assert all(v in text for v in values.values()), (lang, key, text)
            if lang == "en":
                assert text == (key % values if values else key)
            else:
                assert text != key and re.search(r"[\u4e00-\u9fff]", text), (key, text)
