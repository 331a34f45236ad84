"""What the CLI does, as plain functions: validate, build and serve a site folder.

A site is a folder holding `data/` and `content/` (and optionally its own `mkdocs.yml`, applied
over the base configuration in the package; see siteconfig.py). The repository root is the
default site. MkDocs (or ProperDocs, see engine.py) is imported only when a build starts.
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from improvement_site.cli.siteconfig import site_config
from improvement_site.cli.words import count
from improvement_site.model.sitedata import SiteData
from improvement_site.data.problems import DataError
from improvement_site.publish.audience import chosen_audience
from improvement_site.lifecycle import (Stopped, check_output_folder, mark_output, owned_temp_dir,
                                        remove_dead, replace_output, uninterrupted)
from improvement_site.publish.current import full_data


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
        counted = [(self.areas, "area"), (self.actions, "action"), (self.measures, "measure"),
                   (self.values, "value"), (self.visits, "visit")]
        # The contract-v2 kinds are named only when a site has them.
        counted += [(n, noun) for n, noun in ((self.breakdowns, "breakdown"),
                                              (self.providers, "provider")) if n]
        return ", ".join(count(number, noun) for number, noun in counted)


def validate(site_dir: Path) -> Summary:
    """Check a site as a build would: its data, and the macro calls of its own pages. Raises
    DataError listing every problem."""
    from improvement_site.pages.page_checks import check_front_matter, check_pages

    from improvement_site.cli.siteconfig import SiteConfigError

    site_dir = Path(site_dir).resolve()
    try:
        # Through the memo, so the build that follows does not read the files again.
        data = full_data(site_dir / "data")
    except DataError as exc:
        # The pages' front matter needs no data: its problems are listed in the same run.
        with contextlib.suppress(SiteConfigError):
            exc = DataError([*exc.problems,
                             *check_front_matter(site_config(site_dir).docs_dir, site_dir)])
        raise exc from None
    try:
        config = site_config(site_dir)
    except SiteConfigError as exc:
        raise BuildFailed(str(exc)) from None
    # content/ (or the docs_dir its mkdocs.yml names), parsed as mkdocs-macros will.
    problems = check_pages(data, config.docs_dir, site_dir, config.plugin_options("macros"))
    if problems:
        raise DataError(problems)
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


def build(site_dir: Path, out_dir: Path | None = None, *, strict: bool = True,
          audience: str | None = None, release: str | None = None,
          cache_dir: Path | None = None, report: bool = False) -> Path:
    """Validate, then build the site into `out_dir` (default: SITE/site).

    The site is built in a temporary folder beside `out_dir` and moved into place only when
    the whole build succeeded, so a failed build never leaves a half-written site. Raises
    DataError (the data), BuildFailed (the pages or a chart, worded) or InternalError (a
    bug); whatever happens, the build's temporary folders are gone when it returns.
    `audience` None is the configuration's (public unless it says otherwise); `release` is
    the version a release publishes (the pages get mike's version menu). With `report`, the
    site also carries the committee report (downloads/, PDF and Word). An `out_dir` that is
    not the build's to replace (lifecycle.check_output_folder) raises UnsafeOutput first.
    """
    shown = Path(site_dir)  # as the user typed it: messages name files by it
    site_dir = shown.resolve()
    wanted = Path(out_dir) if out_dir else shown / "site"
    out_dir = check_output_folder(wanted, site_dir)
    validate(site_dir)  # raises DataError with every problem before anything is written
    staging = empty_docs = config = None
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        remove_dead(out_dir.parent, f".{out_dir.name}.old-")
        staging = owned_temp_dir(f".{out_dir.name}.building-", out_dir.parent)
        if not (site_dir / "mkdocs.yml").is_file() and not (site_dir / "content").is_dir():
            # A site of data only still gets every generated page.
            empty_docs = owned_temp_dir("improvement-site-content-")
        config = _load(site_dir, empty_docs, audience=audience, release=release,
                       cache_dir=str(cache_dir) if cache_dir else None,
                       report=True if report else None,  # else the configuration's
                       site_dir=str(staging), strict=strict)
        _mkdocs_build(config, site_dir, shown)
        if release is None:  # a release's folder is mike's to copy, not a place to build into
            mark_output(staging)
        # Again, as the build took a while: someone may have put files there meanwhile.
        check_output_folder(wanted, site_dir)
        with uninterrupted():
            replace_output(staging, out_dir)
    except OSError as exc:  # the disk, not the data: full, read-only, a file in the way
        where = f"{exc.filename}: " if exc.filename else ""
        raise BuildFailed(f"{where}{exc.strerror or exc}") from exc
    finally:
        plugin = config.plugins.get("improvement-site") if config else None
        if plugin is not None:
            plugin.charts.close()  # the SVG workers and their folder, if the build stopped
        for folder in (staging, empty_docs):
            if folder:
                shutil.rmtree(folder, ignore_errors=True)
    return out_dir


def release_build(site_dir: Path, out_dir: Path, version: str) -> Path:
    """A release's build (`publish.release.release` calls it): public, with the version menu
    of the release `version`, carrying its meeting's committee report."""
    return build(site_dir, out_dir, audience="public", release=version, report=True)


def configured_audience(site_dir: Path) -> str:
    """The audience a build of the site is for when the command line does not say: its
    configuration's (the base configuration reads $IMPROVEMENT_SITE_AUDIENCE), else public."""
    from improvement_site.cli.siteconfig import PLUGIN, SiteConfigError
    try:
        options = site_config(site_dir).plugin_options(PLUGIN)
    except SiteConfigError as exc:
        raise BuildFailed(str(exc)) from None
    return chosen_audience(options.get("audience"))


def published_address(site_dir: Path) -> tuple[str | None, bool]:
    """The site's published address (`site_url`; None without one) and whether its pages
    are folders (`use_directory_urls`), as its build reads them: the committee paper
    follows relative links in data from there (report/links.py)."""
    config = _load(Path(site_dir), None, audience=None)
    # Material's offline plugin (in the base configuration) makes every page a file when
    # the build starts (its on_config), whatever use_directory_urls says.
    offline = config.plugins.get("material/offline")
    files = offline is not None and offline.config.enabled
    return config.site_url or None, bool(config.use_directory_urls) and not files


def _load(site: Path, docs_dir: Path | None, *, audience: str | None,
          release: str | None = None, cache_dir: str | None = None,
          report: bool | None = None, **more):
    from improvement_site.cli.siteconfig import SiteConfigError
    from mkdocs.exceptions import Abort, ConfigurationError
    try:
        return site_config(site, docs_dir, data_dir=str(site / "data"), audience=audience,
                           release=release, cache_dir=cache_dir, report=report).load(**more)
    except SiteConfigError as exc:
        raise BuildFailed(str(exc)) from None
    except (Abort, ConfigurationError) as exc:  # MkDocs has logged the settings it refused
        raise BuildFailed(f"{site / 'mkdocs.yml'}: {exc}") from None


class _FailedPage(logging.Handler):
    """Notes the page MkDocs was reading or building when an error stopped it."""

    PATTERN = re.compile(r"Error (?:reading|building) page '(.+?)':")

    def __init__(self):
        super().__init__(logging.ERROR)
        self.page: str | None = None
        self.thread = threading.get_ident()  # a build side by side logs to the same logger

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread:
            return
        match = self.PATTERN.match(record.getMessage())
        if match:
            self.page = match.group(1)


def _mkdocs_build(config, site_dir: Path, shown: Path) -> None:
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
        failure = _macro_failure(config, site_dir, shown, exc)
        with contextlib.suppress(Exception):
            config.plugins.on_build_error(error=failure)
        raise failure from exc.__context__
    finally:
        logger.removeHandler(failed)


def _macro_failure(config, site_dir: Path, shown: Path, exc: SystemExit) -> Exception:
    """What a failed macro was: a mistake in a hand-written page (its file and line, named
    from the site folder as the user typed it: `shown`), or a bug in a generated page."""
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
        source = shown / source.relative_to(site_dir)
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
    from improvement_site.cli.siteconfig import SiteConfigError

    site_dir = Path(site_dir).resolve()
    validate(site_dir)
    try:
        config = site_config(site_dir, data_dir=str(site_dir / "data"), audience=audience)
    except SiteConfigError as exc:
        raise BuildFailed(str(exc)) from None
    # A dirty build re-renders only the pages whose data changed (each generated page's stub
    # carries a hash of its inputs), so an edit shows in about a second even on a large site.
    # Not strict: MkDocs warns on every dirty build, and a preview should not stop on it.
    # MkDocs passes the configuration's arguments on to load_config at every rebuild, so the
    # plugin's options stay set.
    # serve chooses its own output folder; these are the command line's to set.
    arguments = {key: value for key, value in config.arguments.items()
                 if key not in ("site_dir", "dev_addr", "strict", "livereload")}
    try:
        mkdocs_serve(**arguments, dev_addr=dev_addr, livereload=True, build_type="dirty",
                     strict=False)
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
