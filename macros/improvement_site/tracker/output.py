"""What the importers write, and how: YAML in the contract's layout, checked together with the
rest of the site before anything is written, then replaced file by file so a failed import
leaves the old files in place.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from improvement_site.data.load import load_site
from improvement_site.data.problems import DataError, Problem


# --- YAML output ------------------------------------------------------------------------


class FlowList(list):
    """A short list of ids, written on one line: measures: [cp-rate, cin-rate]."""


class FlowMap(dict):
    """A small record written on one line: {by: 2023-09, value: 800}."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent lists under their key, as the hand-written data files do.
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = "|" if "\n" in text else None  # paragraphs stay readable as a `|-` block
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(FlowList, lambda dumper, items: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", items, flow_style=True))
_Dumper.add_representer(FlowMap, lambda dumper, items: dumper.represent_mapping(
    "tag:yaml.org,2002:map", items, flow_style=True))


def dump_yaml(data: Any, comment: str) -> str:
    """YAML text for data; the same data always gives the same bytes."""
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=1_000_000, default_flow_style=False)
    return f"# {comment}\n{body}"


def dump_records(records: list) -> str:
    """YAML for a list of records, as lines to put into a hand-written list file."""
    return yaml.dump(records, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=1_000_000, default_flow_style=False)


# --- checking and writing ---------------------------------------------------------------


def check_site_with(site: Path, files: dict[str, str], replace: str | None = None) -> list[Problem]:
    """Validate the site as it would be with `files` (paths relative to data/) written, and
    the folder `replace` (relative to data/) emptied first. Works on a copy: nothing in the
    site changes."""
    return load_site_with(site, files, replace)[1]


def load_site_with(site: Path, files: dict[str, str], replace: str | None = None):
    """(the site's model, []) as it would be with `files` written, or (None, problems)."""
    data_dir = Path(site) / "data"
    with tempfile.TemporaryDirectory(prefix="improvement-site-import-") as tmp:
        copy = Path(tmp) / "data"

        def ignore(folder: str, names: list[str]) -> list[str]:
            return [replace] if replace and Path(folder) == data_dir and replace in names else []

        if data_dir.is_dir():
            # Links copied as links, for load_site to refuse (data/sitefiles.py): copied as
            # the files they point at, a file of this computer would be read, even quoted.
            shutil.copytree(data_dir, copy, ignore=ignore, symlinks=True)
        copy.mkdir(exist_ok=True)
        for rel, text in files.items():
            target = copy / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        try:
            return load_site(copy), []
        except DataError as exc:
            return None, exc.problems


def write_file(path: Path, text: str) -> bool:
    """Write a file in one step (a temporary file renamed over it). Returns whether it changed."""
    old = path.read_bytes() if path.is_file() else None
    new = text.encode("utf-8")
    if old == new:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(new)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True


def replace_yaml_files(folder: Path, files: dict[str, str], *,
                       own: bool = True) -> tuple[int, list[str]]:
    """Make `folder`'s YAML files exactly `files` (name → text), keeping any other files.
    The new folder is built beside the old one and swapped in, so a failure part-way leaves
    the old folder as it was. Returns (files changed, names removed).

    A folder that is not the site's own plan folder (`own` False: an import's --out) is
    someone else's: only the files named are written, one by one, and nothing else in it is
    removed, moved or copied."""
    if not own:
        return sum(write_file(folder / name, text) for name, text in files.items()), []
    folder.parent.mkdir(parents=True, exist_ok=True)
    old_names = {p.name for p in folder.glob("*.y*ml")} if folder.is_dir() else set()
    changed = sum(1 for name, text in files.items()
                  if not (folder / name).is_file()
                  or (folder / name).read_bytes() != text.encode("utf-8"))
    removed = sorted(old_names - set(files))
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-import-", dir=folder.parent))
    try:
        new = work / "new"
        if folder.is_dir():
            shutil.copytree(folder, new, ignore=lambda d, names: [
                n for n in names if d == str(folder) and n in old_names])
        else:
            new.mkdir()
        for name, text in files.items():
            (new / name).write_text(text, encoding="utf-8", newline="\n")
        if folder.exists():
            os.replace(folder, work / "old")
        try:
            os.replace(new, folder)
        except BaseException:
            if (work / "old").exists():
                os.replace(work / "old", folder)
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return changed, removed
