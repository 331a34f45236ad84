"""Titles and descriptions of charts, generated from the same data the chart shows.

After Lundgard and Satyanarayan's levels (IEEE VIS 2021): what the chart shows (level 1), the
key numbers (2) and the trend (3), in two or three sentences of at most `WORDS` words. The
per-period detail is in the chart's table, never repeated here; judgement (level 4) is the
officers' commentary. A title says the message where the data supports it ("Rate of CP rose to
97"); the figure's subtitle gives the period and unit.
"""

from __future__ import annotations

from improvement_site.model.labels import (at_period, long_date, measure_number, period_label,
                                           overdue_words, stale_caveat, stale_value)
from improvement_site.model.sitedata import SiteData
from improvement_site.model.schema import Measure
from improvement_site.model.status import (DIRECTION_LABELS, RAG_LABELS, StatusCounts,
                                           measure_status, target_for)

WORDS = 60  # the most a description says; the table has the rest


def words(text: str) -> int:
    return len(text.split())


def within(first: str, *more: str, limit: int = WORDS) -> str:
    """The first sentence, then each further one that still fits in `limit` words, in order
    (later ones are the less important)."""
    text = first
    for sentence in more:
        if sentence and words(text) + words(sentence) <= limit:
            text += " " + sentence
    return text


def _known(values: list) -> list:
    return [v for v in values if v.value is not None]


def measure_title(measure: Measure, values: list) -> str:
    """'Rate of CP rose to 97': the chart's message, from its first and last values."""
    known = _known(values)
    if not known:
        return measure.name
    first, last = known[0], known[-1]
    latest = measure_number(measure, last.value)
    if len(known) == 1 or last.value == first.value:
        return f"{measure.name} was {latest} {at_period(last.period)}"
    return f"{measure.name} {'rose' if last.value > first.value else 'fell'} to {latest}"


def measure_sentence(data: SiteData, measure: Measure, values: list,
                     direction: bool = True) -> str:
    """e.g. 'Rate of CP rose from 86 in April 2023 to 97 in June 2023, above the target of 83
    and outside the tolerance of 76–91; rated Red, worsening.'"""
    known = _known(values)
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
        side = "above" if last.value > target else "below" if last.value < target else "on"
        clauses.append(f"{side} the target of {fmt(target)}")
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
    # The rating and direction are the latest value's: said only when the chart ends there.
    st = measure_status(data, measure)
    if st.latest and st.latest.period == last.period:
        judged = ([f"rated {RAG_LABELS[st.rag]}"] if st.rag else []) + (
            [DIRECTION_LABELS[st.direction].lower()] if st.direction and direction else [])
        if judged:
            text += "; " + ", ".join(judged)
    return text + "."


def measure_description(data: SiteData, measure: Measure, values: list, visits=()) -> str:
    """The sentence above, then whether the latest value is not recent and how the target is
    drawn, then gaps, comparators and marked visits, as far as they fit."""
    fmt = lambda x: measure_number(measure, x)  # noqa: E731
    first = measure_sentence(data, measure, values)
    known = _known(values)
    st = measure_status(data, measure)
    stale = ""
    if known and st.stale and st.latest and st.latest.period == known[-1].period:
        stale = f"Not recent: the {stale_value(st.latest_month)}."
        if words(first) + words(stale) > WORDS:
            # Saying the figures are old matters more than which way they last moved.
            first = measure_sentence(data, measure, values, direction=False)
    linear = ""
    if known and measure.targets_mode == "linear" and \
            target_for(measure, known[-1].period) is not None:
        linear = "The target follows a straight-line trajectory between milestones."
    missing = [v for v in values if v.value is None] if known else []
    gaps = ""
    if len(missing) > 3:
        gaps = f"No value for {len(missing)} periods (shown as gaps)."
    elif missing:
        gaps = ("No value for " + ", ".join(period_label(v.period) for v in missing) +
                f" (shown as {'gaps' if len(missing) > 1 else 'a gap'}).")
    comparators = ""
    if measure.comparators:
        comparators = "Comparators: " + "; ".join(
            f"{c.name} {fmt(c.value)}" + (f" ({c.period})" if c.period is not None else "")
            for c in measure.comparators) + "."
    return within(first, stale, linear, gaps, comparators, visits_marked(visits))


def visit_short(visit) -> str:
    """A visit as a chart labels it: 'Visit 4', 'Inspection', 'Focused visit', 'JTAI'."""
    if visit.kind == "monitoring_visit":
        return f"Visit {visit.number}" if visit.number is not None else "Visit"
    return {"full_inspection": "Inspection", "focused_visit": "Focused visit",
            "jtai": "JTAI"}[visit.kind]


def visit_name(visit) -> str:
    """'Monitoring visit 4 (16 May 2023)': a visit named without its (often long) focus."""
    from improvement_site.model.labels import KIND_LABELS
    kind = KIND_LABELS[visit.kind] + (f" {visit.number}" if visit.number is not None else "")
    return f"{kind} ({long_date(visit.start)})"


def visits_marked(visits) -> str:
    visits = list(visits)
    if not visits:
        return ""
    if len(visits) > 2:
        return f"{len(visits)} inspections and visits are marked; the latest, {visit_name(visits[-1])}."
    return "Marked: " + " and ".join(visit_name(v) for v in visits) + "."


def rag_counts(data: SiteData, measures) -> list[tuple[str, int]]:
    """Latest ratings of the measures, worst first: [('Red', 3), ('Amber', 1), ...]."""
    ratings = [measure_status(data, m).rag for m in measures]
    return [(RAG_LABELS[r], ratings.count(r)) for r in ("red", "amber", "green", None)
            if ratings.count(r)]


def _directions(data: SiteData, measures) -> list[tuple[str, int]]:
    statuses = [measure_status(data, m) for m in measures]
    moving = [(DIRECTION_LABELS[d].lower(), sum(s.direction == d for s in statuses))
              for d in ("improving", "worsening", "no_change")]
    return [(label, k) for label, k in moving if k]


def strip_title(data: SiteData, scope: str, measures) -> str:
    """'Headline measures: 2 rated Red, 3 Amber, 1 Green', or where none is rated, their
    directions: 'Headline measures: 1 improving, 1 no change'."""
    rated = [(label, n) for label, n in rag_counts(data, measures) if label != RAG_LABELS[None]]
    if rated:
        return f"{scope}: " + ", ".join(
            f"{n} {'rated ' if i == 0 else ''}{label}" for i, (label, n) in enumerate(rated))
    moving = _directions(data, measures)
    return f"{scope}: " + ", ".join(f"{k} {label}" for label, k in moving) if moving else scope


def strip_description(data: SiteData, measures, span: tuple[str, str], visit=None,
                      visit_shown: bool = False) -> str:
    """What a small multiple shows, its ratings and directions, and which measures are red."""
    n = len(measures)
    what = (f"{n} line chart{'s' if n != 1 else ''}, one per measure, each with its own "
            f"scale, {period_label(span[0])} to {period_label(span[1])}.")
    counts = rag_counts(data, measures)
    rated = [f"{k} {label}" for label, k in counts if label != RAG_LABELS[None]]
    unrated = sum(k for label, k in counts if label == RAG_LABELS[None])
    if not rated:
        ratings = "None has a RAG rating."
    else:
        ratings = "Latest ratings: " + ", ".join(rated) + (
            f"; {unrated} with no RAG." if unrated else ".")
    directions = ", ".join(f"{k} {label}" for label, k in _directions(data, measures))
    directions = (directions[:1].upper() + directions[1:] + ".") if directions else ""
    red = [m.name for m in measures if measure_status(data, m).rag == "red"]
    named = ("Red: " + "; ".join(red) + ".") if red else ""
    stale = sum(measure_status(data, m).stale for m in measures)
    old = ""  # as the home page words it: the ratings rest on old figures
    if stale:
        whose = "every measure's latest value is" if stale == n else \
            f"{stale} of these measures' latest values are"
        old = f"Not recent: {whose} more than {data.site.stale_after_days} days old."
    marked = ""
    if visit is not None and visit_shown:
        marked = f"The visit, {visit_name(visit)}, is marked where it falls within a chart."
    elif visit is not None:
        marked = f"The visit, {visit_name(visit)}, falls outside the period these charts show."
    return within(what, ratings, old, named, directions, marked,
                  "The table gives every value and line drawn.")


def status_title(counts: StatusCounts) -> str:
    """'10 of 75 actions completed; 44 past their due date'."""
    if not counts.total:
        return "No actions yet"
    done = counts.counts.get("complete", 0)
    # The count alone, as the pages say it; what the overdue actions are is the description's.
    n = counts.overdue
    late = f"{n} past {'its' if n == 1 else 'their'} due date" if n else "none past its due date"
    return (f"{done} of {counts.total} action{'s' if counts.total != 1 else ''} completed; "
            f"{late}")


def _capital(words: str) -> str:
    return words[:1].upper() + words[1:]


def status_description(counts: StatusCounts, scope: str) -> str:
    parts = [f"{n} {label.lower()}" for _, label, n in counts.items() if n]
    scope = scope[:1].upper() + scope[1:]  # a sentence, read aloud as one
    if not counts.total:
        return f"{scope} has no actions yet."
    caveat = stale_caveat(counts)
    return (f"{scope} has {counts.total} action{'s' if counts.total != 1 else ''}: "
            + ", ".join(parts) + f". {_capital(overdue_words(counts))}"
            + (f", {caveat}." if caveat else "."))


def visits_title(visits) -> str:
    """'6 inspections and visits since July 2022'; one alone is named."""
    if len(visits) == 1:
        return visit_name(visits[0])
    return f"{len(visits)} inspections and visits since {long_date(visits[0].start)}"


def visits_description(visits, highlighted=None) -> str:
    """How many visits of which kinds, from when to when, the latest, and this page's."""
    from improvement_site.model.labels import KIND_LABELS
    visits = list(visits)
    this = (f"This page's visit, {visit_name(highlighted)}, is a diamond."
            if highlighted is not None else "")
    if len(visits) == 1:
        return within("A timeline with one row: the only inspection or visit recorded.", this)
    kinds = [(KIND_LABELS[k], sum(v.kind == k for v in visits)) for k in KIND_LABELS]
    kinds = [f"{n} {label.lower()}{'s' if n != 1 else ''}" for label, n in kinds if n]
    return within(f"A timeline, one row per visit, {long_date(visits[0].start)} to "
                  f"{long_date(visits[-1].start)}: " + ", ".join(kinds) + ".",
                  f"The latest is {visit_name(visits[-1])}.", this)


def progress_title(points) -> str:
    """'Completed actions rose from 2 to 6': the first and last meeting's completed count."""
    first, last = (counts.counts.get("complete", 0) for _, counts in (points[0], points[-1]))
    if first == last:
        return f"Completed actions stayed at {last}"
    return f"Completed actions {'rose' if last > first else 'fell'} from {first} to {last}"


def progress_description(points) -> str:
    """Actions by status at each meeting: the first and last count of every status."""
    first, last = points[0], points[-1]
    parts = [f"{label.lower()} {n_first} then {n_last}"
             for (_, label, n_first), (_, _, n_last) in zip(first[1].items(), last[1].items())]
    return within(f"Actions by status at {len(points)} meetings, from {first[0]} to "
                  f"{last[0]}: " + "; ".join(parts) + ".")


def breakdown_description(breakdown) -> str:
    """e.g. 'Bars for 14 categories totalling 558, June 2023. The largest is U6: Foster
    placement - not FFA (242), then ... and ... The smallest is ... (1).' The title, the
    period and the source's order are in the figure's title and subtitle."""
    from improvement_site.model.labels import number
    fmt = lambda x: number(x, breakdown.unit)  # noqa: E731
    cats = list(breakdown.categories)
    when = period_label(breakdown.period)
    if len(cats) == 1:
        return f"One bar: {cats[0].name}, {fmt(cats[0].value)}, {when}."
    summed = (f"totalling {fmt(breakdown.total)}" if breakdown.total is not None
              else f"adding up to {fmt(sum(c.value for c in cats))} (no total is given)")
    ranked = sorted(cats, key=lambda c: -c.value)
    head = f"Bars for {len(cats)} categories {summed}, {when}."
    top = [f"{c.name} ({fmt(c.value)})" for c in ranked[:3]]
    largest = f"The largest is {top[0]}" + (", then " + " and ".join(top[1:]) if top[1:] else "")
    if words(head) + words(largest) >= WORDS:  # long names: the largest alone
        largest = f"The largest is {top[0]}"
    smallest = ""
    rest = ranked[3:]
    if rest:
        least = [c.name for c in rest if c.value == rest[-1].value]
        if len(least) == 1:
            smallest = f"The smallest is {least[0]} ({fmt(rest[-1].value)})."
        elif len(least) <= 3:
            smallest = (f"The smallest are {', '.join(least[:-1])} and {least[-1]} "
                        f"({fmt(rest[-1].value)} each).")
        else:
            smallest = f"{len(least)} categories have the smallest figure, {fmt(rest[-1].value)}."
    return within(head, largest + ".", smallest)
