"""The folders a build owns, how its finished site is swapped into place, and how it stops;
where any command's output may go.

Kept apart from `commands` (what each command does) because release and the chart workers use
the same folders and the CLI the same signal handling.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from pathlib import Path


# -- folders a build owns, and those left by builds that died -----------------------------------
#
# Every folder a build makes for itself (the staging folder beside the output, the old output
# while it is swapped out, the SVG workers' folder in the temp dir) carries its process id:
# `.site.building-1234-k3j2`. A build that is killed outright (SIGKILL, power cut) cannot
# remove its folders, so the next build removes those whose process is no longer running, and
# never those of a build that is still going.

OWNED = re.compile(r"(\d+)-[A-Za-z0-9_]+")  # what follows the prefix: pid-random
LEGACY_AGE = 24 * 3600  # folders named before they carried a pid: removed after a day


def owned_temp_dir(prefix: str, parent: Path | None = None) -> Path:
    """A new folder `{prefix}{pid}-{random}` in `parent` (default: the temp dir), after
    removing the ones of the same kind whose build has died."""
    parent = Path(parent) if parent else Path(tempfile.gettempdir())
    remove_dead(parent, prefix)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: another user's process; leave its folders alone
        return True
    return True


def _dead(folder: Path, prefix: str) -> bool:
    match = OWNED.fullmatch(folder.name[len(prefix):])
    if match:
        return not _alive(int(match.group(1)))
    try:  # made by a version that did not name its folders after their process
        return time.time() - folder.stat().st_mtime > LEGACY_AGE
    except OSError:
        return False


def remove_dead(parent: Path, prefix: str) -> list[Path]:
    """Remove the folders `{prefix}*` in `parent` whose build is no longer running."""
    removed = []
    try:
        entries = [e for e in Path(parent).iterdir() if e.name.startswith(prefix)]
    except OSError:
        return removed
    for entry in entries:
        if entry.is_dir() and not entry.is_symlink() and _dead(entry, prefix):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def replace_output(staging: Path, out_dir: Path) -> None:
    """Swap the finished build into place, keeping the old one until the new one is there.

    Another build may be swapping its own site into the same place at the same moment: the
    last one wins, and whichever it is, the output is always one complete build.
    """
    import errno
    for attempt in range(50):
        old = None
        if out_dir.exists() or out_dir.is_symlink():
            old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}-{os.urandom(4).hex()}")
            try:
                out_dir.rename(old)
            except FileNotFoundError:  # another build moved it first
                old = None
        try:
            staging.rename(out_dir)
        except OSError as exc:
            raced = exc.errno in (errno.EEXIST, errno.ENOTEMPTY) and attempt < 49
            if old and not raced:
                with contextlib.suppress(OSError):
                    old.rename(out_dir)  # put the previous site back
                old = None  # and if that failed, keep it rather than lose it
            if not raced:
                raise
            continue  # another build put its site there in between: move it aside too
        finally:
            if old:
                shutil.rmtree(old, ignore_errors=True)
        return


# -- stopping cleanly ---------------------------------------------------------------------------


class Stopped(SystemExit):
    """The process was asked to stop (SIGTERM, SIGHUP): raised where it is, so that every
    `finally` removes what the build made. Exits with 1."""

    def __init__(self, signum: int, finished: bool = False):
        import signal
        self.signal = signal.Signals(signum).name
        self.finished = finished  # the signal came as the finished site was moved into place
        super().__init__(1)


_critical = {"depth": 0, "pending": None}


def _on_signal(signum, frame) -> None:
    if _critical["depth"]:
        _critical["pending"] = signum  # raised when the swap is over
        return
    raise Stopped(signum)


@contextlib.contextmanager
def uninterrupted():
    """A signal that arrives while the output is being swapped takes effect just after."""
    _critical["depth"] += 1
    try:
        yield
    finally:
        _critical["depth"] -= 1
        pending, _critical["pending"] = _critical["pending"], None
        if pending and not _critical["depth"]:
            raise Stopped(pending, finished=True)


@contextlib.contextmanager
def stop_cleanly():
    """While inside, SIGTERM and SIGHUP raise Stopped instead of ending the process at once."""
    import signal
    import threading
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = [n for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {n: signal.signal(getattr(signal, n), _on_signal) for n in names}
    try:
        yield
    finally:
        for n, handler in previous.items():
            signal.signal(getattr(signal, n), handler)


# -- files other builds may be reading --------------------------------------------------------


def write_atomic(path: Path, text: str | bytes, *, make_folder: bool = True) -> None:
    """Write a file (text as UTF-8, or bytes) another build may be reading or writing at the
    same moment: a uniquely named temporary file in the same folder, then an atomic rename
    over the target, so a reader sees the old file or the new one, never half of one."""
    if make_folder:
        path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with (os.fdopen(handle, "wb") if isinstance(text, bytes)
              else os.fdopen(handle, "w", encoding="utf-8")) as f:
            f.write(text)
        os.chmod(temp, 0o644)  # mkstemp makes it private; the file it replaces was not
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


# -- where output may go ----------------------------------------------------------------------
#
# A build replaces its output folder whole, so an output folder must be one nobody else's files
# live in: never the site, its data or content, the home folder or `/` (or a folder holding
# them), and, when it exists, empty or marked as a build's. Files written by name (a report, a
# workbook, imported data) never land in data/ or content/ unless that is the command's job.
# Paths are compared resolved, so `./data/../data`, a symlink and a trailing slash are caught.

MARKER = ".improvement-site-build"
MARKER_TEXT = ("This folder was written by `improvement-site build`. The next build into it\n"
               "replaces it whole, so keep nothing of your own here.\n")


class UnsafeOutput(Exception):
    """An output place the program must not write to; the message names it, says why and what
    to do. The command line words it as a usage error (exit 2)."""


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _guard(shown: Path, real: Path, site: Path | None, inside_ok: tuple[Path, ...]) -> None:
    """Refuse `real` (typed as `shown`) if it is or holds the home folder or the site, or is
    inside the site's data or content folder (unless it is one of `inside_ok`)."""
    home = Path.home().resolve()
    if _within(home, real):
        what = "your home folder" if real == home else "a folder holding your home folder"
        raise UnsafeOutput(f"{shown} is {what}; give a folder of its own")
    if site is None:
        return
    site = Path(site).resolve()
    if _within(site, real):
        what = "the site folder" if real == site else "a folder holding the site"
        raise UnsafeOutput(f"{shown} is {what} ({site}); give a folder of its own")
    if real in (p.resolve() for p in inside_ok):
        return
    for name in ("data", "content"):
        folder = (site / name).resolve()
        if _within(real, folder):
            where = "the site's" if real == folder else "inside the site's"
            fate = "read as data" if name == "data" else "published as a page"
            raise UnsafeOutput(f"{shown} is {where} {name} folder, where what is written would "
                               f"be {fate} (or replace it); write it outside {site / name}")
    if real.parent == site and real.name in ("mkdocs.yml", "mkdocs.yaml"):
        raise UnsafeOutput(f"{shown} is the site's own configuration; write it elsewhere")


def check_output_folder(out: Path, site: Path | None, *, replaced: bool = True,
                        inside_ok: tuple[Path, ...] = ()) -> Path:
    """The resolved folder `out`, if output may go there; else UnsafeOutput. A folder that
    is `replaced` whole (a build) must also be missing, empty or marked as a build's."""
    real = Path(out).resolve()
    _guard(Path(out), real, site, inside_ok)
    if real.exists() and not real.is_dir():
        raise UnsafeOutput(f"{out} is a file; give a folder")
    if replaced and real.is_dir() and not (real / MARKER).is_file() and any(real.iterdir()):
        raise UnsafeOutput(f"{out} holds files that improvement-site build did not write (it has "
                           f"no {MARKER} file), so it is not replaced. If it is a build by an "
                           f"earlier version, delete it and build again; otherwise give "
                           f"another folder with --out")
    return real


def check_output_file(path: Path, site: Path | None, *,
                      inside_ok: tuple[Path, ...] = ()) -> Path:
    """The resolved file `path`, if a command may write it; else UnsafeOutput. `inside_ok` are
    the files in the site the command exists to write (an import's data files). Any other
    file already there is replaced only if improvement-site wrote it (`written_here`)."""
    real = Path(path).resolve()
    _guard(Path(path), real, site, inside_ok)
    if real.is_dir():
        raise UnsafeOutput(f"{path} is a folder; give the name of a file")
    if (real.exists() and real not in (p.resolve() for p in inside_ok)
            and not written_here(real)):
        raise UnsafeOutput(f"{path} exists and was not written by improvement-site; give "
                           f"another name, or delete it first")
    return real


# What improvement-site writes, recognised by its content (never by its name or date): a
# report or workbook naming improvement-site as the program that made it, a measures.csv
# starting with its header, a YAML list of measure records. Anything else is a person's.
MADE_BY = "improvement-site"
# data/reader.py's CSV_COLUMNS as a line; spelt out here, where nothing of the package is
# imported (tests/test_overwrite.py holds the two together).
MEASURES_CSV_HEADER = "measure,period,value,note"


def written_here(path: Path) -> bool:
    """Whether the existing file `path` is one improvement-site writes (an empty file holds
    nothing to lose, so counts as one); never raises."""
    try:
        if path.stat().st_size == 0:
            return True
        suffix = path.suffix.lower()
        if suffix == ".pdf":
            import pikepdf
            with pikepdf.open(path) as pdf:
                return MADE_BY in str(pdf.docinfo.get("/Creator", ""))
        if suffix in (".docx", ".xlsx"):
            import zipfile
            with zipfile.ZipFile(path) as book:  # the program named in its properties
                names = set(book.namelist())
                return any(f">{MADE_BY}<".encode() in book.read(name)
                           for name in ("docProps/app.xml", "docProps/core.xml")
                           if name in names)
        if suffix == ".csv":
            with path.open(encoding="utf-8-sig") as text:
                return text.readline().strip() == MEASURES_CSV_HEADER
        if suffix in (".yaml", ".yml"):
            import yaml
            records = yaml.safe_load(path.read_text(encoding="utf-8"))
            return isinstance(records, list) and all(
                isinstance(r, dict) and "id" in r for r in records)
    except Exception:  # unreadable, not the format its name says: not ours
        return False
    return False


def mark_output(folder: Path) -> None:
    """Mark a finished build, so that the next build knows the folder is its to replace."""
    (Path(folder) / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
