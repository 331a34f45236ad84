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
OUTSIDE = "is outside the site's folder, which the site does not read; copy the file into it"


def _kind(mode: int, folder: bool) -> str | None:
    """Why an entry of this `lstat` mode is refused, or None."""
    if stat.S_ISLNK(mode):
        return LINK
    if stat.S_ISREG(mode) or (folder and stat.S_ISDIR(mode)):
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
            mode = os.lstat(current).st_mode
        except OSError:
            return None
        said = _kind(mode, folder=folder or index < len(parts) - 1)
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
            mode = os.lstat(folder).st_mode
        except OSError:
            return []
        said = _kind(mode, folder=True)
    if said:
        return [Problem(site_rel(folder, site_dir), 0, "", said)]
    problems = []
    for top, dirs, files in os.walk(folder):  # os.walk never follows a linked folder
        for name in sorted(dirs + files):
            path = Path(top) / name
            try:
                said = _kind(os.lstat(path).st_mode, folder=True)
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


def read_bytes(path: Path, root: Path, limit: int) -> bytes | str:
    """A regular file's bytes, at most `limit` of them (one more tells that it is larger), or
    why it may not be read. Opened without following a final link, so a file swapped for a
    link after the check is not read either."""
    said = refusal(path, root)
    if said:
        return said
    try:
        # O_NONBLOCK: a pipe put in the file's place after the check must not hang the build.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            return SPECIAL
        return file.read(limit + 1)
