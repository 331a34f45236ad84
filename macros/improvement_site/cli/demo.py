"""`improvement-site demo`: the bundled Nottingham site as its two meetings, published.

Nottingham's papers are those of two committee meetings: 26 January 2023 (the plan and the
inspection) and 11 September 2024 (the monitoring visits). The demo makes a throw-away git
repository, commits the first meeting's data and tags it, commits today's data and tags it,
then publishes both tags with the same release code as `improvement-site release` (mike: a
folder per meeting, latest/ on the newest, the version menu, and a real "what changed" page),
and serves the publishing branch.

The first meeting's data is the repository's data/ with an overlay: the files in
examples/nottingham-2023-01-26/data/ replace the ones of the same name.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from improvement_site import lifecycle
from improvement_site.publish.history import GitError, _git

OVERLAY = Path("examples") / "nottingham-2023-01-26" / "data"
BRANCH = "gh-pages"


class DemoError(Exception):
    """The demo cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class Demo:
    folder: Path  # the throw-away repository and the published site
    site: Path  # the publishing branch, checked out: serve this folder
    tags: tuple[str, ...]
    published: tuple  # publish.release.Published, per tag


def checkout_root() -> Path | None:
    """The repository this package runs from (an editable install), or the current folder if
    it is one: where the bundled data is."""
    here = Path(__file__).resolve().parents[3]
    for candidate in (here, Path.cwd()):
        if (candidate / "data" / "site.yaml").is_file() and (candidate / OVERLAY).is_dir():
            return candidate
    for candidate in (here, Path.cwd()):
        if (candidate / "data" / "site.yaml").is_file() and (candidate / "macros").is_dir():
            return candidate
    return None


def make_demo(out: Path | None, build: Callable[[Path, Path, str], object], *,
              source: Path | None = None, first_meeting: Path | None = None,
              say: Callable[[str], None] = lambda _: None) -> Demo:
    """Publish the two meetings of `source` (default: the bundled Nottingham site) into a new
    repository in `out` (default: a new temporary folder). `first_meeting` is the overlay
    folder of the first meeting's data (default: SOURCE/examples/nottingham-2023-01-26/data).
    `build(site, out, version)` builds a release, as the command line's does."""
    from improvement_site.data.load import load_site
    from improvement_site.data.problems import DataError
    from improvement_site.publish.release import release

    source = Path(source) if source else checkout_root()
    if source is None or not (source / "data").is_dir():
        raise DemoError("the demo needs the bundled Nottingham data, which is in the project's "
                        "repository, not in the installed package: run it in a clone of the "
                        "repository")
    if out is not None:  # not the home folder, the source site or its data: a usage error
        lifecycle.check_output_folder(out, source, replaced=False)
    overlay = Path(first_meeting) if first_meeting else source / OVERLAY
    if not overlay.is_dir():
        raise DemoError(f"{overlay} is missing: it holds the first meeting's data (the files "
                        f"that differ from today's data/)")
    folder = _new_folder(out)
    repo = folder / "repository"
    site = repo  # the site is the repository's root, as the default site is
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.name", "improvement-site demo")
    _git(repo, "config", "user.email", "demo@example.invalid")

    meetings = []
    for step, overlay_dir in (("first", overlay), ("current", None)):
        _copy_site(source, site, overlay_dir)
        try:
            data = load_site(site / "data")
        except DataError as exc:
            raise DemoError(f"the {step} meeting's data does not validate with this version: "
                            f"{exc.report(site, built=False)}") from None
        meeting = data.site.meeting
        if meeting is None:
            raise DemoError(f"the {step} meeting's data/site.yaml names no meeting")
        tag = f"meeting-{meeting.date.isoformat()}"
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", f"Data for the meeting of {meeting.date.isoformat()}")
        _git(repo, "tag", tag)
        meetings.append(tag)
    if meetings[0] >= meetings[1]:
        raise DemoError(f"the first meeting ({meetings[0]}) is not before the current one "
                        f"({meetings[1]})")
    published = []
    for tag in meetings:
        say(f"Publishing {tag} …")
        published.append(release(site, tag, build=build, branch=BRANCH))
    served = folder / "published"
    _export(repo, BRANCH, served)
    return Demo(folder, served, tuple(meetings), tuple(published))


def _new_folder(out: Path | None) -> Path:
    if out is None:
        return Path(tempfile.mkdtemp(prefix="improvement-site-demo-"))
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        # the place given is the mistake, as a build's --out is: a usage error (exit 2)
        raise lifecycle.UnsafeOutput(f"{out} is not an empty folder; give a new one")
    out.mkdir(parents=True, exist_ok=True)
    return out.resolve()


def _copy_site(source: Path, site: Path, overlay: Path | None) -> None:
    """The site's data/ and content/ as they are in `source`, with the overlay's files (all
    but its README) over data/; a content/ folder beside the overlay replaces content/."""
    for name in ("data", "content"):
        shutil.rmtree(site / name, ignore_errors=True)
        own = overlay.parent / name if overlay is not None and name == "content" else None
        origin = own if own is not None and own.is_dir() else source / name
        if origin.is_dir():
            # Links kept as links, for the build to refuse (data/sitefiles.py), never copied
            # as the files of this computer they point at.
            shutil.copytree(origin, site / name, symlinks=True,
                            ignore=shutil.ignore_patterns(".cache", "__pycache__"))
    if overlay is None:
        return
    for path in sorted(overlay.rglob("*")):
        if path.is_file() and not path.name.lower().startswith("readme"):
            target = site / "data" / path.relative_to(overlay)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def _export(repo: Path, branch: str, target: Path) -> None:
    """The publishing branch's files, as a web server would serve them."""
    target.mkdir()
    try:
        archive = subprocess.run(["git", "archive", branch], cwd=repo, capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        raise GitError(f"the {branch} branch could not be read: {exc}") from None


def serve(folder: Path, dev_addr: str) -> None:
    """Serve the published branch until Ctrl-C (the version menu needs a web server: it reads
    versions.json)."""
    host, _, port = dev_addr.rpartition(":")
    handler = functools.partial(_QuietHandler, directory=str(folder))
    with http.server.ThreadingHTTPServer((host or "127.0.0.1", int(port)), handler) as server:
        server.serve_forever()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """The standard library's file server, without a log line per request."""

    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        pass
