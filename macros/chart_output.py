"""Charts into the built site: a spec embedded in the page, a static SVG, a CSV download.

Pages ask `ChartRegistry.add(figure)` for the HTML of a figure while they render; the plugin
writes every registered chart's SVG and CSV once the pages are done (`write`). Files are named
by the hash of their content, so an unchanged chart is never rendered twice: its SVG comes from
the cache folder on the next build.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from .charts import Figure
from .downloads import csv_text

CHARTS_DIR = "assets/charts"
VEGA_SCRIPT = "assets/vega/vega-bundle.js"
CHARTS_SCRIPT = "assets/improvement-site-charts.js"


def spec_json(spec: dict) -> str:
    """Canonical JSON: the same chart always gives the same bytes (and the same hash)."""
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def script_safe_json(text: str) -> str:
    """JSON that cannot end the <script> element it sits in, whatever the data says."""
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def figure_csv(figure: Figure) -> str:
    return csv_text(figure.columns, figure.rows)


@dataclass(frozen=True)
class RenderedChart:
    key: str  # content hash
    spec: str  # canonical JSON
    csv: str
    name: str


class ChartRegistry:
    """The charts of one build.

    A chart whose SVG is not in the cache starts rendering as soon as its page asks for it,
    in worker processes (`svg_worker`) on the spare cores, while MkDocs writes the other
    pages; `write` waits for them and renders anything they could not.
    """

    def __init__(self):
        self._charts: dict[str, RenderedChart] = {}
        self._pending: list[str] = []
        self._lock = threading.Lock()
        self._workers: list[subprocess.Popen] = []
        self._folder: Path | None = None
        self.cache_dir: Path | None = None

    def reset(self, cache_dir: Path | None = None) -> None:
        with self._lock:
            self._stop_workers()
            self._charts.clear()
            self._pending.clear()
            self.cache_dir = cache_dir

    def add(self, figure: "Figure | CachedFigure") -> RenderedChart:
        spec = spec_json(figure.spec if isinstance(figure, CachedFigure) else figure.to_spec())
        csv_text = figure_csv(figure)
        key = hashlib.sha256((spec + csv_text).encode("utf-8")).hexdigest()[:20]
        chart = RenderedChart(key=key, spec=spec, csv=csv_text, name=figure.name)
        with self._lock:
            if key not in self._charts:
                self._charts[key] = chart
                if not self._cached(key):
                    self._pending.append(key)
                    self._send(chart)
        return chart

    def _send(self, chart: RenderedChart) -> None:
        """Hand a chart to a worker (started on first need); never blocks the build."""
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="improvement-site-svg-"))
            count = max(1, (os.cpu_count() or 2) - 1)
            for _ in range(count):
                with contextlib.suppress(OSError):
                    self._workers.append(subprocess.Popen(
                        [sys.executable, "-m", "macros.svg_worker", str(self._folder),
                         VL_VERSION], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL, text=True))
        (self._folder / f"{chart.key}.json").write_text(chart.spec, encoding="utf-8")
        if self._workers:
            worker = self._workers[len(self._pending) % len(self._workers)]
            with contextlib.suppress(OSError, ValueError):
                worker.stdin.write(chart.key + "\n")
                worker.stdin.flush()

    def _stop_workers(self) -> None:
        for worker in self._workers:
            with contextlib.suppress(OSError, ValueError):
                worker.stdin.close()
        for worker in self._workers:
            with contextlib.suppress(subprocess.TimeoutExpired):
                worker.wait(timeout=600)
            if worker.poll() is None:
                worker.kill()
        self._workers = []

    def _cached(self, key: str) -> Path | None:
        path = self.cache_dir / f"{key}.svg" if self.cache_dir else None
        return path if path and path.is_file() else None

    def __len__(self) -> int:
        return len(self._charts)

    def write(self, site_dir: Path) -> int:
        """Write every chart's SVG and CSV, and the scripts. Returns SVGs rendered afresh."""
        out = Path(site_dir) / CHARTS_DIR
        out.mkdir(parents=True, exist_ok=True)
        self._stop_workers()  # waits for every chart handed to them
        cache_dir = self.cache_dir
        pending = set(self._pending)
        for chart in self._charts.values():
            (out / f"{chart.key}.csv").write_text(chart.csv, encoding="utf-8")
            if chart.key not in pending:
                (out / f"{chart.key}.svg").write_bytes(self._cached(chart.key).read_bytes())
                continue
            done = self._folder / f"{chart.key}.svg" if self._folder else None
            svg = (done.read_text(encoding="utf-8") if done and done.is_file()
                   else render_svg(chart.spec))
            (out / f"{chart.key}.svg").write_text(svg, encoding="utf-8")
            if cache_dir:
                cache_dir.mkdir(parents=True, exist_ok=True)
                tmp = cache_dir / f".{chart.key}.svg.tmp"
                tmp.write_text(svg, encoding="utf-8")
                tmp.replace(cache_dir / f"{chart.key}.svg")
        if self._charts:
            write_scripts(Path(site_dir), cache_dir)
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
        return len(pending)


def render_svg(spec: str) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(json.loads(spec), vl_version=VL_VERSION)


VL_VERSION = "6.4"


_bundle_lock = threading.Lock()
_bundle: str | None = None


def vega_bundle(cache_dir: Path | None = None) -> str:
    """Vega, Vega-Lite and vega-embed as one local script (no CDN). Bundling takes over a
    second, so it is done once per vl-convert version and kept in the cache folder."""
    global _bundle
    with _bundle_lock:
        if _bundle is None:
            import vl_convert as vlc
            name = f"vega-bundle-{vlc.__version__}-{VL_VERSION}.js"
            cached = cache_dir / name if cache_dir else None
            if cached and cached.is_file():
                _bundle = cached.read_text(encoding="utf-8")
            else:
                _bundle = vlc.javascript_bundle(vl_version=VL_VERSION)
                if cached:
                    cached.parent.mkdir(parents=True, exist_ok=True)
                    tmp = cached.with_suffix(".tmp")
                    tmp.write_text(_bundle, encoding="utf-8")
                    tmp.replace(cached)
        return _bundle


def write_scripts(site_dir: Path, cache_dir: Path | None = None) -> None:
    vega = site_dir / VEGA_SCRIPT
    vega.parent.mkdir(parents=True, exist_ok=True)
    vega.write_text(vega_bundle(cache_dir), encoding="utf-8")
    src = Path(__file__).parent / "assets" / "improvement-site-charts.js"
    (site_dir / CHARTS_SCRIPT).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")


REGISTRY = ChartRegistry()


@dataclass(frozen=True)
class CachedFigure:
    """A figure whose Vega-Lite spec was built before (by `charts`), kept as plain data."""

    spec: dict
    title: str
    description: str
    columns: tuple
    rows: tuple
    name: str

    def to_spec(self) -> dict:
        # A copy: a strip removes its panels' config, and the cached panel must keep it.
        return json.loads(json.dumps(self.spec))

    @classmethod
    def of(cls, figure: Figure) -> "CachedFigure":
        # Specs come from our builders, whose output the test suite validates against the
        # Vega-Lite schema; skipping validation here keeps builds fast.
        return cls(figure.to_spec(), figure.title, figure.description,
                   tuple(figure.columns), tuple(tuple(r) for r in figure.rows), figure.name)


class FigureCache:
    """Figures by the hash of what they are built from, in memory and on disk.

    Building an Altair spec costs tens of milliseconds; a site has hundreds of charts, and
    most do not change between two builds. The key covers the chart code too, so a change to
    a builder rebuilds every chart.
    """

    def __init__(self):
        self._memory: dict[str, CachedFigure | None] = {}
        self.folder: Path | None = None

    def get(self, key_parts, build) -> CachedFigure | None:
        key = hashlib.sha256(json.dumps([_chart_code(), key_parts], sort_keys=True,
                                        default=str).encode()).hexdigest()[:24]
        if key in self._memory:
            return self._memory[key]
        path = self.folder / f"{key}.json" if self.folder else None
        figure: CachedFigure | None
        if path and path.is_file():
            raw = json.loads(path.read_text(encoding="utf-8"))
            figure = None if raw is None else CachedFigure(
                raw["spec"], raw["title"], raw["description"], tuple(raw["columns"]),
                tuple(tuple(r) for r in raw["rows"]), raw["name"])
        else:
            built = build()
            figure = CachedFigure.of(built) if built is not None else None
            if path:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp")
                tmp.write_text(json.dumps(None if figure is None else {
                    "spec": figure.spec, "title": figure.title,
                    "description": figure.description, "columns": list(figure.columns),
                    "rows": [list(r) for r in figure.rows], "name": figure.name},
                    ensure_ascii=False), encoding="utf-8")
                tmp.replace(path)
        self._memory[key] = figure
        return figure


def _chart_code() -> str:
    """The modules a figure depends on, so editing a builder invalidates the cache."""
    from .fingerprints import source_digest
    return source_digest("charts.py", "chart_theme.py", "describe.py", "labels.py",
                         "status.py")


FIGURES = FigureCache()
