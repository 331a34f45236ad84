"""The MkDocs plugin: validate the data before anything is written, add the generated pages
and the navigation, and point Material at our theme overrides.

It only delegates: loading is `load`, page lists are `pages`, bodies are rendered by the macros
(`define_env` in `__init__`). Registered as the `improvement-site` plugin in pyproject.toml.
"""

from __future__ import annotations

import html
import json
import logging
import os
import posixpath
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files


from improvement_site.charts import theme as chart_theme

from improvement_site.publish import downloads, feed

from improvement_site.pages import specs as pages
from improvement_site.charts.output import ChartRegistry, FigureCache
from improvement_site.model.glossary import abbreviations_markdown
from improvement_site.model.labels import long_date
from improvement_site.publish.audience import AudienceError, chosen_audience, for_audience
from improvement_site.data.logo import LogoRefused, read_logo
from improvement_site.data.problems import DataError, Problem
from improvement_site.data.sitefiles import cache_refusal, refusal, site_rel
from improvement_site.pages import front_matter
from improvement_site.pages.fingerprints import page_hashes, write_stub
from improvement_site.pages.page_checks import check_front_matter, check_pages
from improvement_site.pages.theme_html import FILTERS as THEME_FILTERS
from improvement_site.publish.audience import hidden_counts
from improvement_site.publish.current import data_dir_for, full_data
from improvement_site.publish.history import load_history
from improvement_site.report.output import ReportError, site_paths, write_site_reports

THEME_DIR = Path(__file__).parent / "pages" / "theme"
ASSETS_DIR = Path(__file__).parent / "pages" / "assets"
IFRAME_WORKER = "assets/vendor/iframe-worker/shim.js"
PAGE_SCRIPT = "assets/improvement-site.js"
LOGO = "assets/logo"

# Advice for the publisher that must not stop a strict build: MkDocs counts every warning of
# the "mkdocs" loggers and fails a strict build on one, so these go to a logger of our own,
# printed the same way.
notice = logging.getLogger("improvement_site.notice")
if not notice.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    notice.addHandler(_handler)


class _Options(Config):
    # The command line sets these (cli/siteconfig.py); a site's mkdocs.yml may too.
    data_dir = config_options.Optional(config_options.Type(str))  # default: data/ by content/
    # public (the default) or committee, in any case.
    audience = config_options.Optional(config_options.Type(str))
    # The version a release publishes with mike (2024-09-11): the pages get the version menu.
    release = config_options.Optional(config_options.Type(str))
    cache_dir = config_options.Optional(config_options.Type(str))  # default: SITE/.cache
    # Benchmarks only: write every page's final Markdown (after the macros) into this folder.
    dump_markdown = config_options.Optional(config_options.Type(str))
    # Also write the committee report (PDF and Word) into downloads/ (`build --report`, and
    # every release); off by default, as it takes a while on a large site.
    report = config_options.Type(bool, default=False)


class ImprovementSitePlugin(BasePlugin[_Options]):
    """One instance per build (it has no startup or shutdown event, so MkDocs never keeps it
    for the next build): everything a build works out is kept here and handed to the macros,
    so two sites can be built in one process, one after the other or side by side."""

    def __init__(self):
        super().__init__()
        self.data = None
        self.charts = ChartRegistry()
        self.figures = FigureCache()
        self._history = None

    # Runs before mkdocs-macros' on_config, so bad data fails the build with our message
    # before any macro or page is touched, and before the site folder is cleaned.
    @event_priority(100)
    def on_config(self, config):
        data_dir = data_dir_for(config, self.config.data_dir)
        try:
            audience = chosen_audience(self.config.audience)
            try:
                full = full_data(data_dir)
            except DataError as exc:  # the pages' front matter needs no data: listed too
                raise DataError([*exc.problems, *check_front_matter(
                    Path(config.docs_dir), data_dir.parent)]) from None
            self.data = for_audience(full, audience)
            self.audience, self.data_dir = audience, data_dir
            self.hidden = hidden_counts(full) if audience == "committee" else {}
            # The same checks of the site's own pages as `validate`, for plain `mkdocs build`:
            # a bad macro call is a message with its file and line, never a traceback.
            macros = config.plugins.get("macros")
            problems = check_pages(full, Path(config.docs_dir), data_dir.parent,
                                   dict(macros.config) if macros else {})
            if problems:
                raise DataError(problems)
        except DataError as exc:
            raise PluginError(exc.report()) from None
        except AudienceError as exc:
            raise PluginError(str(exc)) from None
        if str(data_dir) not in config.watch:  # `serve` rebuilds when data changes too
            config.watch.append(str(data_dir))
        # Our overrides come before Material's templates, whatever folder the site is in.
        theme_dirs = config.theme.dirs
        if str(THEME_DIR) not in theme_dirs:
            theme_dirs.insert(0, str(THEME_DIR))
        config.extra_css = ["assets/improvement-site.css", *config.extra_css]
        if PAGE_SCRIPT not in config.extra_javascript:
            config.extra_javascript.append(PAGE_SCRIPT)
        config.extra["generator"] = False  # no "Made with Material for MkDocs" credit
        # Material's offline plugin would fetch this shim from a CDN; ours is local
        # (iframe-worker 1.0.4, MIT, from the npm registry).
        polyfills = config.extra.get("polyfills") or []
        if not any("iframe-worker" in p for p in polyfills):
            config.extra["polyfills"] = [*polyfills, IFRAME_WORKER]
        site = self.data.site
        if not config.site_name or config.site_name == "improvement-site":
            # Material prints site_name unescaped; the title comes from data.
            config.site_name = html.escape(site.title)
        suffix = "/" if config.use_directory_urls else ".html"
        if site.logo:
            config.theme["logo"] = LOGO + Path(site.logo).suffix.lower()
        if not site.contact and audience == "public":
            notice.warning("data/site.yaml has no contact: the accessibility statement and the "
                           "footer cannot say how to ask for another format or report a "
                           "problem. Add contact: with the council's email address.")
        config.extra["improvement_site"] = {
            "council": site.council,
            "service": site.service,
            "brand_colour": site.brand_colour,
            "contact": site.contact,
            "as_at": long_date(site.reporting_date),
            "meeting": (f"{site.meeting.committee}, {long_date(site.meeting.date)}"
                        if site.meeting else None),
            "accessibility_url": "accessibility" + suffix,
            "glossary_url": "glossary" + suffix,
            "audience": audience,
        }
        if self.config.release:
            # A release published with mike: Material's version menu reads versions.json.
            config.extra["version"] = {"provider": "mike", "default": "latest"}
        cache = (Path(self.config.cache_dir) if self.config.cache_dir
                 else data_dir.parent / ".cache")
        pages = data_dir.parent / ".cache"  # the pages' stubs are always in the site's own
        _refuse_linked_cache(data_dir.parent, [(cache / name, cache) for name in (
            "charts", "specs", "report")] + [(pages / "pages" / audience, pages)])
        self.charts.reset(cache / "charts")
        self.figures.folder = cache / "specs"
        self._cache = cache
        self._reports_and_feed(config)
        return config

    # -- the committee report and the feed of releases (issue 14) ---------------------------

    def _reports_and_feed(self, config) -> None:
        """Pages link to the reports only in a build that writes them, and to the feed every
        reader of any release can subscribe to: the branch root's in a release (one folder
        up from the release), else this site's own."""
        self.reports = site_paths(self.data) if self.config.report else []
        self._versioned = (config.extra.get("version") or {}).get("provider") == "mike"
        config.extra["improvement_site"]["feed"] = {
            "href": ("../" if self._versioned else "") + "feed.xml",
            "title": f"{self.data.site.title}: releases",
        }

    def _write_reports_and_feed(self, config) -> None:
        site_dir = Path(config.site_dir)
        history = self.history()
        suffix = "/" if config.use_directory_urls else ".html"
        feed.write(site_dir, history, page_url=lambda src: src.removesuffix(".md") + suffix,
                   changes_page=pages.CHANGES, releases_page=pages.RELEASES,
                   versioned=self._versioned, site_url=config.site_url)
        if self.reports:
            try:
                write_site_reports(self.data, history, site_dir, audience=self.audience,
                                   cache_root=self._cache, figures=self.figures,
                                   site_url=config.site_url,
                                   directory_urls=config.use_directory_urls)
            except ReportError as exc:
                raise PluginError(f"the committee report could not be written: {exc}") from None

    def on_files(self, files: Files, *, config) -> Files:
        data = self.data
        custom = config.theme.custom_dir  # a site's own theme folder, copied by MkDocs too
        _refuse_links(files, [Path(config.docs_dir), *([Path(custom)] if custom else [])],
                      self.data_dir.parent)
        if config.extra["improvement_site"]["audience"] != "committee":
            # Only pages whose front matter says public (or says nothing) stay; on_config has
            # refused any page it could not read, so a page here that cannot be read fails.
            left_out = set()
            for file in list(files.documentation_pages()):
                if _page_audience(file) != "public":
                    files.remove(file)
                    left_out.add(file.src_uri)
            if config.nav and left_out:  # the site's own menu names the page too
                config.nav = _menu_without(config.nav, left_out)
        specs = pages.page_specs(data)
        generated = {spec.path for spec in specs}
        audience = config.extra["improvement_site"]["audience"]
        history = self.history()
        hashes = page_hashes(data, specs, extra=json.dumps([
            audience, config.use_directory_urls, [s.release.tag for s in history.earlier],
            sorted(f.src_uri for f in files.documentation_pages())]))
        stubs = data.root / ".cache" / "pages" / audience
        _refuse_linked_cache(data.root, [(folder, data.root / ".cache") for folder in
                                         {(stubs / spec.path).parent for spec in specs}])
        for spec in specs:
            if files.get_file_from_path(spec.path) is None:  # a hand-written page wins
                # Stubs live on disk so that `serve` (a dirty build) re-renders only the
                # pages whose data changed; see fingerprints.py.
                stub = write_stub(stubs, spec, hashes[spec.path])
                files.append(File.generated(config, spec.path, abs_src_path=str(stub)))
        for name in ("improvement-site.css", PAGE_SCRIPT.removeprefix("assets/"),
                     IFRAME_WORKER.removeprefix("assets/")):
            files.append(File.generated(config, f"assets/{name}",
                                        abs_src_path=str(ASSETS_DIR / name)))
        if data.site.logo:  # as validated: a PNG as it is, an SVG rebuilt as a drawing only
            logo = self.data_dir / data.site.logo
            try:
                content = read_logo(logo, self.data_dir.parent)
            except LogoRefused as exc:
                raise PluginError(str(Problem(site_rel(logo, self.data_dir.parent), 0, "",
                                                  str(exc)))) from None
            files.append(File.generated(config, config.theme["logo"], content=content))
        if not config.nav:
            extra = [f.src_uri for f in sorted(files.documentation_pages(),
                                               key=lambda f: f.src_uri)
                     if f.src_uri not in generated]
            config.nav = pages.navigation(specs, extra)
        return files


    def on_env(self, env, *, config, files):
        env.filters.update(THEME_FILTERS)  # used by pages/theme/main.html's block overrides
        return env

    def history(self):
        """Earlier releases, read from git when first asked (once per build)."""
        if self._history is None:
            self._history = load_history(self.data, self.data_dir, self.audience)
        return self._history

    def on_pre_build(self, *, config) -> None:
        chart_theme.enable()

    def on_nav(self, nav, *, config, files):
        """Reproducible builds: without SOURCE_DATE_EPOCH, every page's date (the sitemap,
        and the sitemap's gzip header, which MkDocs takes from the pages) is the reporting
        date, not the clock, so the same data gives the same bytes. Set on this build's
        pages, not in the environment, which a build side by side would share."""
        if not os.environ.get("SOURCE_DATE_EPOCH"):
            day = self.data.site.reporting_date.isoformat()
            for file in files.documentation_pages():
                if file.page is not None:
                    file.page.update_date = day
        return nav

    def on_pre_page(self, page, *, config, files):
        self.charts.page = page.file.src_uri  # so a chart that fails to render names its page
        return page

    def on_post_build(self, *, config) -> None:
        self.charts.write(Path(config.site_dir))
        downloads.write(self.data, Path(config.site_dir))
        self._write_reports_and_feed(config)

    def on_build_error(self, *, error) -> None:
        self.charts.close()  # stop the SVG workers and remove their folder

    # After mkdocs-macros has rendered the page, so the definitions are never read as Jinja.
    @event_priority(-100)
    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        """Append the glossary as abbreviation definitions, so Material's `abbr` extension
        expands acronyms in every page's own Markdown (generated tables carry <abbr> already)."""
        markdown = markdown + "\n\n" + abbreviations_markdown(self.data.glossary)
        dump = self.config.dump_markdown
        if dump:  # benchmarks: the pages as plain Markdown, for a plain MkDocs build
            target = Path(dump) / page.file.src_uri
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(markdown, encoding="utf-8")
        return markdown


def _menu_without(nav: list, left_out: set[str]) -> list:
    """A site's own menu (`nav:` in its mkdocs.yml) without the pages a build leaves out:
    MkDocs would still show an entry's title, as a link to nothing. A section left empty
    goes too."""
    kept = []
    for item in nav:
        if isinstance(item, dict):
            item = {title: _menu_without(target, left_out) if isinstance(target, list)
                    else target for title, target in item.items()
                    if not (isinstance(target, str) and _menu_path(target) in left_out)}
            item = {title: target for title, target in item.items() if target != []}
            if item:
                kept.append(item)
        elif not (isinstance(item, str) and _menu_path(item) in left_out):
            kept.append(item)
    return kept


def _menu_path(target: str) -> str:
    return posixpath.normpath(target.replace("\\", "/")).lstrip("/")


def _refuse_links(files: Files, roots: list[Path], site_dir: Path) -> None:
    """MkDocs collects docs_dir, and a theme's custom_dir, following links. `check_pages`
    refused links in docs_dir already, so one here is in the site's custom_dir (which
    `validate` does not look at) or appeared since: refuse it, never copy it."""
    roots = [Path(os.path.abspath(root)) for root in roots]
    problems = []
    for file in files:
        path = Path(os.path.abspath(file.abs_src_path or site_dir))
        root = next((r for r in roots if path.is_relative_to(r)), None)
        if file.generated_by or root is None:
            continue  # ours, or the installed theme's own files
        said = refusal(path, root)
        if said:
            problems.append(Problem(site_rel(path, site_dir), 0, "", said))
    if problems:
        raise PluginError(DataError(problems).report())


def _refuse_linked_cache(site_dir: Path, folders: list[tuple[Path, Path]]) -> None:
    """Every cache folder the build writes into (each with the cache folder it is in) must
    be a real folder, checked before anything is written there: through a link, the build
    would write elsewhere on the computer."""
    problems = {cache_refusal(folder, cache, site_dir) for folder, cache in folders} - {None}
    if problems:
        raise PluginError(DataError(list(problems)).report())


def _page_audience(file: File) -> str:
    """The audience a page's front matter gives, read by the site, not by MkDocs (which
    treats front matter it cannot read as none: the page would be public)."""
    try:
        said = front_matter.read(front_matter.page_text(file.content_bytes))
    except (OSError, UnicodeDecodeError) as exc:
        raise PluginError(f"{file.src_uri}: cannot be read as UTF-8 text ({exc})") from None
    if said.problems:
        raise PluginError(DataError([Problem(file.src_uri, line, "", message)
                                     for line, message in said.problems]).report())
    return said.audience
