"""Faults: the exit code contract, builds that crash or are killed, builds running at once.

Every run here is a real `improvement-site` process on a copy of the minimal fixture, with its
own temp dir (TMPDIR) and chart cache, so leftovers can be counted. The faults are ones that
happen: a page calling a macro that does not exist, a plugin (here a site's MkDocs hook)
failing, the SVG renderer dying (killed, as the kernel's out-of-memory killer would), a build
stopped with SIGTERM or killed with SIGKILL, two builds started at the same moment.

The contract: exit 0 on success, 1 when the input has problems or the build could not finish
(one worded line, never a traceback unless --debug), 2 on a usage error; and a failed,
stopped or killed build leaves nothing behind once the next build has run.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from improvement_site import lifecycle
from improvement_site.lifecycle import MARKER, write_atomic

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"
CLI = [sys.executable, "-m", "improvement_site.cli.main"]


@pytest.fixture
def env(tmp_path):
    """A fresh temp dir and chart cache for the processes a test starts."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    values = dict(os.environ, TMPDIR=str(tmp), IMPROVEMENT_SITE_CACHE=str(tmp_path / "cache"),
                  PYTHONDONTWRITEBYTECODE="1")
    values.pop("IMPROVEMENT_SITE_DATA", None)
    values.pop("IMPROVEMENT_SITE_AUDIENCE", None)
    return values


def site_copy(tmp_path: Path, name: str = "site") -> Path:
    site = tmp_path / name
    shutil.copytree(MINIMAL, site)
    return site


def run(args, env, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *map(str, args)], env=env, capture_output=True, text=True,
                          cwd=ROOT, timeout=300, **kwargs)


def start(args, env) -> subprocess.Popen:
    return subprocess.Popen([*CLI, *map(str, args)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)


def leftovers(env, *folders: Path) -> list[str]:
    """Every folder a build makes for itself and should have removed."""
    found = [p.name for p in Path(env["TMPDIR"]).iterdir() if p.name.startswith(
        "improvement-site-")]
    for folder in folders:
        found += [p.name for p in folder.iterdir()
                  if ".building-" in p.name or ".old-" in p.name]
    return found


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line, got:\n{stderr}"
    assert "Traceback" not in stderr
    return lines[0]


def assert_complete(out: Path) -> str:
    """A whole site: every page, every chart's SVG and CSV, search and sitemap. Returns the
    site's title, which every page carries."""
    import html
    import re
    for page in ("index.html", "plan/index.html", "plan/front-door.html", "notes.html",
                 "performance/cp-rate.html", "glossary.html", "accessibility.html",
                 "sitemap.xml", "search/search_index.json", "downloads/data.json"):
        assert (out / page).is_file(), f"{page} missing from {out}"
    charts = out / "assets" / "charts"
    # Every SVG and CSV a page links to is there (one SVG per panel, one CSV per chart).
    linked = {m for p in out.rglob("*.html") for m in re.findall(
        r'assets/charts/([0-9a-f]+\.(?:svg|csv))"', p.read_text(encoding="utf-8"))}
    assert linked and linked <= {p.name for p in charts.iterdir()}
    assert all(p.stat().st_size > 500 for p in charts.glob("*.svg"))
    # The header's logo link carries the site's title on every page (<title> ends with the
    # council's name, the same for both sites of this test).
    titles = {html.unescape(re.search(r'title="([^"]*)" class="md-header__button md-logo"',
                                      p.read_text(encoding="utf-8")).group(1))
              for p in out.rglob("*.html")}
    assert len(titles) == 1, f"pages of different builds: {titles}"
    return titles.pop()


# -- exit codes and messages ------------------------------------------------------------------


def test_a_page_calling_an_unknown_macro_is_refused_before_the_build(tmp_path, env):
    site = site_copy(tmp_path)
    (site / "content" / "bad.md").write_text(
        "---\ntitle: Bad\n---\n\n# Bad\n\n{{ no_such_macro() }}\n", encoding="utf-8")
    out = tmp_path / "out"
    for command in (["validate", site], ["build", site, "--out", out]):
        result = run(command, env)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        # Line 7 of the file (the front matter is counted).
        assert f"{site.as_posix()}/content/bad.md:7: no_such_macro(): there is no macro" in (
            result.stderr), result.stderr
    assert not out.exists() and not leftovers(env, tmp_path)


def test_a_macro_failing_while_the_page_renders_is_one_line_naming_file_and_line(tmp_path, env):
    site = site_copy(tmp_path)
    # The id comes from a loop, so only the build finds out it is not a measure.
    (site / "content" / "bad.md").write_text(
        "---\ntitle: Bad\n---\n\n# Bad\n\n"
        "{% for m in ['no-such-id'] %}{{ measure_chart(m) }}{% endfor %}\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "previous.html").write_text("the previous build", encoding="utf-8")
    (out / MARKER).write_text("the previous build's mark", encoding="utf-8")

    result = run(["build", site, "--out", out], env)
    assert result.returncode == 1, result.stderr
    line = one_line(result.stderr)
    # Line 7 of the file (the front matter is counted), not the exit code 100 of mkdocs-macros.
    assert "content/bad.md:7:" in line and "no-such-id" in line, line
    assert "nothing was written" in line
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "previous.html"]  # untouched
    assert not leftovers(env, tmp_path)

    debug = run(["--debug", "build", site, "--out", out], env)
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr and "KeyError" in debug.stderr
    assert "content/bad.md:7:" in debug.stderr.splitlines()[-1]


HOOK = """\
import sys

def on_page_markdown(markdown, page, **kwargs):
    if page.file.src_uri == "notes.md":
        {action}
    return markdown
"""


def _site_with_hook(tmp_path: Path, action: str) -> Path:
    """A site with its own mkdocs.yml whose hook (a stand-in for a broken plugin) fails."""
    site = site_copy(tmp_path)
    (site / "hooks.py").write_text(HOOK.format(action=action), encoding="utf-8")
    (site / "mkdocs.yml").write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: content\nhooks: [hooks.py]\n",
        encoding="utf-8")
    return site


def test_an_unexpected_error_is_one_line_and_debug_shows_the_traceback(tmp_path, env):
    site = _site_with_hook(tmp_path, "return {}['missing']")
    result = run(["build", site, "--out", tmp_path / "out"], env)
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert line.startswith("improvement-site: internal error while building the page "
                           "notes.md (KeyError: 'missing'); nothing was written."), line
    assert "--debug" in line
    assert not (tmp_path / "out").exists() and not leftovers(env, tmp_path)

    debug = run(["--debug", "build", site, "--out", tmp_path / "out"], env)
    assert debug.returncode == 1
    assert "Traceback (most recent call last)" in debug.stderr
    assert "hooks.py" in debug.stderr  # the traceback leads to the code that failed
    assert debug.stderr.strip().splitlines()[-1].startswith("improvement-site: internal error")


def test_a_library_exit_code_becomes_1(tmp_path, env):
    """Whatever code a library exits with (mkdocs-macros uses 100), the CLI's is 0, 1 or 2."""
    site = _site_with_hook(tmp_path, "sys.exit(100)")
    result = run(["build", site, "--out", tmp_path / "out"], env)
    assert result.returncode == 1
    assert "internal error while building the site" in one_line(result.stderr)
    assert not leftovers(env, tmp_path)


def test_usage_errors_exit_2(tmp_path, env):
    assert run(["build", "--no-such-option"], env).returncode == 2
    assert run(["no-such-command"], env).returncode == 2
    assert run(["build", "--audience", "everyone"], env).returncode == 2


def test_an_output_that_cannot_be_written_is_worded(tmp_path, env):
    site = site_copy(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = run(["build", site, "--out", blocker / "site"], env)
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert str(blocker) in line, line
    assert not leftovers(env, tmp_path)


# -- the SVG renderer -------------------------------------------------------------------------


def _children(pid: int) -> list[tuple[int, str]]:
    """Processes whose parent is `pid`, with their command lines (Linux /proc)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found.append((int(proc.name),
                              (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()))
        except (OSError, ValueError, IndexError):
            continue
    return found


def test_a_dying_svg_renderer_names_the_chart_and_leaves_nothing(tmp_path, env):
    """The renderer is killed (as by the out-of-memory killer) every time it starts: the build
    says which chart it could not draw, exits 1, and removes its folders."""
    site = site_copy(tmp_path)
    build = start(["build", site, "--out", tmp_path / "out"], env)
    killed = []

    def kill_workers():
        while build.poll() is None:
            for pid, cmdline in _children(build.pid):
                if "improvement_site.charts.svg_worker" in cmdline:
                    try:
                        os.kill(pid, signal.SIGKILL)
                        killed.append(pid)
                    except ProcessLookupError:
                        pass
            time.sleep(0.005)

    killer = threading.Thread(target=kill_workers)
    killer.start()
    _, stderr = build.communicate(timeout=300)
    killer.join()
    assert killed, "no SVG worker was started"
    assert build.returncode == 1, stderr
    line = one_line(stderr)
    assert 'the SVG renderer crashed on chart "' in line and "SIGKILL" in line, line
    assert "on page " in line
    assert not (tmp_path / "out").exists() and not leftovers(env, tmp_path)


def test_data_that_crashes_the_renderer_is_one_line(tmp_path, env):
    """A control character in a measure name made vl-convert abort the whole build (exit 134)
    and leave its folders behind. Validation may refuse it first; either way: exit 1, one
    line, nothing left."""
    site = site_copy(tmp_path)
    measures = site / "data" / "measures.yaml"
    measures.write_text(measures.read_text(encoding="utf-8").replace(
        "name: Child protection visits within timescale",
        'name: "Child protection visits\\u0007 within timescale"'), encoding="utf-8")
    result = run(["build", site, "--out", tmp_path / "out"], env)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "panicked" not in result.stderr
    assert not (tmp_path / "out").exists() and not leftovers(env, tmp_path)


# -- stopped and killed builds ----------------------------------------------------------------


def _wait_for_staging(parent: Path, process: subprocess.Popen) -> Path:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = [p for p in parent.iterdir() if ".building-" in p.name]
        if found and any(found[0].iterdir()):  # MkDocs has started writing into it
            return found[0]
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    raise AssertionError("the build never started writing")


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and text.encode() in (proc / "cmdline").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def test_sigterm_stops_a_build_cleanly(tmp_path, env):
    """Stopped while its SVG workers are drawing: the workers end too, and every folder the
    build made is removed."""
    site = site_copy(tmp_path)
    build = start(["build", site, "--out", tmp_path / "out"], env)
    _wait_for_staging(tmp_path, build)
    deadline = time.monotonic() + 120
    while not any(Path(env["TMPDIR"]).glob("improvement-site-svg-*")):
        assert build.poll() is None and time.monotonic() < deadline, "no SVG worker started"
        time.sleep(0.01)
    build.send_signal(signal.SIGTERM)
    _, stderr = build.communicate(timeout=120)
    assert build.returncode == 1
    assert "stopped by SIGTERM while building the site" in one_line(stderr)
    assert not (tmp_path / "out").exists() and not leftovers(env, tmp_path)
    assert not _processes_mentioning(env["TMPDIR"]), "an SVG worker outlived its build"


def test_a_build_killed_outright_is_cleaned_up_by_the_next(tmp_path, env):
    site = site_copy(tmp_path)
    out = tmp_path / "out"
    build = start(["build", site, "--out", out], env)
    staging = _wait_for_staging(tmp_path, build)
    build.kill()
    build.wait()
    time.sleep(0.2)
    assert staging.is_dir()  # SIGKILL: nothing could clean up

    result = run(["build", site, "--out", out], env)
    assert result.returncode == 0, result.stderr
    assert not staging.exists() and not leftovers(env, tmp_path)
    assert_complete(out)


def test_only_dead_builds_folders_are_removed(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    mine = tmp_path / f".site.building-{os.getpid()}-live"
    theirs = tmp_path / f".site.building-{dead.pid}-dead"
    old = tmp_path / f".site.old-{dead.pid}-dead"
    unrelated = tmp_path / ".site.building-notes"  # not ours to judge by pid: too young
    for folder in (mine, theirs, old, unrelated):
        (folder / "assets").mkdir(parents=True)
    lifecycle.remove_dead(tmp_path, ".site.building-")
    lifecycle.remove_dead(tmp_path, ".site.old-")
    assert mine.is_dir() and unrelated.is_dir()
    assert not theirs.exists() and not old.exists()


# -- builds at the same time ------------------------------------------------------------------


def _together(*argv, env) -> list[subprocess.CompletedProcess]:
    processes = [start(args, env) for args in argv]
    results = []
    for process, args in zip(processes, argv):
        stdout, stderr = process.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(args, process.returncode, stdout, stderr))
    return results


def test_two_builds_of_the_same_site_at_once(tmp_path, env):
    site = site_copy(tmp_path)
    out = tmp_path / "out"
    for result in _together(["build", site, "--out", out], ["build", site, "--out", out],
                            env=env):
        assert result.returncode == 0, result.stderr
    assert_complete(out)
    assert not leftovers(env, tmp_path)


def test_two_sites_built_into_the_same_folder_at_once(tmp_path, env):
    first = site_copy(tmp_path, "first")
    second = site_copy(tmp_path, "second")
    site_yaml = second / "data" / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace(
        "title: Children's services improvement", "title: The second site"), encoding="utf-8")
    out = tmp_path / "out"
    for result in _together(["build", first, "--out", out], ["build", second, "--out", out],
                            env=env):
        assert result.returncode == 0, result.stderr
    title = assert_complete(out)  # one site or the other, never a mixture
    assert title in ("Children's services improvement", "The second site")
    assert not leftovers(env, tmp_path)


# Both processes begin together once both are imported, however long that takes on a busy
# machine: each says it is ready in a file, then waits for the other's.
TOGETHER = """
def together(folder, me):
    import time
    from pathlib import Path
    folder = Path(folder)
    (folder / f"ready-{me}").touch()
    deadline = time.time() + 120
    while len(list(folder.glob("ready-*"))) < 2 and time.time() < deadline:
        time.sleep(0.01)
    return time.time()
"""

WRITER = TOGETHER + """
import sys, time
from pathlib import Path
from improvement_site.lifecycle import write_atomic
target = Path(sys.argv[1])
start = together(sys.argv[3], sys.argv[2])
while time.time() < start + 1.0:
    write_atomic(target, sys.argv[2] * 5000)
    assert target.read_text(encoding="utf-8") in ("a" * 5000, "b" * 5000)
"""


def test_cache_files_written_by_two_processes_at_once(tmp_path):
    """The chart cache is shared by every build of a site: two writers of the same file must
    both succeed, and a reader always sees a whole file."""
    target = tmp_path / "cache" / "chart.svg"
    start = tmp_path / "start"
    start.mkdir()
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(target), letter, str(start)],
                                cwd=ROOT, stderr=subprocess.PIPE, text=True) for letter in "ab"]
    for writer in writers:
        _, stderr = writer.communicate(timeout=120)
        assert writer.returncode == 0, stderr
    assert [p.name for p in target.parent.iterdir()] == ["chart.svg"]  # no temporary files
    write_atomic(target, "done")
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)


SWAPPER = TOGETHER + """
import sys, tempfile, time
from pathlib import Path
from improvement_site.lifecycle import replace_output as _replace
out = Path(sys.argv[1])
start = together(sys.argv[3], sys.argv[2])
while time.time() < start + 1.0:
    staging = Path(tempfile.mkdtemp(prefix=".out.building-", dir=out.parent))
    (staging / "index.html").write_text(sys.argv[2] * 100)
    _replace(staging, out)
"""


def test_output_swapped_by_two_processes_at_once(tmp_path):
    """Two builds finishing at the same moment both move their site into place: neither
    fails, the output is one whole site, and no old output is left beside it."""
    out = tmp_path / "out"
    start = tmp_path.parent / f"{tmp_path.name}-start"  # outside tmp_path: it is checked
    start.mkdir()
    swappers = [subprocess.Popen([sys.executable, "-c", SWAPPER, str(out), letter, str(start)],
                                 cwd=ROOT, stderr=subprocess.PIPE, text=True)
                for letter in "ab"]
    for swapper in swappers:
        _, stderr = swapper.communicate(timeout=120)
        assert swapper.returncode == 0, stderr
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert [p.name for p in out.iterdir()] == ["index.html"]
    assert (out / "index.html").read_text() in ("a" * 100, "b" * 100)



def test_import_internal_error_is_one_worded_line(tmp_path, monkeypatch):
    """An import that fails for a reason that is not the workbook's says so in the CLI's
    internal-error line (import and export share the CLI's guard), exit 1, no traceback."""
    from click.testing import CliRunner

    import improvement_site.tracker.plan
    from improvement_site.cli.main import main

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(improvement_site.tracker.plan, "import_plan", broken)
    book = tmp_path / "plan.csv"
    book.write_text("id,action\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "plan", str(book), "--site", str(tmp_path)])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == ["improvement-site: internal error while importing (RuntimeError: disk on "
                     "fire); nothing was written. Run again with --debug for the details and "
                     "report it."], result.output
