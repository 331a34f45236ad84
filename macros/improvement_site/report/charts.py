"""The report's charts: the site's own figures and the site's cached SVGs.

Each measure's figure is the one its page shows (`views.measure_figure`, cached by its
inputs; a build passes its own cache), and its SVG is the file the site's build wrote to `.cache/charts/<hash>.svg`. A chart
not in the cache yet (a report made before any build) is rendered the site's way, by
`ChartRegistry` in worker processes, which puts it in the same cache. Word needs a bitmap, so
the cached SVG is converted to PNG (vl-convert's SVG rasteriser, not a second chart renderer)
and kept beside it in `.cache/report/`.
"""

from __future__ import annotations

import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from improvement_site.charts import theme as chart_theme
from improvement_site.charts.figure import (KEY_BAND, KEY_BAR, KEY_COMPARATOR, KEY_DIAMOND,
                                            KEY_POINT, KEY_TARGET, KEY_VALUE, KEY_VISIT)
from improvement_site.charts.output import (ChartRegistry, ChartRenderError, FigureCache,
                                            cached_svg)
from improvement_site.data.logo import png_problem
from improvement_site.data.problems import DataError
from improvement_site.data.sitefiles import cache_refusal, read_cached
from improvement_site.lifecycle import owned_temp_dir, write_atomic
from improvement_site.model.sitedata import SiteData
from improvement_site.pages import views
from improvement_site.report.blocks import Chart

PNG_SCALE = 2.0  # print-quality bitmaps for Word: 2 pixels per CSS pixel
_SIZE = re.compile(r'<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')


# A chart's key in words, as the site's key row draws each mark (charts/figure.py).
KEY_WORDS = {KEY_VALUE: "solid blue line with dots", KEY_TARGET: "dashed orange line",
             KEY_BAND: "shaded band with dashed edges", KEY_COMPARATOR: "dotted grey line",
             KEY_VISIT: "dashed grey upright line", KEY_BAR: "blue bar", KEY_POINT: "blue dot",
             KEY_DIAMOND: "blue diamond"}


def key_words(figure) -> str:
    """"Key: Value, solid blue line with dots; Target, dashed orange line." ('' if none)."""
    if not figure.key:
        return ""
    return "Key: " + "; ".join(f"{words}, {KEY_WORDS.get(kind, kind)}"
                               for kind, words in figure.key) + "."


def measure_charts(data: SiteData, cache_root: Path,
                   figures: FigureCache | None = None) -> dict[str, Chart | None]:
    """Each measure's chart (None when it has no values to plot), SVGs in the cache.
    `figures` is the site build's own cache when the report comes with a build, so each
    figure is built once for both."""
    chart_theme.enable()
    # The site's own .cache too: `cache_root` arrives resolved, through a link if it is one.
    own = data.root / ".cache"
    refused = {cache_refusal(Path(cache_root) / name, cache_root, data.root)
               for name in ("charts", "specs", "report")} - {None}
    refused |= {cache_refusal(own, own, data.root)} - {None}
    if refused:  # before anything is written through a link, elsewhere on the computer
        raise DataError(list(refused))
    if figures is None:
        figures = FigureCache()
        figures.folder = Path(cache_root) / "specs"
    svg_dir = Path(cache_root) / "charts"
    registry = ChartRegistry()
    registry.reset(svg_dir)
    built, panels = {}, {}
    try:
        for m in data.measures:
            figure = views.measure_figure(figures, data, m)
            built[m.id] = figure
            if figure is not None:
                panels[m.id] = registry.add(figure).panels[0]  # a measure's chart: one panel
        # A cached SVG is used only if it could be ours (`cached_svg`); any other is drawn
        # again and replaced, so what the report reads below is what the renderer drew.
        if any(cached_svg(svg_dir / f"{p.key}.svg") is None for p in panels.values()):
            out = owned_temp_dir("improvement-site-report-charts-")
            try:
                registry.write(out)  # renders them in workers and stores them in the cache
            finally:
                shutil.rmtree(out, ignore_errors=True)
    finally:
        registry.close()
    charts: dict[str, Chart | None] = {}
    for m in data.measures:
        figure = built[m.id]
        if figure is None:
            charts[m.id] = None
            continue
        panel = panels[m.id]
        charts[m.id] = Chart(svg=svg_dir / f"{panel.key}.svg", png=None,
                             alt=figure.description, title=figure.title,
                             width_px=panel.width, height_px=panel.height,
                             key=key_words(figure), note=panel.note)
    return charts


def svg_size(path: Path) -> tuple[int, int]:
    with open(path, encoding="utf-8") as f:
        head = f.read(600)
    match = _SIZE.search(head)
    return (round(float(match.group(1))), round(float(match.group(2)))) if match else (0, 0)


def png_of(chart: Chart) -> Path:
    """The chart's SVG as a PNG, made once and kept in `.cache/report/`."""
    png = chart.svg.parent.parent / "report" / f"{chart.svg.stem}.png"
    made = read_cached(png)
    if made is None or png_problem(made):  # a link, a second name, or not a whole PNG
        data = converted(chart.svg, "svg_to_png", scale=PNG_SCALE)
        write_atomic(png, data)
    return png


def converted(svg: Path, how: str, **options) -> bytes:
    """A cached SVG converted by vl-convert (`svg_to_png`, `svg_to_pdf`). The SVG is read
    only as a regular file with one name (`measure_charts` drew again any it could not trust;
    its content is not checked again: a chart whose words fail that check is still ours);
    the converter's errors (native code: a Rust backtrace, the path it was built in) are
    said in their first line only."""
    import vl_convert as vlc
    text = read_cached(svg)
    if text is None:
        raise ChartRenderError(f"the chart {svg.name} in the build's cache changed while the "
                               f"report was made; make the report again")
    try:
        return getattr(vlc, how)(text.decode("utf-8"), **options)
    except Exception as exc:  # noqa: BLE001 - one worded line, whatever the converter raised
        said = str(exc).split("Stack backtrace")[0].strip().splitlines()
        raise ChartRenderError(f"the chart converter could not convert the chart {svg.name}"
                               f" ({said[0][:200] if said else type(exc).__name__})") from None


def pngs(charts: list[Chart]) -> dict[Path, Path]:
    """PNGs for many charts, two at a time (the rasteriser is native code)."""
    todo = list(dict.fromkeys(c.svg for c in charts))
    by_svg = {c.svg: c for c in charts}
    workers = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(workers) as pool:
        return dict(zip(todo, pool.map(lambda svg: png_of(by_svg[svg]), todo)))
