"""Periods in a scorecard's headings and cells: "Apr-23", "April 2023", "2023-04", "04/2023",
an Excel date (a month, or a snapshot day when the cell shows its day), or "Latest"."""

from __future__ import annotations

import re
from datetime import date, datetime

from improvement_site.model.fields import digits_problem
from improvement_site.tracker.importing import cell_text, one_line, uk_date
from improvement_site.tracker.tables import Cell

LATEST = "latest"
_LATEST = re.compile(r"^(latest|current)\b", re.I)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")


def period_of(cell: Cell) -> tuple[str | None, str | None]:
    """A column heading or period cell → ("2023-04" | "2023-07-17" | "latest", None),
    (None, error) for a mistyped date, or (None, None) when it is not a period at all."""
    value = cell.value
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        # A period is what the cell shows: a cell formatted "Apr-23" holds 1 April 2023 but
        # means the month; one formatted with the day (17/07/2023) is a snapshot date.
        shows_day = "d" in re.sub(r"\[[^\]]*\]", "", cell.number_format.lower())
        return (value.isoformat() if shows_day else value.strftime("%Y-%m")), None
    text = one_line(cell_text(cell))
    if _LATEST.match(text):
        return LATEST, None
    # [0-9], not \d: int() reads other scripts' digits too (٢٠٢٣), so a heading in them became
    # a period silently; it is refused in words instead.
    other_digits = digits_problem(text, "a period", "Apr-23, 2023-04 or 04/2023")
    if other_digits:
        return None, other_digits
    if match := re.match(r"^([0-9]{4})-([0-9]{1,2})$", text):
        year, month = int(match.group(1)), int(match.group(2))
    elif match := re.match(r"^([0-9]{1,2})[/.]([0-9]{4})$", text):
        month, year = int(match.group(1)), int(match.group(2))
    elif match := re.match(r"^([A-Za-z]{3,9})\.?[\s\-/']*([0-9]{4}|[0-9]{2})$", text):
        word = match.group(1).lower()
        months = [i + 1 for i, name in enumerate(_MONTHS) if name.startswith(word)]
        month = 9 if word == "sept" else (months[0] if len(months) == 1 else 0)
        if not month:
            return None, None
        year = int(match.group(2)) + (2000 if len(match.group(2)) == 2 else 0)
    else:
        found, error = uk_date(text)
        return (found.isoformat() if found else None), error
    if not 1 <= month <= 12:
        return None, f'"{text}" is not a month: there is no month {month}'
    return f"{year:04d}-{month:02d}", None
