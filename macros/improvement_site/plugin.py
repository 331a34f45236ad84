"""The MkDocs plugin: validate the data before anything is written, add the generated pages
and the navigation, and point Material at our theme overrides.

It only delegates: loading is `load`, page lists are `pages`, bodies are rendered by the macros
(`define_env` in `__init__`). Registered as the `improvement-site` plugin in pyproject.toml.
"""

from __future__ import annotations

import html
import json
import os
from datetime import datetime, time, timezone
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files


from improvement_site.charts import theme as chart_theme

from improvement_site.publish import downloads

from improvement_site.pages import specs as pages
from improvement_site.charts.output import FIGURES, REGISTRY
from improvement_site.model.glossary import abbreviations_markdown
from improvement_site.model.labels import long_date
from improvement_site.publish.audience import AUDIENCE_ENV, AUDIENCES, AudienceError, chosen_audience
from improvement_site.data.problems import DataError
from improvement_site.publish.release import VERSION_ENV
from improvement_site.pages.fingerprints import page_hashes, write_stub
from improvement_site.publish.audience import hidden_counts
from improvement_site.publish.current import current_data, current_history, data_dir_for, full_data

CACHE_ENV = "IMPROVEMENT_SITE_CACHE"
# Benchmarks only: write every page's final Markdown (after the macros) into this folder.
DUMP_ENV = "IMPROVEMENT_SITE_DUMP_MARKDOWN"
THEME_DIR = Path(__file__).parent / "pages" / "theme"
ASSETS_DIR = Path(__file__).parent / "pages" / "assets"
IFRAME_WORKER = "assets/vendor/iframe-worker/shim.js"


class _Options(Config):
    data_dir = config_options.Optional(config_options.Type(str))
    # public (default) or committee; the CLI's --audience and IMPROVEMENT_SITE_AUDIENCE win.
    audience = config_options.Optional(config_options.Choice(AUDIENCES))


class ImprovementSitePlugin(BasePlugin[_Options]):
    def __init__(self):
        super().__init__()
        self.data = None

    # Runs before mkdocs-macros' on_config, so bad data fails the build with our message
    # before any macro or page is touched, and before the site folder is cleaned.
    @event_priority(100)
    def on_config(self, config):
        data_dir = data_dir_for(config, self.config.data_dir)
        try:
            # The environment (set by the CLI) wins over the config file's option.
            audience = chosen_audience(os.environ.get(AUDIENCE_ENV) or self.config.audience)
            self.data = current_data(data_dir, audience)
            self.audience, self.data_dir = audience, data_dir
            self.hidden = (hidden_counts(full_data(data_dir)) if audience == "committee"
                           else {})
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
        # Material's offline plugin would fetch this shim from a CDN; ours is local
        # (iframe-worker 1.0.4, MIT, from the npm registry).
        polyfills = config.extra.get("polyfills") or []
        if not any("iframe-worker" in p for p in polyfills):
            config.extra["polyfills"] = [*polyfills, IFRAME_WORKER]
        site = self.data.site
        # Reproducible builds: without SOURCE_DATE_EPOCH, the build date (sitemap, gzip
        # headers) is the reporting date, not the clock, so the same data gives the same bytes.
        self._epoch_set = not os.environ.get("SOURCE_DATE_EPOCH")
        if self._epoch_set:
            midnight = datetime.combine(site.reporting_date, time(), tzinfo=timezone.utc)
            os.environ["SOURCE_DATE_EPOCH"] = str(int(midnight.timestamp()))
        if not config.site_name or config.site_name == "improvement-site":
            # Material prints site_name unescaped; the title comes from data.
            config.site_name = html.escape(site.title)
        suffix = "/" if config.use_directory_urls else ".html"
        config.extra["improvement_site"] = {
            "council": site.council,
            "contact": site.contact,
            "as_at": long_date(site.reporting_date),
            "meeting": (f"{site.meeting.committee}, {long_date(site.meeting.date)}"
                        if site.meeting else None),
            "accessibility_url": "accessibility" + suffix,
            "glossary_url": "glossary" + suffix,
            "audience": audience,
        }
        if os.environ.get(VERSION_ENV):
            # A release published with mike: Material's version menu reads versions.json.
            config.extra["version"] = {"provider": "mike", "default": "latest"}
        return config

    def on_files(self, files: Files, *, config) -> Files:
        data = self.data
        if config.extra["improvement_site"]["audience"] != "committee":
            # Hand-written pages marked `audience: committee` in their front matter stay out.
            for file in list(files.documentation_pages()):
                if _page_audience(file) == "committee":
                    files.remove(file)
        specs = pages.page_specs(data)
        generated = {spec.path for spec in specs}
        audience = config.extra["improvement_site"]["audience"]
        history = current_history(data.root / "data", audience)
        hashes = page_hashes(data, specs, extra=json.dumps([
            audience, config.use_directory_urls, [s.release.tag for s in history.earlier],
            sorted(f.src_uri for f in files.documentation_pages())]))
        stubs = data.root / ".cache" / "pages" / audience
        for spec in specs:
            if files.get_file_from_path(spec.path) is None:  # a hand-written page wins
                # Stubs live on disk so that `serve` (a dirty build) re-renders only the
                # pages whose data changed; see fingerprints.py.
                stub = write_stub(stubs, spec, hashes[spec.path])
                files.append(File.generated(config, spec.path, abs_src_path=str(stub)))
        for name in ("improvement-site.css", IFRAME_WORKER.removeprefix("assets/")):
            files.append(File.generated(config, f"assets/{name}",
                                        abs_src_path=str(ASSETS_DIR / name)))
        if not config.nav:
            extra = [f.src_uri for f in sorted(files.documentation_pages(),
                                               key=lambda f: f.src_uri)
                     if f.src_uri not in generated]
            config.nav = pages.navigation(specs, extra)
        return files


    def history(self):
        """Earlier releases, read from git when a page first asks (once per build)."""
        return current_history(self.data_dir, self.audience)

    def on_pre_build(self, *, config) -> None:
        chart_theme.enable()
        REGISTRY.reset(self._cache_root() / "charts")
        FIGURES.folder = self._cache_root() / "specs"

    def on_pre_page(self, page, *, config, files):
        REGISTRY.page = page.file.src_uri  # so a chart that fails to render names its page
        return page

    def _cache_root(self) -> Path:
        cache = os.environ.get(CACHE_ENV)
        return Path(cache) if cache else self.data.root / ".cache"

    def on_post_build(self, *, config) -> None:
        REGISTRY.write(Path(config.site_dir))
        downloads.write(self.data, Path(config.site_dir))
        # The build date we set is this build's only (pages and sitemap are written by
        # now): the next site built in the same process works it out afresh.
        self._restore_epoch()

    def on_build_error(self, *, error) -> None:
        REGISTRY.close()  # stop the SVG workers and remove their folder
        self._restore_epoch()

    def on_shutdown(self) -> None:
        REGISTRY.close()
        self._restore_epoch()

    def _restore_epoch(self) -> None:
        if getattr(self, "_epoch_set", False):
            os.environ.pop("SOURCE_DATE_EPOCH", None)
            self._epoch_set = False

    # After mkdocs-macros has rendered the page, so the definitions are never read as Jinja.
    @event_priority(-100)
    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        """Append the glossary as abbreviation definitions, so Material's `abbr` extension
        expands acronyms in every page's own Markdown (generated tables carry <abbr> already)."""
        markdown = markdown + "\n\n" + abbreviations_markdown(self.data.glossary)
        dump = os.environ.get(DUMP_ENV)
        if dump:  # benchmarks: the pages as plain Markdown, for a plain MkDocs build
            target = Path(dump) / page.file.src_uri
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(markdown, encoding="utf-8")
        return markdown


def _page_audience(file: File) -> str:
    from mkdocs.utils.meta import get_data
    try:
        _, meta = get_data(file.content_string)
    except Exception:  # noqa: BLE001 - unreadable front matter is mkdocs' to report
        return "public"
    return str(meta.get("audience", "public")).strip().lower()
