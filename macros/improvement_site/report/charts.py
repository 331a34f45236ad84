"""The report's charts: the site's own figures and the site's cached SVGs.

Each measure's figure is the one its page shows (`views.measure_figure`, cached by its
inputs), and its SVG is the file the site's build wrote to `.cache/charts/<hash>.svg`. A chart
not in the cache yet (a report made before any build) is rendered the site's way, by
`ChartRegistry` in worker processes, which puts it in the same cache. Word needs a bitmap, so
the cached SVG is converted to PNG (vl-convert's SVG rasteriser, not a second chart renderer)
and kept beside it in `.cache/report/`.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from improvement_site.charts import theme as chart_theme
from improvement_site.charts.output import FIGURES, ChartRegistry
from improvement_site.lifecycle import owned_temp_dir
from improvement_site.model.sitedata import SiteData
from improvement_site.pages import views
from improvement_site.report.blocks import Chart

PNG_SCALE = 2.0  # print-quality bitmaps for Word: 2 pixels per CSS pixel
_SIZE = re.compile(r'<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"')


def measure_charts(data: SiteData, cache_root: Path) -> dict[str, Chart | None]:
    """Each measure's chart (None when it has no values to plot), SVGs in the cache."""
    chart_theme.enable()
    FIGURES.folder = Path(cache_root) / "specs"
    svg_dir = Path(cache_root) / "charts"
    registry = ChartRegistry()
    registry.reset(svg_dir)
    figures, keys = {}, {}
    for m in data.measures:
        figure = views.measure_figure(data, m)
        figures[m.id] = figure
        if figure is not None:
            keys[m.id] = registry.add(figure).key
    missing = [k for k in keys.values() if not (svg_dir / f"{k}.svg").is_file()]
    if missing:
        out = owned_temp_dir("improvement-site-report-charts-")
        try:
            registry.write(out)  # renders them in workers and stores them in the cache
        finally:
            shutil.rmtree(out, ignore_errors=True)
    else:
        registry.close()
    charts: dict[str, Chart | None] = {}
    for m in data.measures:
        figure = figures[m.id]
        if figure is None:
            charts[m.id] = None
            continue
        svg = svg_dir / f"{keys[m.id]}.svg"
        width, height = svg_size(svg)
        charts[m.id] = Chart(svg=svg, png=None, alt=figure.description, title=figure.title,
                             width_px=width, height_px=height)
    return charts


def svg_size(path: Path) -> tuple[int, int]:
    with open(path, encoding="utf-8") as f:
        head = f.read(600)
    match = _SIZE.search(head)
    return (round(float(match.group(1))), round(float(match.group(2)))) if match else (0, 0)


def png_of(chart: Chart) -> Path:
    """The chart's SVG as a PNG, made once and kept in `.cache/report/`."""
    png = chart.svg.parent.parent / "report" / f"{chart.svg.stem}.png"
    if not png.is_file():
        import vl_convert as vlc
        data = vlc.svg_to_png(chart.svg.read_text(encoding="utf-8"), scale=PNG_SCALE)
        write_bytes_atomic(png, data)
    return png


def pngs(charts: list[Chart]) -> dict[Path, Path]:
    """PNGs for many charts, two at a time (the rasteriser is native code)."""
    todo = list(dict.fromkeys(c.svg for c in charts))
    by_svg = {c.svg: c for c in charts}
    workers = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(workers) as pool:
        return dict(zip(todo, pool.map(lambda svg: png_of(by_svg[svg]), todo)))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Bytes into place in one rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
