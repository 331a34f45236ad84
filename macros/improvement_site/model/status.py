"""Derived facts, computed once from the model: overdue actions, status counts, the target in
force, RAG of a value and direction of travel. Pages and charts read these; none computes its
own. Everything is judged against the site's `reporting_date`, never the clock.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Iterable

from improvement_site.model.sitedata import SiteData, period_month, period_start
from improvement_site.model.schema import Action, Measure, Value

# The order and wording councils use (seed 002's RAG key), plus "Not yet rated" for blanks.
STATUS_ORDER = ("complete", "on_track", "delayed", "not_started", "not_rated")
STATUS_LABELS = {
    "complete": "Completed",
    "on_track": "In progress and on schedule",
    "delayed": "Delayed / not on schedule",
    "not_started": "Planning: not yet commenced",
    "not_rated": "Not yet rated",
}
RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red", None: "No RAG"}
DIRECTION_LABELS = {"improving": "Improving", "worsening": "Worsening",
                    "no_change": "No change", None: "Not known"}


def status_of(action: Action) -> str:
    return action.status or "not_rated"


def due_date(action: Action) -> date | None:
    """The date an action is judged against: the revised date if there is one."""
    return action.revised_due or action.due


def is_overdue(action: Action, reporting_date: date) -> bool:
    due = due_date(action)
    return due is not None and due < reporting_date and action.status != "complete"


@dataclass(frozen=True)
class StatusCounts:
    counts: dict[str, int]
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def items(self) -> list[tuple[str, str, int]]:
        """(status, label, count) in the councils' order, zeros included."""
        return [(s, STATUS_LABELS[s], self.counts.get(s, 0)) for s in STATUS_ORDER]


def count_statuses(actions: Iterable[Action], reporting_date: date) -> StatusCounts:
    actions = list(actions)
    counts = Counter(status_of(a) for a in actions)
    overdue = sum(is_overdue(a, reporting_date) for a in actions)
    return StatusCounts({s: counts.get(s, 0) for s in STATUS_ORDER}, overdue)


def area_counts(data: SiteData, area) -> StatusCounts:
    return count_statuses((act for _, _, act in data.actions(area)), data.site.reporting_date)


def plan_counts(data: SiteData) -> StatusCounts:
    return count_statuses((act for _, _, act in data.actions()), data.site.reporting_date)


# -- measures -------------------------------------------------------------------------------


def target_for(measure: Measure, period: str) -> float | None:
    """The target in force for a period: the first milestone on or after its month, else the
    last milestone; or the single target."""
    if measure.targets:
        month = period_month(period)
        ordered = sorted(measure.targets, key=lambda m: m.by)
        for milestone in ordered:
            if milestone.by >= month:
                return milestone.value
        return ordered[-1].value
    return measure.target


def rag_of(measure: Measure, value: float | None, target: float | None) -> str | None:
    """Green / amber / red by the contract's rules; None when it cannot be judged."""
    if value is None or target is None or measure.polarity is None:
        return None
    tol = measure.tolerance
    low = tol.low if tol else None
    high = tol.high if tol else None
    if measure.polarity == "higher_is_better":
        if value >= target:
            return "green"
        return "amber" if low is not None and value >= low else "red"
    if measure.polarity == "lower_is_better":
        if value <= target:
            return "green"
        return "amber" if high is not None and value <= high else "red"
    if low is None or high is None:
        return None
    return "green" if low <= value <= high else "red"


def direction_of(measure: Measure, latest: float | None, previous: float | None,
                 target: float | None) -> str | None:
    """Improving / worsening / no change by polarity; never just up or down."""
    if latest is None or previous is None or measure.polarity is None:
        return None
    if latest == previous:
        return "no_change"
    if measure.polarity == "higher_is_better":
        return "improving" if latest > previous else "worsening"
    if measure.polarity == "lower_is_better":
        return "improving" if latest < previous else "worsening"
    centre = target
    tol = measure.tolerance
    if centre is None and tol and tol.low is not None and tol.high is not None:
        centre = (tol.low + tol.high) / 2
    if centre is None:
        return None
    before, after = abs(previous - centre), abs(latest - centre)
    if after == before:
        return "no_change"
    return "improving" if after < before else "worsening"


@dataclass(frozen=True)
class MeasureStatus:
    """A measure as at the reporting date."""

    latest: Value | None
    previous: Value | None
    target: float | None
    computed_rag: str | None
    rag: str | None  # what readers see: the override if there is one
    override_reason: str | None
    direction: str | None


def known_values(data: SiteData, measure: Measure) -> list[Value]:
    """Values with a number, on or before the reporting date, in period order."""
    return [v for v in data.values_of(measure.id)
            if v.value is not None and period_start(v.period) <= data.site.reporting_date]


def measure_status(data: SiteData, measure: Measure) -> MeasureStatus:
    values = known_values(data, measure)
    latest = values[-1] if values else None
    previous = values[-2] if len(values) > 1 else None
    target = target_for(measure, latest.period) if latest else None
    computed = rag_of(measure, latest.value if latest else None, target)
    override = measure.rag_override
    direction = direction_of(measure, latest.value if latest else None,
                             previous.value if previous else None, target)
    return MeasureStatus(
        latest=latest, previous=previous, target=target, computed_rag=computed,
        rag=override.rag if override else computed,
        override_reason=override.reason if override else None, direction=direction,
    )


def value_rag(measure: Measure, value: Value) -> str | None:
    return rag_of(measure, value.value, target_for(measure, value.period))
