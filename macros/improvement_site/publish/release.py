"""Publish a release: validate, build and deploy one meeting's tag with mike.

Each release becomes its own folder on the publishing branch (`2024-09-11/`), `latest`
redirects to the newest meeting by date, and `versions.json` lists every meeting by date and
title for Material's version menu. Aliases are redirect pages, not symlinks, so hosts that
ignore symlinks still work. mike writes only the release's own folder, the aliases and
versions.json, so a published release is never changed by a later one.

Publishing an older meeting again (the correction procedure in docs/releases.md) replaces
that meeting's folder only: `latest` stays on the newest meeting. A tag whose date is not the
meeting date in the data at that tag is refused, unless told to publish it anyway.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable


from improvement_site import lifecycle
from improvement_site.publish import feed
from improvement_site.publish.history import TAG_PATTERN, GitError, _git, repository_root
from improvement_site.model.labels import long_date
from improvement_site.data.load import load_site

DEFAULT_BRANCH = "gh-pages"
LATEST = "latest"


class ReleaseError(Exception):
    pass


@dataclass(frozen=True)
class Published:
    tag: str
    version: str
    title: str
    branch: str
    pushed: bool
    latest: str = ""  # the version latest/ points to now: always the newest meeting
    latest_before: str = ""  # the version it pointed to before this release ("" if none)
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def latest_sentence(self) -> str:
        """What happened to latest/, in words."""
        newest = f"meeting-{self.latest}"
        if self.latest == self.version:
            return f"latest/ now points to the newest release, {newest}."
        if self.latest_before and self.latest_before != self.latest:
            return (f"latest/ now points to {newest}, the newest release (it pointed to "
                    f"meeting-{self.latest_before}).")
        return f"latest/ still points to {newest}, the newest release."


@contextlib.contextmanager
def _checkout(repo: Path, tag: str):
    """The repository exactly as it was at the tag, in a temporary worktree."""
    tmp = lifecycle.owned_temp_dir("improvement-site-release-")
    worktree = tmp / "tree"
    try:
        _git(repo, "worktree", "add", "--detach", str(worktree), tag)
        yield worktree
    finally:
        with contextlib.suppress(GitError):
            _git(repo, "worktree", "remove", "--force", str(worktree))
        shutil.rmtree(tmp, ignore_errors=True)
        with contextlib.suppress(GitError):
            _git(repo, "worktree", "prune")


def _meeting_date_line(site_yaml: Path) -> int:
    """The line of `date:` under `meeting:` in site.yaml (0 if it cannot be found)."""
    try:
        lines = site_yaml.read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError):
        return 0
    inside = False
    for number, line in enumerate(lines, 1):
        if re.match(r"meeting\s*:", line):
            inside = True
        elif inside and re.match(r"\S", line):
            inside = False
        elif inside and re.match(r"\s+date\s*:", line):
            return number
    return 0


def check_date(tag: str, tag_date: date, data, site_yaml: Path, site_rel: str,
               allow_mismatch: bool) -> str | None:
    """Refuse a tag whose date is not the meeting date of the data at that tag (a tag on the
    wrong commit publishes another meeting's figures under this meeting's name). With
    `allow_mismatch`, the refusal becomes a warning, returned."""
    meeting = data.site.meeting
    if meeting and meeting.date == tag_date:
        return None
    line = _meeting_date_line(site_yaml) if meeting else 0
    where = f"{site_rel}:{line}" if line else site_rel
    if meeting:
        problem = (f"{where}: the tag {tag} is dated {long_date(tag_date)}, but at that tag "
                   f"the data is for the meeting of {long_date(meeting.date)} (meeting.date: "
                   f"{meeting.date.isoformat()})")
    else:
        problem = (f"{where}: the tag {tag} is dated {long_date(tag_date)}, but at that tag "
                   f"the data names no meeting (no meeting: in site.yaml; reporting_date: "
                   f"{data.site.reporting_date.isoformat()})")
    if allow_mismatch:
        return problem + "; published anyway (--allow-date-mismatch)"
    raise ReleaseError(
        problem + ". Move the tag to the commit with that meeting's data (git tag -f "
        f"{tag} <commit>), or correct meeting.date and tag again; to publish it as it is, "
        "add --allow-date-mismatch.")


NOT_A_RELEASE_TAG = ('tag "{tag}" is not a release tag; name releases meeting-YYYY-MM-DD '
                     "after the committee meeting's date")


def release_date(tag: str) -> date | None:
    """The meeting date a release tag (meeting-YYYY-MM-DD, ASCII digits) names, else None."""
    match = TAG_PATTERN.match(tag)
    with contextlib.suppress(ValueError):
        return date.fromisoformat(match.group(1)) if match else None
    return None


def _refs(repo: Path, *args: str) -> str:
    try:
        return _git(repo, *args)
    except GitError:
        return ""


def check_branch(repo: Path, branch: str, site_rel: Path) -> None:
    """Refuse (UnsafeOutput) a publishing branch that is not one of its own: a name git would
    refuse or read as something else, a name that is also a tag, a branch checked out in any
    worktree of the repository, or one whose files are a site's sources (its data/site.yaml
    or mkdocs.yml). Each release is committed onto the branch and the branch may be pushed,
    so the wrong branch would carry the built site onto the sources, or over them."""
    unsafe = lifecycle.UnsafeOutput
    if _refs(repo, "check-ref-format", "--branch", branch).strip() != branch:
        raise unsafe(f'--branch "{branch}" is not a name git allows for a branch; give a '
                     f"name such as {DEFAULT_BRANCH}")
    if _refs(repo, "rev-parse", "--verify", "--quiet", f"refs/tags/{branch}"):
        raise unsafe(f'--branch "{branch}" is also the name of a tag; give the publishing '
                     f"branch a name of its own, such as {DEFAULT_BRANCH}")
    worktrees = _refs(repo, "worktree", "list", "--porcelain").splitlines()
    if f"branch refs/heads/{branch}" in worktrees:
        raise unsafe(f'--branch "{branch}" is the branch checked out in {repo}, where the '
                     f"site's sources are; releases go to a publishing branch of their own, "
                     f"such as {DEFAULT_BRANCH}")
    for folder in {Path("."), Path(site_rel)}:
        for name in ("data/site.yaml", "mkdocs.yml"):
            path = (folder / name).as_posix()
            if _refs(repo, "ls-tree", "--name-only", f"refs/heads/{branch}", "--", path):
                raise unsafe(f'--branch "{branch}" holds a site\'s sources ({path}); releases '
                             f"go to a publishing branch of their own, such as "
                             f"{DEFAULT_BRANCH}")


def release(site_dir: Path, tag: str, *, build: Callable[[Path, Path, str], object],
            branch: str = DEFAULT_BRANCH, push: bool = False, remote: str = "origin",
            allow_date_mismatch: bool = False) -> Published:
    """Validate, build and deploy the site as it was at `tag` (meeting-YYYY-MM-DD).

    `build(site, out, version)` builds the public site of the tagged folder `site` into `out`,
    with the version menu of a release published as `version`; the command line passes its
    own build, so publishing does not depend on the command line."""
    tag_date = release_date(tag)
    if tag_date is None:
        raise ReleaseError(NOT_A_RELEASE_TAG.format(tag=tag))
    site_dir = Path(site_dir).resolve()
    repo = repository_root(site_dir)
    if repo is None:
        raise ReleaseError(f"{site_dir} is not in a git repository; releases are git tags")
    try:
        _git(repo, "rev-parse", "--verify", f"refs/tags/{tag}")
    except GitError:
        raise ReleaseError(f'there is no tag "{tag}"; create it with: git tag {tag}') from None
    version = tag_date.isoformat()
    site_rel = site_dir.relative_to(repo.resolve())
    check_branch(repo, branch, site_rel)

    out_root = lifecycle.owned_temp_dir("improvement-site-out-")
    try:
        out = out_root / "site"
        with _checkout(repo, tag) as tree:
            tagged_site = tree / site_rel
            data = load_site(tagged_site / "data")  # the same validation as any build
            warning = check_date(tag, tag_date, data, tagged_site / "data" / "site.yaml",
                                 (Path(site_rel) / "data" / "site.yaml").as_posix(),
                                 allow_date_mismatch)
            meeting = data.site.meeting
            title = long_date(meeting.date if meeting else data.site.reporting_date)
            if meeting:
                title += f": {meeting.committee}"
            build(tagged_site, out, version)
        latest, before = _publish(repo, out, version, title, tag, branch)
        if push:
            _push(repo, remote, branch)
    finally:
        shutil.rmtree(out_root, ignore_errors=True)
    return Published(tag, version, title, branch, push, latest, before,
                     (warning,) if warning else ())


def _is_meeting(version: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", version))


def _publish(repo: Path, out: Path, version: str, title: str, tag: str,
             branch: str) -> tuple[str, str]:
    """Deploy the built release; returns (the version latest/ points to now, before)."""
    from mike import commands as mike
    from mike import git_utils

    cwd = os.getcwd()
    os.chdir(repo)  # mike commits to the publishing branch of the repository it runs in
    git_dir = Path(_refs(repo, "rev-parse", "--absolute-git-dir").strip() or repo / ".git")
    crashes = set(git_dir.glob("fast_import_crash_*"))
    try:
        published = mike.list_versions(branch)
        before = next((str(v.version) for v in published if LATEST in v.aliases), "")
        meetings = [str(v.version) for v in published if _is_meeting(str(v.version))]
        newest = max([*meetings, version])  # ISO dates sort as text
        cfg = {"site_dir": str(out), "use_directory_urls": False}
        # Only the newest meeting takes `latest`; publishing an older one again (to correct
        # it) replaces its own folder and leaves latest/ where it is.
        with mike.deploy(cfg, version, title=title,
                         aliases=[LATEST] if version == newest else [],
                         update_aliases=True, alias_type=mike.AliasType.redirect,
                         branch=branch, message=f"Publish {tag}: {title}"):
            pass
        now = next((str(v.version) for v in mike.list_versions(branch)
                    if LATEST in v.aliases), "")
        if now != newest:  # latest/ was left on an older meeting (by an earlier version)
            mike.alias(cfg, newest, [LATEST], update_aliases=True,
                       alias_type=mike.AliasType.redirect, branch=branch,
                       message=f"latest/ points to meeting-{newest}, the newest")
        mike.set_default(LATEST, branch=branch, allow_empty=True,
                         message=f"{tag}: latest is the default")
        if version == newest:  # the root's feed.xml follows latest/: the newest meeting's
            feed.publish_root(repo, out, version, branch, tag)
        return newest, before
    except git_utils.GitError as exc:
        # git's own words, without its "fatal:" and the crash report it says it left (removed:
        # it is git's note of this failure, not the repository's)
        # ("fatal:" may also come quoted inside mike's own words: "error writing commit: ...")
        said = " ".join(line.strip() for line in str(exc).splitlines()
                        if line.strip() and "crash report" not in line)
        said = re.sub(r"\bfatal:\s*", "", said)
        for crash in set(git_dir.glob("fast_import_crash_*")) - crashes:
            crash.unlink(missing_ok=True)
        raise ReleaseError(f"publishing to the {branch} branch failed: {said}") from None
    finally:
        os.chdir(cwd)


def _push(repo: Path, remote: str, branch: str) -> None:
    from mike import git_utils

    cwd = os.getcwd()
    os.chdir(repo)
    try:
        git_utils.push(remote, branch)
    except git_utils.GitError as exc:
        raise ReleaseError(f"pushing the {branch} branch to {remote} failed: {exc}") from None
    finally:
        os.chdir(cwd)


def versions(repo: Path, branch: str = DEFAULT_BRANCH) -> list[dict]:
    """The published releases, newest first, as versions.json lists them."""
    import json
    try:
        text = subprocess.run(["git", "show", f"{branch}:versions.json"], cwd=repo,
                              capture_output=True, text=True, check=True).stdout
    except subprocess.CalledProcessError:
        return []
    return json.loads(text)
