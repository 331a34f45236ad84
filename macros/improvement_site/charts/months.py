"""Months on a chart's x axis: a UTC `yearmonth` time scale with explicit month ticks, so a
point never drifts across a month boundary and ticks never fall on weeks."""

from __future__ import annotations

from datetime import date

import altair as alt

from improvement_site.charts import layout


def month(d: date) -> date:
    return d.replace(day=1)


def add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> list[date]:
    out, current = [], month(start)
    while current <= end:
        out.append(current)
        current = add_months(current, 1)
    return out


def _utc(d: date) -> dict:
    return {"year": d.year, "month": d.month, "date": d.day, "utc": True}


def month_ticks(start: date, end: date, plot_width: float,
                latest: date | None = None) -> list[date]:
    """A tick every few months, so that no labels crowd, counted back from the latest month
    so that it is always labelled."""
    step = layout.month_step(start, end, plot_width)
    ticks, current = [], latest or end
    while current >= start:
        ticks.insert(0, current)
        current = add_months(current, -step)
    return ticks


def x_axis(start: date, end: date, ticks: list[date]) -> alt.X:
    """Months from `start` to `end` on a UTC time scale, labelled at `ticks`."""
    return alt.X("date:T", timeUnit="utcyearmonth", title=None,
                 scale=alt.Scale(domain=[_utc(start), _utc(end)]),
                 # Vega-Lite's own minimum step for months is 31 days, which drops a tick
                 # after every 30-day month: the ticks are ours, so allow any step of a day.
                 axis=alt.Axis(format="%b %Y", formatType="utc", values=[_utc(t) for t in ticks],
                               labelFlush=True, grid=False, labelOverlap=True,
                               tickMinStep=86_400_000))
