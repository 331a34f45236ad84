"""How values read on the page: dates, months, numbers with units, visit names.

British style throughout (11 September 2024, 12.5%), as council papers are written.
"""

from __future__ import annotations

from datetime import date

from improvement_site.model.schema import Measure, Visit

KIND_LABELS = {
    "full_inspection": "Full inspection",
    "monitoring_visit": "Monitoring visit",
    "focused_visit": "Focused visit",
    "jtai": "Joint targeted area inspection",
}
GRADE_LABELS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement to be good",
    "inadequate": "Inadequate",
}
UNIT_LABELS = {
    "count": "number",
    "percent": "percentage",
    "rate_per_10000": "rate per 10,000 children",
    "days": "days",
}
POLARITY_LABELS = {
    "higher_is_better": "Higher is better",
    "lower_is_better": "Lower is better",
    "in_range": "Best within the tolerance range",
    None: "Not stated",
}
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]


def long_date(value: date | str | None) -> str:
    """11 September 2024; a YYYY-MM month reads September 2024."""
    if value is None:
        return ""
    if isinstance(value, str):
        if len(value) == 7:
            return f"{_MONTHS[int(value[5:7]) - 1]} {value[:4]}"
        value = date.fromisoformat(value)
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def period_label(period: str) -> str:
    """2023-06 → June 2023; 2023-07-17 → 17 July 2023."""
    return long_date(period)


def at_period(period: str) -> str:
    """A value is *in* a month and *on* a day: 'in June 2023', 'on 17 July 2023'."""
    return ("on " if len(str(period)) > 7 else "in ") + period_label(str(period))


def short_period(period: str) -> str:
    """Jun 2023 / 17 Jul 2023, for table columns and chart axes."""
    if len(period) == 7:
        return f"{_MONTHS[int(period[5:7]) - 1][:3]} {period[:4]}"
    d = date.fromisoformat(period)
    return f"{d.day} {_MONTHS[d.month - 1][:3]} {d.year}"


def number(value: float | None, unit: str = "count") -> str:
    """A value as printed: 90%, 97, 62.5, 1,024; 'Not available' for none."""
    if value is None:
        return "Not available"
    text = f"{value:,.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    if unit == "percent":
        return f"{text}%"
    if unit == "days":
        return f"{text} day" + ("" if value == 1 else "s")
    return text


def measure_number(measure: Measure, value: float | None) -> str:
    return number(value, measure.unit)


def visit_label(visit: Visit) -> str:
    """'Monitoring visit 5: The front door' / 'Full inspection (ILACS) July 2022'."""
    # A label is followed by its dates (", 16 May 2023"): a focus written as a sentence loses
    # its full stop, or it read "…to early help., 16 May 2023".
    return f"{_visit_kind(visit)}: {visit.focus.rstrip().rstrip('.')}"


def _visit_kind(visit: Visit) -> str:
    kind = KIND_LABELS[visit.kind]
    return kind if visit.number is None else f"{kind} {visit.number}"


def visit_title(visit: Visit) -> str:
    """A visit page's heading, short whatever its focus: 'Monitoring visit 5, 31 July 2024 to
    1 August 2024'. The focus (seven lines on some visits) is said once, under Focus."""
    return f"{_visit_kind(visit)}, {visit_dates(visit)}"


def visit_dates(visit: Visit) -> str:
    start = long_date(visit.start)
    if visit.end and visit.end != visit.start:
        return f"{start} to {long_date(visit.end)}"
    return start


def _review_dates(dates) -> str:
    dates = sorted(dates)
    if len(dates) == 1:
        return long_date(dates[0])
    return f"dates between {long_date(dates[0])} and {long_date(dates[-1])}"


def stale_caveat(counts) -> str:
    """The words that go with a count of actions resting on statuses that are not recent
    (a `status.StatusCounts`): "on statuses as at 12 December 2022", or "with 30 of the 75
    statuses as at 12 December 2022" when only some are; "" when none is. A review date is
    only the date the plan gives its statuses for, so it is said as "as at" (contract v3),
    never as a review the data cannot show happened."""
    if not counts.stale:
        return ""
    when = _review_dates(counts.reviewed)
    if counts.stale == counts.total:
        return f"on statuses as at {when}"
    return f"with {counts.stale} of the {counts.total} statuses as at {when}"


def stale_statuses(counts) -> str:
    """"the statuses are as at 12 December 2022", or "30 of the 75 statuses are as at 12
    December 2022" when only some are not recent; "" when none is."""
    if not counts.stale:
        return ""
    when = _review_dates(counts.reviewed)
    if counts.stale == counts.total:
        return f"the statuses are as at {when}" if counts.total > 1 else f"the status is as at {when}"
    return f"{counts.stale} of the {counts.total} statuses are as at {when}"


def status_as_at(day) -> str:
    """"Status as at 12 December 2022": the date the plan gives an action's status for."""
    return f"Status as at {long_date(day)}"


# What an overdue action's status says about it, in the order councils list statuses. An
# action past its due date is not thereby delayed: the words keep the council's own status.
_OVERDUE_STATUS_WORDS = {
    "on_track": "reported in progress and on schedule",
    "delayed": "reported delayed",
    "not_started": "reported not yet commenced",
    "not_rated": "never rated",
}


def overdue_words(counts) -> str:
    """A count of overdue actions that says what it is: "44 past their due date: 14 reported
    in progress and on schedule and 30 never rated"; "1 past its due date, never rated"."""
    n = counts.overdue
    if not n:
        return "none past its due date"
    head = f"{n} past {'its' if n == 1 else 'their'} due date"
    parts = [(k, (counts.overdue_by or {}).get(k, 0)) for k in _OVERDUE_STATUS_WORDS]
    parts = [(k, m) for k, m in parts if m]
    if not parts:
        return head
    if len(parts) == 1:
        words = _OVERDUE_STATUS_WORDS[parts[0][0]]
        return f"{head}, {words}" if n == 1 else f"{head}, all {words}"
    said = [f"{m} {_OVERDUE_STATUS_WORDS[k]}" for k, m in parts]
    return f"{head}: " + ", ".join(said[:-1]) + " and " + said[-1]


def stale_value(month: str) -> str:
    """'latest value is from November 2022', for a latest value that is not recent."""
    return f"latest value is from {month}"


PROVIDER_KIND_LABELS = {
    "childrens_home": "Children's home",
    "fostering_agency": "Fostering agency",
    "adoption_agency": "Adoption agency",
    "other": "Other service",
}
_PROVIDER_PLURALS = {
    "childrens_home": "children's homes",
    "fostering_agency": "fostering agencies",
    "adoption_agency": "adoption agencies",
}


def providers_title(providers) -> str:
    """The providers page's title: "The council's children's homes" when every provider is
    one, else "The council's own services"."""
    kinds = {p.kind for p in providers}
    if len(kinds) == 1 and next(iter(kinds)) in _PROVIDER_PLURALS:
        return f"The council's {_PROVIDER_PLURALS[next(iter(kinds))]}"
    return "The council's own services"


def providers_count(providers) -> str:
    """"6 children's homes", "1 fostering agency", "4 services"."""
    kinds = {p.kind for p in providers}
    n = len(providers)
    if len(kinds) == 1 and next(iter(kinds)) in _PROVIDER_PLURALS:
        kind = next(iter(kinds))
        word = _PROVIDER_PLURALS[kind] if n != 1 else PROVIDER_KIND_LABELS[kind].lower()
        return f"{n} {word}"
    return f"{n} service" + ("" if n == 1 else "s")
