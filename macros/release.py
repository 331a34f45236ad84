"""Publish a release: validate, build and deploy one meeting's tag with mike.

Each release becomes its own folder on the publishing branch (`2024-09-11/`), `latest`
redirects to the newest, and `versions.json` lists every meeting by date and title for
Material's version menu. Aliases are redirect pages, not symlinks, so hosts that ignore
symlinks still work. mike writes only the new release's folder, the aliases and versions.json,
so a published release is never changed by a later one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import commands
from .history import TAG_PATTERN, GitError, _git, repository_root
from .labels import long_date
from .load import load_site

VERSION_ENV = "IMPROVEMENT_SITE_VERSION"
DEFAULT_BRANCH = "gh-pages"


class ReleaseError(Exception):
    pass


@dataclass(frozen=True)
class Published:
    tag: str
    version: str
    title: str
    branch: str
    pushed: bool


@contextlib.contextmanager
def _checkout(repo: Path, tag: str):
    """The repository exactly as it was at the tag, in a temporary worktree."""
    tmp = Path(tempfile.mkdtemp(prefix="improvement-site-release-"))
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


def release(site_dir: Path, tag: str, *, branch: str = DEFAULT_BRANCH, push: bool = False,
            remote: str = "origin") -> Published:
    """Validate, build and deploy the site as it was at `tag` (meeting-YYYY-MM-DD)."""
    from mike import commands as mike
    from mike import git_utils

    match = TAG_PATTERN.match(tag)
    if not match:
        raise ReleaseError(f'tag "{tag}" is not a release tag; name releases '
                           f"meeting-YYYY-MM-DD after the committee meeting's date")
    site_dir = Path(site_dir).resolve()
    repo = repository_root(site_dir)
    if repo is None:
        raise ReleaseError(f"{site_dir} is not in a git repository; releases are git tags")
    try:
        _git(repo, "rev-parse", "--verify", f"refs/tags/{tag}")
    except GitError:
        raise ReleaseError(f'there is no tag "{tag}"; create it with: git tag {tag}') from None
    version = match.group(1)
    site_rel = site_dir.relative_to(repo.resolve())

    with _checkout(repo, tag) as tree:
        tagged_site = tree / site_rel
        data = load_site(tagged_site / "data")  # the same validation as any build
        meeting = data.site.meeting
        title = long_date(meeting.date if meeting else data.site.reporting_date)
        if meeting:
            title += f": {meeting.committee}"
        out = Path(tempfile.mkdtemp(prefix="improvement-site-out-")) / "site"
        previous = os.environ.get(VERSION_ENV)
        os.environ[VERSION_ENV] = version
        try:
            commands.build(tagged_site, out, audience="public")
        finally:
            if previous is None:
                os.environ.pop(VERSION_ENV, None)
            else:
                os.environ[VERSION_ENV] = previous

    cwd = os.getcwd()
    os.chdir(repo)  # mike commits to the publishing branch of the repository it runs in
    try:
        cfg = {"site_dir": str(out), "use_directory_urls": False}
        with mike.deploy(cfg, version, title=title, aliases=["latest"], update_aliases=True,
                         alias_type=mike.AliasType.redirect, branch=branch,
                         message=f"Publish {tag}: {title}"):
            pass
        mike.set_default("latest", branch=branch, allow_empty=True,
                         message=f"{tag}: latest is the default")
        if push:
            git_utils.push(remote, branch)
    except git_utils.GitError as exc:
        raise ReleaseError(f"publishing to the {branch} branch failed: {exc}") from None
    finally:
        os.chdir(cwd)
        shutil.rmtree(out.parent, ignore_errors=True)
    return Published(tag, version, title, branch, push)


def versions(repo: Path, branch: str = DEFAULT_BRANCH) -> list[dict]:
    """The published releases, newest first, as versions.json lists them."""
    import json
    try:
        text = subprocess.run(["git", "show", f"{branch}:versions.json"], cwd=repo,
                              capture_output=True, text=True, check=True).stdout
    except subprocess.CalledProcessError:
        return []
    return json.loads(text)
