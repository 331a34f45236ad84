"""What the CLI does, as plain functions: validate, build and serve a site folder.

A site is a folder holding `data/` and `content/` (and optionally its own `mkdocs.yml` that
inherits the project's). The repository root is the default site.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from improvement_site.model.sitedata import SiteData
from improvement_site.data.problems import DataError
from improvement_site.publish.audience import AUDIENCE_ENV, chosen_audience
from improvement_site.lifecycle import Stopped, owned_temp_dir, remove_dead, replace_output, uninterrupted
from improvement_site.publish.current import DATA_ENV, full_data

# The repository checkout holding this package (macros/improvement_site/cli/commands.py).
PROJECT_ROOT = Path(__file__).resolve().parents[3]
BASE_CONFIG = PROJECT_ROOT / "mkdocs.yml"


class BuildFailed(Exception):
    """The build did not complete; the message says why. Nothing was written."""


class InternalError(Exception):
    """Something failed that no input should make fail: a bug, worded by the CLI as one."""

    def __init__(self, doing: str, error: BaseException):
        self.doing, self.error = doing, error
        super().__init__(f"{error.__class__.__name__}: {error}")


@dataclass(frozen=True)
class Summary:
    areas: int
    actions: int
    measures: int
    values: int
    visits: int
    breakdowns: int = 0
    providers: int = 0

    def __str__(self) -> str:
        extra = "".join(f", {n} {name}" for name, n in (("breakdowns", self.breakdowns),
                                                        ("providers", self.providers)) if n)
        return (f"{self.areas} areas, {self.actions} actions, {self.measures} measures, "
                f"{self.values} values, {self.visits} visits{extra}")


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
        breakdowns=len(data.breakdowns),
        providers=len(data.providers),
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
                empty_docs = owned_temp_dir("improvement-site-content-")
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
    the whole build succeeded, so a failed build never leaves a half-written site. Raises
    DataError (the data), BuildFailed (the pages or a chart, worded) or InternalError (a
    bug); whatever happens, the build's temporary folders are gone when it returns.
    """
    from improvement_site.charts.output import REGISTRY

    site_dir = Path(site_dir).resolve()
    validate(site_dir)  # raises DataError with every problem before anything is written
    out_dir = Path(out_dir).resolve() if out_dir else site_dir / "site"
    staging = None
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        remove_dead(out_dir.parent, f".{out_dir.name}.old-")
        staging = owned_temp_dir(f".{out_dir.name}.building-", out_dir.parent)
        with site_config(site_dir, audience, site_dir=str(staging), strict=strict) as config:
            _mkdocs_build(config, site_dir)
        with uninterrupted():
            replace_output(staging, out_dir)
    except OSError as exc:  # the disk, not the data: full, read-only, a file in the way
        where = f"{exc.filename}: " if exc.filename else ""
        raise BuildFailed(f"{where}{exc.strerror or exc}") from exc
    finally:
        REGISTRY.close()  # the SVG workers and their folder, if the build stopped early
        if staging:
            shutil.rmtree(staging, ignore_errors=True)
    return out_dir


class _FailedPage(logging.Handler):
    """Notes the page MkDocs was reading or building when an error stopped it."""

    PATTERN = re.compile(r"Error (?:reading|building) page '(.+?)':")

    def __init__(self):
        super().__init__(logging.ERROR)
        self.page: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        match = self.PATTERN.match(record.getMessage())
        if match:
            self.page = match.group(1)


def _mkdocs_build(config: MkDocsConfig, site_dir: Path) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import Abort, BuildError, MkDocsException

    failed = _FailedPage()
    logger = logging.getLogger("mkdocs.commands.build")
    logger.addHandler(failed)
    try:
        mkdocs_build(config)
    except Abort as exc:
        # A plugin's BuildError is logged by MkDocs and replaced by "Aborted with a
        # BuildError!"; the error itself says what was wrong.
        cause = exc.__context__
        said = str(cause if isinstance(cause, BuildError) else exc)
        raise BuildFailed(f"{failed.page}: {said}" if failed.page else said) from None
    except MkDocsException as exc:
        raise BuildFailed(str(exc)) from None
    except (Stopped, OSError, DataError, BuildFailed, InternalError):
        raise
    except Exception as exc:  # noqa: BLE001 - a plugin's or our own bug, worded once
        from improvement_site.charts.output import ChartRenderError
        if isinstance(exc, ChartRenderError):
            raise BuildFailed(str(exc)) from exc
        doing = f"building the page {failed.page}" if failed.page else "building the site"
        raise InternalError(doing, exc) from exc
    except SystemExit as exc:
        # mkdocs-macros ends the process (exit code 100) when a macro fails on a page;
        # MkDocs tells the plugins only of an Exception, so they are told here.
        failure = _macro_failure(config, site_dir, exc)
        with contextlib.suppress(Exception):
            config.plugins.on_build_error(error=failure)
        raise failure from exc.__context__
    finally:
        logger.removeHandler(failed)


def _macro_failure(config: MkDocsConfig, site_dir: Path, exc: SystemExit) -> Exception:
    """What a failed macro was: a mistake in a hand-written page (its file and line), or a
    bug in a generated page."""
    error = exc.__context__
    macros = config.plugins.get("macros")
    page = getattr(macros, "_page", None) if macros else None
    if error is None or page is None:
        return InternalError("building the site", RuntimeError(
            f"a plugin stopped the build with exit code {exc.code}"))
    file = page.file
    if file.generated_by is not None or not file.abs_src_path:
        return InternalError(f"building the page {file.src_uri}", error)
    source = Path(file.abs_src_path)
    with contextlib.suppress(ValueError):
        source = source.relative_to(site_dir)
    line = _template_line(error)
    if line:
        line += _front_matter_lines(file, page.markdown)
    where = f"{source}:{line}" if line else str(source)
    said = " ".join(f"{error.__class__.__name__}: {error}".split())
    return BuildFailed(f"{where}: a macro on this page failed ({said[:300]})")


def _template_line(error: BaseException) -> int | None:
    """The line of the page's Markdown (as the macros saw it) where the error happened."""
    line = getattr(error, "lineno", None)  # a Jinja syntax error
    if isinstance(line, int):
        return line
    tb, found = error.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            found = tb.tb_lineno
        tb = tb.tb_next
    return found


def _front_matter_lines(file, markdown: str | None) -> int:
    """Lines of front matter above the Markdown the macros rendered (it is removed first)."""
    try:
        source = Path(file.abs_src_path).read_text(encoding="utf-8-sig")
    except (OSError, ValueError):
        return 0
    start = source.find(markdown[:200]) if markdown else -1
    return source[:start].count("\n") if start > 0 else 0


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
    try:
        if own.is_file():
            mkdocs_serve(config_file=str(own), **options)
        else:
            mkdocs_serve(config_file=str(BASE_CONFIG), docs_dir=str(site_dir / "content"),
                         **options)
    except Stopped:
        raise
    except SystemExit as exc:
        # mkdocs-macros ends the process (exit code 100) when a macro fails; its message,
        # with the page, was logged just before (serve shows it, see setup_logging).
        error = exc.__context__
        if error is None:
            raise
        said = " ".join(f"{error.__class__.__name__}: {error}".split())
        raise BuildFailed(f"a macro failed ({said[:300]}); the page is named above") from error


def setup_logging(verbose: bool = False, debug: bool = False) -> None:
    """Show MkDocs' warnings (and info with --verbose) the way `mkdocs build` does.

    A failing macro makes mkdocs-macros log the page's Python traceback before it stops the
    build; the build reports that failure in one line of its own, so without --debug the
    traceback is not shown.
    """
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    if not debug:
        handler.addFilter(_not_macro_traceback)
    logger = logging.getLogger("mkdocs")
    logger.handlers = [handler]
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    logger.propagate = False


def _not_macro_traceback(record: logging.LogRecord) -> bool:
    """Leave out what the build's own one-line message says: a failing macro's traceback,
    and MkDocs' errors about the page that failed (the message names the page)."""
    if record.name.startswith("mkdocs.plugins.mkdocs_macros"):
        return "Macro Rendering Error" not in record.getMessage()
    return not (record.name == "mkdocs.commands.build" and record.levelno >= logging.ERROR)
