"""A long report's PDF is laid out in two processes and joined (report/pdf_parts.py).

The joined PDF must be the report laid out in one: the same text on every page (its "Page N
of M" included), the same structure tree with every element on its own page, the same
ParentTree mapping of each page's marked content, the same bookmarks and named destinations;
and the same bytes every time. Checked on the Nottingham report, laid out both ways.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from improvement_site.publish.audience import for_audience
from improvement_site.publish.current import full_data
from improvement_site.publish.history import History, Snapshot
from improvement_site.report import output, pdf, pdf_parts
from improvement_site.report.blocks import Chart

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def nottingham():
    data = for_audience(full_data(ROOT / "data"), "public")
    report = output.make_report(data, History(Snapshot(None, data)), audience="public",
                                cache_root=ROOT / ".cache")
    epoch = output.build_epoch(data)
    return report, {parts: pdf.pdf_bytes(report, epoch, parts) for parts in (1, 2)}, epoch


def _pages_text(pdf_bytes: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages]


def _anatomy(pdf_bytes: bytes) -> dict:
    """What a reader's software gets from the PDF beyond its text, pages named by number."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as doc:
        page_of = {page.obj.objgen: number for number, page in enumerate(doc.pages)}
        elements, misplaced = [], []

        def walk(node, parent):
            if isinstance(node, pikepdf.Array):
                for child in node:
                    walk(child, parent)
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                page = page_of.get(node.Pg.objgen) if "/Pg" in node else None
                elements.append((str(node.S), page, str(node.get("/Alt", ""))))
                if "/Pg" in node and page is None or node.P.objgen != parent.objgen:
                    misplaced.append(str(node.S))
                if "/K" in node:
                    walk(node.K, node)
        tree = doc.Root.StructTreeRoot
        walk(tree.K, tree)
        nums = tree.ParentTree.Nums
        keys = [int(nums[i]) for i in range(0, len(nums), 2)]
        mapped = dict(zip(keys, (nums[i] for i in range(1, len(nums), 2))))
        # Each page's marked content, by its /StructParents: the kind and page of the
        # element each marked-content id belongs to.
        marked = [[(str(e.S), page_of.get(e.Pg.objgen)) for e in mapped[int(p.StructParents)]]
                  for p in doc.pages]
        with doc.open_outline() as outline:
            def items(level):
                return [(str(i.title), page_of.get(i.destination[0].objgen), items(i.children))
                        for i in level]
            bookmarks = items(outline.root)
        destinations = {str(name): page_of.get(d[0].objgen) for name, d in
                        pikepdf.NameTree(doc.Root.Names.Dests).items()}
        # A link from one part to an anchor in the other would be lost (each part is laid
        # out alone): the links on each page must be those of the report in one.
        links = [[str(a.get("/Subtype")) for a in p.obj.get("/Annots", [])] for p in doc.pages]
        return {"elements": elements, "misplaced": misplaced, "keys": keys,
                "keys in order": keys == sorted(set(keys)), "marked": marked,
                "bookmarks": bookmarks, "destinations": destinations, "links": links,
                "lang": str(doc.Root.Lang), "marked true": bool(doc.Root.MarkInfo.Marked),
                "title": str(doc.docinfo["/Title"])}


def test_a_report_in_two_parts_reads_exactly_as_in_one(nottingham):
    report, made, _ = nottingham
    one, two = made[1], made[2]
    pages = _pages_text(one)
    assert _pages_text(two) == pages  # every page's text, its "Page N of M" included
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    whole, joined = _anatomy(one), _anatomy(two)
    assert joined["misplaced"] == [] and joined["keys in order"]
    # The second part's elements are on the second part's pages, not copies of them.
    assert max(page for _, page, _ in joined["elements"] if page is not None) == len(pages) - 1
    for aspect in whole:
        assert joined[aspect] == whole[aspect], aspect
    assert len(joined["elements"]) > 1000 and len(joined["destinations"]) > 50


def test_a_report_in_two_parts_gives_the_same_bytes_every_time(nottingham):
    report, made, epoch = nottingham
    assert pdf.pdf_bytes(report, epoch, 2) == made[2]


def test_a_long_report_is_cut_before_a_top_level_heading(nottingham, monkeypatch):
    report, _, epoch = nottingham
    charts = [b for b in report.blocks if isinstance(b, Chart)]
    urls = {chart: f"chart-{i}.png" for i, chart in enumerate(charts)}
    [whole] = pdf.html_of(report, epoch, urls, parts=1)
    first, second = pdf.html_of(report, epoch, urls)  # Nottingham's is long enough for two
    monkeypatch.setattr(pdf, "TWO_PARTS_FROM", len(whole))  # shorter than that: one
    assert pdf.html_of(report, epoch, urls) == [whole]

    def body(document: str) -> str:
        return document.split("<body", 1)[1].split(">", 1)[1].rsplit("</body>", 1)[0]
    assert body(first).strip() + "\n" + body(second).strip() == body(whole).strip()
    assert first.split("<body")[0] == second.split("<body")[0] == whole.split("<body")[0]
    assert body(second).lstrip().startswith("<h1 ")


@pytest.mark.parametrize("weights, parts, cuts", [
    ([10, 10, 10, 10], 2, [2]), ([1, 100], 2, [1]), ([100, 1, 1], 2, [1]),
    ([5], 2, []), ([3, 3, 3], 1, []), ([1, 1, 1, 1, 1, 1], 3, [2, 4])])
def test_cut_makes_runs_of_about_equal_weight(weights, parts, cuts):
    assert pdf.cut(weights, parts) == cuts


def test_a_part_that_fails_is_told_not_waited_for(tmp_path, monkeypatch):
    base = pdf.TEMPLATES.as_uri() + "/"
    page = "<!DOCTYPE html><html lang=en><title>t</title><p>text</p></html>"
    # WeasyPrint refuses the second part (no document at all): its error is the message.
    with pytest.raises(RuntimeError, match="failed: TypeError"):
        pdf_parts.write_parts([page, None], base)
    # The second part's process dies: its exit code and last words are the message.
    dying = tmp_path / "dying.py"
    dying.write_text("import sys\nprint('out of memory', file=sys.stderr)\nsys.exit(3)\n")
    monkeypatch.setattr(pdf_parts, "CHILD", [str(dying)])
    with pytest.raises(RuntimeError, match=r"stopped \(exit code 3\): out of memory"):
        pdf_parts.write_parts([page, page], base)
