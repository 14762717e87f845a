"""Dates as Belgian counsellors type them: day first, or ISO."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from kindreflex_tui.errors import InputError

_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d")
"""Accepted spellings, tried in order: dd-mm-jjjj, d/m/jjjj, d.m.jjjj and ISO."""

FIRST_YEAR = 1900
"""The earliest year a date in a dossier can have; older years are typos."""

LAST_YEAR = 2100
"""The latest year a date in a dossier can have; later years are typos."""

_PARTS = re.compile(r"^\s*(\d{1,4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,4})\s*$")

_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def parse_date(text: str) -> date:
    """Read a typed date (dd-mm-jjjj, d/m/jjjj or ISO); InputError says why not."""
    cleaned = text.strip()
    for pattern in _FORMATS:
        try:
            day = datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise InputError(_year_out_of_range(_shown(cleaned), day.year))
        return day
    raise InputError(_explain(cleaned))


def _shown(text: str) -> str:
    """The typed text as quoted in a message, shortened when long."""
    return text if len(text) <= 40 else text[:37] + "..."


def _year_out_of_range(shown: str, year: int) -> str:
    """The message for a year that no date in a dossier can have."""
    return (
        f"‘{shown}’: jaar {year} kan niet; typ een jaar tussen {FIRST_YEAR} "
        f"en {LAST_YEAR}"
    )


def _explain(text: str) -> str:
    """Say why a typed date is not a date, as precisely as the text allows."""
    shown = _shown(text)
    match = _PARTS.match(text)
    if not match:
        return f"‘{shown}’ is geen datum; typ dd-mm-jjjj, bv. 05-03-2019"
    first, month_text, last = match.groups()
    day_text, year_text = (last, first) if len(first) == 4 else (first, last)
    day, month, year = int(day_text), int(month_text), int(year_text)
    if len(year_text) != 4:
        return f"‘{shown}’: schrijf het jaar voluit met 4 cijfers, bv. 2019"
    if not 1 <= month <= 12:
        return f"‘{shown}’ bestaat niet: er is geen maand {month}"
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return _year_out_of_range(shown, year)
    last_day = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last_day:
        return (
            f"‘{shown}’ bestaat niet: {_MONTHS[month - 1]} {year} "
            f"heeft {last_day} dagen"
        )
    return f"‘{shown}’ is geen datum; typ dd-mm-jjjj, bv. 05-03-2019"


def format_date(value: date | str | None) -> str:
    """Show a date as dd-mm-jjjj; an ISO string is accepted too; None shows empty."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    # strftime does not pad a year below 1000 on every platform; do it here.
    return f"{value.day:02d}-{value.month:02d}-{value.year:04d}"
