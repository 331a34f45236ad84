"""Measure charts: pure functions from the model to figures (charts/figure.py).

A measure is one panel, drawn narrow (theme.WIDTH) from the measure alone, so its own page, an
area's page, the home page and a visit's page all show the same SVG. Small multiples are the
measures' panels side by side, laid out by the page; nothing here reads files or renders.

Months sit on a UTC `yearmonth` time axis with explicit month ticks (charts/months.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import altair as alt

from improvement_site.charts import describe, layout, theme
from improvement_site.charts.figure import (KEY_BAND, KEY_COMPARATOR, KEY_TARGET, KEY_VALUE,
                                            KEY_VISIT, Figure, Panel)
from improvement_site.charts.months import add_months as _add_months
from improvement_site.charts.months import month as _month
from improvement_site.charts.months import month_ticks, months_between, x_axis
from improvement_site.model.labels import UNIT_LABELS, measure_number, number, period_label
from improvement_site.model.schema import Measure, Visit
from improvement_site.model.sitedata import SiteData, period_start
from improvement_site.model.status import RAG_LABELS, measure_status, target_for

# Actions by status and the visits' time line were built here; they are importable from here
# still, for callers written before they had modules of their own.
from improvement_site.charts.counts import progress_figure, status_figure  # noqa: F401, E402
from improvement_site.charts.timeline import visits_timeline_figure  # noqa: F401, E402

TABLE = ("Period", "Value", "Target in force", "Note")
HALO = {"stroke": theme.BACKGROUND, "strokeWidth": 4, "strokeJoin": "round"}


def unit_words(measure: Measure) -> str:
    return UNIT_LABELS[measure.unit]


def panel_heading(measure: Measure) -> str:
    """'Rate of CP (rate per 10,000 children)': every panel says its unit."""
    return f"{measure.name} ({unit_words(measure)})"


def charted_values(data: SiteData, measure: Measure) -> list:
    """Only what was known at the reporting date: a release reads the same whenever opened."""
    return [v for v in data.values_of(measure.id)
            if period_start(v.period) <= data.site.reporting_date]


def _band(measure: Measure, months: list[date]) -> tuple[float, float] | None:
    tol = measure.tolerance
    if not (tol and (tol.low is not None or tol.high is not None) and months):
        return None
    target = target_for(measure, months[0].strftime("%Y-%m"))
    low = tol.low if tol.low is not None else target
    high = tol.high if tol.high is not None else target
    return (low, high) if low is not None and high is not None else None


def _tick_label(measure: Measure, value: float) -> str:
    return number(value, "percent" if measure.unit == "percent" else "count")


def _span(values: list) -> tuple[date, date]:
    """The months a measure's panel spans: its first value's to its last's; one month alone
    is drawn in the middle of the three around it."""
    first = _month(period_start(values[0].period))
    last = _month(period_start(values[-1].period))
    return (first, last) if last > first else (_add_months(first, -1), _add_months(first, 1))


def measure_figure(data: SiteData, measure: Measure) -> Figure | None:
    """Values as a line with dots (gaps where missing), the target in force as a dashed step
    line, the tolerance band shaded with dashed edges, comparators as labelled dotted lines,
    visits as dashed upright lines labelled above the plot. None when there are no values."""
    values = charted_values(data, measure)
    if not any(v.value is not None for v in values):
        return None
    first = _month(period_start(values[0].period))
    last = _month(period_start(values[-1].period))
    start, end = _span(values)
    visits = [v for v in data.visits_for_measure(measure.id)
              if start <= _month(v.start_date) <= end]
    months = months_between(first, last)
    has_target = measure.target is not None or bool(measure.targets)
    targets = [(m, target_for(measure, m.strftime("%Y-%m"))) for m in months] if has_target else []
    points = [(period_start(v.period), v.value) for v in values]
    band = _band(measure, months)

    seen = [v for _, v in points + targets if v is not None] + list(band or ()) + [
        c.value for c in measure.comparators]
    low, high, ticks = layout.nice_scale(max(seen), min(seen))
    if measure.unit == "percent" and high > 100 >= max(seen):
        low, high, ticks = layout.nice_scale(100, min(seen))
    marks = [(_month(v.start_date), describe.visit_short(v)) for v in visits]
    plot = layout.plot_area([_tick_label(measure, t) for t in ticks], start, end, low, high,
                            theme.HEIGHT)
    rows = layout.label_rows(plot, marks)
    height = theme.HEIGHT + (max(r for r, _ in rows) + 1) * theme.LINE_HEIGHT if rows else theme.HEIGHT
    plot = layout.plot_area([_tick_label(measure, t) for t in ticks], start, end, low, high,
                            height, rows_above=(max(r for r, _ in rows) + 1) if rows else 0)

    x = x_axis(start, end, [first] if first == last else
               month_ticks(start, end, plot.width, last))
    scale = alt.Scale(domain=[low, high], nice=False, zero=False)
    axis = alt.Axis(values=ticks, format=",~f",
                    labelExpr="datum.label + '%'" if measure.unit == "percent" else alt.Undefined)

    def Y(field: str) -> alt.Y:  # every layer on the one y scale, with one axis and no title
        return alt.Y(f"{field}:Q", title=None, scale=scale, axis=axis)

    y = Y("value")
    layers = []
    if band:
        area = alt.Chart(alt.Data(values=[{"date": d.isoformat(), "low": band[0], "high": band[1]}
                                          for d in (start, end)]))
        layers.append(area.mark_area(color=theme.BAND, opacity=1).encode(
            x=x, y=Y("low"), y2="high:Q"))
        edges = alt.Chart(alt.Data(values=[{"edge": b} for b in band]))
        layers.append(edges.mark_rule(color=theme.BAND_EDGE, strokeDash=[5, 3],
                                      strokeWidth=1.5).encode(y=Y("edge")))
    # A linear trajectory is drawn as the straight path it is; milestones as steps.
    linear = measure.targets_mode == "linear"
    data_segments = (layout.line_segments(plot, points)
                     + layout.line_segments(plot, targets, step=not linear))
    data_segments += [((0, plot.y(b)), (plot.width, plot.y(b))) for b in band or ()]
    # Visit lines are not data: a label may cross one, on a white halo (below).
    taken: list = []
    unlabelled = []
    for c in measure.comparators:
        text = f"{c.name} {measure_number(measure, c.value)}"
        rule = alt.Chart(alt.Data(values=[{"value": c.value, "label": text}]))
        layers.append(rule.mark_rule(color=theme.GREY, strokeDash=[2, 3], strokeWidth=2,
                                     strokeCap="round").encode(y=y))
        placed = layout.place_rule_label(plot, c.value, text, data_segments, taken)
        data_segments.append(((0, plot.y(c.value)), (plot.width, plot.y(c.value))))
        if not placed:
            unlabelled.append(text)
        else:
            taken.append(placed.box)
            where = dict(align=placed.align, baseline="bottom" if placed.dy < 0 else "top",
                         dy=placed.dy, x="width" if placed.align == "right" else 0,
                         dx=-1 if placed.align == "right" else layout.LABEL_INSET)
            for halo in (True, False):
                layers.append(rule.mark_text(**where, **HALO if halo else {}).encode(
                    y=y, text="label:N"))
    if marks:
        rule_rows = [{"date": d.isoformat(), "label": text} for d, text in marks]
        layers.append(alt.Chart(alt.Data(values=rule_rows)).mark_rule(
            color=theme.GREY, strokeDash=[4, 4], strokeWidth=1.5).encode(x=x))
        for align in ("left", "right"):
            labels = [{"date": d.isoformat(), "label": text,
                       "py": -6 - row * theme.LINE_HEIGHT}
                      for (d, text), (row, side) in zip(marks, rows) if side == align]
            if labels:
                layers.append(alt.Chart(alt.Data(values=labels)).mark_text(
                    align=align, baseline="bottom", dx=3 if align == "left" else -3).encode(
                    x=x, y=alt.Y("py:Q", scale=None), text="label:N"))
    series = [{"date": d.isoformat(), "value": v} for d, v in points]
    base = alt.Chart(alt.Data(values=series))
    value_line = base.mark_line(color=theme.BLUE, invalid="break-paths-show-domains").encode(
        x=x, y=y)
    if targets:
        # On a white casing: orange has 3:1 against white only, and the target mostly lies
        # inside the tolerance band. The casing goes under the values and the dashes over
        # them: a target the values run along (NEL's Rate of CLA, 166 against 164 to 169)
        # was hidden under the value line; now its dashes show, the values in their gaps.
        target = alt.Chart(alt.Data(values=[{"date": d.isoformat(), "value": v}
                                            for d, v in targets]))
        for casing in (True, False):
            if not casing:
                layers.append(value_line)
            layers.append(target.mark_line(
                color=theme.BACKGROUND if casing else theme.ORANGE,
                strokeWidth=5.5 if casing else 2.5, strokeDash=alt.Undefined if casing else [6, 4],
                interpolate="linear" if linear else "step-after",
                invalid="break-paths-show-domains").encode(x=x, y=y))
    else:
        layers.append(value_line)
    layers.append(base.mark_point(filled=True, shape="circle", color=theme.BLUE, opacity=1).encode(
        x=x, y=y).transform_filter(alt.expr.isValid(alt.datum.value)))
    chart = theme.sized(alt.layer(*layers), height)

    key = [(KEY_VALUE, "Value")]
    if targets:
        key.append((KEY_TARGET, "Target"))
    if band:
        key.append((KEY_BAND, f"Tolerance, {measure_number(measure, band[0])} to "
                              f"{measure_number(measure, band[1])}"))
    for c in measure.comparators:
        key.append((KEY_COMPARATOR, f"{c.name}, {measure_number(measure, c.value)}"))
    if marks:
        key.append((KEY_VISIT, "Inspection or visit (labelled above)"))
    lines = ([f"Tolerance band {measure_number(measure, band[0])} to "
              f"{measure_number(measure, band[1])}"] if band else []) + [
        f"{c.name} {measure_number(measure, c.value)}" + (f" ({c.period})" if c.period else "")
        for c in measure.comparators] + [
        f"{describe.visit_name(v)}, labelled {text}" for (_, text), v in zip(marks, visits)]
    table = tuple((period_label(v.period), measure_number(measure, v.value),
                   measure_number(measure, target_for(measure, v.period)) if has_target else "",
                   v.note or "") for v in values)
    return Figure(
        chart=None, title=describe.measure_title(measure, values),
        subtitle=f"{period_label(values[0].period)} to {period_label(values[-1].period)}. "
                 f"Unit: {unit_words(measure)}.",
        description=describe.measure_description(data, measure, values, visits),
        key=tuple(key), panels=(Panel(chart=chart, heading=panel_heading(measure), note=(
            f"Dotted line{'s' if len(unlabelled) > 1 else ''}: {'; '.join(unlabelled)}."
            if unlabelled else "")),),
        columns=TABLE, rows=table, name=measure.id, lines=tuple(lines))


KEY_ORDER = (KEY_VALUE, KEY_TARGET, KEY_BAND, KEY_COMPARATOR, KEY_VISIT)


def merge_keys(figures) -> tuple:
    """The key of several measures' panels: each kind of line once, in one order; a band or a
    comparator is named generally, as each panel's differ (the table gives them)."""
    kinds = {kind for f in figures for kind, _ in f.key}
    general = {KEY_VALUE: "Value", KEY_TARGET: "Target", KEY_BAND: "Tolerance band",
               KEY_COMPARATOR: "Comparator (named on its line or under the heading)",
               KEY_VISIT: "Inspection or visit (labelled above)"}
    return tuple((kind, general[kind]) for kind in KEY_ORDER if kind in kinds)


def measures_strip(data: SiteData, measures: list[Measure], *, title: str, name: str,
                   visit: Visit | None = None, figure=None) -> Figure | None:
    """Small multiples: each measure's own panel (each with its own scale, as units differ),
    for the home page's headline measures, an area's measures and a visit's.

    `figure(measure)` gives a measure's figure; by default it is built here, and a caller with
    a cache passes its own, so a panel is built (and drawn) once for every page."""
    figure = figure or (lambda m: measure_figure(data, m))
    pairs = [(m, f) for m, f in ((m, figure(m)) for m in measures) if f is not None]
    if not pairs:
        return None
    shown = [m for m, _ in pairs]
    figures = [f for _, f in pairs]
    panels = tuple(replace(p, note=" ".join(filter(None, (latest_words(data, m), p.note))))
                   for m, f in pairs for p in f.panels)
    periods = sorted(str(v.period) for m in shown for v in charted_values(data, m))
    span = (periods[0], periods[-1])
    rows = tuple((m.name, *row) for m, f in pairs for row in f.rows)
    return Figure(
        chart=None, title=describe.strip_title(data, title, shown),
        subtitle=f"{period_label(span[0])} to {period_label(span[1])}. Each chart has its own "
                 f"scale; its heading gives the unit.",
        description=describe.strip_description(
            data, shown, span, visit,
            visit_shown=visit is not None and any(_visit_in(data, m, visit) for m in shown)),
        key=merge_keys(figures), panels=panels,
        lines=tuple(f"{m.name}: " + "; ".join(f.lines) for m, f in pairs if f.lines),
        columns=("Measure", *TABLE), rows=rows, name=name)


def latest_words(data: SiteData, measure: Measure) -> str:
    """A panel's RAG in words, under its heading in a small multiple, where the reader
    compares panels: 'Latest: 169 (June 2023), Green.' (a measure's own page says it above)."""
    st = measure_status(data, measure)
    if st.latest is None:
        return ""
    return (f"Latest: {measure_number(measure, st.latest.value)} "
            f"({period_label(st.latest.period)}), {RAG_LABELS[st.rag]}.")


def _visit_in(data: SiteData, measure: Measure, visit: Visit) -> bool:
    """Whether the visit falls within the months the measure's panel shows."""
    values = charted_values(data, measure)
    if not values:
        return False
    start, end = _span(values)
    return start <= _month(visit.start_date) <= end


def visit_measures_figure(data: SiteData, visit: Visit, figure=None) -> Figure | None:
    """The visit's measures, each its own panel with the visit marked where it falls."""
    measures = [data.measure(m) for m in visit.measures]
    return measures_strip(data, measures, title="Measures linked to this visit",
                          name=f"{visit.id}-measures", visit=visit, figure=figure)
