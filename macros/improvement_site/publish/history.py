"""Earlier releases, read from git.

A release is a git tag named `meeting-YYYY-MM-DD`, one per committee meeting. The data of a
release is read exactly as it was at its tag (`git show TAG:path`) and validated like today's.
A site outside a git repository, or with no tags yet, still builds: it simply has no history,
and the pages say why.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

from improvement_site.publish.audience import for_audience
from improvement_site.data.load import load_site
from improvement_site.model.sitedata import SiteData
from improvement_site.data.problems import DataError

TAG_PATTERN = re.compile(r"^meeting-([0-9]{4}-[0-9]{2}-[0-9]{2})$")  # ASCII digits only
log = logging.getLogger("mkdocs.plugins.improvement_site")


@dataclass(frozen=True)
class Release:
    tag: str
    date: date
    commit: str


@dataclass(frozen=True)
class Snapshot:
    """One release's data, as the build's audience may see it."""

    release: Release | None  # None for the build's own (current) data
    data: SiteData

    @property
    def date(self) -> date:
        if self.release:
            return self.release.date
        site = self.data.site
        return site.meeting.date if site.meeting else site.reporting_date

    @property
    def label(self) -> str:
        from improvement_site.model.labels import long_date
        return long_date(self.date)


@dataclass(frozen=True)
class History:
    """The current data and every earlier release, oldest first."""

    current: Snapshot
    earlier: tuple[Snapshot, ...] = ()
    note: str | None = None  # why there is no history, or what could not be read
    unreadable: tuple[str, ...] = field(default_factory=tuple)
    first: bool = False  # no release has been tagged: this build is the site's first

    @property
    def previous(self) -> Snapshot | None:
        return self.earlier[-1] if self.earlier else None

    @property
    def snapshots(self) -> tuple[Snapshot, ...]:
        return (*self.earlier, self.current)


def _git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        raise GitError(result.stderr.strip() or f"git {' '.join(args)} failed")
    return result.stdout


class GitError(Exception):
    pass


def repository_root(path: Path) -> Path | None:
    try:
        return Path(_git(path, "rev-parse", "--show-toplevel").strip())
    except (GitError, FileNotFoundError, NotADirectoryError):
        return None


def releases(repo: Path) -> list[Release]:
    """Every `meeting-YYYY-MM-DD` tag, oldest first."""
    out = _git(repo, "for-each-ref", "--format=%(refname:short) %(objectname) %(*objectname)",
               "refs/tags")
    found = []
    for line in out.splitlines():
        name, obj, peeled = (line.split(" ") + ["", ""])[:3]
        match = TAG_PATTERN.match(name)
        if not match:
            continue
        try:
            when = date.fromisoformat(match.group(1))
        except ValueError:
            continue
        found.append(Release(tag=name, date=when, commit=peeled or obj))
    return sorted(found, key=lambda r: r.date)


def data_at(repo: Path, release: Release, data_rel: str) -> SiteData:
    """The data folder as it was at a release, validated like today's."""
    tmp = Path(tempfile.mkdtemp(prefix="improvement-site-release-"))
    try:
        # -z: without it git quotes a name that is not plain ASCII ("data/plan/01-\303\251.yaml"),
        # which is then no path under data/, and every later build failed on that release.
        names = [os.fsdecode(name) for name in subprocess.run(
            ["git", "ls-tree", "-r", "-z", "--name-only", release.commit, "--", data_rel],
            cwd=repo, capture_output=True, check=True).stdout.split(b"\0") if name]
        if not names:
            raise DataError([])
        site_root = tmp / "site"
        for name in names:
            rel = PurePosixPath(name).relative_to(data_rel)
            target = site_root / "data" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            blob = subprocess.run(["git", "cat-file", "blob", f"{release.commit}:{name}"],
                                  cwd=repo, capture_output=True, check=True).stdout
            target.write_bytes(blob)
        return load_site(site_root / "data")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


_cache: dict[tuple[str, str], SiteData | DataError] = {}


def load_history(current: SiteData, data_dir: Path, audience: str) -> History:
    """The current data with every earlier release before its meeting date."""
    snapshot = Snapshot(None, current)
    repo = repository_root(data_dir.parent)
    if repo is None:
        return History(snapshot, note="This site's files are not kept in git, so earlier "
                                      "releases cannot be read and compared.")
    try:
        data_rel = data_dir.resolve().relative_to(repo.resolve()).as_posix()
        tags = releases(repo)
    except (GitError, ValueError) as exc:
        return History(snapshot, note=f"Earlier releases could not be read from git ({exc}).")
    earlier, unreadable = [], []
    for release in tags:
        if release.date >= snapshot.date:
            continue
        key = (release.commit, data_rel)
        if key not in _cache:
            try:
                _cache[key] = data_at(repo, release, data_rel)
            except DataError as exc:
                _cache[key] = exc
            except (GitError, subprocess.CalledProcessError) as exc:
                _cache[key] = DataError([])
                log.info("release %s could not be read from git: %s", release.tag, exc)
        loaded = _cache[key]
        if isinstance(loaded, DataError):
            unreadable.append(release.tag)
            log.info("release %s is left out of the history: its data does not validate "
                     "with this version (%d problems)", release.tag, len(loaded.problems))
            continue
        earlier.append(Snapshot(release, for_audience(loaded, audience)))
    note = None if tags else ("No release has been tagged yet: this is the first. Tag each "
                              "release meeting-YYYY-MM-DD (see docs/releases.md).")
    return History(snapshot, tuple(earlier), note, tuple(unreadable), first=not tags)
