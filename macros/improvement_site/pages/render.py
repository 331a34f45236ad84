"""Render page bodies from the model with Jinja templates (autoescaped).

A body is Markdown headings (so the table of contents and permalinks work) around HTML blocks
(tables, summaries). All data text reaches the page through `text.TextRenderer`, so it is
escaped or rendered as the safe Markdown subset, then sanitised (nh3, one allowlist); URL fields
go through `text.safe_url`, the same allowlist. Nothing from data is ever a template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from improvement_site.charts.output import ChartRegistry, FigureCache
from improvement_site.model import labels

from improvement_site.pages import specs as pages

from improvement_site.model import status
from improvement_site.model.lateness import lateness
from improvement_site.model.sitedata import SiteData
from improvement_site.pages.text import TextRenderer, escape_markdown, safe_url, shorten

TEMPLATES = Path(__file__).parent / "templates"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_env.filters.update(
    long_date=labels.long_date,
    period=labels.period_label,
    short_period=labels.short_period,
    number=labels.number,
    mdh=lambda text: Markup(escape_markdown(text)),
    safe_url=safe_url,
    shorten=shorten,
)
_env.globals.update(
    labels=labels,
    status=status,
    STATUS_LABELS=status.STATUS_LABELS,
    RAG_LABELS=status.RAG_LABELS,
    DIRECTION_LABELS=status.DIRECTION_LABELS,
    lateness=lateness,
)


def get_relative_url(url: str, other: str) -> str:
    # MkDocs' (or ProperDocs') own, imported when first needed: importing this package must
    # not import MkDocs, so that the command line can choose which of the two to run.
    from mkdocs.utils import get_relative_url as relative
    return relative(url, other)


@dataclass
class PageContext:
    """What a macro needs to render on one page: the model, where the page is, and the build
    it belongs to (its charts and figure cache: each build has its own)."""

    data: SiteData
    page_url: str = ""
    use_directory_urls: bool = True
    audience: str = "public"
    # Committee build only: how many records of each kind the public build leaves out.
    hidden: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    history_loader: object = None  # () -> History, called only by pages that need it
    # The version a release publishes with mike (2024-09-11), else None: only then do the
    # earlier releases sit beside this one, each in its own folder.
    release: str | None = None
    # (format, path in the site) of the committee reports this build writes (`build --report`)
    reports: list = field(default_factory=list)
    charts: ChartRegistry = field(default_factory=ChartRegistry)
    figures: FigureCache = field(default_factory=FigureCache)

    def __post_init__(self):
        self.text = TextRenderer(self.data.glossary)

    def url(self, src_path: str, anchor: str = "") -> str:
        """A link from this page to another page of the site, by its source path."""
        target = src_path[:-3] if src_path.endswith(".md") else src_path
        if self.use_directory_urls:
            target = "" if target == "index" else (
                target[: -len("index")] if target.endswith("/index") else target + "/")
        else:
            target += ".html"
        link = get_relative_url(target or ".", self.page_url or ".")
        if self.use_directory_urls and target.endswith("/") and not link.endswith("/"):
            link += "/"
        if link in ("", "./."):
            link = "./"
        return link + (f"#{anchor}" if anchor else "")


    @property
    def history(self):
        from improvement_site.publish.history import History, Snapshot
        if self.history_loader is None:
            return History(Snapshot(None, self.data), note="No history was loaded.")
        if "history" not in self.extra:
            self.extra["history"] = self.history_loader()
        return self.extra["history"]

    def asset(self, path: str) -> str:
        """A link from this page to a file of the built site (a script, an SVG)."""
        return get_relative_url(path, self.page_url or ".")


def render(template: str, ctx: PageContext, **values) -> str:
    """Render `templates/<template>` for one page; returns Markdown with HTML blocks."""
    data = ctx.data
    return _env.get_template(template).render(
        ctx=ctx, data=data, site=data.site, md=ctx.text.block, inline=ctx.text.inline,
        committee=ctx.audience == "committee", hidden=ctx.hidden,
        url=ctx.url, pages=pages, **values,
    )
