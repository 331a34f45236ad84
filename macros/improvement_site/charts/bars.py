"""The breakdown chart: a one-off table of categories as horizontal bars, in the source's
order, each named above its bar and with its figure at the bar's end (`counts.bar_rows`), so
the chart reads without its colour or an axis. Drawn at the panel size every chart has
(theme.WIDTH, 13 px text); its title, subtitle and description are the page's, in HTML.
A pure function from the model to a `Figure`, like the builders in `figures`."""

from __future__ import annotations

from improvement_site.charts.counts import bar_rows
from improvement_site.charts.describe import breakdown_description
from improvement_site.charts.figure import Figure
from improvement_site.model.labels import UNIT_LABELS, number, period_label
from improvement_site.model.schema import Breakdown


def breakdown_figure(breakdown: Breakdown) -> Figure:
    cats = breakdown.categories
    chart = bar_rows([(c.name, c.value) for c in cats],
                     texts=[number(c.value, breakdown.unit) for c in cats])
    notes = any(c.note for c in cats)
    table = tuple((c.name, number(c.value, breakdown.unit), *([c.note or ""] if notes else []))
                  for c in cats)
    columns = ("Category", "Percentage" if breakdown.unit == "percent" else "Number",
               *(["Note"] if notes else []))
    return Figure(
        chart=chart, title=breakdown.title,
        subtitle=f"{period_label(breakdown.period)}. Unit: {UNIT_LABELS[breakdown.unit]}. "
                 "Bars are in the source's order.",
        description=breakdown_description(breakdown),
        columns=columns, rows=table, name=breakdown.id)
