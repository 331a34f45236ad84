"""Charts into the built site: a spec embedded in the page, a static SVG, a CSV download.

Pages ask `ChartRegistry.add(figure)` for the HTML of a figure while they render; the plugin
writes every registered chart's SVG and CSV once the pages are done (`write`). Files are named
by the hash of their content, so an unchanged chart is never rendered twice: its SVG comes from
the cache folder on the next build.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from improvement_site.charts.figures import Figure
from improvement_site.publish.downloads import csv_text
from improvement_site.lifecycle import write_atomic

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
    page: str = ""  # the page that first asked for it, for messages


class ChartRenderError(Exception):
    """A chart's SVG could not be made; the message names the chart and its page."""


class ChartRegistry:
    """The charts of one build (each build has its own: the plugin's `charts`).

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
        self.page = ""  # the page being rendered (set by the plugin), for messages
        self._exit_hook = False

    def reset(self, cache_dir: Path | None = None) -> None:
        with self._lock:
            self.close()
            self._charts.clear()
            self._pending.clear()
            self.cache_dir = cache_dir

    def close(self) -> None:
        """Stop the workers at once and remove their temporary folder: the build is over,
        whether it succeeded or not. Safe to call more than once."""
        for worker in self._workers:
            with contextlib.suppress(OSError):
                worker.kill()
        for worker in self._workers:
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                worker.wait(timeout=10)
            with contextlib.suppress(OSError, ValueError):
                worker.stdin.close()
        self._workers = []
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
        if self._exit_hook:
            atexit.unregister(self.close)
            self._exit_hook = False

    def add(self, figure: "Figure | CachedFigure") -> RenderedChart:
        spec = spec_json(figure.spec if isinstance(figure, CachedFigure) else figure.to_spec())
        csv_text = figure_csv(figure)
        key = hashlib.sha256((spec + csv_text).encode("utf-8")).hexdigest()[:20]
        chart = RenderedChart(key=key, spec=spec, csv=csv_text, name=figure.name,
                              page=self.page)
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
            from improvement_site.lifecycle import owned_temp_dir
            if not self._exit_hook:  # `mkdocs build` itself exits on a failed macro
                atexit.register(self.close)
                self._exit_hook = True
            self._folder = owned_temp_dir(SVG_PREFIX)
            count = max(1, (os.cpu_count() or 2) - 1)
            for _ in range(count):
                with contextlib.suppress(OSError):
                    self._workers.append(_start_worker(self._folder))
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
        """Write every chart's SVG and CSV, and the scripts. Returns SVGs rendered afresh.

        Raises ChartRenderError, naming the chart, if a chart cannot be rendered. The
        renderer (vl-convert, a Rust library) can abort its whole process on input it cannot
        handle, so it never runs in the build's own process: charts a worker did not finish
        (because it failed or was killed) get one more try in a fresh worker.
        """
        out = Path(site_dir) / CHARTS_DIR
        out.mkdir(parents=True, exist_ok=True)
        try:
            self._stop_workers()  # waits for every chart handed to them
            cache_dir = self.cache_dir
            pending = [key for key in dict.fromkeys(self._pending)]
            missing = [key for key in pending
                       if not (self._folder / f"{key}.svg").is_file()] if pending else []
            if missing:
                self._render_again(missing)
            for chart in self._charts.values():
                (out / f"{chart.key}.csv").write_text(chart.csv, encoding="utf-8")
                if chart.key not in pending:
                    cached = self._cached(chart.key)
                    (out / f"{chart.key}.svg").write_bytes(cached.read_bytes())
                    continue
                svg = (self._folder / f"{chart.key}.svg").read_text(encoding="utf-8")
                (out / f"{chart.key}.svg").write_text(svg, encoding="utf-8")
                if cache_dir:
                    write_atomic(cache_dir / f"{chart.key}.svg", svg)
            if self._charts:
                write_scripts(Path(site_dir), cache_dir)
        finally:
            self.close()
        return len(pending)

    def _render_again(self, keys: list[str]) -> None:
        """Render the charts no worker finished, in a fresh worker, one after the other; if
        that fails too, say which chart it was on and why."""
        for key in keys:  # a worker reads a spec only when told its key; write any not yet sent
            spec = self._folder / f"{key}.json"
            if not spec.is_file():
                spec.write_text(self._charts[key].spec, encoding="utf-8")
        errors = self._folder / "errors.txt"
        with open(errors, "w", encoding="utf-8") as log:
            worker = _start_worker(self._folder, stderr=log)
            try:
                worker.communicate("".join(f"{key}\n" for key in keys), timeout=600)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        failed = next((key for key in keys if not (self._folder / f"{key}.svg").is_file()),
                      None)
        if failed is None:
            return
        chart = self._charts[failed]
        where = f'chart "{chart.name}"' + (f" on page {chart.page}" if chart.page else "")
        said = _said(errors.read_text(encoding="utf-8", errors="replace"), failed)
        if worker.returncode and worker.returncode < 0:
            raise ChartRenderError(f"the SVG renderer crashed on {where} "
                                   f"({_signal_name(-worker.returncode)}){said}")
        if worker.returncode:
            raise ChartRenderError(f"the SVG renderer crashed on {where} "
                                   f"(exit code {worker.returncode}){said}")
        raise ChartRenderError(f"the SVG renderer could not draw {where}{said}")


SVG_PREFIX = "improvement-site-svg-"


def _start_worker(folder: Path, stderr=subprocess.DEVNULL) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "improvement_site.charts.svg_worker", str(folder), VL_VERSION],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=stderr, text=True)


def _signal_name(number: int) -> str:
    import signal
    try:
        return f"stopped by {signal.Signals(number).name}"
    except ValueError:
        return f"stopped by signal {number}"


def _said(text: str, key: str) -> str:
    """What the worker said about a chart, as one short clause (a Rust panic prints pages)."""
    for line in text.splitlines():
        if line.startswith(f"{key}: "):
            message = " ".join(line[len(key) + 2:].split())
            return f": {message[:200]}"
    for line in text.splitlines():
        if "panicked" in line or line.startswith("thread "):
            return ": the renderer panicked"
    return ""


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
                    write_atomic(cached, _bundle)
        return _bundle


def write_scripts(site_dir: Path, cache_dir: Path | None = None) -> None:
    vega = site_dir / VEGA_SCRIPT
    vega.parent.mkdir(parents=True, exist_ok=True)
    vega.write_text(vega_bundle(cache_dir), encoding="utf-8")
    src = Path(__file__).parent.parent / "pages" / "assets" / "improvement-site-charts.js"
    (site_dir / CHARTS_SCRIPT).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")


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
    most do not change between two builds. Each build has its own (the plugin's `figures`);
    the folder on disk is what builds share. The key covers the chart code too, so a change to
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
        figure: CachedFigure | None = _read_figure(path) if path else _MISSING
        if figure is _MISSING:
            built = build()
            figure = CachedFigure.of(built) if built is not None else None
            if path:
                write_atomic(path, json.dumps(None if figure is None else {
                    "spec": figure.spec, "title": figure.title,
                    "description": figure.description, "columns": list(figure.columns),
                    "rows": [list(r) for r in figure.rows], "name": figure.name},
                    ensure_ascii=False))
        self._memory[key] = figure
        return figure


_MISSING = object()


def _read_figure(path: Path):
    """A figure from the cache folder, or _MISSING (absent or unreadable: built afresh)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return None if raw is None else CachedFigure(
            raw["spec"], raw["title"], raw["description"], tuple(raw["columns"]),
            tuple(tuple(r) for r in raw["rows"]), raw["name"])
    except (OSError, ValueError, KeyError, TypeError):
        return _MISSING


def _chart_code() -> str:
    """The modules a figure depends on, so editing a builder invalidates the cache."""
    from improvement_site.digest import source_digest
    return source_digest("charts/figures.py", "charts/theme.py", "charts/describe.py",
                         "model/labels.py", "model/status.py")

