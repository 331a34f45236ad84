"""Text descriptions of charts, generated from the same data the chart shows.

Each states the numbers a sighted reader would take from the chart: where the series started
and ended, the target and tolerance, and the direction of travel. The description is the
chart's ARIA label and is printed beside it.
"""

from __future__ import annotations

from improvement_site.model.labels import (at_period, measure_number, period_label, stale_caveat,
                                           stale_value)
from improvement_site.model.sitedata import SiteData
from improvement_site.model.schema import Measure
from improvement_site.model.status import DIRECTION_LABELS, StatusCounts, measure_status, target_for


def measure_description(data: SiteData, measure: Measure, values: list) -> str:
    """e.g. 'Rate of CP plans rose from 86 in April 2023 to 97 in June 2023, above the target
    of 83 and outside the tolerance of 76–91; worsening.'"""
    known = [v for v in values if v.value is not None]
    name = measure.name
    if not known:
        return f"{name}: no values have been published, so there is nothing to plot."
    first, last = known[0], known[-1]
    fmt = lambda x: measure_number(measure, x)  # noqa: E731
    if len(known) == 1:
        text = f"{name} was {fmt(last.value)} {at_period(last.period)}"
    elif last.value > first.value:
        text = (f"{name} rose from {fmt(first.value)} {at_period(first.period)} to "
                f"{fmt(last.value)} {at_period(last.period)}")
    elif last.value < first.value:
        text = (f"{name} fell from {fmt(first.value)} {at_period(first.period)} to "
                f"{fmt(last.value)} {at_period(last.period)}")
    elif len(first.period) == len(last.period):  # in both June and July; on both 3 and 17 July
        text = (f"{name} was {fmt(last.value)} {at_period(first.period)[:3]}both "
                f"{period_label(first.period)} and {period_label(last.period)}")
    else:
        text = (f"{name} was {fmt(last.value)} both {at_period(first.period)} and "
                f"{at_period(last.period)}")
    target = target_for(measure, last.period)
    clauses = []
    if target is not None:
        if last.value > target:
            clauses.append(f"above the target of {fmt(target)}")
        elif last.value < target:
            clauses.append(f"below the target of {fmt(target)}")
        else:
            clauses.append(f"on the target of {fmt(target)}")
    tol = measure.tolerance
    if tol and tol.low is not None and tol.high is not None:
        inside = tol.low <= last.value <= tol.high
        clauses.append(f"{'inside' if inside else 'outside'} the tolerance of "
                       f"{fmt(tol.low)}–{fmt(tol.high)}")
    elif tol and tol.low is not None:
        clauses.append(f"{'above' if last.value >= tol.low else 'below'} the lower tolerance "
                       f"of {fmt(tol.low)}")
    elif tol and tol.high is not None:
        clauses.append(f"{'below' if last.value <= tol.high else 'above'} the upper tolerance "
                       f"of {fmt(tol.high)}")
    if clauses:
        text += ", " + " and ".join(clauses)
    st = measure_status(data, measure)
    if st.direction and st.latest and st.latest.period == last.period:
        text += f"; {DIRECTION_LABELS[st.direction].lower()}"
    text += "."
    if st.stale and st.latest and st.latest.period == last.period:
        text += f" Not recent: the {stale_value(st.latest_month)}."
    if measure.targets_mode == "linear" and target is not None:
        text += " The target follows a straight-line trajectory between milestones."
    missing = [v for v in values if v.value is None]
    if missing:
        text += (" No value for " + ", ".join(period_label(v.period) for v in missing) +
                 " (shown as a gap).")
    if measure.comparators:
        text += " Comparators: " + "; ".join(
            f"{c.name} {fmt(c.value)}" + (f" ({c.period})" if c.period is not None else "")
            for c in measure.comparators) + "."
    return text


def status_description(counts: StatusCounts, scope: str) -> str:
    parts = [f"{n} {label.lower()}" for _, label, n in counts.items() if n]
    scope = scope[:1].upper() + scope[1:]  # a sentence, read aloud as one
    if not counts.total:
        return f"{scope} has no actions yet."
    caveat = stale_caveat(counts)
    return (f"{scope} has {counts.total} action{'s' if counts.total != 1 else ''}: "
            + ", ".join(parts) + f". {counts.overdue} overdue"
            + (f", {caveat}." if caveat else "."))


def visits_description(visits, highlighted=None) -> str:
    from improvement_site.model.labels import long_date, visit_label
    items = [f"{visit_label(v)} ({long_date(v.start)})" for v in visits]
    count = "1 inspection or visit" if len(visits) == 1 else f"{len(visits)} inspections and visits"
    text = f"{count} on a timeline: " \
        + "; ".join(items) + "."
    if highlighted is not None:
        text += f" This page's visit, {visit_label(highlighted)}, is marked with a diamond."
    return text


def breakdown_description(breakdown) -> str:
    """e.g. 'Children in care by placement type, June 2023, in 14 categories totalling 558.
    The largest is U6: Foster placement - not FFA (242), then ...; the smallest is ... (1).'"""
    from improvement_site.model.labels import number
    fmt = lambda x: number(x, breakdown.unit)  # noqa: E731
    cats = list(breakdown.categories)
    total = sum(c.value for c in cats)
    head = f"{breakdown.title}, {period_label(breakdown.period)}"
    if len(cats) == 1:
        return f"{head}: one category, {cats[0].name}, {fmt(cats[0].value)}."
    summed = (f"totalling {fmt(breakdown.total)}" if breakdown.total is not None
              else f"adding up to {fmt(total)} (no total is given)")
    ranked = sorted(cats, key=lambda c: -c.value)
    top = [f"{c.name} ({fmt(c.value)})" for c in ranked[:3]]
    text = f"{head}, in {len(cats)} categories {summed}. The largest is {top[0]}"
    if len(top) > 1:
        text += ", then " + " and ".join(top[1:])
    rest = ranked[3:]
    if rest:
        least = [c.name for c in rest if c.value == rest[-1].value]
        if len(least) == 1:
            text += f"; the smallest is {least[0]} ({fmt(rest[-1].value)})"
        elif len(least) <= 3:
            text += (f"; the smallest are {', '.join(least[:-1])} and {least[-1]} "
                     f"({fmt(rest[-1].value)} each)")
        else:
            text += f"; {len(least)} categories have the smallest figure, {fmt(rest[-1].value)}"
    return text + ". Bars are in the source's order."
