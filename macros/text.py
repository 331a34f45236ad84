"""Turn officers' text into safe HTML.

Data text is written by many people and pasted from Word. It is rendered as a small Markdown
subset (paragraphs, lists, emphasis, links, line breaks) with every piece of raw HTML shown as
text, links limited to http(s), mailto and in-site paths, and no images. Glossary terms are
wrapped in <abbr> so acronyms are expanded everywhere, not only on hand-written pages.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Mapping

import markdown
from markdown.extensions.abbr import AbbrExtension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


class _SafeLinks(Treeprocessor):
    """Drop any link whose target could run script (javascript:, data:, vbscript: ...)."""

    def run(self, root):
        for element in root.iter("a"):
            href = (element.get("href") or "").strip()
            lowered = re.sub(r"[\x00-\x20]", "", href).lower()
            if not (lowered.startswith(_SAFE_SCHEMES) or lowered.startswith(("/", "#", "../"))
                    or (lowered and ":" not in lowered.split("/")[0])):
                element.attrib.pop("href", None)
            for attr in list(element.attrib):
                if attr not in ("href", "title"):
                    element.attrib.pop(attr)
        return None


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
    md.treeprocessors.register(_SafeLinks(md), "safe_links", 0)
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
    if _MARKUP.search(text):
        return None
    paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", text.strip()) if p.strip()]
    out = []
    for paragraph in paragraphs:
        lines = paragraph.split("\n")
        out.append("<p>" + "<br>\n".join(glossary.abbr(line) for line in lines) + "</p>")
    return "\n".join(out)


@lru_cache(maxsize=50_000)
def _render_block(terms: tuple[tuple[str, str], ...], text: str) -> str:
    glossary = _glossary(terms)
    fast = _plain_paragraphs(glossary, text)
    if fast is not None:
        return fast
    md = glossary.md
    md.reset()
    return md.convert(text)


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
    escaped = _MD_SPECIAL.sub(r"\\\1", escaped.replace("{", "\x00").replace("}", "\x01"))
    return (escaped.replace("\x00", "&#123;").replace("\x01", "&#125;")
            .replace("\r", " ").replace("\n", " "))


def safe_url(url: str | None) -> str:
    """A link target from data, kept only if it cannot run script."""
    if not url:
        return ""
    cleaned = re.sub(r"[\x00-\x20]", "", str(url))
    return str(url).strip() if cleaned.lower().startswith(_SAFE_SCHEMES) else ""


def inert_html(text: str) -> str:
    """Text for places Material prints as HTML without escaping (navigation titles): escaped,
    and without braces, which mkdocs-macros would otherwise render as a template."""
    return html.escape(str(text), quote=False).replace("{", "&#123;").replace("}", "&#125;")
