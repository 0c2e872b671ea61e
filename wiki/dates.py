"""Dates as people in the UK write them (issue #16): one parser for every date a form asks
for, typed as three boxes, Day, Month and Year (the GOV.UK date-input pattern; an
``<input type="date">`` shows mm/dd/yyyy in a browser set to US English).

``read(form, name)`` takes ``name-day``, ``name-month`` and ``name-year`` from a form (or,
from an older client, one ``name`` field such as ``2012-03-27`` or ``27/3/2012``) and gives
back a ``DateValue``: the date as ISO text for the store and the JSON API (unchanged), or a
plain-words problem, with what the person typed kept for the form to show again.
``templates/macros.html`` ``date_input`` draws the boxes; plugins reach this module
through ``wiki.plugin_api``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

EXAMPLE = "27 3 2012"
_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]  # fmt: skip
# A month may be typed as a word too: "March", "mar", "Sept".
MONTHS = {**{n: i for i, n in enumerate(_NAMES, 1)}, **{n[:3]: i for i, n in enumerate(_NAMES, 1)},
          "sept": 9}  # fmt: skip
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SPLIT = re.compile(r"[\s/.\-]+")


class DateProblem(ValueError):
    """What is wrong with a date, in words for the person who typed it."""

    def __init__(self, message: str, part: str = "day") -> None:
        super().__init__(message)
        self.message, self.part = message, part  # the box to point at: day, month or year


@dataclass
class DateValue:
    """A date from a form: the parts as typed, and the date (ISO) or the problem."""

    day: str = ""
    month: str = ""
    year: str = ""
    iso: str | None = None
    error: str | None = None
    part: str | None = None  # the box the problem is in

    def __str__(self) -> str:
        return self.iso or ""

    def __bool__(self) -> bool:
        return bool(self.day or self.month or self.year)

    @classmethod
    def of(cls, value: Any) -> DateValue:
        """What to show in the three boxes for a stored value (ISO text, a date, or None)."""
        if isinstance(value, DateValue):
            return value
        if isinstance(value, date):
            return cls(str(value.day), str(value.month), str(value.year), value.isoformat())
        text = str(value or "").strip()
        found = _ISO.match(text[:10])
        if found:
            y, m, d = found.groups()
            return cls(str(int(d)), str(int(m)), y, text[:10])
        if text.count("/") == 2:  # as typed, day/month/year, an empty box kept in its place
            return cls(*(p.strip() for p in text.split("/")))
        parts = [p for p in _SPLIT.split(text) if p][:3]
        return cls(*parts) if parts else cls()


def _month(text: str) -> int:
    if text.isdigit():
        return int(text)
    found = MONTHS.get(text.lower().rstrip("."))
    if found is None:
        raise DateProblem(
            f"Enter the month as a number from 1 to 12, for example {EXAMPLE}.", "month"
        )
    return found


def parse_parts(day: str, month: str, year: str, *, required: bool = False) -> date | None:
    """The date three boxes make, or None when all three are empty (and it is not required).
    Raises ``DateProblem`` with a sentence a person can act on."""
    day, month, year = day.strip(), month.strip(), year.strip()
    if not (day or month or year):
        if required:
            raise DateProblem(f"Enter the date, for example {EXAMPLE}.")
        return None
    for text, part in ((day, "day"), (month, "month"), (year, "year")):
        if not text:
            raise DateProblem(f"Enter the {part} as well, for example {EXAMPLE}.", part)
    if not day.isdigit():
        raise DateProblem(f"Enter the day as a number, for example {EXAMPLE}.", "day")
    number = _month(month)
    if not (year.isdigit() and len(year) == 4):
        raise DateProblem(f"Enter the year with 4 numbers, for example {EXAMPLE}.", "year")
    try:
        return date(int(year), number, int(day))
    except ValueError:
        raise DateProblem(f"Enter a real date, for example {EXAMPLE}.") from None


def parse_text(text: str, *, required: bool = False) -> date | None:
    """One field typed as text: ``2012-03-27`` (ISO), or day month year (``27/3/2012``)."""
    text = text.strip()
    found = _ISO.match(text)
    if found:
        y, m, d = found.groups()
        return parse_parts(d, m, y, required=required)
    parts = [p for p in _SPLIT.split(text) if p]
    if not parts:
        return parse_parts("", "", "", required=required)
    if len(parts) != 3:
        raise DateProblem(f"Enter a real date, for example {EXAMPLE}.")
    return parse_parts(*parts, required=required)


def read(form: Mapping[str, Any], name: str, *, required: bool = False) -> DateValue:
    """The date a form sent as ``name-day``, ``name-month``, ``name-year`` (or one ``name``
    field), with any problem in words and everything typed kept."""
    boxes = [f"{name}-{part}" for part in ("day", "month", "year")]
    if any(box in form for box in boxes):
        day, month, year = (str(form.get(box) or "").strip() for box in boxes)
        if day and not (month or year) and len(_SPLIT.split(day)) == 3:
            # the whole date typed (or pasted) in the first box: "27/3/2012", "2012-03-27"
            shown = DateValue.of(day)  # ISO, shown day month year
            value = shown if shown.iso else DateValue(*_SPLIT.split(day))
            value = DateValue(value.day, value.month, value.year)
            parse: Callable[[], date | None] = lambda: parse_text(day, required=required)  # noqa: E731
        else:
            value = DateValue(day, month, year)
            parse = lambda: parse_parts(day, month, year, required=required)  # noqa: E731
    else:
        text = str(form.get(name) or "").strip()
        value = DateValue.of(text)
        if not value and text:  # not ISO: keep it in the first box so nothing is lost
            value = DateValue(day=text)
        parse = lambda: parse_text(text, required=required)  # noqa: E731
    try:
        found = parse()
    except DateProblem as problem:
        value.iso, value.error, value.part = None, problem.message, problem.part
        return value
    value.iso = found.isoformat() if found else None
    return value


def day_month_year(value: date | str | None) -> str:
    """A date as people here say it: "27 March 2012" ("" for none)."""
    if value is None or value == "":
        return ""
    found = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{found.day} {found.strftime('%B %Y')}"
