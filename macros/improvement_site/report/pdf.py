"""The committee report as a tagged PDF (PDF/UA-1), with WeasyPrint.

The HTML comes from one Jinja template over the report model, with the stylesheet beside it:
A4, the council's name and the "as at" date at the top of every page, "Page N of M" at the
foot, h1 and h2 as bookmarks, tables with header cells, charts as the site's vector SVGs with
their descriptions as alternative text.

Charts are laid out as placeholders and drawn in afterwards (`pdf_charts.py`), for speed.

The same report gives the same bytes: the document's dates are the build date
(SOURCE_DATE_EPOCH, else the reporting date, as for the site) and the PDF identifier is a
hash of the content, never the clock or a random number.
"""

from __future__ import annotations

import contextlib
import io
import logging
from datetime import datetime, timezone
from pathlib import Path

from markupsafe import Markup
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from improvement_site.report.blocks import Chart, Report

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


def html_of(report: Report, epoch: int, chart_urls: dict | None = None) -> str:
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    footer = report.subject + (" · Committee only: not for publication"
                               if report.audience == "committee" else "")
    return _env.get_template("report.html.j2").render(
        report=report, title=document_title(report), css=css, created=iso_instant(epoch),
        footer=footer, chart_urls=chart_urls or {})


@contextlib.contextmanager
def _page_references_once():
    """pydyf 0.13's `PDF.page_references` builds the tuple of every page's reference each
    time it is read, and WeasyPrint's tagging reads it once per tagged element: quadratic
    (for the large benchmark site's 388 pages and 57,000 elements, 22 million strings, a
    fifth of the report's time). For this write only, the tuple is made again only when a
    page has been added since (pages are only ever appended). Same bytes either way (tested:
    `test_same_data_same_bytes_wherever_the_site_is`)."""
    import pydyf

    plain = pydyf.PDF.page_references

    def page_references(pdf):
        kids = pdf.pages["Kids"]
        made = pdf.__dict__.get("_ims_page_references")
        if made is None or made[0] != len(kids):
            made = (len(kids), plain.fget(pdf))
            pdf.__dict__["_ims_page_references"] = made
        return made[1]

    pydyf.PDF.page_references = property(page_references)
    try:
        yield
    finally:
        pydyf.PDF.page_references = plain


def pdf_bytes(report: Report, epoch: int) -> bytes:
    from weasyprint import HTML

    from improvement_site.report import pdf_charts

    charts = [b for b in report.blocks if isinstance(b, Chart)]
    urls = [pdf_charts.placeholder_url(chart, i) for i, chart in enumerate(charts)]
    pool, drawings = pdf_charts.start(charts)  # beside the layout, on the other core
    try:
        html = html_of(report, epoch, dict(zip(charts, urls)))
        # WeasyPrint logs every CSS property it does not support and every font it falls
        # back from; the report's own stylesheet is tested, so only errors are shown.
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        logging.getLogger("fontTools").setLevel(logging.ERROR)
        out = io.BytesIO()
        with _page_references_once():
            HTML(string=html, base_url=TEMPLATES.as_uri() + "/").write_pdf(
                out, pdf_variant="pdf/ua-1")
        return pdf_charts.embed(out.getvalue(), charts, urls, drawings)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
