"""Charts into the built site: each panel a static SVG, each figure's table a CSV download.

Pages ask `ChartRegistry.add(figure)` for a figure's files while they render; the plugin
writes every registered SVG and CSV once the pages are done (`write`). Files are named by the
hash of their content, so a panel shown on several pages (a measure's chart on its own page,
its area's and the home page) is one file, and an unchanged panel is never rendered twice: its
SVG comes from the cache folder on the next build.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from improvement_site.charts.figure import Figure, Panel, spec_size
from improvement_site.charts.svg_check import drawn_by_renderer
from improvement_site.data.sitefiles import read_cached
from improvement_site.publish.downloads import csv_text
from improvement_site.lifecycle import write_atomic

CHARTS_DIR = "assets/charts"


def spec_json(spec: dict) -> str:
    """Canonical JSON: the same chart always gives the same bytes (and the same hash)."""
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def figure_csv(figure) -> str:
    return csv_text(figure.columns, figure.rows)


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class RenderedPanel:
    key: str  # content hash of its spec: the SVG's file name
    heading: str
    note: str
    width: int
    height: int


@dataclass(frozen=True)
class RenderedChart:
    """A figure's files: one SVG per panel and the CSV of its table."""

    key: str  # content hash of the CSV: its file name
    panels: tuple[RenderedPanel, ...]
    name: str
    page: str = ""  # the page that first asked for it, for messages


@dataclass(frozen=True)
class _Drawing:
    key: str
    spec: str  # canonical JSON
    name: str  # the figure it was first asked for, for messages
    page: str


class ChartRenderError(Exception):
    """A chart's SVG could not be made; the message names the chart and its page."""


class ChartRegistry:
    """The charts of one build (each build has its own: the plugin's `charts`).

    A chart whose SVG is not in the cache starts rendering as soon as its page asks for it,
    in worker processes (`svg_worker`) on the spare cores, while MkDocs writes the other
    pages; `write` waits for them and renders anything they could not.
    """

    def __init__(self):
        self._drawings: dict[str, _Drawing] = {}  # by SVG key
        self._csvs: dict[str, str] = {}  # by CSV key
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
            self._drawings.clear()
            self._csvs.clear()
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

    def add(self, figure: Figure) -> RenderedChart:
        """Register a figure's panels and table; its SVGs start rendering at once."""
        csv = figure_csv(figure)
        csv_key = _key(csv)
        panels = []
        with self._lock:
            self._csvs.setdefault(csv_key, csv)
            for panel in figure.all_panels():
                spec = panel.to_spec()
                text = spec_json(spec)
                key = _key(text)
                width, height = spec_size(spec)
                panels.append(RenderedPanel(key, panel.heading, panel.note, width, height))
                if key not in self._drawings:
                    drawing = _Drawing(key, text, figure.name, self.page)
                    self._drawings[key] = drawing
                    if not self._maybe_cached(key):
                        self._pending.append(key)
                        self._send(drawing)
        return RenderedChart(key=csv_key, panels=tuple(panels), name=figure.name, page=self.page)

    def _send(self, chart: _Drawing) -> None:
        """Hand a chart to a worker (started on first need); never blocks the build."""
        if self._folder is None:
            self._own_folder()
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

    def _own_folder(self) -> None:
        from improvement_site.lifecycle import owned_temp_dir
        if not self._exit_hook:  # `mkdocs build` itself exits on a failed macro
            atexit.register(self.close)
            self._exit_hook = True
        self._folder = owned_temp_dir(SVG_PREFIX)

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

    def _maybe_cached(self, key: str) -> bool:
        """A hint only, to start drawing early what is surely missing (an absent file, a
        link): `write` reads the entry and checks it before anything is copied."""
        try:
            entry = os.lstat(self.cache_dir / f"{key}.svg") if self.cache_dir else None
        except OSError:
            return False
        return bool(entry) and stat.S_ISREG(entry.st_mode) and entry.st_nlink == 1

    def _cached(self, key: str) -> bytes | None:
        """The chart's SVG from the cache, or None: absent, or not to be trusted (see
        `cached_svg`), so drawn again."""
        return cached_svg(self.cache_dir / f"{key}.svg") if self.cache_dir else None

    def __len__(self) -> int:
        """The number of distinct drawings (SVGs) registered."""
        return len(self._drawings)

    def write(self, site_dir: Path) -> int:
        """Write every panel's SVG and every figure's CSV. Returns SVGs rendered afresh.

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
            for chart in self._drawings.values():
                if chart.key not in pending:
                    # Read once, here, and checked as it is copied: an entry replaced since
                    # `add` looked at it (by a link, or by a file we did not draw) is drawn.
                    cached = self._cached(chart.key)
                    if cached is None:
                        pending.append(chart.key)
                    else:
                        (out / f"{chart.key}.svg").write_bytes(cached)
            missing = [key for key in pending if self._folder is None
                       or not (self._folder / f"{key}.svg").is_file()]
            if missing:
                self._render_again(missing)
            for key, csv in self._csvs.items():
                (out / f"{key}.csv").write_text(csv, encoding="utf-8")
            for key in pending:
                chart = self._drawings[key]
                # Not checked as a cached one is: a chart's words may say "onload=" or
                # "href" (escaped, as text), and what is drawn here the renderer drew.
                svg = (self._folder / f"{chart.key}.svg").read_bytes()
                (out / f"{chart.key}.svg").write_bytes(svg)
                if cache_dir:
                    write_atomic(cache_dir / f"{chart.key}.svg", svg)
        finally:
            self.close()
        return len(pending)

    def _render_again(self, keys: list[str]) -> None:
        """Render the charts no worker finished, in a fresh worker, one after the other; if
        that fails too, say which chart it was on and why."""
        if self._folder is None:  # every chart was in the cache until `write` read it
            self._own_folder()
        for key in keys:  # a worker reads a spec only when told its key; write any not yet sent
            spec = self._folder / f"{key}.json"
            if not spec.is_file():
                spec.write_text(self._drawings[key].spec, encoding="utf-8")
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
        where = _where(self._drawings[failed])
        said = _said(errors.read_text(encoding="utf-8", errors="replace"), failed)
        if worker.returncode and worker.returncode < 0:
            raise ChartRenderError(f"the SVG renderer crashed on {where} "
                                   f"({_signal_name(-worker.returncode)}){said}")
        if worker.returncode:
            raise ChartRenderError(f"the SVG renderer crashed on {where} "
                                   f"(exit code {worker.returncode}){said}")
        raise ChartRenderError(f"the SVG renderer could not draw {where}{said}")


SVG_PREFIX = "improvement-site-svg-"


def cached_svg(path: Path) -> bytes | None:
    """A cached SVG, only if it is a regular file with one name (a link is never followed)
    and a drawing the renderer could have made: the cache folder is in the site, where
    anyone who can commit can put a file, and what is read here is published."""
    svg = read_cached(path)
    return svg if svg is not None and drawn_by_renderer(svg) else None


def _start_worker(folder: Path, stderr=subprocess.DEVNULL) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "improvement_site.charts.svg_worker", str(folder), VL_VERSION],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=stderr, text=True)


def _where(chart: _Drawing) -> str:
    return f'chart "{chart.name}"' + (f" on page {chart.page}" if chart.page else "")


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


def frozen(figure: Figure) -> Figure:
    """The figure as plain data: each panel's Vega-Lite spec made once (Altair's `to_dict` is
    the cost). Specs come from our builders, whose output the test suite validates against the
    Vega-Lite schema; skipping validation here keeps builds fast."""
    panels = tuple(Panel(spec=p.to_spec(), heading=p.heading, note=p.note)
                   for p in figure.all_panels())
    return replace(figure, chart=None, panels=panels)


_FIELDS = ("title", "subtitle", "description", "name")


def _to_json(figure: Figure) -> dict:
    return {**{f: getattr(figure, f) for f in _FIELDS}, "columns": list(figure.columns),
            "rows": [list(r) for r in figure.rows], "key": [list(k) for k in figure.key],
            "lines": list(figure.lines),
            "panels": [{"heading": p.heading, "note": p.note, "spec": p.spec}
                       for p in figure.panels]}


def _from_json(raw: dict) -> Figure:
    return Figure(chart=None, **{f: raw[f] for f in _FIELDS}, columns=tuple(raw["columns"]),
                  rows=tuple(tuple(r) for r in raw["rows"]),
                  key=tuple(tuple(k) for k in raw["key"]), lines=tuple(raw["lines"]),
                  panels=tuple(Panel(spec=p["spec"], heading=p["heading"], note=p["note"])
                               for p in raw["panels"]))


class FigureCache:
    """Figures by the hash of what they are built from, in memory and on disk.

    Building an Altair spec costs tens of milliseconds; a site has hundreds of charts, and
    most do not change between two builds. Each build has its own (the plugin's `figures`);
    the folder on disk is what builds share. The key covers the chart code too, so a change to
    a builder rebuilds every chart.
    """

    def __init__(self):
        self._memory: dict[str, Figure | None] = {}
        self.folder: Path | None = None

    def get(self, key_parts, build) -> Figure | None:
        key = hashlib.sha256(json.dumps([_chart_code(), key_parts], sort_keys=True,
                                        default=str).encode()).hexdigest()[:24]
        if key in self._memory:
            return self._memory[key]
        path = self.folder / f"{key}.json" if self.folder else None
        figure = _read_figure(path) if path else _MISSING
        if figure is _MISSING:
            built = build()
            figure = frozen(built) if built is not None else None
            if path:
                write_atomic(path, json.dumps(None if figure is None else _to_json(figure),
                                              ensure_ascii=False))
        self._memory[key] = figure
        return figure


_MISSING = object()


def _read_figure(path: Path):
    """A figure from the cache folder, or _MISSING (absent or unreadable: built afresh)."""
    # Read only as a regular file with one name, never through a link (data/sitefiles.py).
    text = read_cached(path)
    if text is None:
        return _MISSING
    try:
        raw = json.loads(text)
        return None if raw is None else _from_json(raw)
    except (ValueError, KeyError, TypeError):
        return _MISSING


def _chart_code() -> str:
    """The modules a figure depends on, so editing a builder invalidates the cache."""
    from improvement_site.digest import source_digest
    return source_digest("charts/*.py", "model/labels.py", "model/status.py")

