"""Bar charts of counts: actions by status, and by status at each meeting.

Drawn narrow (theme.WIDTH): each bar has its name written above it and its count at its end,
so no label is squeezed beside the bars, the count is read from the words and status is never
told by colour. `bar_rows` is the drawing; any chart of named figures can use it.
"""

from __future__ import annotations

import altair as alt

from improvement_site.charts import describe, theme
from improvement_site.charts.figure import Figure, Panel
from improvement_site.model.status import StatusCounts

ROW = 40  # px per bar: its name above, the bar below


def bar_rows(items: list[tuple[str, float]], top: float | None = None,
             texts: list[str] | None = None) -> alt.LayerChart:
    """Horizontal bars, one per (name, value), in the order given, each named above the bar
    and with its value written at its end (`texts`, e.g. "62.5%", else the number). `top`
    fixes the scale (so several panels compare). A breakdown, or any chart of named figures,
    can be drawn with this."""
    texts = texts or [str(n) for _, n in items]
    rows = [{"name": name, "count": n, "text": t, "order": i}
            for i, ((name, n), t) in enumerate(zip(items, texts))]
    top = max([top or 0] + [n for _, n in items]) or 1
    order = [name for name, _ in items]
    y = alt.Y("name:N", sort=order, title=None, axis=None,
              scale=alt.Scale(paddingInner=0, paddingOuter=0))
    x = alt.X("count:Q", title=None, axis=None, scale=alt.Scale(domain=[0, top * 1.15], nice=False))
    base = alt.Chart(alt.Data(values=rows)).encode(y=y)
    names = base.mark_text(align="left", baseline="bottom", x=0, yOffset=-1).encode(text="name:N")
    bars = base.mark_bar(color=theme.BLUE, height=14, yOffset=9).encode(x=x)
    counts = base.mark_text(align="left", baseline="middle", dx=4, yOffset=9,
                            fontWeight=700).encode(x=x, text="text:N")
    return theme.sized(alt.layer(names, bars, counts), height=ROW * len(items) + 8)


def status_figure(counts: StatusCounts, scope: str, name: str, as_at: str = "") -> Figure:
    """Actions by status as bars, each labelled with its status name and count."""
    items = [(label, n) for _, label, n in counts.items()]
    when = f", as at {as_at}" if as_at else ""
    return Figure(
        chart=bar_rows(items), title=describe.status_title(counts),
        subtitle=f"Actions by status: {scope}{when}. Unit: number of actions.",
        description=describe.status_description(counts, scope),
        columns=("Status", "Actions"), rows=tuple(items), name=name)


def progress_figure(points: list[tuple[str, StatusCounts]]) -> Figure:
    """Actions by status at each meeting: one panel per status, a bar per meeting, all on one
    scale, so each status is named by its heading, never told by colour."""
    statuses = [label for _, label, _ in points[-1][1].items()]
    top = max(n for _, counts in points for _, _, n in counts.items())
    panels = []
    for status_label in statuses:
        items = [(meeting, dict((label, n) for _, label, n in counts.items())[status_label])
                 for meeting, counts in points]
        panels.append(Panel(chart=bar_rows(items, top=top),
                            heading=f"{status_label} (number of actions)"))
    table = tuple((label, *[n for _, _, n in counts.items()], counts.total)
                  for label, counts in points)
    return Figure(
        chart=None, title=describe.progress_title(points),
        subtitle=f"{points[0][0]} to {points[-1][0]}. Unit: number of actions.",
        description=describe.progress_description(points),
        panels=tuple(panels),
        columns=("Meeting", *statuses, "All actions"), rows=table, name="plan-progress")
