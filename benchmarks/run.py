"""Benchmark improvement-site against plain MkDocs on the same pages, and time a live rebuild.

    python benchmarks/run.py                 # small and large (several minutes)
    python benchmarks/run.py --sizes small   # a quick run

For each size: generate a synthetic site (benchmarks/generate.py), then measure
  (a) `improvement-site build` cold (empty chart cache) and warm (the same cache again);
  (b) plain `mkdocs build` (Material, search only) of the same pages pre-rendered as static
      Markdown with the same SVGs: the floor a generator cannot beat;
  (c) `improvement-site serve`: the time from editing one action's progress to the served
      page showing it.
Every build runs in its own subprocess, so imports, caches and memory never carry over from
one measurement to the next. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from generate import PRESETS, dump, generate  # benchmarks/ is on sys.path as the script's dir

REPO = Path(__file__).resolve().parent.parent
# The project whose package and mkdocs.yml are measured: this working tree, or with --ref an
# export of a commit (put first on PYTHONPATH, ahead of the editable install).
PROJECT: Path = REPO
PYTHONPATH: str | None = None
BIN = Path(sys.executable).parent  # the virtualenv's scripts, whatever PATH says
ENV_VARS = ("IMPROVEMENT_SITE_CACHE", "IMPROVEMENT_SITE_DUMP_MARKDOWN", "IMPROVEMENT_SITE_DATA",
            "IMPROVEMENT_SITE_AUDIENCE", "SOURCE_DATE_EPOCH")
# What the plain build gets from (a)'s output so the dumped pages' relative links resolve.
ASSETS = ("assets/charts", "assets/vega", "assets/improvement-site.css",
          "assets/improvement-site-charts.js")
MARKER = "Benchmark edit marker"


@dataclass
class Run:
    seconds: float
    peak_mb: float


@dataclass
class Result:
    size: str
    pages: int = 0
    charts: int = 0
    plain_pages: int = 0
    cold: list[Run] = field(default_factory=list)
    warm: list[Run] = field(default_factory=list)
    plain: list[Run] = field(default_factory=list)
    rebuilds: list[float] = field(default_factory=list)
    serve_peak_mb: float | None = None


class BenchmarkError(Exception):
    pass


def tool(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else (shutil.which(name) or name)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ENV_VARS}
    if PYTHONPATH:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [PYTHONPATH, env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def measured(cmd: list[str], env: dict[str, str], log: Path) -> Run:
    """Run `cmd` to completion; wall time and the peak RSS of its process tree.

    os.wait4 returns the rusage of this one child, and on Linux its ru_maxrss (KiB) is the
    largest peak RSS of the child and of every descendant it waited for. The build is one
    Python process (vl-convert renders on threads inside it; git runs briefly as a tiny child),
    so that is the tree's peak. Unlike getrusage(RUSAGE_CHILDREN), which keeps the maximum over
    every child this script ever ran, wait4 gives each run its own figure.
    """
    with log.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    if proc.returncode != 0:
        raise BenchmarkError(f"{' '.join(cmd)} exited with {proc.returncode}:\n"
                             f"{log.read_text(encoding='utf-8', errors='replace')[-4000:]}")
    return Run(seconds=seconds, peak_mb=usage.ru_maxrss / 1024)


def count_pages(site: Path) -> int:
    # Every page a reader can open; 404.html and search/ are MkDocs' own.
    rels = (p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    return sum(1 for rel in rels if rel != "404.html" and not rel.startswith("search/"))


def count_charts(site: Path) -> int:
    return len(list((site / "assets" / "charts").glob("*.svg")))


def build_site(site: Path, out: Path, cache: Path, log: Path, **env: str) -> Run:
    return measured([tool("improvement-site"), "build", str(site), "--out", str(out)],
                    clean_env(IMPROVEMENT_SITE_CACHE=str(cache), **env), log)


class _BaseLoader(yaml.SafeLoader):
    """Reads the base configuration's `!ENV` options as unset: none of them matter here."""


_BaseLoader.add_constructor("!ENV", lambda loader, node: None)


def base_config() -> dict:
    """The project's base configuration: in the package since it became self-contained, at
    the repository root in commits before that (--ref)."""
    packaged = PROJECT / "macros" / "improvement_site" / "base" / "mkdocs.yml"
    path = packaged if packaged.is_file() else PROJECT / "mkdocs.yml"
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_BaseLoader)


def plain_config(site: Path, docs: Path) -> dict:
    """The base configuration reduced to what plain MkDocs + Material needs for these pages."""
    base = base_config()
    theme = {k: base["theme"][k] for k in ("name", "language", "features", "palette")}
    theme["font"] = False
    # The same navigation as improvement-site gives these pages, so every page renders the
    # same nav (its size is part of each page's cost). Read-only use of the package.
    from improvement_site.pages.specs import navigation, page_specs
    from improvement_site.publish.current import current_data
    specs = page_specs(current_data(site / "data", "public"))
    generated = {s.path for s in specs}
    extra = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")
                   if p.relative_to(docs).as_posix() not in generated)
    return {
        "site_name": "Children's services improvement",
        "docs_dir": str(docs),
        "use_directory_urls": False,
        "strict": False,  # warnings are counted and reported, not fatal, in the floor
        "theme": theme,
        "plugins": ["search"],
        "markdown_extensions": base["markdown_extensions"],
        "extra_css": ["assets/improvement-site.css"],
        "validation": base.get("validation", {}),
        "nav": navigation(specs, extra),
    }


def prepare_plain(site: Path, dump_dir: Path, built: Path, work: Path) -> Path:
    docs = work / "docs"
    shutil.copytree(dump_dir, docs)
    for rel in ASSETS:
        src, dst = built / rel, docs / rel
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        elif src.is_file():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    content = site / "content"  # hand-written pages' own files (images), if any
    for src in content.rglob("*") if content.is_dir() else []:
        if src.is_file() and src.suffix != ".md":
            dst = docs / src.relative_to(content)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    config = work / "mkdocs.yml"
    config.write_text(yaml.safe_dump(plain_config(site, docs), sort_keys=False,
                                     allow_unicode=True), encoding="utf-8")
    return config


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))  # loopback only
        return s.getsockname()[1]


def fetch(url: str, timeout: float) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def edit_progress(site: Path, text: str) -> str:
    """Set the progress of the first public action of the first area; returns the area id."""
    plan = sorted((site / "data" / "plan").glob("*.yaml"))[0]
    area = yaml.safe_load(plan.read_text(encoding="utf-8"))
    action = next(a for o in area["outcomes"] for a in o["actions"]
                  if a.get("audience", "public") == "public")
    action["progress"] = text
    # Same writer as the generator, so only this one field differs from the file before.
    tmp = plan.with_name(f".{plan.name}.tmp")
    dump(tmp, area)
    tmp.replace(plan)  # one complete write: the watcher never sees a half-written file
    return area["id"]


def incremental(site: Path, cache: Path, log: Path, edits: int, result: Result) -> None:
    """Time edit → served page shows the edit, in `improvement-site serve` (MkDocs serve)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    area_id = edit_progress(site, f"{MARKER} 0.")
    url = f"{base}/plan/{area_id}.html"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [tool("improvement-site"), "serve", str(site), "-a", f"127.0.0.1:{port}"],
            env=clean_env(IMPROVEMENT_SITE_CACHE=str(cache)), stdout=out,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 900  # the first build of a large site is slow
            while fetch(url, timeout=5) is None:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise BenchmarkError("serve did not start:\n" +
                                         log.read_text(errors="replace")[-4000:])
                time.sleep(0.2)
            for n in range(1, edits + 1):
                time.sleep(1.0)  # let the watcher settle after the previous rebuild
                marker = f"{MARKER} {n}."
                start = time.perf_counter()
                edit_progress(site, marker)
                # The server holds requests while it rebuilds, so a page that has the text
                # comes from a finished build, not a half-written one.
                while marker not in (fetch(url, timeout=120) or ""):
                    if time.perf_counter() - start > 120:
                        raise BenchmarkError("the edit did not appear within 120 s:\n" +
                                             log.read_text(errors="replace")[-4000:])
                    time.sleep(0.05)
                result.rebuilds.append(time.perf_counter() - start)
        finally:
            stop(proc, result)


def stop(proc: subprocess.Popen, result: Result) -> None:
    """Stop the server we started (Ctrl+C, as a person would), and note its peak memory."""
    if proc.returncode is not None:
        return  # already reaped by poll()
    proc.send_signal(signal.SIGINT)  # MkDocs' own clean shutdown, which removes its temp site
    deadline = time.monotonic() + 30
    while True:
        pid, _, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            result.serve_peak_mb = usage.ru_maxrss / 1024
            proc.returncode = 0
            return
        if time.monotonic() > deadline:
            proc.kill()  # only this process, which we started
            deadline = float("inf")
        time.sleep(0.1)


def bench(size: str, work: Path, seed: int, repeat: int, edits: int) -> Result:
    result = Result(size)
    site = work / "site"
    generate(PRESETS[size], site, seed)
    logs = work / "logs"
    logs.mkdir()

    def say(msg: str) -> None:
        # The load average shows whether something else was using the CPUs meanwhile.
        print(f"[{size}] {msg} (load {os.getloadavg()[0]:.1f})", flush=True)

    for i in range(repeat):
        # Cold: a fresh, empty chart cache, so every SVG is rendered.
        cache = work / f"cache-{i}"
        run = build_site(site, work / f"out-cold-{i}", cache, logs / f"cold-{i}.log")
        result.cold.append(run)
        say(f"cold build {run.seconds:.1f} s, {run.peak_mb:.0f} MB")
    cache, built = work / f"cache-{repeat - 1}", work / "out-cold-0"
    result.pages, result.charts = count_pages(built), count_charts(built)
    for i in range(repeat):
        # Warm: the same cache again; every SVG is found by its content hash.
        run = build_site(site, work / f"out-warm-{i}", cache, logs / f"warm-{i}.log")
        result.warm.append(run)
        say(f"warm build {run.seconds:.1f} s, {run.peak_mb:.0f} MB")
    # Not measured: one more build, writing every page's final Markdown for the plain build.
    dump_dir = work / "dump"
    build_site(site, work / "out-dump", cache, logs / "dump.log",
               IMPROVEMENT_SITE_DUMP_MARKDOWN=str(dump_dir))
    config = prepare_plain(site, dump_dir, built, work / "plain")
    for i in range(repeat):
        out = work / "plain" / f"site-{i}"
        run = measured([tool("mkdocs"), "build", "-f", str(config), "-d", str(out)],
                       clean_env(), logs / f"plain-{i}.log")
        result.plain.append(run)
        say(f"plain MkDocs {run.seconds:.1f} s, {run.peak_mb:.0f} MB")
    result.plain_pages = count_pages(work / "plain" / "site-0")
    warnings = sum(1 for line in (logs / "plain-0.log").read_text(errors="replace").splitlines()
                   if line.startswith("WARNING"))
    if warnings:
        say(f"plain MkDocs printed {warnings} warnings (see {logs / 'plain-0.log'})")
    if edits:
        incremental(site, cache, logs / "serve.log", edits, result)
        say("rebuild after one edit: " + ", ".join(f"{s:.2f} s" for s in result.rebuilds))
    return result


def median(runs: list[Run], attr: str) -> float:
    return statistics.median(getattr(r, attr) for r in runs)


def machine() -> str:
    """Linux only, like the rest of this script (wait4, /proc, the load average)."""
    models = [line.split(":", 1)[1].strip() for line in
              Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")]
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"nproc {len(os.sched_getaffinity(0))}; CPU {models[0] if models else 'unknown'}; "
            f"RAM {mem:.0f} GiB; Python {platform.python_version()}; "
            f"{platform.system()} {platform.release()}")


def table(results: list[Result]) -> str:
    head = ["size", "pages", "charts", "cold s", "warm s", "plain MkDocs s", "cold/plain",
            "warm/plain", "cold peak MB", "warm peak MB", "plain peak MB", "rebuild s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        cold, warm, plain = (median(r.cold, "seconds"), median(r.warm, "seconds"),
                             median(r.plain, "seconds"))
        rebuild = f"{statistics.median(r.rebuilds):.2f}" if r.rebuilds else "–"
        pages = str(r.pages) if r.pages == r.plain_pages else f"{r.pages} ({r.plain_pages} plain)"
        row = [r.size, pages, str(r.charts), f"{cold:.1f}", f"{warm:.1f}", f"{plain:.1f}",
               f"{cold / plain:.2f}", f"{warm / plain:.2f}", f"{median(r.cold, 'peak_mb'):.0f}",
               f"{median(r.warm, 'peak_mb'):.0f}", f"{median(r.plain, 'peak_mb'):.0f}", rebuild]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def growth(small: Result, large: Result) -> str:
    """How each figure grows from small to large: linear growth tracks the pages' ratio."""
    pairs = {"pages": (small.pages, large.pages), "charts": (small.charts, large.charts)}
    for name, runs, attr in (("cold time", "cold", "seconds"), ("warm time", "warm", "seconds"),
                             ("plain time", "plain", "seconds"),
                             ("cold peak memory", "cold", "peak_mb")):
        pairs[name] = (median(getattr(small, runs), attr), median(getattr(large, runs), attr))
    return "small → large: " + ", ".join(f"{name} ×{b / a:.1f}" for name, (a, b) in
                                          pairs.items() if a)


def export_ref(ref: str, into: Path) -> str:
    """`git archive` a commit into `into` (read-only for the repository); its description."""
    sha = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--verify", f"{ref}^{{commit}}"],
                         capture_output=True, text=True, check=True).stdout.strip()
    into.mkdir(parents=True)
    archive = subprocess.Popen(["git", "-C", str(REPO), "archive", sha], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(into)], stdin=archive.stdout, check=True)
    if archive.wait() != 0:
        raise BenchmarkError(f"git archive {sha} failed")
    return f"commit {sha[:10]} ({ref})"


def working_tree() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""
    sha = git("rev-parse", "--short=10", "HEAD")
    dirty = git("status", "--porcelain", "--", "macros", "mkdocs.yml", "pyproject.toml")
    return f"working tree {REPO} at {sha or '?'}" + (" with uncommitted changes" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    global PROJECT, PYTHONPATH
    parser = argparse.ArgumentParser(description="Benchmark improvement-site builds.")
    parser.add_argument("--sizes", nargs="+", choices=sorted(PRESETS), default=["small", "large"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each build; the table shows the median")
    parser.add_argument("--edits", type=int, default=3,
                        help="one-action edits timed in serve (0 to skip); median shown")
    parser.add_argument("--ref", help="benchmark this git commit (exported with git archive) "
                        "instead of the working tree, e.g. HEAD or a tag")
    parser.add_argument("--keep", type=Path, help="keep the sites, builds and logs here")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args(argv)

    results: list[Result] = []
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="improvement-site-bench-", dir=args.keep))
    try:
        code = working_tree()
        if args.ref:
            code = export_ref(args.ref, root / "project")
            PROJECT = root / "project"
            PYTHONPATH = str(PROJECT)
            sys.path.insert(0, PYTHONPATH)  # plain_config imports the same package
        print(f"Machine: {machine()}\nCode: {code}", flush=True)
        for size in args.sizes:
            work = root / size
            work.mkdir(parents=True)
            results.append(bench(size, work, args.seed, args.repeat, args.edits))
    except (BenchmarkError, subprocess.CalledProcessError) as exc:
        print(f"Benchmark failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print()
    print(f"Machine: {machine()}\nCode: {code}")
    print(table(results))
    by_size = {r.size: r for r in results}
    if "small" in by_size and "large" in by_size:
        print(growth(by_size["small"], by_size["large"]))
    for r in results:
        if r.serve_peak_mb:
            print(f"{r.size}: serve peak memory after {len(r.rebuilds)} rebuilds "
                  f"{r.serve_peak_mb:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "code": code,
                                         "results": [asdict(r) for r in results]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
