"""How late an overdue action is, in words a reader can weigh: days, and whole months once it
is two months or more. Judged against the reporting date, never the clock, as `status` is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from improvement_site.model.schema import Action
from improvement_site.model.status import due_date, is_overdue


@dataclass(frozen=True)
class Lateness:
    days: int
    months: int  # whole calendar months between the due date and the reporting date

    def __str__(self) -> str:
        """"23 months (726 days)", or "12 days" when under two months."""
        days = f"{self.days} day{'s' if self.days != 1 else ''}"
        return f"{self.months} months ({days})" if self.months >= 2 else days


def whole_months(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def lateness(action: Action, reporting_date: date) -> Lateness | None:
    """None unless the action is overdue at the reporting date."""
    if not is_overdue(action, reporting_date):
        return None
    due = due_date(action)
    return Lateness((reporting_date - due).days, whole_months(due, reporting_date))
