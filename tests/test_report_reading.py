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
    """The heading (kind, object id) a piece of marked content is in, or None: a table's
    caption is the table's heading."""
    kinds = [kind for kind, _ in path]
    return next((e for i, e in enumerate(path) if e[0] in ("/H1", "/H2", "/H3", "/H4")
                 or e[0] == "/Caption" and "/Table" in kinds[:i]), None)


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


def test_marked_content_left_in_the_tree_is_mapped_to_its_element(paper):
    """After the repeated header rows became artifacts, every piece of marked content a page
    draws is the one its ParentTree entry maps to the element holding it."""
    _, _, made = paper
    with pikepdf.open(io.BytesIO(made)) as doc:
        nums = doc.Root.StructTreeRoot.ParentTree.Nums
        mapped = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for number, page in enumerate(doc.pages, start=1):
            drawn = [int(operands[1].MCID) for operands, operator
                     in pikepdf.parse_content_stream(page) if str(operator) == "BDC"
                     and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]]
            elements = mapped[int(page.obj.StructParents)]
            assert sorted(drawn) == list(range(len(elements))), f"page {number}"
            for mcid in drawn:
                assert mcid in [k for k in elements[mcid].K if isinstance(k, int)], number


def _pages(made: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split())
            for page in PdfReader(io.BytesIO(made)).pages]


def test_a_letter_published_without_a_date_reads_as_the_site_says(paper):
    data, _, made = paper
    text = " ".join(_pages(made))
    undated = [v for v in data.visits if v.published_undated]
    if data.site.council.startswith("Nottingham"):
        assert len(undated) == 3  # monitoring visits 2 to 4
    # The visit page's words, never "Not published"
    assert text.count("Letter or report: Published (the source gives no date)") == len(undated)
    unpublished = [v for v in data.visits if not (v.published or v.published_undated)]
    assert text.count("Letter or report: Not published") + text.count(
        "Letter or report: The letter for this visit was not published") == len(unpublished)


def test_the_summary_says_when_the_latest_values_are_not_recent(paper):
    data, _, made = paper
    summary = next(page for page in _pages(made) if "Measures by RAG rating" in page)
    assert "Measures by RAG rating, on the latest values known at" in summary
    if data.site.council.startswith("Nottingham"):  # all four values are from 2022
        assert ("Not recent: every measure's latest value is more than 120 days old (from "
                "October 2022 to November 2022), so the ratings rest on old figures."
                ) in summary
    else:  # North East Lincolnshire's values are recent: nothing to say
        assert "Not recent" not in summary


def _bookmarks(made: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(made)) as doc, doc.open_outline() as outline:
        return [str(item.title) for item in outline.root]


def test_a_report_with_no_actions_leads_with_what_it_has(paper):
    data, report, made = paper
    pages = _pages(made)
    sections = _bookmarks(made)
    if data.site.council.startswith("Nottingham"):  # a plan with actions: as before
        assert sections[1:4] == ["Summary", "Progress on each area for improvement",
                                 "Exceptions: delayed and overdue actions"]
        return
    assert sum(1 for _ in data.actions()) == 0 and len(data.areas) == 4
    assert sections[1:3] == ["Summary", "Performance scorecard"]
    assert "Exceptions: delayed and overdue actions" not in sections
    areas = sections.index("Progress on each area for improvement")
    assert sections.index("Inspections and visits") < areas == \
        sections.index("What changed since the last meeting") - 1
    text = " ".join(pages)
    assert text.count("No actions are recorded in the plan yet") == 2  # summary, areas
    assert "None yet" not in text and "Actions by status" not in text
    assert "No outcomes or actions are recorded for this area" not in text
    assert "Measures tracked: Number of CiN; Rate of CiN" in text


def test_the_word_file_keeps_each_chart_with_its_measures_heading(paper):
    """Word lays the file out itself: each paragraph from a measure's heading to its chart is
    kept with the next, so Word cannot break between them either."""
    from docx import Document
    from docx.oxml.ns import qn

    data, report, _ = paper
    doc = Document(io.BytesIO(output.file_bytes(report, ".docx", output.build_epoch(data))))
    paragraphs = doc.paragraphs
    pictures = [i for i, p in enumerate(paragraphs) if p._p.findall(".//" + qn("w:drawing"))]
    assert pictures
    for i in pictures:
        start = next(j for j in range(i, -1, -1) if paragraphs[j].style.name == "Heading 2")
        loose = [p.text[:40] for p in paragraphs[start:i + 1]
                 if not p.paragraph_format.keep_with_next]
        assert not loose, f"{paragraphs[start].text}: not kept with the next: {loose}"


def test_no_column_heading_is_broken_inside_a_word(paper):
    """A column too narrow for its heading broke "Places" into "Place / s" (and "Not stated"
    into "Not state / d") in North East Lincolnshire's table of children's homes."""
    _, report, made = paper
    text = " ".join(_pages(made))
    for table in (b for b in report.blocks if isinstance(b, Table)):
        for heading in table.head:
            assert heading in text, f"{table.caption}: {heading!r} broken"


def test_a_tables_caption_is_never_left_at_the_foot_of_a_page():
    """The large benchmark's paper left a breakdown's caption as the last line of a page and
    its table on the next. Made here with filler paragraphs before a short table, pushing
    the caption down the page a line at a time past the page's foot."""
    from improvement_site.report.blocks import Para, Report

    for filler in range(26, 34):
        blocks = (Heading(1, "Section", "section"),
                  *(Para(f"Line {i} of the filler.") for i in range(filler)),
                  Table("The caption", ("Category", "Number"),
                        tuple((f"Row {i}", str(i)) for i in range(8)), widths=(4, 1)))
        made = pdf.pdf_bytes(Report(title="T", council="C", as_at="1 May 2024", subject="S",
                                    audience="public", blocks=blocks), 0)
        leaves = _leaves(made)
        for (_, page, path), (_, next_page, after) in zip(leaves, leaves[1:]):
            if _heading(path) and _heading(after) is None:
                assert next_page == page, f"{filler} lines: the caption ends page {page}"
        tables = _elements(made, "/Table")
        assert [t["kinds"][:2] for t in tables] == [["/Caption", "/THead"]], filler


def test_the_paper_speaks_to_its_reader_not_to_its_publisher(paper):
    """Issue 21, item 6: the paper's own words are for the councillor reading it. No "the
    data gives/names", no label "What's working well?:", no action's internal id (readers
    know an action by its words), no status "last reviewed" that the plan cannot show (it
    gives the date its statuses are as at), and "overdue" says what it is."""
    data, _, made = paper
    words = " ".join(" ".join(_pages(made)).split())
    for publisher in ("The data names", "The data gives", "?:", "last reviewed",
                      ", and overdue", " overdue,"):
        assert publisher not in words, publisher
    ids = [a.id for _, _, a in data.actions() if a.id in words]
    assert ids == [], ids
    if data.areas and any(True for _ in data.actions()):
        assert "past their due date" in words
        assert "Owner" in words


def test_totals_rules_and_commentary_say_where_they_belong(paper):
    """A table's total once, after its last row (repeated at each page's foot, a breakdown's
    total read as the sum of the two rows above it); the rating rules under their own heading;
    a measure's commentary named by its measure (its heading may open a page); and no label
    that runs a sentence's full stop into its date ("early help., 16 May 2023")."""
    data, report, made = paper
    words = " ".join(_pages(made))
    totals = [row for block in report.blocks if isinstance(block, Table) for row in block.foot]
    for row in totals:
        assert words.count(" ".join(str(row[0]).split())) >= 1
    sums = sum(1 for row in totals if "Sum of the categories" in str(row[0]))
    assert words.count("Sum of the categories") == sums
    assert "How ratings are worked out" in words
    commented = [m for m in data.measures if data.commentary_of(m.id)]
    for m in commented:
        assert f"Commentary on {' '.join(m.name.split())}" in words, m.id
    assert "., " not in words
