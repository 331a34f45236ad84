"""Every inspection and visit on a time line, one row each, so that labels never collide.

Each visit is a dot on its own row (this page's visit a diamond) with its short name beside it,
on whichever side has room; time runs along the bottom.
"""

from __future__ import annotations

import altair as alt

from improvement_site.charts import describe, layout, theme
from improvement_site.charts.figure import KEY_DIAMOND, KEY_POINT, Figure
from improvement_site.charts.months import add_months, month, month_ticks, x_axis
from improvement_site.model.labels import long_date, visit_label
from improvement_site.model.sitedata import SiteData
from improvement_site.model.schema import Visit

ROW = 24


def visits_timeline_figure(data: SiteData, highlighted: Visit | None = None) -> Figure:
    visits = list(data.visits)
    start = add_months(month(visits[0].start_date), -2)
    end = add_months(month(visits[-1].start_date), 2)
    height = ROW * len(visits) + layout.X_AXIS_HEIGHT + 16
    plot = layout.plot_area([""], start, end, 0, 1, height)
    rows = []
    for i, v in enumerate(visits):
        label = describe.visit_short(v)
        px = plot.x(month(v.start_date))
        right = px + 10 + layout.text_width(label) <= plot.width
        rows.append({"date": month(v.start_date).isoformat(), "label": label, "row": i,
                     "side": "right" if right else "left",
                     "which": "This visit" if highlighted and v.id == highlighted.id
                     else "Other visits"})
    x = x_axis(start, end, month_ticks(start, end, plot.width))
    y = alt.Y("row:O", title=None, axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0.5))
    base = alt.Chart(alt.Data(values=rows)).encode(x=x, y=y)
    points = base.mark_point(filled=True, size=110, color=theme.BLUE, opacity=1).encode(
        shape=alt.Shape("which:N", legend=None, scale=alt.Scale(
            domain=["This visit", "Other visits"], range=["diamond", "circle"])))
    labels = [base.transform_filter(alt.datum.side == side).mark_text(
        align="left" if side == "right" else "right", dx=10 if side == "right" else -10,
        baseline="middle").encode(text="label:N") for side in ("right", "left")]
    chart = theme.sized(alt.layer(points, *labels), height)
    key = [(KEY_DIAMOND, "This page's visit"), (KEY_POINT, "Other inspections and visits")] \
        if highlighted else []
    return Figure(
        chart=chart, title=describe.visits_title(visits),
        subtitle=f"{_span(visits)}. One row per visit, oldest at the top.",
        description=describe.visits_description(visits, highlighted), key=tuple(key),
        columns=("Visit", "Date", "Focus"),
        rows=tuple((visit_label(v), long_date(v.start), v.focus) for v in visits),
        name="visits-timeline")


def _span(visits) -> str:
    """From the first visit's start to the last's; one visit alone, its own days on site (it
    read "16 May 2023 to 16 May 2023" for a visit of 16 and 17 May)."""
    if len(visits) == 1:
        only = visits[0]
        if only.end and only.end != only.start:
            return f"{long_date(only.start)} to {long_date(only.end)}"
        return long_date(only.start)
    return f"{long_date(visits[0].start)} to {long_date(visits[-1].start)}"
