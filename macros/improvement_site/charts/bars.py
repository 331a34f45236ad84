"""The breakdown chart: a one-off table of categories as horizontal bars, in the source's
order, each bar labelled with its figure, so the chart reads without its colour or axis.
A pure function from the model to a `Figure`, like the builders in `figures`."""

from __future__ import annotations

import altair as alt

from improvement_site.charts import theme
from improvement_site.charts.describe import breakdown_description
from improvement_site.charts.figures import Figure
from improvement_site.model.labels import number, period_label
from improvement_site.model.schema import Breakdown

LABEL_WIDTH = 280  # room for category names such as "U3: Foster placement - relative - not FFA"


def breakdown_figure(breakdown: Breakdown) -> Figure:
    order = [c.name for c in breakdown.categories]
    rows = [{"category": c.name, "value": c.value, "label": number(c.value, breakdown.unit)}
            for c in breakdown.categories]
    axis_title = "Percentage" if breakdown.unit == "percent" else "Number"
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("category:N", sort=order, title=None,
                axis=alt.Axis(labelLimit=LABEL_WIDTH)),
        x=alt.X("value:Q", title=axis_title, axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("category:N", title="Category"),
                 alt.Tooltip("label:N", title=axis_title)],
    )
    bars = base.mark_bar(color=theme.BLUE, height=16)
    labels = base.mark_text(align="left", dx=4).encode(text="label:N")
    title = breakdown.title
    description = breakdown_description(breakdown)
    chart = alt.layer(bars, labels).properties(
        title=alt.Title(title, subtitle=period_label(breakdown.period)),
        width=theme.WIDTH - LABEL_WIDTH, height=len(rows) * 26, description=description)
    notes = any(c.note for c in breakdown.categories)
    table = tuple((c.name, number(c.value, breakdown.unit), *([c.note or ""] if notes else []))
                  for c in breakdown.categories)
    columns = ("Category", axis_title, *(["Note"] if notes else []))
    return Figure(chart=chart, title=title, description=description, columns=columns,
                  rows=table, name=breakdown.id)
