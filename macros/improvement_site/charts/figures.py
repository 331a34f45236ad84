"""Chart builders: pure functions from the model to Altair charts.

Each returns a `Figure`: the chart, its title, its text description and the rows of the table
behind it (also the CSV download). Nothing here reads files or renders anything; colours and
fonts come from the one registered theme (`chart_theme`).

Months sit on a UTC `yearmonth` time axis with month labels, so a point never drifts across a
month boundary and ticks never fall on weeks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import altair as alt

from improvement_site.charts import theme
from improvement_site.charts.describe import measure_description, status_description, visits_description
from improvement_site.model.labels import (KIND_LABELS, UNIT_LABELS, long_date, measure_number, period_label,
                     visit_label)
from improvement_site.model.sitedata import SiteData, period_start
from improvement_site.model.schema import Measure, Visit
from improvement_site.model.status import STATUS_LABELS, StatusCounts, target_for


@dataclass(frozen=True)
class Figure:
    """A chart with everything needed to make it accessible.

    `chart` is the Altair chart; a composition of other figures (small multiples) carries its
    Vega-Lite `spec` instead, put together from its panels' specs, because Altair deep-copies
    every panel to concatenate them and that cost grows with every panel and data point.
    """

    chart: alt.TopLevelMixin | None
    title: str
    description: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...] = field(default_factory=tuple)
    name: str = "chart"  # used for the CSV file name readers download
    spec: dict | None = None

    def to_spec(self) -> dict:
        """The Vega-Lite specification (not validated: tests validate the builders)."""
        return self.spec if self.spec is not None else self.chart.to_dict(validate=False)


def _month(d: date) -> date:
    return d.replace(day=1)


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _months_between(start: date, end: date) -> list[date]:
    out, current = [], _month(start)
    while current <= end:
        out.append(current)
        current = _add_months(current, 1)
    return out


def _x_axis(start: date, end: date, compact: bool = False) -> alt.X:
    span = max(1, (end.year - start.year) * 12 + end.month - start.month)
    step = 1 if span <= (6 if compact else 12) else 3 if span <= 36 else 6 if span <= 72 else 12
    return alt.X(
        "date:T", timeUnit="utcyearmonth", title=None,
        scale=alt.Scale(domain=[start.isoformat(), end.isoformat()]),
        axis=alt.Axis(format="%b %Y", labelOverlap=True,
                      tickCount={"interval": "month", "step": step}, grid=False),
    )


def _unit_title(measure: Measure) -> str:
    return UNIT_LABELS[measure.unit].capitalize()


def measure_figure(data: SiteData, measure: Measure, *, window: tuple[date, date] | None = None,
                   visits: list[Visit] | None = None, compact: bool = False) -> Figure | None:
    """Values as a line with points (gaps where missing), the target in force as a step line,
    the tolerance band shaded, comparators as labelled rules, visits as labelled vertical rules.
    None when the measure has no values in the window."""
    # Only what was known at the reporting date: a release reads the same whenever it is opened.
    values = [v for v in data.values_of(measure.id)
              if period_start(v.period) <= data.site.reporting_date
              and (window is None or window[0] <= period_start(v.period) <= window[1])]
    if not any(v.value is not None for v in values):
        return None
    first = _month(period_start(values[0].period))
    last = _month(period_start(values[-1].period))
    start, end = (window if window else (first, last))
    start, end = _month(start), _month(end)
    if end == start:
        end = _add_months(start, 1)
    if visits is None:
        visits = [v for v in data.visits_for_measure(measure.id)]
    visits = [v for v in visits if start <= _month(v.start_date) <= end]

    rows = []
    for v in values:
        rows.append({"date": period_start(v.period).isoformat(), "period": period_label(v.period),
                     "value": v.value, "series": "Value",
                     "label": measure_number(measure, v.value)})
    months = _months_between(first, last) if values else []
    has_target = measure.target is not None or bool(measure.targets)
    if has_target:
        for m in months:
            t = target_for(measure, m.strftime("%Y-%m"))
            rows.append({"date": m.isoformat(), "period": period_label(m.strftime("%Y-%m")),
                         "value": t, "series": "Target", "label": measure_number(measure, t)})

    x = _x_axis(start, end, compact)
    y_title = None if compact else _unit_title(measure)
    series_domain = ["Value", "Target"] if has_target else ["Value"]
    colour = alt.Color("series:N", title=None,
                       scale=alt.Scale(domain=series_domain,
                                       range=[theme.BLUE, theme.ORANGE][: len(series_domain)]),
                       legend=None if compact else alt.Legend(symbolStrokeWidth=3))
    dash = alt.StrokeDash("series:N", title=None,
                          scale=alt.Scale(domain=series_domain,
                                          range=[[1, 0], [6, 4]][: len(series_domain)]),
                          legend=None if compact else alt.Legend())
    # The values and targets are the layer chart's own data, given once: layers that draw
    # them inherit it (Altair copies each layer's data on every step of building a chart).
    base = alt.Chart()
    tooltip = [alt.Tooltip("period:N", title="Period"), alt.Tooltip("label:N", title="Value"),
               alt.Tooltip("series:N", title="Series")]
    y = alt.Y("value:Q", title=y_title)
    layers = []

    tol = measure.tolerance
    if tol and (tol.low is not None or tol.high is not None) and months:
        low = tol.low if tol.low is not None else target_for(measure, months[0].strftime("%Y-%m"))
        high = tol.high if tol.high is not None else target_for(measure, months[0].strftime("%Y-%m"))
        if low is not None and high is not None:
            band = [{"date": start.isoformat(), "low": low, "high": high},
                    {"date": end.isoformat(), "low": low, "high": high}]
            band_base = alt.Chart(alt.Data(values=band))
            layers.append(band_base.mark_area(color=theme.BAND, opacity=0.1).encode(
                x=x, y=alt.Y("low:Q", title=y_title), y2="high:Q"))
            for edge in ("low", "high"):
                layers.append(band_base.mark_line(color=theme.GREY, strokeDash=[1, 3],
                                                  strokeWidth=1).encode(x=x, y=f"{edge}:Q"))

    # A linear trajectory is drawn as the straight path it is; milestones as steps.
    path = "linear" if measure.targets_mode == "linear" else "step-after"
    layers.append(base.mark_line(invalid="break-paths-show-domains",
                                 interpolate=path).encode(
        x=x, y=y, color=colour, strokeDash=dash
    ).transform_filter(alt.datum.series == "Target") if has_target else None)
    layers.append(base.mark_line(invalid="break-paths-show-domains").encode(
        x=x, y=y, color=colour, strokeDash=dash).transform_filter(alt.datum.series == "Value"))
    layers.append(base.mark_point(filled=True, shape="circle", color=theme.BLUE).encode(
        x=x, y=y, tooltip=tooltip).transform_filter(
        (alt.datum.series == "Value") & alt.expr.isValid(alt.datum.value)))

    if measure.comparators and not compact:
        comp = [{"name": c.name, "value": c.value,
                 "label": f"{c.name} {measure_number(measure, c.value)}"}
                for c in measure.comparators]
        comp_base = alt.Chart(alt.Data(values=comp))
        layers.append(comp_base.mark_rule(color=theme.GREY, strokeDash=[2, 2]).encode(
            y="value:Q"))
        layers.append(comp_base.mark_text(align="right", baseline="bottom", dx=0, dy=-2,
                                          x="width").encode(y="value:Q", text="label:N"))
    if visits:
        marks = [{"date": _month(v.start_date).isoformat(), "label": _visit_short(v)}
                 for v in visits]
        visit_base = alt.Chart(alt.Data(values=marks))
        layers.append(visit_base.mark_rule(color=theme.GREY, strokeDash=[4, 4]).encode(x=x))
        if not compact:
            layers.append(visit_base.mark_text(align="left", baseline="top", dx=3, y=0).encode(
                x=x, text="label:N"))

    title = measure.name
    subtitle = None if compact else _window_subtitle(start, end)
    description = measure_description(data, measure, values)
    if visits:
        description += " Marked: " + "; ".join(
            f"{visit_label(v)} ({long_date(v.start)})" for v in visits) + "."
    chart = alt.layer(*[layer for layer in layers if layer is not None],
                      data=alt.Data(values=rows)).properties(
        title=alt.Title(title, subtitle=subtitle) if subtitle else title,
        width=220 if compact else theme.WIDTH, height=120 if compact else theme.HEIGHT,
        description=description,
    )
    table = [(period_label(v.period), measure_number(measure, v.value),
              measure_number(measure, target_for(measure, v.period)) if has_target else "",
              v.note or "") for v in values]
    return Figure(chart=chart, title=title, description=description,
                  columns=("Period", "Value", "Target in force", "Note"), rows=tuple(table),
                  name=measure.id)


def _window_subtitle(start: date, end: date) -> str:
    return f"{period_label(start.strftime('%Y-%m'))} to {period_label(end.strftime('%Y-%m'))}"


def _visit_short(visit: Visit) -> str:
    if visit.kind == "monitoring_visit" and visit.number is not None:
        return f"Visit {visit.number}"
    return KIND_LABELS[visit.kind].split()[0] if visit.kind != "full_inspection" else "Inspection"


def status_figure(counts: StatusCounts, scope: str, name: str) -> Figure:
    """Actions by status as horizontal bars, each labelled with its count and status name:
    status is read from the words, not the colour."""
    rows = [{"status": label, "count": n, "order": i}
            for i, (_, label, n) in enumerate(counts.items())]
    order = [label for _, label, _ in counts.items()]
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("status:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("count:Q", title="Number of actions", axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("status:N", title="Status"), alt.Tooltip("count:Q", title="Actions")],
    )
    bars = base.mark_bar(color=theme.BLUE, height=18)
    labels = base.mark_text(align="left", dx=4).encode(text="count:Q")
    title = f"Actions by status: {scope}"
    description = status_description(counts, scope)
    chart = alt.layer(bars, labels).properties(
        title=title, width=theme.WIDTH - 260, height=len(rows) * 30, description=description)
    return Figure(chart=chart, title=title, description=description,
                  columns=("Status", "Actions"),
                  rows=tuple((label, n) for _, label, n in counts.items()), name=name)


STRIP_KEY = ("Solid blue line and dots: values. Dashed orange line: target. Shaded band: "
             "tolerance. Dashed grey line: a visit.")


def measures_strip(data: SiteData, measures: list[Measure], *, title: str, name: str,
                   window: tuple[date, date] | None = None,
                   visits: list[Visit] | None = None, panel=None) -> Figure | None:
    """Small multiples: one compact chart per measure (each with its own scale, as units
    differ), for the home page's headline measures and an area's linked measures.

    `panel(measure, window, visits)` gives a measure's compact figure; by default it is built
    here, and a caller with a cache passes its own."""
    panel = panel or (lambda m, w, v: measure_figure(data, m, window=w, visits=v, compact=True))
    figures = [f for f in (panel(m, window, visits) for m in measures) if f is not None]
    if not figures:
        return None
    description = " ".join(f.description for f in figures)
    specs = [f.to_spec() for f in figures]
    config = specs[0].get("config", {})
    for spec in specs:  # a panel in a concatenation may not carry its own config or schema
        spec.pop("config", None)
        spec.pop("$schema", None)
    spec = {
        "$schema": alt.SCHEMA_URL, "config": config,
        "title": {"text": title, "subtitle": STRIP_KEY}, "description": description,
        "spacing": 30,
        "vconcat": [{"hconcat": specs[i:i + 3], "spacing": 30}
                    for i in range(0, len(specs), 3)],
    }
    rows = tuple((f.title, *row) for f in figures for row in f.rows)
    return Figure(chart=None, spec=spec, title=title, description=description,
                  columns=("Measure", "Period", "Value", "Target in force", "Note"),
                  rows=rows, name=name)


def visit_window(visit: Visit) -> tuple[date, date]:
    """The year around a visit: six months either side."""
    centre = _month(visit.start_date)
    return _add_months(centre, -6), _add_months(centre, 6)


def visit_strip_options(visit: Visit) -> dict:
    return {"visits": [visit], "window": visit_window(visit),
            "title": f"Measures around {visit_label(visit)}", "name": f"{visit.id}-measures"}


def visit_measures_figure(data: SiteData, visit: Visit) -> Figure | None:
    """The visit's measures over the year around it, the visit marked."""
    measures = [data.measure(m) for m in visit.measures]
    return measures_strip(data, measures, **visit_strip_options(visit))


def visits_timeline_figure(data: SiteData, highlighted: Visit | None = None) -> Figure:
    """Every inspection and visit on a time line; the page's own visit is a diamond."""
    visits = list(data.visits)
    rows = [{"date": _month(v.start_date).isoformat(), "label": _visit_short(v),
             "when": long_date(v.start), "name": visit_label(v),
             "which": "This visit" if highlighted and v.id == highlighted.id else "Other visits"}
            for v in visits]
    start = _add_months(_month(visits[0].start_date), -2)
    end = _add_months(_month(visits[-1].start_date), 2)
    x = _x_axis(start, end)
    base = alt.Chart(alt.Data(values=rows))
    domain = ["This visit", "Other visits"] if highlighted else ["Other visits"]
    points = base.mark_point(filled=True, size=140, color=theme.BLUE).encode(
        x=x,
        shape=alt.Shape("which:N", title=None, scale=alt.Scale(
            domain=domain, range=["diamond", "circle"][-len(domain):] if not highlighted
            else ["diamond", "circle"]), legend=alt.Legend() if highlighted else None),
        tooltip=[alt.Tooltip("name:N", title="Visit"), alt.Tooltip("when:N", title="Date")],
    )
    labels = base.mark_text(dy=-16).encode(x=x, text="label:N")
    title = "Inspections and visits"
    description = visits_description(visits, highlighted)
    chart = alt.layer(points, labels).properties(
        title=title, width=theme.WIDTH, height=80, description=description)
    return Figure(chart=chart, title=title, description=description,
                  columns=("Visit", "Date", "Focus"),
                  rows=tuple((visit_label(v), long_date(v.start), v.focus) for v in visits),
                  name="visits-timeline")


def progress_figure(points: list[tuple[str, StatusCounts]]) -> Figure:
    """Actions by status at each meeting: one small bar chart per status, so each status is
    named by its title, never told by colour."""
    rows = [{"meeting": label, "order": i, "status": status_label, "count": n}
            for i, (label, counts) in enumerate(points)
            for _, status_label, n in counts.items()]
    order = [label for label, _ in points]
    base = alt.Chart(alt.Data(values=rows))
    panels = []
    for _, status_label, _ in points[-1][1].items():
        panel = base.transform_filter(alt.datum.status == status_label).encode(
            x=alt.X("meeting:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("count:Q", title="Actions", axis=alt.Axis(tickMinStep=1)),
            tooltip=[alt.Tooltip("meeting:N", title="Meeting"),
                     alt.Tooltip("count:Q", title=status_label)],
        )
        panels.append(alt.layer(panel.mark_bar(color=theme.BLUE),
                                panel.mark_text(dy=-6).encode(text="count:Q")).properties(
            title=status_label, width=max(120, 70 * len(points)), height=110))
    title = "Actions by status at each meeting"
    first, last = points[0], points[-1]
    parts = []
    for (_, label, n_first), (_, _, n_last) in zip(first[1].items(), last[1].items()):
        parts.append(f"{label.lower()} {n_first} then {n_last}")
    description = (f"Actions by status at {len(points)} meetings, from {first[0]} to "
                   f"{last[0]}: " + "; ".join(parts) + ".")
    chart = alt.concat(*panels, columns=3, spacing=25).properties(
        title=title, description=description)
    table = tuple((label, *[n for _, _, n in counts.items()], counts.total)
                  for label, counts in points)
    columns = ("Meeting", *[label for _, label, _ in points[-1][1].items()], "All actions")
    return Figure(chart=chart, title=title, description=description, columns=columns,
                  rows=table, name="plan-progress")
