"""`improvement-site new DIR --council NAME`: a new site folder that validates and builds.

The files come from `improvement_site/scaffold/` (package data): a placeholder for every data
file, an about page, a README for the comms team, a .gitignore, and the CI that publishes a
release when a meeting tag is pushed (GitHub Actions and GitLab CI). Dotfiles are kept there
without their dot (`gitignore`, `github/`, `gitlab-ci.yml`) so that every packaging tool ships
them. The site is written in a temporary folder, checked, and only then moved into place, so
a failure leaves nothing behind; an existing file is never replaced.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from improvement_site import lifecycle

SCAFFOLD = Path(__file__).resolve().parents[1] / "scaffold"
DEFAULT_TITLE = "Children's services improvement"
# A value to fill in, `<<council>>`, in the scaffold's files.
PLACEHOLDER = re.compile(r"<<(\w+)>>")
# Scaffold names → the names written (dotfiles are stored without their dot).
RENAMED = {"gitignore": ".gitignore", "gitlab-ci.yml": ".gitlab-ci.yml", "github": ".github"}


class NewSiteError(Exception):
    """The site cannot be made where asked; the message says why."""


@dataclass(frozen=True)
class NewSite:
    folder: Path
    files: tuple[str, ...]  # as written, relative to the folder


# A placeholder under a domain reserved for examples (RFC 2606), so it can never reach anyone.
PLACEHOLDER_CONTACT = "improvement@council.example"


def new_site(folder: Path, council: str, title: str | None = None, *, force: bool = False,
             today: date | None = None, version: str | None = None,
             contact: str | None = None) -> NewSite:
    """Write a new site into `folder` (made if missing; else it must be empty but for hidden
    files such as .git, or `force`). Nothing is replaced: a name already there stops it."""
    folder = Path(folder)
    if os.path.lexists(folder) and not folder.is_dir():
        raise NewSiteError(f"{folder} is a file or a broken link; give the name of a new "
                           f"folder")
    values = _values(council, title or DEFAULT_TITLE, today or date.today(),
                     version or _version(), contact or PLACEHOLDER_CONTACT)
    names = _scaffold_files()
    if folder.is_dir():
        present = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
        if present and not force:
            shown = ", ".join(present[:5]) + (", …" if len(present) > 5 else "")
            raise NewSiteError(f"{folder} is not empty (it holds {shown}); give a new folder, "
                               f"or add --force to add the site's files beside these")
        _refuse_clashes(folder, names.values())
    parent = folder.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = lifecycle.owned_temp_dir(f".{folder.name}.new-", parent)
    try:
        for source, name in names.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_fill(source.read_text(encoding="utf-8"), values),
                              encoding="utf-8")
        _check(staging)
        if folder.is_dir():
            _move_all_in(staging, folder)
        else:
            staging.rename(folder)
    except OSError as exc:  # the disk, or a file put in the way meanwhile: worded, undone
        where = f"{exc.filename}: " if exc.filename else ""
        raise NewSiteError(f"{where}{exc.strerror or exc}; nothing was written") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return NewSite(folder, tuple(sorted(names.values())))


def _scaffold_files() -> dict[Path, str]:
    out = {}
    for path in sorted(SCAFFOLD.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            parts = list(path.relative_to(SCAFFOLD).parts)
            parts[0] = RENAMED.get(parts[0], parts[0])
            out[path] = "/".join(parts)
    return out


def _values(council: str, title: str, today: date, version: str,
            contact: str) -> dict[str, str]:
    from improvement_site.pages.text import escape_markdown
    return {
        # YAML values as JSON strings: valid YAML, whatever the name holds.
        "council": json.dumps(council, ensure_ascii=False),
        "title": json.dumps(title, ensure_ascii=False),
        "contact": json.dumps(contact, ensure_ascii=False),
        "council_text": escape_markdown(council),
        "title_text": escape_markdown(title),
        "today": today.isoformat(),
        "version": version,
    }


def _fill(text: str, values: dict[str, str]) -> str:
    # In one pass: a name that holds `<<council_text>>` is written as typed, not filled again.
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("improvement-site")
    except PackageNotFoundError:  # a checkout that was never installed
        return "0.1.0"


def _check(site: Path) -> None:
    """The new site must validate: a scaffold that does not is a bug, not the user's."""
    from improvement_site.cli.commands import validate
    from improvement_site.data.problems import DataError
    try:
        validate(site)
    except DataError as exc:
        raise RuntimeError(f"the new site does not validate: {exc.report(built=False)}") from exc


def _refuse_clashes(folder: Path, names) -> None:
    """Every file the site needs must be free in `folder`, and each folder on its way a real
    folder or missing: a file, or a link (even a dangling one), in the way stops it before
    anything is written."""
    clash = set()
    for name in names:
        parts = Path(name).parts
        for depth in range(1, len(parts) + 1):
            path = folder.joinpath(*parts[:depth])
            last = depth == len(parts)
            if os.path.islink(path) or (os.path.lexists(path) and (last or not path.is_dir())):
                kind = "" if last else " (a file where the site needs a folder)"
                clash.add("/".join(parts[:depth]) + kind)
                break
    if clash:
        raise NewSiteError(f"{folder} already has {', '.join(sorted(clash))}; nothing was "
                           f"written (improvement-site new never replaces a file or a link)")


def _move_all_in(staging: Path, folder: Path) -> None:
    """Move the staged site into an existing folder, merging into folders already there (a
    .github/ with other workflows); if a move fails, the ones done are undone, so that the
    folder is as it was."""
    done: list[tuple[Path, Path]] = []  # (where it came from, where it went), in order
    try:
        _move_in(staging, folder, done)
    except OSError:
        for source, target in reversed(done):
            with contextlib.suppress(OSError):
                target.rename(source)
        raise


def _move_in(source: Path, target: Path, done: list) -> None:
    for entry in sorted(source.iterdir()):
        there = target / entry.name
        if entry.is_dir() and there.is_dir() and not there.is_symlink():
            _move_in(entry, there, done)
            continue
        if os.path.lexists(there):  # appeared since the check: never replace it
            raise FileExistsError(errno.EEXIST, "already there", str(there))
        entry.rename(there)
        done.append((entry, there))
