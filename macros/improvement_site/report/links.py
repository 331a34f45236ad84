"""Links in officers' text, as the paper prints them: never to a file on the build machine.

On the site a relative link (`downloads.html`, `../x`, `#anchor`) is followed from the page
the text is on. The paper is not on the site: laid out by WeasyPrint it would be read against
the folder the layout starts from (the package's templates, so `../../../etc/passwd` became
`file:///etc/passwd`, and `downloads.html` a path into the build machine's installation).
So every link is settled here, in the report model, before any writer sees it:

- when the site has a published address (`site_url`), a relative link is resolved as the
  published site would resolve it: against the address of the page the text is printed on
  there (an area's summary against the area's page);
- without one, a relative link has nowhere to go: its text stays, as plain text;
- whatever the resolution gives must be `http:`, `https:` or `mailto:` (the site's own
  allowlist, `pages/text.py`), else the text stays and the link goes.

The text passes through the site's one sanitiser (nh3) again with the same allowlist; only
the link targets change.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import nh3
from markupsafe import Markup

from improvement_site.pages import specs
from improvement_site.pages.text import (ALLOWED_ATTRIBUTES, ALLOWED_SCHEMES, ALLOWED_TAGS,
                                         TextRenderer)


def site_address(site_url: str | None) -> str | None:
    """The site's published address as a base for links ("https://host/path/"), or None when
    there is none a link could be resolved against (no site_url, or not an http(s) one)."""
    parts = urlsplit((site_url or "").strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return parts.geturl().rstrip("/") + "/"


def page_address(site: str, page: str, directory_urls: bool = False) -> str:
    """The published address of a generated page from its source path ("plan/a1.md"): as
    MkDocs names it, plan/a1.html (the base configuration's `use_directory_urls: false`),
    or plan/a1/ with directory addresses; an index page is its folder's address then."""
    stem = page.removesuffix(".md")
    if not directory_urls:
        return site + stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return site + stem.removesuffix("index")
    return site + stem + "/"


def followable(href: str, page: str | None) -> str | None:
    """Where a link in data leads from the page at address `page` (None: the paper has no
    page to follow it from): an http(s) or mailto address, or None (print the text only)."""
    target = urljoin(page, href) if page else href
    try:
        parts = urlsplit(target)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return None
    if scheme != "mailto" and not parts.hostname:
        return None
    return target


def resolve(html: Markup, page: str | None) -> Markup:
    """Officers' sanitised HTML with each link's target followed from `page` (see
    `followable`); a link that leads nowhere allowed loses its target and keeps its text."""
    if "<a " not in html:
        return html

    def target(tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and attribute == "href":
            return followable(value, page)
        return value

    return Markup(nh3.clean(
        str(html), tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES), link_rel=None, strip_comments=True,
        attribute_filter=target))


class PaperText:
    """The site's text renderer for the paper: the same HTML, links settled for the page of
    the site the text is printed on (`on`)."""

    def __init__(self, renderer: TextRenderer, site_url: str | None = None,
                 directory_urls: bool = False, page: str = specs.HOME):
        self.renderer = renderer
        self.site = site_address(site_url)
        self.directory_urls = directory_urls
        self.page = page
        self.address = page_address(self.site, page, directory_urls) if self.site else None

    def on(self, page: str) -> PaperText:
        """The same renderer for text the site prints on `page` (a source path: plan/a1.md)."""
        return PaperText(self.renderer, self.site, self.directory_urls, page)

    def block(self, text: str | None) -> Markup:
        return resolve(self.renderer.block(text), self.address)

    def inline(self, text: str | None) -> Markup:
        return resolve(self.renderer.inline(text), self.address)
