"""Officers' text into Word paragraphs and runs.

The text arrives as the site renders it (`pages/text.py`): HTML already reduced to one small
allowlist (paragraphs, lists, emphasis, links, line breaks, code, quotes, abbreviations). This
turns exactly that allowlist into Word's own structure: list paragraphs in Word's list styles,
bold and italic runs, a link's address after its text. Anything else cannot reach here; if it
did, its text would be kept and the tag dropped, as the sanitiser does.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from docx.shared import Pt

def set_style(paragraph, name: str) -> None:
    """A paragraph style by its name, written straight into the paragraph: python-docx's
    `paragraph.style = name` searches every style each time, which was most of a large
    report's time. The styles used here have the id of their name without spaces."""
    paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = name.replace(" ", "")


def has_style(paragraph) -> bool:
    p_pr = paragraph._p.pPr
    return p_pr is not None and p_pr.pStyle is not None


BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "li"}
_SPACE = re.compile(r"\s+")


class _Converter(HTMLParser):
    def __init__(self, container, paragraph=None):
        super().__init__(convert_charrefs=True)
        self.container = container  # a Document or a table cell: has add_paragraph
        self.paragraph = paragraph  # the paragraph text goes into, when there is one
        self.inline_only = paragraph is not None
        self.unused = None  # a cell's own first paragraph, used before adding another
        self.bold = self.italic = self.code = self.pre = self.quote = 0
        self.lists: list[str] = []  # "ul" / "ol", innermost last
        self.li_started = False
        self.href: str | None = None
        self.link_text = ""
        self.at_start = True

    # -- paragraphs --------------------------------------------------------------------------

    def _style(self) -> str | None:
        if self.lists and self.li_started:
            depth = min(len(self.lists), 3)
            base = "List Number" if self.lists[-1] == "ol" else "List Bullet"
            return base if depth == 1 else f"{base} {depth}"
        if self.quote:
            return "Quote"
        return None

    def _new_paragraph(self):
        if self.inline_only:
            return self.paragraph
        style = self._style()
        self.li_started = False  # a second paragraph in one item is not a new item
        if self.unused is not None and not self.unused.text:
            paragraph, self.unused = self.unused, None
        else:
            paragraph = self.container.add_paragraph()
        if style:
            set_style(paragraph, style)
        if self.lists and style is None:
            paragraph.paragraph_format.left_indent = Pt(18 * min(len(self.lists), 3))
        self.at_start = True
        return paragraph

    def _close(self):
        if not self.inline_only:
            self.paragraph = None

    # -- tags --------------------------------------------------------------------------------

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol"):
            self.lists.append(tag)
            self._close()
        elif tag == "li":
            self._close()
            self.li_started = True
        elif tag in BLOCKS:
            if tag == "blockquote":
                self.quote += 1
            if tag == "pre":
                self.pre += 1
            if not (self.li_started and tag == "p"):
                self._close()
        elif tag == "br":
            if self.paragraph is not None:
                self.paragraph.add_run().add_break()
                self.at_start = True
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "code":
            self.code += 1
        elif tag == "a":
            self.href = dict(attrs).get("href") or ""
            self.link_text = ""

    def handle_endtag(self, tag):
        if tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._close()
        elif tag in BLOCKS:
            if tag == "blockquote":
                self.quote = max(0, self.quote - 1)
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
            self._close()
            self.li_started = False
        elif tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("em", "i"):
            self.italic = max(0, self.italic - 1)
        elif tag == "code":
            self.code = max(0, self.code - 1)
        elif tag == "a":
            href, self.href = self.href, None
            # Paper has no links: an address a reader could type is printed after the text.
            if href and href.startswith(("http://", "https://", "mailto:")) \
                    and href.removeprefix("mailto:") != self.link_text.strip():
                self._run(f" ({href.removeprefix('mailto:')})")

    def handle_data(self, data):
        if not self.pre:
            data = _SPACE.sub(" ", data)
        if self.paragraph is None:
            if not data.strip():
                return
            self.paragraph = self._new_paragraph()
        if self.at_start:
            data = data.lstrip()
            if not data:
                return
        if self.href is not None:
            self.link_text += data
        self._run(data)

    def _run(self, text: str):
        if self.paragraph is None:
            self.paragraph = self._new_paragraph()
        run = self.paragraph.add_run(text)
        if self.bold:
            run.bold = True
        if self.italic:
            run.italic = True
        if self.code or self.pre:
            run.font.name = "Courier New"
        self.at_start = False


def add_blocks(container, html: str, first=None) -> None:
    """HTML blocks (paragraphs, lists) as paragraphs of `container`. `first`, if given, is an
    empty paragraph to fill before adding new ones (a table cell starts with one)."""
    converter = _Converter(container)
    converter.unused = first
    converter.feed(str(html))
    converter.close()


def add_inline(paragraph, html: str) -> None:
    """Inline HTML (a title with <abbr>, a name) as runs of an existing paragraph."""
    converter = _Converter(None, paragraph)
    converter.feed(str(html))
    converter.close()


_BLOCK_TAG = re.compile(r"<(?:p|ul|ol|li|blockquote|pre|h[1-6])[\s>]")


def is_block(html: str) -> bool:
    return bool(_BLOCK_TAG.search(str(html)))
