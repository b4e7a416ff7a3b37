"""Every YAML reader, scanner and parser error is one positioned message, whichever read path
meets it: the fast path (rapidyaml, for files with no tag or anchor), the careful path (ruamel,
here forced by a ``!vault`` tag) and the libyaml composer that finds positions afterwards."""

from __future__ import annotations

import pytest

from runner.estate.yamlsource import (
    YamlError,
    careful_load,
    fast_load,
    fast_positions,
    read_document,
)

from .conftest import SampleEstate, position

FAST = "name: web\nowner: ops\nnote: {bad}\n"
CAREFUL = "name: web\nsecret: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6231\nnote: {bad}\n"

# error class -> (text put in place of {bad}, where the error is: the text's first occurrence
# of the needle plus an offset, message start)
NON_PRINTABLE = "YAML syntax: non-printable character U+{:04X} is not allowed"
CASES = {
    "reader BEL": ("a\x07b", "\x07", 0, NON_PRINTABLE.format(7)),
    "reader NUL": ("a\x00b", "\x00", 0, NON_PRINTABLE.format(0)),
    "reader ESC": ("\x1b[31mred", "\x1b", 0, NON_PRINTABLE.format(0x1B)),
    "reader DEL": ("a\x7fb", "\x7f", 0, NON_PRINTABLE.format(0x7F)),
    "reader C1 CSI": ("a\x9bb", "\x9b", 0, NON_PRINTABLE.format(0x9B)),
    "reader U+FFFE": ("a\ufffeb", "\ufffe", 0, NON_PRINTABLE.format(0xFFFE)),
    "scanner unclosed quote": ('"open\n', None, 0,
                               "YAML syntax: found unexpected end of stream"),
    "scanner reserved @": ("@home", "@home", 0,
                           "YAML syntax: found character '@' that cannot start any token"),
    "scanner mapping value": ("a: b", "a: b", 1,
                              "YAML syntax: mapping values are not allowed here"),
    "parser block end": ("x\n- y", "- y", 0, "YAML syntax: expected <block end>"),
    "parser flow end": ("[a, b", None, 0, "YAML syntax: expected ',' or ']'"),
}


def expected_position(text: str, needle: str | None, offset: int) -> tuple[int, int]:
    if needle is None:  # the end of the stream
        return text.count("\n") + 1, 1
    return position(text, needle, offset=offset)


@pytest.mark.parametrize("template", [FAST, CAREFUL], ids=["fast", "careful"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_read_document_reports_one_positioned_error(template: str, case: str) -> None:
    bad, needle, offset, message = CASES[case]
    text = template.replace("{bad}", bad)
    with pytest.raises(YamlError) as raised:
        read_document("f.yaml", text.encode())
    [error] = raised.value.errors
    assert (error.line, error.column) == expected_position(text, needle, offset)
    assert error.message.startswith(message), error.message


@pytest.mark.parametrize("case", sorted(CASES))
def test_careful_path_alone_positions_every_error(case: str) -> None:
    """Without the printable pre-check, ruamel's own reader error is positioned too."""
    bad, needle, offset, _ = CASES[case]
    text = CAREFUL.replace("{bad}", bad)
    with pytest.raises(YamlError) as raised:
        careful_load(text)
    [error] = raised.value.errors
    assert (error.line, error.column) == expected_position(text, needle, offset)
    assert error.message.startswith("YAML syntax: ")


@pytest.mark.parametrize("template", [FAST, CAREFUL], ids=["fast", "careful"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_fast_path_and_libyaml_composer_never_raise(template: str, case: str) -> None:
    """rapidyaml and libyaml either read a file or hand it on; neither raises."""
    data = template.replace("{bad}", CASES[case][0]).encode()
    ok, _ = fast_load(data)
    if case.startswith("scanner") or case.startswith("parser"):
        assert not ok
    assert fast_positions(data) is not None


@pytest.mark.parametrize("careful", [False, True], ids=["fast", "careful"])
@pytest.mark.parametrize("char", ["\x07", "\x1b", "\x9b"])
def test_validate_reports_a_control_character_in_one_line(
        estate: SampleEstate, careful: bool, char: str) -> None:
    hosts = "inventory/hosts/hz-dc1.yaml"
    text = estate.read(hosts).replace("serial: CZJ0421A2", f"serial: CZJ{char}0421A2", 1)
    if careful:  # an anchor and alias send the file to the careful path
        text = text.replace("model: dl360-g10", "model: &m dl360-g10", 1)
        text = text.replace("model: dl360-g10", "model: *m", 1)
    estate.write(hosts, text)
    run = estate.validate()
    line, col = position(text, char)
    assert run.code == 1
    assert "Traceback" not in run.text
    expected = (f"{hosts}:{line}:{col}: error: YAML syntax: non-printable character "
                f"U+{ord(char):04X} is not allowed")
    assert [ln for ln in run.out.splitlines() if ln.startswith(hosts)] == [
        ln for ln in run.out.splitlines() if ln.startswith(expected)]
    assert expected in run.out
