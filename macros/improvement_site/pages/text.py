"""Turn officers' text into safe HTML.

Data text is written by many people and pasted from Word. It is rendered as a small Markdown
subset (paragraphs, lists, emphasis, links, line breaks) with every piece of raw HTML shown as
text and no images. Glossary terms are wrapped in <abbr> so acronyms are expanded everywhere,
not only on hand-written pages.

Every piece of HTML made from data then passes through one sanitiser, nh3 (the Python binding
of the Ammonia library), with one allowlist of tags, attributes and link schemes. It parses the
HTML as a browser would, entities included, so a link such as `javascript&#58;...` is judged by
the address the browser would follow, not by how it is spelt. Link targets from URL fields go
through the same allowlist (`safe_url`).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Mapping

import markdown
import nh3
from markdown.extensions.abbr import AbbrExtension
from markupsafe import Markup

# The characters a backslash escapes, and only those: an escape before any other character is
# printed as typed ("\\~50" would show its backslash). Our renderer has no tables extension, so
# `|` is plain there; MkDocs' pages have it, so headings escape `|` too.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!>])")
_HEADING_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")

# The one allowlist for HTML made from data: what the Markdown subset below can produce, and
# nothing more. Anything else is removed by nh3 (a tag's text is kept, the tag dropped).
ALLOWED_TAGS = frozenset({
    "p", "br", "ul", "ol", "li", "em", "strong", "a", "code", "pre", "blockquote", "hr",
    "abbr", "h1", "h2", "h3", "h4", "h5", "h6",  # `# Heading`, or underlined with === / ---
})
ALLOWED_ATTRIBUTES = {
    "a": frozenset({"href", "title"}),  # [text](url "title")
    "abbr": frozenset({"title"}),  # glossary expansions
    "ol": frozenset({"start"}),  # a list numbered from 3.
}
# Link schemes kept; relative addresses (pages of the site, #anchors) are kept too.
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
_ALLOWLIST = dict(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(ALLOWED_SCHEMES),
    # No `rel`: without `target` (not allowed) a link cannot open a new window, which is where
    # `noopener` would matter; links stay as Markdown wrote them.
    link_rel=None,
    strip_comments=True,
)


def _cleaner(**extra):
    options = {**_ALLOWLIST, **extra}
    if hasattr(nh3, "Cleaner"):  # nh3 >= 0.3 compiles the allowlist once: 3x faster per call
        return nh3.Cleaner(**options).clean
    return lambda fragment: nh3.clean(fragment, **options)  # pragma: no cover - older nh3


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """nh3 judges a link by the address a browser would follow, so "java    script:x" stays
    (a harmless relative address); `safe_url` also refuses it, as a hidden scheme."""
    if attribute == "href" and not safe_url(value):
        return None
    return value


# The bare allowlist judges one link target for `safe_url`; the sanitiser of data HTML also
# asks `safe_url` about every link target.
_clean_link = _cleaner()
_clean = _cleaner(attribute_filter=_keep_attribute)


def sanitise(fragment: str) -> str:
    """HTML made from data, reduced to the allowlist."""
    return _clean(fragment)


def _markdown(glossary: tuple[tuple[str, str], ...]) -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=["sane_lists", "nl2br", AbbrExtension(glossary=dict(glossary))],
        output_format="html",
    )
    # Raw HTML in data is shown as text, never passed through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    for name in ("image_link", "image_reference", "short_image_ref"):
        if name in md.inlinePatterns:
            md.inlinePatterns.deregister(name)
    return md


class _Glossary:
    """One site's glossary with its Markdown renderer and the <abbr> pattern, made once."""

    def __init__(self, terms: tuple[tuple[str, str], ...]):
        self.terms = dict(terms)
        self.md = _markdown(terms)
        # The same pattern as Python-Markdown's abbr extension: whole words, longest first.
        self.pattern = re.compile(r"\b(%s)\b" % "|".join(
            re.escape(t) for t in sorted(self.terms, key=len, reverse=True))) if terms else None

    def abbr(self, escaped: str) -> str:
        if not self.pattern:
            return escaped
        return self.pattern.sub(lambda m: '<abbr title="%s">%s</abbr>' % (
            html.escape(self.terms[m.group(1)], quote=False).replace('"', "&quot;"),
            m.group(1)), escaped)


@lru_cache(maxsize=8)
def _glossary(terms: tuple[tuple[str, str], ...]) -> _Glossary:
    return _Glossary(terms)


# Text that no Markdown rule could change: no markup characters, no list, quote, code or
# heading lines. Most progress notes are like this, and rendering them directly is about a
# hundred times faster than a Markdown pass (tested to give the same HTML).
_MARKUP = re.compile(r"[\\`*_\[\]()#<>!&|~{}=]|^\s*(?:[-+]|\d+[.)])\s|^[ \t]+\S|[ \t]+$|"
                     r"https?:|www\.|@", re.M)


def _plain_paragraphs(glossary: _Glossary, text: str) -> str | None:
    """Plain text as paragraphs, or None when the text needs the Markdown pass."""
    if _MARKUP.search(text):
        return None
    paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", text.strip()) if p.strip()]
    out = []
    for paragraph in paragraphs:
        lines = paragraph.split("\n")
        out.append("<p>" + "<br>\n".join(glossary.abbr(line) for line in lines) + "</p>")
    return "\n".join(out)


def _markdown_html(glossary: _Glossary, text: str) -> str:
    md = glossary.md
    md.reset()
    return md.convert(text)


@lru_cache(maxsize=50_000)
def _render_block(terms: tuple[tuple[str, str], ...], text: str) -> str:
    """Data text as sanitised HTML. Both paths end in the sanitiser: the fast one too, since
    its <abbr title="..."> comes from the glossary, which is data as well."""
    glossary = _glossary(terms)
    fast = _plain_paragraphs(glossary, text)
    return sanitise(fast if fast is not None else _markdown_html(glossary, text))


class TextRenderer:
    """Renders data text with one site's glossary."""

    def __init__(self, glossary: Mapping[str, str]):
        self._glossary = _terms(glossary)

    def block(self, text: str | None) -> Markup:
        """Markdown text to HTML paragraphs/lists."""
        if not text:
            return Markup("")
        return Markup(_render_block(self._glossary, str(text)))

    def inline(self, text: str | None) -> Markup:
        """One line of text (a title, a name) with acronyms expanded, no paragraph wrapper."""
        if not text:
            return Markup("")
        rendered = str(self.block(_MD_SPECIAL.sub(r"\\\1", str(text))))
        return Markup(re.sub(r"^<p>|</p>$", "", rendered.strip()))


_terms_cache: dict[int, tuple] = {}


def _terms(glossary: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The glossary as a hashable key, made once per glossary object (a page asks often)."""
    key = id(glossary)
    cached = _terms_cache.get(key)
    if cached is None or cached[0] is not glossary:
        cached = (glossary, tuple(sorted(glossary.items())))
        _terms_cache.clear()
        _terms_cache[key] = cached
    return cached[1]


def escape_markdown(text: str) -> str:
    """Text safe to put in a Markdown heading: HTML escaped, Markdown inert, and without a
    single brace, so neither mkdocs-macros (Jinja) nor attr_list (`{: ...}`) can read it."""
    escaped = html.escape(str(text), quote=False)
    escaped = _HEADING_SPECIAL.sub(r"\\\1", escaped.replace("{", "\x00").replace("}", "\x01"))
    return (escaped.replace("\x00", "&#123;").replace("\x01", "&#125;")
            .replace("\r", " ").replace("\n", " "))


_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def _href_survives(url: str) -> bool:
    return 'href="' in _clean_link(f'<a href="{html.escape(url)}">link</a>')


@lru_cache(maxsize=1024)
def safe_url(url: str | None) -> str:
    """A link target (a URL field such as papers_url, or a link in Markdown), kept only if the
    sanitiser's allowlist keeps it as a link: http(s), mailto or a relative address; else "".

    The browser follows the address as written, and nh3 judges that. It must also stay in the
    allowlist read any other way: with its entities decoded (`javascript&#58;`), and with white
    space and control characters removed (a tab, space or U+000B inside `javascript:`), so
    nothing on the page even looks like a script address."""
    if not url:
        return ""
    url = str(url).strip()
    readings = {url, html.unescape(url)}
    readings |= {_INVISIBLE.sub("", reading) for reading in readings}
    return url if all(_href_survives(reading) for reading in readings) else ""


def inert_html(text: str) -> str:
    """Text for places Material prints as HTML without escaping (navigation titles): escaped,
    and without braces, which mkdocs-macros would otherwise render as a template."""
    return html.escape(str(text), quote=False).replace("{", "&#123;").replace("}", "&#125;")


SHORT = 120  # characters: about two lines of a link on a phone


def shorten(text: str | None, limit: int = SHORT) -> str:
    """Text for a link or a list: white space made single, and when longer than `limit`, cut
    at the last word that fits, with an ellipsis, never mid-word (the link leads to the whole
    text). Line breaks and list marks are gone, so the result is one line."""
    words = " ".join(str(text or "").split())
    if len(words) <= limit:
        return words
    cut = words[: limit + 1].rsplit(" ", 1)[0] if " " in words[: limit + 1] else words[:limit]
    return cut.rstrip(" ,;:–-—(") + "…"
