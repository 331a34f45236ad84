"""What the CLI does, as plain functions: validate, build and serve a site folder.

A site is a folder holding `data/` and `content/` (and optionally its own `mkdocs.yml` that
inherits the project's). The repository root is the default site.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from .model import SiteData
from .audience import AUDIENCE_ENV, chosen_audience
from .site import DATA_ENV, full_data

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BASE_CONFIG = PROJECT_ROOT / "mkdocs.yml"


class BuildFailed(Exception):
    """The build did not complete; the message says why. Nothing was written."""


@dataclass(frozen=True)
class Summary:
    areas: int
    actions: int
    measures: int
    values: int
    visits: int

    def __str__(self) -> str:
        return (f"{self.areas} areas, {self.actions} actions, {self.measures} measures, "
                f"{self.values} values, {self.visits} visits")


def validate(site_dir: Path) -> Summary:
    """Load and check a site's data; raises DataError listing every problem."""
    # Through the cache, so the build that follows does not read the files again.
    data = full_data(Path(site_dir) / "data")
    return summarise(data)


def summarise(data: SiteData) -> Summary:
    return Summary(
        areas=len(data.areas),
        actions=sum(1 for _ in data.actions()),
        measures=len(data.measures),
        values=sum(len(v) for v in data.values.values()),
        visits=len(data.visits),
    )


@contextlib.contextmanager
def site_config(site: Path, audience: str | None = None, **overrides) -> Iterator[MkDocsConfig]:
    """The MkDocs configuration for a site folder.

    A site with its own mkdocs.yml uses it; otherwise the project's base configuration is used
    with the site's content/ as the docs folder and its data/ as the data.
    """
    site = Path(site).resolve()
    own = site / "mkdocs.yml"
    saved = {name: os.environ.get(name) for name in (DATA_ENV, AUDIENCE_ENV)}
    os.environ[DATA_ENV] = str(site / "data")
    os.environ[AUDIENCE_ENV] = chosen_audience(audience)
    empty_docs = None
    try:
        if own.is_file():
            config = load_config(config_file=str(own), **overrides)
        else:
            docs = site / "content"
            if not docs.is_dir():  # a site of data only still gets every generated page
                empty_docs = tempfile.mkdtemp(prefix="improvement-site-content-")
                docs = Path(empty_docs)
            config = load_config(config_file=str(BASE_CONFIG), docs_dir=str(docs), **overrides)
        yield config
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if empty_docs:
            shutil.rmtree(empty_docs, ignore_errors=True)


def build(site_dir: Path, out_dir: Path | None = None, *, strict: bool = True,
          audience: str | None = None) -> Path:
    """Validate, then build the site into `out_dir` (default: SITE/site).

    The site is built in a temporary folder beside `out_dir` and moved into place only when
    the whole build succeeded, so a failed build never leaves a half-written site.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import Abort, MkDocsException

    site_dir = Path(site_dir).resolve()
    validate(site_dir)  # raises DataError with every problem before anything is written
    out_dir = Path(out_dir).resolve() if out_dir else site_dir / "site"
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=out_dir.parent))
    try:
        with site_config(site_dir, audience, site_dir=str(staging), strict=strict) as config:
            try:
                mkdocs_build(config)
            except (Abort, MkDocsException) as exc:
                raise BuildFailed(str(exc)) from None
        _replace(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out_dir


def _replace(staging: Path, out_dir: Path) -> None:
    """Swap the finished build into place, keeping the old one until the new one is there."""
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
        out_dir.rename(old)
    staging.rename(out_dir)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def serve(site_dir: Path, dev_addr: str = "127.0.0.1:8000", audience: str | None = None) -> None:
    """Preview a site with live reload (MkDocs' development server)."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    site_dir = Path(site_dir).resolve()
    validate(site_dir)
    own = site_dir / "mkdocs.yml"
    os.environ[DATA_ENV] = str(site_dir / "data")
    os.environ[AUDIENCE_ENV] = chosen_audience(audience)
    # A dirty build re-renders only the pages whose data changed (each generated page's stub
    # carries a hash of its inputs), so an edit shows in about a second even on a large site.
    # Not strict: MkDocs warns on every dirty build, and a preview should not stop on it.
    options = {"dev_addr": dev_addr, "livereload": True, "build_type": "dirty", "strict": False}
    if own.is_file():
        mkdocs_serve(config_file=str(own), **options)
    else:
        mkdocs_serve(config_file=str(BASE_CONFIG), docs_dir=str(site_dir / "content"), **options)


def setup_logging(verbose: bool = False) -> None:
    """Show MkDocs' warnings (and info with --verbose) the way `mkdocs build` does."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.handlers = [handler]
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    logger.propagate = False
