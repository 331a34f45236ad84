"""The report model: the committee paper as a plain sequence of blocks, built once.

The PDF (`pdf.py`, through a Jinja template) and the Word file (`word.py`) are both written
from the same `Report`, block by block, and neither decides anything of its own: which
sections there are, their order and every word in them are chosen by the builder
(`build.py`). So the two files cannot disagree.

Text is either `str` (words the tool writes: "Completed", "11 September 2024") or `Markup`
(officers' text, already rendered by the site's safe renderer, `pages/text.py`: sanitised
HTML from one allowlist). Writers escape the first and convert the second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from markupsafe import Markup

Text = Union[str, Markup]


@dataclass(frozen=True)
class Heading:
    level: int  # 1 a section, 2 an area / measure / visit (both bookmarked), 3 a part of one
    text: Text
    anchor: str = ""
    # How many of the blocks after it are kept on one page with it: an action, a measure's
    # facts and chart (the PDF wraps them in one unbreakable box, Word keeps them with it)
    keep: int = 0


@dataclass(frozen=True)
class Para:
    text: Text  # one paragraph; Markup here is inline (no <p>)
    style: str = ""  # "lede", "note", "warning", "committee"


@dataclass(frozen=True)
class Rich:
    """Officers' Markdown, rendered: paragraphs and lists (sanitised HTML)."""

    html: Markup


@dataclass(frozen=True)
class Facts:
    """Label and value pairs (a summary list), read top to bottom."""

    items: tuple[tuple[str, Text], ...]
    # "cover"; "line": short facts in one sentence-like line; "keep": a few short facts,
    # kept on one page
    style: str = ""

    def line(self) -> Markup:
        """'Status: Completed. Due: 16 September 2022. Owner: Not stated.' as inline HTML."""
        return Markup(" ").join(Markup("<strong>{}:</strong> {}.").format(label, value)
                                for label, value in self.items)


@dataclass(frozen=True)
class Table:
    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[Text, ...], ...]  # the first cell of each row is its header
    widths: tuple[int, ...] = ()  # relative column widths, to fit an A4 page
    numeric: tuple[int, ...] = ()  # columns of numbers, aligned right
    foot: tuple[tuple[Text, ...], ...] = ()  # totals, after the rows


@dataclass(frozen=True)
class Items:
    items: tuple[Text, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Chart:
    """A chart: the site's SVG for print, a PNG of the same SVG for Word."""

    svg: Path
    png: Path | None
    alt: str  # the chart's description, its alternative text
    title: str
    width_px: int = 0
    height_px: int = 0
    key: str = ""  # the key to its lines, in words ("Key: Value, solid blue line ...")
    note: str = ""  # a line the drawing had no room to label, in words


Block = Union[Heading, Para, Rich, Facts, Table, Items, Chart]


@dataclass(frozen=True)
class Report:
    title: str  # the document's title (PDF /Title, Word's title property)
    council: str
    as_at: str  # "11 September 2024", on every page
    subject: str
    audience: str  # public or committee
    language: str = "en-GB"
    date: str = ""  # ISO date of the meeting (else the reporting date), for file names
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    def headings(self, level: int | None = None) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading)
                and (level is None or b.level == level)]


def kept_with_heading(blocks: list[Block]) -> list[Block]:
    """`blocks`, a heading and what follows it, with the heading keeping them on its page."""
    from dataclasses import replace

    return [replace(blocks[0], keep=len(blocks) - 1), *blocks[1:]]


def kept(blocks) -> list:
    """`blocks` with each heading that keeps blocks with it made a list of it and them."""
    out: list = []
    blocks = list(blocks)
    while blocks:
        block = blocks.pop(0)
        if isinstance(block, Heading) and block.keep:
            out.append([block, *blocks[:block.keep]])
            del blocks[:block.keep]
        else:
            out.append(block)
    return out


def committee_note(audience: str, *records) -> list[Block]:
    """In the committee report, the label the site gives a committee-only record (any of
    `records`, None ones skipped); nothing in the public report."""
    if audience == "committee" and any(r is not None and r.audience == "committee"
                                       for r in records):
        return [Para("Committee only: not published on the public site.", "committee")]
    return []
