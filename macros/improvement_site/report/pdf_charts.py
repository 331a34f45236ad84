"""Charts into the PDF as vector drawings, without WeasyPrint drawing the SVGs itself.

WeasyPrint's own SVG renderer is pure Python: about a fifth of a second per chart, most of the
time for a large site's report (200 charts). So the page is laid out with a tiny placeholder
picture of each chart's shape (with the chart's description as its alternative text, which
WeasyPrint tags as the Figure), and once the PDF is written each placeholder is replaced by
the chart itself: the site's cached SVG converted to a PDF drawing by vl-convert's SVG
converter (native code, run on a thread while WeasyPrint lays out the pages, and cached
in `.cache/report/`). The drawing takes the placeholder's place in the page content, inside
the Figure's marked content, so the structure tree is unchanged.
"""

from __future__ import annotations

import base64
import hashlib
import io
import struct
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from improvement_site.data.sitefiles import read_cached
from improvement_site.report.blocks import Chart
from improvement_site.report.charts import converted
from improvement_site.lifecycle import write_atomic

SHAPE = 12  # placeholder pixels per chart side unit: only its aspect ratio matters


def _png(width: int, height: int, colour: int) -> bytes:
    """A one-colour PNG; the colour makes each chart's placeholder (and its URL) unique."""
    rgb = colour.to_bytes(3, "big")
    raw = b"".join(b"\x00" + rgb * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height,
                                                               8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def placeholder_url(chart: Chart, index: int) -> str:
    """The data: URL of a chart's placeholder, the same for the same report."""
    ratio = (chart.height_px / chart.width_px) if chart.width_px else 0.4
    width = SHAPE * 8
    height = max(1, round(width * ratio))
    return "data:image/png;base64," + base64.b64encode(
        _png(width, height, index + 1)).decode("ascii")


def xobject_name(url: str) -> str:
    """The name WeasyPrint gives an image in the page resources, less its last character
    (weasyprint/pdf/stream.py: `i{image.id}{interpolate}`, the id being the md5 of the
    image's URL). `embed` fails if a placeholder is not found, and a test checks every chart
    is drawn, so a change in WeasyPrint cannot go unnoticed."""
    return f"/i{hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()}"


def _chart_pdf(svg: Path) -> bytes:
    cached = svg.parent.parent / "report" / f"{svg.stem}.pdf"
    made = read_cached(cached)  # never through a link, nor a file with a second name
    if made is not None and made.startswith(b"%PDF-"):
        return made
    data = converted(svg, "svg_to_pdf")
    write_atomic(cached, data)
    return data


def start(charts: list[Chart]) -> tuple[ThreadPoolExecutor, dict[Path, Future]]:
    """Convert the charts' SVGs to PDF drawings in the background (the converter is native
    code, so it runs beside the layout)."""
    pool = ThreadPoolExecutor(max_workers=1)
    return pool, {svg: pool.submit(_chart_pdf, svg)
                  for svg in dict.fromkeys(c.svg for c in charts)}


def embed(doc, charts: list[Chart], urls: list[str], drawings: dict[Path, Future]) -> bytes:
    """The PDF (open in pikepdf) with every placeholder replaced by its chart's drawing, as
    bytes."""
    import pikepdf

    wanted = {xobject_name(url): chart.svg for url, chart in zip(urls, charts)}
    replaced: dict[str, object] = {}
    # Each drawing copied in, once, in the report's order of charts: the copies' objects
    # (their fonts among them) are numbered in the order they are copied, and the order of a
    # page's XObject resources is WeasyPrint's, which changes with Python's hash seed from
    # one process to the next. Copied in that order, the same report made in two processes
    # gave two files (issue 20, item 13).
    forms = {svg: _form(doc, drawings[svg].result()) for svg in dict.fromkeys(wanted.values())}
    for page in doc.pages:
        xobjects = page.obj.get("/Resources", {}).get("/XObject")
        if xobjects is None:
            continue
        for name in list(xobjects.keys()):
            svg = wanted.get(str(name)[:-1])
            if svg is None:
                continue
            xobjects[name] = forms[svg]
            replaced[str(name)[:-1]] = svg
    missing = set(wanted) - set(replaced)
    if missing:
        raise RuntimeError(f"{len(missing)} chart placeholders were not found in the PDF")
    out = io.BytesIO()
    # The file's /ID from its content: the same report, the same bytes.
    doc.save(out, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _form(doc, drawing: bytes):
    """A chart's one-page PDF as a Form XObject drawn in the unit square, where an image
    is drawn: it fills the placeholder's box exactly."""
    import pikepdf

    with pikepdf.open(io.BytesIO(drawing)) as source:
        form = source.pages[0].as_form_xobject()
        x0, y0, x1, y1 = (float(v) for v in form.BBox)
        copied = doc.copy_foreign(form)
    w, h = x1 - x0, y1 - y0
    copied.Matrix = pikepdf.Array([1 / w, 0, 0, 1 / h, -x0 / w, -y0 / h])
    return copied
