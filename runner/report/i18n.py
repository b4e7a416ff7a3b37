"""Languages: message catalogues and locale formatting.

Labels are English msgids in the templates (jinja2's i18n extension); each other language has
a gettext catalogue ``locale/<ll_CC>/LC_MESSAGES/patrol.po`` in the package. The ``.po`` is
compiled in memory with Babel when a report is rendered, so nothing is built or fetched at
install time. Dates, numbers, percentages and durations are formatted by Babel's CLDR data
for the report's locale. Estate text is never translated: it is shown as written.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path

from ..errors import PatrolError

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = {"en": "en_GB", "zh-CN": "zh_Hans_CN"}  # --lang -> CLDR locale
CATALOGUES = {"zh-CN": "zh_CN"}  # --lang -> catalogue directory (en: the msgids themselves)


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise PatrolError(f"--lang {lang!r}: expected one of {', '.join(LANGUAGES)}")
    return lang


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The language's catalogue, compiled from its .po with Babel (English: the msgids, and
    none of Babel's catalogue machinery, which imports the email package, is loaded)."""
    directory = CATALOGUES.get(check_lang(lang))
    if directory is None:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = LOCALE_DIR / directory / "LC_MESSAGES" / "patrol.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=directory)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


@dataclass(frozen=True)
class Formats:
    """Locale-aware formatting of the report's values, as jinja2 filters."""

    lang: str
    zone: str = "UTC"  # times are shown on this zone's wall clock, with its name
    places: dict[str, str] | None = None  # site id or host name -> its site's zone

    @property
    def locale(self) -> str:
        return LANGUAGES[self.lang]

    def number(self, value: float | int | None) -> str:
        from babel.numbers import format_decimal

        return "–" if value is None else format_decimal(value, locale=self.locale)

    def percent(self, value: float | None) -> str:
        from babel.numbers import format_percent

        return "–" if value is None else format_percent(value, "#,##0.0%", locale=self.locale)

    def day(self, value: date | None) -> str:
        return "–" if value is None else _day(value, self.locale)

    def month(self, year: int, month: int) -> str:
        from babel.dates import format_skeleton

        return format_skeleton("yMMMM", date(year, month, 1), locale=self.locale)

    def weekday(self, value: date) -> str:
        from babel.dates import format_date

        return format_date(value, "EEE", locale=self.locale)

    def moment(self, value: datetime | str | None, where: str | None = None) -> str:
        """A time on its zone's wall clock, with the zone's name: the zone of the site
        ``where`` names (a site id, or a host on it), else the report's (the contract's)."""
        from ..clock import parse_iso

        if value is None or value == "":
            return "–"
        if isinstance(value, str):
            value = parse_iso(value)
        name = (self.places or {}).get(where or "", self.zone)
        return _moment(value, name, self.lang)

    def zone_name(self, name: str, at: datetime | None = None) -> str:
        """A zone as the reader names it: its IANA name in English (and "UTC" in every
        language); in Chinese CLDR's name (中国标准时间, 中欧夏令时间 at ``at``; 中欧时间
        without a moment)."""
        if self.lang == "en" or name == "UTC":
            return name
        from babel.dates import get_timezone, get_timezone_name

        tz = get_timezone(name)
        return get_timezone_name(at.astimezone(tz) if at is not None else tz, "long",
                                 locale=self.locale)

    def duration(self, value: timedelta | None) -> str:
        from babel.dates import format_timedelta

        if value is None:
            return "–"
        return format_timedelta(value, threshold=2, locale=self.locale)

    def exact(self, value: timedelta | None) -> str:
        """A contract term's duration exactly, in the largest unit that divides it (32 days,
        not "5 weeks"; 26 hours, not "1 day")."""
        from babel.dates import format_timedelta

        if value is None:
            return "–"
        seconds = int(value.total_seconds())
        unit = next((u for u, size in (("week", 604800), ("day", 86400), ("hour", 3600),
                                      ("minute", 60)) if seconds and seconds % size == 0),
                    "second")
        return format_timedelta(value, granularity=unit, threshold=10**9, locale=self.locale)

    def hours(self, value: float) -> str:
        from babel.dates import format_timedelta

        return format_timedelta(timedelta(hours=value), threshold=2, locale=self.locale)


# A month's report shows the same few moments and days hundreds of times (runs start at the
# same minute every day); each is formatted by Babel once.


@lru_cache(maxsize=4096)
def _day(value: date, locale: str) -> str:
    from babel.dates import format_date

    return format_date(value, "medium", locale=locale)


@lru_cache(maxsize=65536)
def _moment(value: datetime, name: str, lang: str) -> str:
    from zoneinfo import ZoneInfo

    from babel.dates import format_datetime

    zone = ZoneInfo(name) if name != "UTC" else UTC
    return (format_datetime(value, "medium", tzinfo=zone, locale=LANGUAGES[lang]) + " "
            + Formats(lang).zone_name(name, value))

