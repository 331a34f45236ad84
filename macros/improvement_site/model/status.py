"""Derived facts, computed once from the model: overdue actions, status counts, the target in
force, RAG of a value and direction of travel, whether a status or a value is recent, and the
council's own providers' latest grades. Pages and charts read these; none computes its own.
Everything is judged against the site's `reporting_date`, never the clock.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterable

from improvement_site.model.labels import long_date
from improvement_site.model.sitedata import SiteData, period_month, period_start
from improvement_site.model.schema import (Action, Area, Measure, Provider, ProviderInspection,
                                           Value)

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


# -- how recent a status is ------------------------------------------------------------------


def review_date(area: Area, action: Action) -> date | None:
    """When the action's status was last reviewed: its own date, else its area's; None when
    neither says (then nothing is claimed either way)."""
    return action.reviewed or area.reviewed


def too_old(data: SiteData, day: date) -> bool:
    """More than stale_after_days before the reporting date (exactly that many is recent)."""
    return (data.site.reporting_date - day).days > data.site.stale_after_days


def is_stale(data: SiteData, area: Area, action: Action) -> bool:
    """Whether the action's status is not recent: reviewed more than stale_after_days before
    the reporting date."""
    reviewed = review_date(area, action)
    return reviewed is not None and too_old(data, reviewed)


def stale_review(data: SiteData) -> Callable[[Action], date | None]:
    """action → its review date when its status is not recent, else None (for counts)."""
    def review(action: Action) -> date | None:
        area = data.area_of(action.id)
        return review_date(area, action) if is_stale(data, area, action) else None
    return review


@dataclass(frozen=True)
class StatusCounts:
    counts: dict[str, int]
    overdue: int
    # How many of the counted statuses are not recent, how many of the overdue ones, and the
    # dates those statuses were last reviewed (oldest first). All 0 / () with no review dates.
    stale: int = 0
    stale_overdue: int = 0
    reviewed: tuple[date, ...] = ()
    # The overdue actions by the status the council gave them, so "overdue" can say what it
    # is (14 reported on schedule, 30 never rated) rather than sound like "delayed".
    overdue_by: dict[str, int] | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def all_stale(self) -> bool:
        return self.total > 0 and self.stale == self.total

    def items(self) -> list[tuple[str, str, int]]:
        """(status, label, count) in the councils' order, zeros included."""
        return [(s, STATUS_LABELS[s], self.counts.get(s, 0)) for s in STATUS_ORDER]


def count_statuses(actions: Iterable[Action], reporting_date: date,
                   stale_review: Callable[[Action], date | None] | None = None) -> StatusCounts:
    """Counts by status and overdue; `stale_review(action)` gives the review date of a status
    that is not recent (None for a recent one or one with no date)."""
    actions = list(actions)
    counts = Counter(status_of(a) for a in actions)
    overdue = [is_overdue(a, reporting_date) for a in actions]
    reviews = [stale_review(a) for a in actions] if stale_review else [None] * len(actions)
    return StatusCounts(
        {s: counts.get(s, 0) for s in STATUS_ORDER}, sum(overdue),
        stale=sum(r is not None for r in reviews),
        stale_overdue=sum(r is not None and late for r, late in zip(reviews, overdue)),
        reviewed=tuple(sorted({r for r in reviews if r is not None})),
        overdue_by={s: n for s, n in Counter(
            status_of(a) for a, late in zip(actions, overdue) if late).items()})


def area_counts(data: SiteData, area) -> StatusCounts:
    return count_statuses((act for _, _, act in data.actions(area)), data.site.reporting_date,
                          stale_review(data))


def plan_counts(data: SiteData) -> StatusCounts:
    return count_statuses((act for _, _, act in data.actions()), data.site.reporting_date,
                          stale_review(data))


# -- measures -------------------------------------------------------------------------------


def _month_number(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def target_for(measure: Measure, period: str) -> float | None:
    """The target in force for a period (a snapshot date uses its month). Step (default): the
    first milestone on or after its month, else the last milestone; or the single target.
    Linear: see `_linear_target`."""
    if measure.targets:
        month = period_month(period)
        ordered = sorted(measure.targets, key=lambda m: m.by)
        if measure.targets_mode == "linear":
            return _linear_target(measure, [(m.by, m.value) for m in ordered], month)
        for milestone in ordered:
            if milestone.by >= month:
                return milestone.value
        return ordered[-1].value
    return measure.target


def _linear_target(measure: Measure, milestones: list[tuple[str, float]],
                   month: str) -> float | None:
    """Interpolated month by month from the previous milestone (or the baseline) to the next;
    after the last, the last. Before the first milestone with no baseline there is nothing to
    interpolate from, so the first milestone is in force (as with steps); before the baseline
    the trajectory has not started, so there is no target."""
    base = measure.baseline
    points = ([(base.period, base.value)] if base else []) + milestones
    if month <= points[0][0]:
        if base:
            return base.value if month == base.period else None
        return points[0][1]
    for (start, low), (end, high) in zip(points, points[1:]):
        if month <= end:
            done = _month_number(month) - _month_number(start)
            return low + (high - low) * done / (_month_number(end) - _month_number(start))
    return points[-1][1]


IN_RANGE_AMBER = ("never", "off_target")


def in_range_amber(data: SiteData) -> str:
    """The site's rule for in-range measures: never (default) or off_target."""
    rules = data.site.rag_rules
    return rules.in_range_amber if rules else "never"


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def rag_of(measure: Measure, value: float | None, target: float | None,
           in_range_amber: str = "never") -> str | None:
    """Green / amber / red by the contract's rules; None when it cannot be judged.
    `in_range_amber` is the site's rule (see `in_range_amber(data)`): with off_target an
    in_range value is Green only at the target, Amber elsewhere inside the tolerance."""
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
    if not low <= value <= high:
        return "red"
    if in_range_amber == "off_target" and not _same(value, target):
        return "amber"
    return "green"


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
    # Whether the latest value's period ended more than stale_after_days before the reporting
    # date, and the month it is from in words ("November 2022"; "" with no latest value).
    stale: bool = False
    latest_month: str = ""


def known_values(data: SiteData, measure: Measure) -> list[Value]:
    """Values with a number, on or before the reporting date, in period order."""
    return [v for v in data.values_of(measure.id)
            if v.value is not None and period_start(v.period) <= data.site.reporting_date]


def period_end(period: str) -> date:
    """The last day a period covers: 2022-11 → 30 November 2022; a snapshot date → itself."""
    start = period_start(period)
    if len(period) > 7:
        return start
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def is_stale_value(data: SiteData, value: Value) -> bool:
    """Whether a value's period ended more than stale_after_days before the reporting date."""
    return too_old(data, period_end(value.period))


def measure_status(data: SiteData, measure: Measure) -> MeasureStatus:
    values = known_values(data, measure)
    latest = values[-1] if values else None
    previous = values[-2] if len(values) > 1 else None
    target = target_for(measure, latest.period) if latest else None
    computed = rag_of(measure, latest.value if latest else None, target, in_range_amber(data))
    override = measure.rag_override
    direction = direction_of(measure, latest.value if latest else None,
                             previous.value if previous else None, target)
    return MeasureStatus(
        latest=latest, previous=previous, target=target, computed_rag=computed,
        rag=override.rag if override else computed,
        override_reason=override.reason if override else None, direction=direction,
        stale=latest is not None and is_stale_value(data, latest),
        latest_month=long_date(period_month(latest.period)) if latest else "",
    )


def value_rag(measure: Measure, value: Value, in_range_amber: str = "never") -> str | None:
    """A value's RAG; pass the site's rule (`in_range_amber(data)`), or use `value_table`."""
    return rag_of(measure, value.value, target_for(measure, value.period), in_range_amber)


def value_table(data: SiteData, measure: Measure) -> list[tuple[Value, float | None, str | None]]:
    """Every value of the measure with the target in force for its period and its RAG by
    the site's rules, in period order."""
    rule = in_range_amber(data)
    return [(v, target_for(measure, v.period), value_rag(measure, v, rule))
            for v in data.values_of(measure.id)]


# -- the council's own providers --------------------------------------------------------------

GRADE_ORDER = ("outstanding", "good", "requires_improvement", "inadequate", None)


def inspections_of(provider: Provider) -> list[ProviderInspection]:
    """The provider's inspections, newest first."""
    return sorted(provider.inspections, key=lambda i: i.date, reverse=True)


def latest_inspection(data: SiteData, provider: Provider) -> ProviderInspection | None:
    """The newest inspection on or before the reporting date."""
    past = [i for i in inspections_of(provider) if i.date <= data.site.reporting_date]
    return past[0] if past else None


def provider_grade_counts(data: SiteData) -> list[tuple[str | None, int]]:
    """(latest grade, how many providers have it) in the grades' order, None for providers
    not yet inspected by the reporting date; grades no provider has are left out."""
    counts = Counter(getattr(latest_inspection(data, p), "grade", None) for p in data.providers)
    return [(g, counts[g]) for g in GRADE_ORDER if counts.get(g)]
