"""Which files of a site may be read: regular files inside it, and nothing else.

A site's folders are edited by many hands and published by CI. A symbolic link in them
(`data/crest.png -> /proc/self/environ`, `content/keys -> ~/.ssh`) would make the build read,
and publish, a file of the machine it runs on; a pipe or a device would hang it or read
forever. So every file the site reads or MkDocs copies is checked here first, with `lstat`
(which never follows a link) on each part of its path below the site, and refused in words
that name the path only: what a link points at is never read, so it can never be quoted.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from improvement_site.data.problems import Problem

LINK = ("is a symbolic link, which the site does not follow (it could publish a file from "
        "the computer that builds the site); replace the link with the file itself")
SPECIAL = ("is not a regular file (a folder, device, pipe or socket), which the site does not "
           "read; replace it with the file itself")
HARD_LINK = ("is a hard link to another file, which the site does not read (the other name could "
             "be a file of the computer that builds the site); replace it with a copy of the file")
OUTSIDE = "is outside the site's folder, which the site does not read; copy the file into it"


def _kind(st: os.stat_result, folder: bool) -> str | None:
    """Why an entry with this `lstat` is refused, or None. A regular file with a second name
    (a hard link, made with `ln`) may be a secret's other name: `lstat` cannot tell which
    name is the real one, so neither is read."""
    mode = st.st_mode
    if stat.S_ISLNK(mode):
        return LINK
    if stat.S_ISREG(mode):
        return HARD_LINK if st.st_nlink > 1 else None
    if folder and stat.S_ISDIR(mode):
        return None
    return SPECIAL


def refusal(path: Path, root: Path, folder: bool = False) -> str | None:
    """Why `path` may not be read, or None when it is a regular file (a real folder, with
    `folder`) whose every folder from `root` (the site's folder) down is a real folder. A
    missing file is None: saying it is missing is the reader's job."""
    path, root = Path(os.path.abspath(path)), Path(os.path.abspath(root))
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return OUTSIDE
    current = root
    for index, part in enumerate(parts):
        current = current / part
        try:
            st = os.lstat(current)
        except OSError:
            return None
        said = _kind(st, folder=folder or index < len(parts) - 1)
        if said:
            return said
    # Belt and braces: nothing above was a link, so this holds unless the folders changed.
    if not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root)):
        return OUTSIDE
    return None


def refused_in(folder: Path, site_dir: Path) -> list[Problem]:
    """A problem for every link or special file in `folder` and below it (the folder too),
    named relative to `site_dir`; a linked folder is reported, never entered."""
    folder, site_dir = Path(os.path.abspath(folder)), Path(os.path.abspath(site_dir))
    said = refusal(folder, site_dir, True) if folder.is_relative_to(site_dir) else None
    if said is None:
        try:
            st = os.lstat(folder)
        except OSError:
            return []
        said = _kind(st, folder=True)
    if said:
        return [Problem(site_rel(folder, site_dir), 0, "", said)]
    problems = []
    for top, dirs, files in os.walk(folder):  # os.walk never follows a linked folder
        for name in sorted(dirs + files):
            path = Path(top) / name
            try:
                said = _kind(os.lstat(path), folder=True)
            except OSError:
                continue
            if said:
                problems.append(Problem(site_rel(path, site_dir), 0, "", said))
    return problems


def site_rel(path: Path, site_dir: Path) -> str:
    try:
        return path.relative_to(site_dir).as_posix()
    except ValueError:
        return path.as_posix()


def _open_unfollowed(path: Path) -> int:
    """Opened without following a final link; O_NONBLOCK: a pipe put in the file's place
    after a check must not hang the build."""
    return os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                   | getattr(os, "O_NONBLOCK", 0))


def read_bytes(path: Path, root: Path, limit: int) -> bytes | str:
    """A regular file's bytes, at most `limit` of them (one more tells that it is larger), or
    why it may not be read. Opened without following a final link, so a file swapped for a
    link after the check is not read either."""
    said = refusal(path, root)
    if said:
        return said
    try:
        fd = _open_unfollowed(path)
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    with os.fdopen(fd, "rb") as file:
        said = _kind(os.fstat(file.fileno()), folder=False)
        if said:
            return said
        return file.read(limit + 1)


# -- the build's own caches (SITE/.cache) ---------------------------------------------------
#
# A cache folder sits in the site, so anyone who can commit to the site can put anything in
# it (`git add -f .cache`). A cache entry is therefore read only when it is a regular file
# with one name, opened without following a link; anything else is a miss, made again and
# put in its place with an atomic rename (which replaces a link, never what it points at).
# A cache folder the build would write into must be a real folder: a link would send the
# build's files elsewhere on the machine, so it is refused before anything is written.

CACHE_LINK = ("is a symbolic link; the build keeps its caches there and will not write "
              "through a link: delete it")
CACHE_NOT_FOLDER = "is not a folder; the build keeps its caches there: delete it"


def read_cached(path: Path) -> bytes | None:
    """A cache entry's bytes, or None: missing, or not a regular file with one name."""
    try:
        fd = _open_unfollowed(path)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        if _kind(os.fstat(file.fileno()), folder=False):
            return None
        return file.read()


def cache_refusal(folder: Path, cache: Path, site_dir: Path) -> Problem | None:
    """Why the build may not write into `folder` (the cache folder `cache` or a folder in
    it), named from `site_dir`; None when each folder from `cache` down is a real folder or
    is not there yet (the build makes it)."""
    cache, folder = Path(os.path.abspath(cache)), Path(os.path.abspath(folder))
    current = cache
    for part in ("", *folder.relative_to(cache).parts):
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            return None
        except OSError as exc:
            return Problem(site_rel(current, site_dir), 0, "", f"cannot be read: {exc.strerror}")
        if stat.S_ISLNK(mode) or not stat.S_ISDIR(mode):
            return Problem(site_rel(current, site_dir), 0, "",
                           CACHE_LINK if stat.S_ISLNK(mode) else CACHE_NOT_FOLDER)
    return None
