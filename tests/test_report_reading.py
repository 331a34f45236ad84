"""The committee paper read as a councillor and a screen reader read it (issue 21, item 5).

Both bundled papers (Nottingham, data/; North East Lincolnshire, examples/) are made once and
read with pikepdf, through their structure trees, whose order is the reading order and whose
elements each name their page:

- every chart on the same page as its measure's heading, and no heading the last thing on a
  page (what follows it is on its page);
- an action's heading, status and facts on one page;
- one `/Table` per table in the report model, each with its caption, and every `/TH` with a
  `/Scope` (PDF/UA, Matterhorn 15-003);
- the paper says what the site says: a letter published with no date, latest values that are
  not recent; and a report with no actions leads with what it has.
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
from improvement_site.report import output, pdf
from improvement_site.report.blocks import Heading, Table

ROOT = Path(__file__).resolve().parent.parent
SITES = {"nottingham": ROOT, "nel": ROOT / "examples" / "north-east-lincolnshire"}


@pytest.fixture(scope="module", params=sorted(SITES))
def paper(request):
    """(data, report model, PDF bytes) of one bundled site's public paper."""
    site = SITES[request.param]
    data = for_audience(full_data(site / "data"), "public")
    report = output.make_report(data, History(Snapshot(None, data)), audience="public",
                                cache_root=site / ".cache")
    return data, report, pdf.pdf_bytes(report, output.build_epoch(data))


def _leaves(made: bytes) -> list[tuple[tuple, int, tuple]]:
    """Every piece of marked content in reading order: (the kinds of its elements from the
    top, its page number from 1, those elements as (kind, object id))."""
    found = []
    with pikepdf.open(io.BytesIO(made)) as doc:
        page_of = {p.obj.objgen: n for n, p in enumerate(doc.pages, start=1)}

        def walk(node, path, page):
            if isinstance(node, pikepdf.Array):
                for kid in node:
                    walk(kid, path, page)
            elif isinstance(node, int):
                found.append((path, page, path[-1]))
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                here = page_of.get(node.Pg.objgen) if "/Pg" in node else page
                walk(node.get("/K", pikepdf.Array()), path + (node,), here)

        walk(doc.Root.StructTreeRoot.K, (), None)
        return [(tuple(str(e.S) for e in path), page,
                 tuple((str(e.S), e.objgen) for e in path)) for path, page, _ in found]


def _heading(path: tuple):
    """The heading (kind, object id) a piece of marked content is in, or None."""
    return next((e for e in path if e[0] in ("/H1", "/H2", "/H3", "/H4")), None)


def test_every_chart_is_on_its_measures_page_and_no_heading_ends_a_page(paper):
    _, report, made = paper
    leaves = _leaves(made)
    charts = 0
    for i, (kinds, page, _) in enumerate(leaves):
        if "/Figure" in kinds:
            charts += 1
            measure = next(p for k, p, _ in reversed(leaves[:i]) if "/H2" in k)
            assert page == measure, f"a chart on page {page}, its heading on page {measure}"
    assert charts == sum(1 for b in report.blocks if type(b).__name__ == "Chart")
    for (kinds, page, path), (_, next_page, after) in zip(leaves, leaves[1:]):
        heading = _heading(path)
        if heading is not None and _heading(after) is None:
            assert next_page == page, f"an {heading[0]} is the last line of page {page}"


def test_an_action_is_not_split_across_pages(paper):
    _, report, made = paper
    actions: list[set[int]] = []  # the pages each action's content is on
    current = None
    for _, page, path in _leaves(made):
        heading = _heading(path)
        if heading is not None and heading[0] == "/H4":
            if heading != current:
                current = heading
                actions.append(set())
        elif heading is not None:
            current = None  # any other heading ends the action
        if current is not None:
            actions[-1].add(page)
    assert len(actions) == len([b for b in report.blocks
                                if isinstance(b, Heading) and b.level == 4])
    split = [sorted(pages) for pages in actions if len(pages) > 1]
    assert not split, f"actions run over pages {split}"


def _elements(made: bytes, kind: str) -> list:
    found = []
    with pikepdf.open(io.BytesIO(made)) as doc:
        def walk(node):
            if isinstance(node, pikepdf.Array):
                for kid in node:
                    walk(kid)
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                if node.S == kind:
                    found.append(node)
                walk(node.get("/K", pikepdf.Array()))
        walk(doc.Root.StructTreeRoot.K)
        return [_describe(e) for e in found]


def _describe(element) -> dict:
    """What a test needs of a /Table or /TH, read while its PDF is open."""
    kinds = [str(k.S) for k in element.K if isinstance(k, pikepdf.Dictionary) and "/S" in k]
    scope = element.get("/A", {}).get("/Scope")
    parent = str(element.P.P.get("/S", "")) if "/P" in element.P else ""  # a TH's row's
    rows = sum(len([r for r in k.K if isinstance(r, pikepdf.Dictionary)])
               for k in element.K if isinstance(k, pikepdf.Dictionary) and k.get("/S") in
               ("/TBody", "/TFoot"))
    return {"kinds": kinds, "scope": str(scope) if scope is not None else None,
            "group": parent, "rows": rows}


def test_one_table_per_table_each_with_its_caption_and_header_cells_scoped(paper):
    _, report, made = paper
    tables = [b for b in report.blocks if isinstance(b, Table)]
    found = _elements(made, "/Table")
    assert len(found) == len(tables)
    for table, element in zip(tables, found):
        assert element["kinds"][:2] == ["/Caption", "/THead"], table.caption
        assert element["kinds"].count("/THead") == 1
        assert element["rows"] == len(table.rows) + len(table.foot), table.caption
    headers = _elements(made, "/TH")
    assert headers and all(h["scope"] for h in headers), "a /TH without a /Scope"
    assert {h["scope"] for h in headers if h["group"] == "/THead"} == {"/Column"}
    assert {h["scope"] for h in headers if h["group"] != "/THead"} == {"/Row"}


def test_a_split_tables_repeated_header_is_drawn_but_not_read_twice(paper):
    _, report, made = paper
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(made)).pages]
    long_tables = [t for t in report.blocks if isinstance(t, Table) and len(t.rows) > 30]
    for table in long_tables:
        # The header row is printed on every page the table runs onto...
        printed = sum(1 for text in pages if all(h in text for h in table.head))
        assert printed >= 2, table.caption
    # ...and read once: the structure has as many column headers as the tables' head cells
    columns = [h for h in _elements(made, "/TH") if h["group"] == "/THead"]
    assert len(columns) == sum(len(t.head) for t in report.blocks if isinstance(t, Table))
