"""The folders a build owns, how its finished site is swapped into place, and how it stops.

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
