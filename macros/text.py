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


@lru_cache(maxsize=8)
def _renderer(glossary: tuple[tuple[str, str], ...]) -> markdown.Markdown:
    return _markdown(glossary)


class TextRenderer:
    """Renders data text with one site's glossary."""

    def __init__(self, glossary: Mapping[str, str]):
        self._glossary = tuple(sorted(glossary.items()))

    def block(self, text: str | None) -> Markup:
        """Markdown text to HTML paragraphs/lists."""
        if not text:
            return Markup("")
        md = _renderer(self._glossary)
        md.reset()
        return Markup(md.convert(str(text)))

    def inline(self, text: str | None) -> Markup:
        """One line of text (a title, a name) with acronyms expanded, no paragraph wrapper."""
        if not text:
            return Markup("")
        rendered = str(self.block(_MD_SPECIAL.sub(r"\\\1", str(text))))
        return Markup(re.sub(r"^<p>|</p>$", "", rendered.strip()))


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
