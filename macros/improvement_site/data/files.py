"""The files a data folder may hold: any other is a mistake (a misspelt `measure.csv` would
otherwise be silently ignored, and its figures never shown)."""

from __future__ import annotations

import difflib
from pathlib import Path

from improvement_site.data.problems import Problem

# Every file the loader reads (docs/data-contract.md), and the plan folder's files.
KNOWN = ("site.yaml", "measures.yaml", "measures.csv", "commentary.yaml", "visits.yaml",
         "glossary.yaml", "breakdowns.yaml", "providers.yaml")
PLAN = "plan"
PLAN_SUFFIXES = (".yaml", ".yml")
IMAGE_SUFFIXES = (".svg", ".png")  # a logo (site.yaml `logo`) is one of these


def _ignored(name: str) -> bool:
    """Files a folder may hold beside the data: hidden ones (.gitkeep, .DS_Store) and notes
    for the people who keep it (README, README.md, readme.txt)."""
    return name.startswith(".") or name.lower().startswith("readme")


def unknown_files(data_dir: Path, rel, named: tuple[str, ...] = (),
                  suffixes: tuple[str, ...] = ()) -> list[Problem]:
    """A problem for every file or folder in `data_dir` the site does not read. `rel(path)`
    names a path as messages do (relative to the site); `named` are the files site.yaml
    names (its logo), `suffixes` endings left alone when site.yaml could not be read."""
    if not data_dir.is_dir():
        return []
    problems = []
    for path in sorted(data_dir.iterdir()):
        name = path.name
        if _ignored(name) or (path.is_file() and (
                name in KNOWN or name in named or path.suffix in suffixes)):
            continue
        if name == PLAN and path.is_dir():
            problems += _plan_files(path, rel)
            continue
        what = "folder" if path.is_dir() else "file"
        known = [PLAN] if path.is_dir() else list(KNOWN)
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f'; did you mean "{close[0]}"?' if close else (
            f"; the site reads {', '.join(KNOWN)} and the {PLAN}/ folder (see "
            f"docs/data-contract.md)")
        problems.append(Problem(rel(path), 0, "", f"is not a {what} the site reads, so what "
                                f"it holds would never be shown{hint}"))
    return problems


def _plan_files(plan: Path, rel) -> list[Problem]:
    problems = []
    for path in sorted(plan.iterdir()):
        if _ignored(path.name) or (path.is_file() and path.suffix in PLAN_SUFFIXES):
            continue
        what = "a folder" if path.is_dir() else "a file"
        problems.append(Problem(rel(path), 0, "", f"is {what} the site does not read, so what "
                                f"it holds would never be shown; each area is one .yaml file "
                                f"in {PLAN}/, such as 01-front-door.yaml"))
    return problems
