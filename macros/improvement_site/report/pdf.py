"""The committee report as a tagged PDF (PDF/UA-1), with WeasyPrint.

The HTML comes from one Jinja template over the report model, with the stylesheet beside it:
A4, the council's name and the "as at" date at the top of every page, "Page N of M" at the
foot, h1 and h2 as bookmarks, tables with header cells, charts as the site's vector SVGs with
their descriptions as alternative text.

Charts are laid out as placeholders and drawn in afterwards (`pdf_charts.py`), and a long
report is laid out in two parts at once and joined (`pdf_parts.py`), for speed.

The same report gives the same bytes: the document's dates are the build date
(SOURCE_DATE_EPOCH, else the reporting date, as for the site) and the PDF identifier is a
hash of the content, never the clock or a random number.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone
from itertools import accumulate
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import Markup
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from improvement_site.pages.text import ALLOWED_SCHEMES
from improvement_site.report.blocks import Chart, Heading, Report, kept

TEMPLATES = Path(__file__).parent / "templates"

_env = Environment(loader=FileSystemLoader(TEMPLATES),
                   autoescape=select_autoescape(default=True, default_for_string=True),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def css_string(value: str) -> Markup:
    """Text safe inside a CSS string in double quotes, in a <style> element: anything but
    letters, digits, spaces and common punctuation is written as a hex escape, so data can
    end neither the string nor the element (no quote, backslash or "<" survives)."""
    out = []
    for ch in str(value):
        if ch.isalnum() or ch in " ,.:;'()-–&/!?":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):x} ")
    return Markup("".join(out))


def first_paragraph_rest(html: Markup) -> Markup:
    """Officers' text from its first paragraph's content on: "<p>a</p><p>b</p>" → "a</p><p>b</p>",
    so a label can open the first paragraph."""
    return Markup(str(html)[len("<p>"):])


_env.filters.update(css_string=css_string, first_paragraph_rest=first_paragraph_rest)
_env.tests["markup"] = lambda value: isinstance(value, Markup)


def document_title(report: Report) -> str:
    return f"{report.title}: {report.subject}"


def iso_instant(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sections(blocks: list) -> list[list]:
    """The report's blocks in its top-level sections: each starts at a level-1 heading,
    which begins a new page."""
    found: list[list] = []
    for block in blocks:
        if not found or (isinstance(block, Heading) and block.level == 1):
            found.append([])
        found[-1].append(block)
    return found


def cut(weights: list[int], parts: int) -> list[int]:
    """Where to cut a run of sections into `parts` runs of about equal weight: the index of
    the section each later run starts with, each cut where the weight before it comes
    nearest its share."""
    before = list(accumulate(weights, initial=0))  # weight of the sections before index i
    cuts: list[int] = []
    for share in range(1, parts):
        target = before[-1] * share / parts
        index = min(range(1, len(weights)), key=lambda i: abs(before[i] - target),
                    default=None)
        if index is not None and index > (cuts[-1] if cuts else 0):
            cuts.append(index)
    return cuts


# A report whose HTML is this long (in characters, about 30 pages of A4) is laid out in two
# parts at once (pdf_parts.py). Measured on 2 December 2026: Nottingham's report (44 pages,
# 150,000 characters) 5.1-5.9 s in one part, 4.5 s in two; a new site's (3 pages) 0.7 s in
# one, 1.7 s in two, the second process's start costing more than it saves.
TWO_PARTS_FROM = 100_000


def html_of(report: Report, epoch: int, chart_urls: dict[Chart, str],
            parts: int | None = None) -> list[str]:
    """The report as HTML documents for WeasyPrint: the report cut before top-level
    headings into `parts` documents of about equal length (by default, two for a long
    report, else one), each with the same head and stylesheet; laid out one after another
    they make the same pages as the report in one. How many parts depends on the report
    alone, never on the machine, so the same data gives the same bytes everywhere.
    `chart_urls` are the charts' placeholder pictures (pdf_charts.py)."""
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    footer = report.subject + (" · Committee only: not for publication"
                               if report.audience == "committee" else "")
    body = _env.get_template("blocks.html.j2").module.body
    bodies = [body(kept(section), chart_urls) for section in sections(report.blocks)]
    weights = [len(b) for b in bodies]
    if parts is None:
        parts = 2 if sum(weights) >= TWO_PARTS_FROM else 1
    bounds = [0, *cut(weights, parts), len(bodies)]
    document = _env.get_template("report.html.j2")
    return [document.render(report=report, title=document_title(report), css=css,
                            created=iso_instant(epoch), footer=footer,
                            body=Markup("").join(bodies[start:end]))
            for start, end in zip(bounds, bounds[1:])]


def check_links(doc) -> None:
    """Fail, rather than write a link a reader's click would follow anywhere but the web or
    an email: every link annotation is http(s), mailto or a place in the report. The model
    settles every link in data first (links.py), so this is the last guard, not the rule."""
    for number, page in enumerate(doc.pages, start=1):
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A")
            if action is None or action.get("/S") != "/URI":
                continue
            uri = str(action.URI)
            if urlsplit(uri).scheme.lower() not in ALLOWED_SCHEMES:
                raise RuntimeError(f'the PDF report would link to "{uri}" on page {number}, '
                                   "which is not a web or email address")


def pdf_bytes(report: Report, epoch: int, parts: int | None = None) -> bytes:
    """The report as one tagged PDF, laid out in `parts` (see `html_of`)."""
    import pikepdf

    from improvement_site.report import pdf_charts, pdf_parts, pdf_tables

    charts = [b for b in report.blocks if isinstance(b, Chart)]
    urls = [pdf_charts.placeholder_url(chart, i) for i, chart in enumerate(charts)]
    htmls = html_of(report, epoch, dict(zip(charts, urls)), parts)
    # The charts' drawings are converted on a thread beside the layout (only those not
    # yet in .cache/report/).
    pool, drawings = pdf_charts.start(charts)
    try:
        # No base address: the HTML needs none (its stylesheet is inline, its pictures data:
        # URLs, its links settled in the model: links.py), and with one, anything relative
        # would be read as a file beside the templates.
        written = pdf_parts.write_parts(htmls, None)
        with pikepdf.open(io.BytesIO(written[0])) as doc:
            for part in written[1:]:
                with pikepdf.open(io.BytesIO(part)) as opened:
                    pdf_parts.join(doc, opened)
            pdf_tables.mend(doc)
            check_links(doc)
            return pdf_charts.embed(doc, charts, urls, drawings)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
