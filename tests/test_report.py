"""The committee report: a tagged PDF and a Word file from one report model.

Checked on the files themselves: the PDF's structure tree, language, title and bookmarks
(pikepdf) and its text (pypdf); the Word file's heading styles, repeating header rows and
pictures' descriptions (python-docx); that committee-only material never reaches the public
report; and that the same data gives the same bytes.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from markupsafe import Markup
from pypdf import PdfReader

from improvement_site.cli.main import main
from improvement_site.model import labels, status
from improvement_site.publish.audience import for_audience
from improvement_site.publish.current import full_data
from improvement_site.publish.history import History, Snapshot
from improvement_site.report import output
from improvement_site.report.blocks import Chart, Heading
from sitegen import RECORDS, write_site

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def plain(text) -> str:
    words = Markup(text).striptags() if isinstance(text, Markup) else str(text)
    return " ".join(words.split())


def pdf_text(path: Path) -> str:
    """The PDF's text as one line: runs of white space single, and a line broken after a
    hyphen joined again (ids such as management-oversight-01 break there)."""
    text = " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return re.sub(r"-\s+", "-", " ".join(text.split()))


@pytest.fixture(scope="module")
def nottingham(tmp_path_factory):
    """The Nottingham report as PDF and Word, and the model both were written from."""
    out = tmp_path_factory.mktemp("report")
    data = for_audience(full_data(ROOT / "data"), "public")
    report = output.make_report(data, History(Snapshot(None, data)), audience="public",
                                cache_root=ROOT / ".cache")
    epoch = output.build_epoch(data)
    pdf = output.write(report, out / "report.pdf", epoch)
    docx = output.write(report, out / "report.docx", epoch)
    return data, report, pdf, docx


# -- the PDF ---------------------------------------------------------------------------------


def test_pdf_is_tagged_has_language_title_and_shows_the_title(nottingham):
    data, report, pdf, _ = nottingham
    with pikepdf.open(pdf) as doc:
        root = doc.Root
        assert "/StructTreeRoot" in root and len(root.StructTreeRoot.K) > 0
        assert root.MarkInfo.Marked is True
        assert str(root.Lang) == "en-GB"
        title = ("Children's Services Improvement: Children and Young People's Scrutiny "
                 "Committee, 11 September 2024")
        assert str(doc.docinfo["/Title"]) == title
        with doc.open_metadata() as xmp:
            assert xmp["dc:title"] == title
        assert root.ViewerPreferences.DisplayDocTitle is True
        assert len(doc.pages) > 20
        box = [float(x) for x in doc.pages[0].MediaBox]
        assert round(box[2] / 72 * 25.4) == 210 and round(box[3] / 72 * 25.4) == 297  # A4


def test_pdf_has_a_bookmark_for_every_section_and_area(nottingham):
    data, report, pdf, _ = nottingham
    with pikepdf.open(pdf) as doc:
        with doc.open_outline() as outline:
            top = {str(item.title): [str(c.title) for c in item.children]
                   for item in outline.root}
    assert list(top)[:3] == ["Children's Services Improvement", "Summary",
                             "Progress on each area for improvement"]
    assert {"Performance scorecard", "Inspections and visits", "Glossary",
            "What changed since the last meeting"} <= set(top)
    areas = top["Progress on each area for improvement"]
    assert areas == [f"{a.number}. {a.title}" for a in data.areas]
    assert top["Measures: charts and commentary"] == [m.name for m in data.measures]


def _struct(doc) -> list:
    found = []

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                found.append(node)
            if "/K" in node:
                walk(node.K)
    walk(doc.Root.StructTreeRoot.K)
    return found


def test_pdf_tables_have_header_cells_and_charts_their_descriptions(nottingham):
    data, report, pdf, _ = nottingham
    with pikepdf.open(pdf) as doc:
        elements = _struct(doc)
        kinds = [str(e.S) for e in elements]
        tables = [e for e in elements if e.S == "/Table"]
        assert tables and kinds.count("/H1") == len(report.headings(1))
        for table in tables:
            parts = [str(k.S) for k in table.K if isinstance(k, pikepdf.Dictionary)]
            assert "/THead" in parts, "a table without a header row"
        assert kinds.count("/TH") >= 2 * len(tables)
        alts = [str(e.Alt) for e in elements if e.S == "/Figure"]
    charts = [b for b in report.blocks if isinstance(b, Chart)]
    assert charts and alts == [c.alt for c in charts]
    # Every chart's placeholder picture was replaced by the chart's vector drawing
    # (pdf_charts.py); the report has no other pictures.
    with pikepdf.open(pdf) as doc:
        kinds = [str(x.Subtype) for page in doc.pages
                 for x in page.obj.Resources.get("/XObject", {}).values()]
    assert "/Form" in kinds and "/Image" not in kinds
    # The description is the site's own: the chart's description on its measure page.
    assert alts[0].startswith("Number of open contacts in the MASH fell from 603")


def test_pdf_text_has_every_action_with_its_status_in_words(nottingham):
    data, _, pdf, _ = nottingham
    text = pdf_text(pdf)
    areas_start = text.index("Progress on each area for improvement Each action")
    areas = text[areas_start:text.index("Exceptions: delayed and overdue actions",
                                        areas_start)]
    actions = [a for _, _, a in data.actions()]
    # Each action is known by its words (its id is the data's, never printed), and its status
    # follows them: each found in turn after the one before, so in the plan's order.
    start = 0
    for a in actions:
        words = " ".join(a.action.split())[:40]
        assert words in areas[start:], f"{a.id}: its words, after the action before it"
        start = areas.index(words, start) + len(words)
        label = status.STATUS_LABELS[status.status_of(a)]
        found = areas.find(f"Status: {label}", start)
        following = [areas.find(" ".join(b.action.split())[:40], start)
                     for b in actions[actions.index(a) + 1:][:1]]
        assert found >= 0 and all(f < 0 or found < f for f in following), \
            f"{a.id}: no status {label!r} before the next action"
        start = found
    assert not any(a.id in text for a in actions), "an action's id is printed"
    assert "Not yet rated" in areas and "Completed" in areas


def test_pdf_pages_pictured_for_a_reader_to_look_at(nottingham):
    """Every page of the Nottingham paper as a picture in test-artifacts/report/, for a
    person to read page by page (pdftoppm, from poppler-utils, which scripts/test.sh
    installs)."""
    import subprocess
    _, _, pdf, _ = nottingham
    folder = ROOT / "test-artifacts" / "report"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(folder / "page")],
                   check=True, timeout=300)
    pictures = sorted(folder.glob("page-*.png"))
    assert len(pictures) == len(PdfReader(pdf).pages) > 20
    assert all(p.stat().st_size > 5_000 for p in pictures)  # each page has something on it


def test_pdf_pages_carry_the_council_the_as_at_date_and_page_numbers(nottingham):
    _, _, pdf, _ = nottingham
    pages = PdfReader(pdf).pages
    for number, page in enumerate(pages, start=1):
        words = " ".join((page.extract_text() or "").split())
        assert "Nottingham City Council" in words, f"page {number}"
        assert "Position as at 11 September 2024" in words, f"page {number}"
        assert f"Page {number} of {len(pages)}" in words, f"page {number}"


# -- the Word file ---------------------------------------------------------------------------


def test_word_headings_tables_and_pictures(nottingham):
    _, report, _, docx = nottingham
    doc = Document(docx)
    headings = [(int(p.style.name.removeprefix("Heading ")), " ".join(p.text.split()))
                for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [(h.level, plain(h.text)) for h in report.headings()]
    assert doc.tables
    for table in doc.tables:
        header = table.rows[0]._tr.trPr
        flag = header.find(qn("w:tblHeader")) if header is not None else None
        assert flag is not None and flag.get(qn("w:val")) == "true", table.rows[0].cells[0].text
    descriptions = [e.get("descr") for e in doc.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    charts = [b for b in report.blocks if isinstance(b, Chart)]
    assert descriptions == [c.alt for c in charts] and all(descriptions)
    assert doc.core_properties.title.startswith("Children's Services Improvement: ")
    assert doc.core_properties.language == "en-GB"
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)


# -- the same data, the same bytes -----------------------------------------------------------


def _site_copy(tmp_path: Path, name: str) -> Path:
    site = tmp_path / name
    shutil.copytree(FIXTURES / "minimal", site)
    return site


def test_same_data_same_bytes_wherever_the_site_is(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    files = {}
    for name in ("a", "b"):
        site = _site_copy(tmp_path, name)
        for suffix in (".pdf", ".docx"):
            out = tmp_path / f"{name}{suffix}"
            output.write_file(site, out, audience="public", cache_root=site / ".cache")
            files[name, suffix] = out.read_bytes()
    assert files["a", ".pdf"] == files["b", ".pdf"]
    assert files["a", ".docx"] == files["b", ".docx"]
    with pikepdf.open(io.BytesIO(files["a", ".pdf"])) as doc:
        assert str(doc.docinfo["/CreationDate"]).startswith("D:20240331000000")  # reporting date
    # SOURCE_DATE_EPOCH wins, and still gives the same bytes twice.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1718000000")  # 10 June 2024, 06:13:20 UTC
    site = tmp_path / "a"
    again = []
    for _ in range(2):
        out = tmp_path / "epoch.pdf"
        output.write_file(site, out, audience="public", cache_root=site / ".cache")
        again.append(out.read_bytes())
        docx = tmp_path / "epoch.docx"
        output.write_file(site, docx, audience="public", cache_root=site / ".cache")
        again.append(docx.read_bytes())
    assert again[0] == again[2] and again[1] == again[3]
    with pikepdf.open(io.BytesIO(again[0])) as doc:
        assert str(doc.docinfo["/CreationDate"]).startswith("D:20240610061320")
    with zipfile.ZipFile(io.BytesIO(again[1])) as z:
        assert {info.date_time for info in z.infolist()} == {(2024, 6, 10, 6, 13, 20)}
        assert "2024-06-10T06:13:20Z" in z.read("docProps/core.xml").decode()


# -- audiences -------------------------------------------------------------------------------


def _report_text(pdf: Path, docx: Path) -> dict[str, str]:
    """Everything a reader of each file could get at: the PDF's text, bookmarks and
    metadata; every XML part of the Word file."""
    reader = PdfReader(pdf)
    parts = [page.extract_text() or "" for page in reader.pages]
    parts += [str(v) for v in (reader.metadata or {}).values()]

    def titles(items):
        for item in items:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title
    parts += list(titles(reader.outline))
    with zipfile.ZipFile(docx) as z:
        xml = [z.read(n).decode("utf-8") for n in z.namelist()
               if n.endswith((".xml", ".rels"))]
    return {"pdf": re.sub(r"-\s+", "-", " ".join(" ".join(parts).split())),
            "docx": "\n".join(xml)}


def _needles(canaries) -> list[str]:
    found = list(canaries["text"])
    for n in canaries["numbers"]:
        found += [str(n), f"{n:,}"]
    return found


def _reports(tmp_path: Path, committee: set[str], audience: str):
    site = tmp_path / "site"
    canaries = write_site(site, committee)
    files = []
    for suffix in (".pdf", ".docx"):
        out = tmp_path / f"report{suffix}"
        output.write_file(site, out, audience=audience, cache_root=site / ".cache")
        files.append(out)
    return _report_text(*files), canaries


def test_public_report_has_no_trace_of_committee_material(tmp_path):
    texts, canaries = _reports(tmp_path, set(RECORDS) - {"a1", "m1", "v1", "c-m1", "a1-01"},
                               "public")
    needles = _needles(canaries)
    assert needles
    leaks = [f"{kind}: {n}" for kind, text in texts.items() for n in needles if n in text]
    assert leaks == []
    assert "Public action a1-01" in texts["pdf"] and "a1-01" in texts["docx"]


def test_committee_report_shows_and_labels_committee_material(tmp_path):
    texts, canaries = _reports(tmp_path, {"a2", "m3", "v2", "a1-02"}, "committee")
    for kind, text in texts.items():
        assert "CANARYa2titleZ" in text and "CANARYa102actionZ" in text, kind
        assert "Committee only: not published on the public site." in text, kind
        assert any(str(n) in text or f"{n:,}" in text for n in canaries["numbers"]), kind
    assert "Not for publication" in texts["pdf"]


# -- the command ------------------------------------------------------------------------------


def test_report_command_exit_codes_and_messages(tmp_path):
    runner = CliRunner()
    site = _site_copy(tmp_path, "site")
    result = runner.invoke(main, ["report", str(site), "--out", str(tmp_path / "r.txt")])
    assert result.exit_code == 2 and "must end in .pdf" in result.output
    out = tmp_path / "papers" / "report.docx"
    result = runner.invoke(main, ["report", str(site), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote the public committee report to" in result.output and out.is_file()
    bad = tmp_path / "bad"
    shutil.copytree(FIXTURES / "bad_status", bad)
    result = runner.invoke(main, ["report", str(bad), "--out", str(tmp_path / "bad.pdf")])
    assert result.exit_code == 1
    assert "data/plan/01-front-door.yaml:" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "bad.pdf").exists()


def test_first_release_says_so_plainly(nottingham):
    _, report, _, _ = nottingham
    blocks = list(report.blocks)
    at = next(i for i, b in enumerate(blocks)
              if isinstance(b, Heading) and b.anchor == "changes")
    assert plain(blocks[at + 1].text) == ("This is the first release: there is no earlier "
                                          "meeting's release to compare with.")


def test_change_words_cover_every_kind_of_change():
    from improvement_site.publish import change_summary
    from improvement_site.publish.changes import Changes
    assert sorted(k[0] for k in change_summary.KINDS) == sorted(Changes.__dataclass_fields__)
    assert change_summary.summary(Changes()) == "Nothing changed."


# -- in the built site -----------------------------------------------------------------------


def test_build_with_report_links_it_and_a_build_without_has_neither(tmp_path, built):
    from improvement_site.cli import commands

    site = _site_copy(tmp_path, "site")
    out = commands.build(site, tmp_path / "out", report=True)
    names = ["downloads/committee-report-2024-04-10.pdf",
             "downloads/committee-report-2024-04-10.docx"]
    assert (out / names[0]).read_bytes().startswith(b"%PDF-")
    assert zipfile.is_zipfile(out / names[1])
    for page in ("index.html", "releases.html"):
        html = (out / page).read_text(encoding="utf-8")
        assert all(f'href="{name}"' in html for name in names), page
    plain_build = built("minimal").out
    assert not list(plain_build.glob("downloads/committee-report-*"))
    for page in ("index.html", "releases.html"):
        assert "committee-report-" not in (plain_build / page).read_text(encoding="utf-8")


# -- contract v2: what the site says, the report says ------------------------------------------


def _all_text(report) -> str:
    """Every word of the report model, as one line (the PDF and Word files are written from
    it block by block)."""
    from improvement_site.report.blocks import Facts, Items, Para, Rich, Table
    parts = []
    for b in report.blocks:
        if isinstance(b, (Heading, Para)):
            parts.append(plain(b.text))
        elif isinstance(b, Rich):
            parts.append(plain(b.html))
        elif isinstance(b, Facts):
            parts += [f"{label}: {plain(value)}" for label, value in b.items]
        elif isinstance(b, Items):
            parts += [plain(i) for i in b.items]
        elif isinstance(b, Table):
            parts.append(plain(b.caption))
            parts += [" | ".join(plain(c) for c in row) for row in (*b.rows, *b.foot)]
        elif isinstance(b, Chart):
            parts += [b.key, b.note]
    return " ".join(" ".join(parts).split())


def test_report_says_when_statuses_updates_and_values_are_not_recent(nottingham):
    """Nottingham's statuses were last reviewed in December 2022 and its areas' progress
    reports speak for January 2023; the release is for September 2024."""
    data, report, pdf, _ = nottingham
    said = _all_text(report)
    counts = status.plan_counts(data)
    assert counts.stale == counts.total > 0
    assert (f"{labels.overdue_words(counts)}, on statuses as at 12 December 2022") in said
    assert ", and past its due date (status as at 12 December 2022)" in said
    assert "Latest update, as at 26 January 2023" in said
    assert ("Not recent: this is the area's latest progress report, and it speaks for "
            "26 January 2023, more than 120 days before 11 September 2024.") in said
    assert "What we have done:" in said
    # The first page does not present December 2022 statuses as September 2024's.
    assert (f"Not recent: the {counts.total} actions are reported on statuses as at "
            f"12 December 2022, more than 120 days before 11 September 2024") in said
    # And in the file a reader gets, not only in the model.
    assert "on statuses as at 12 December 2022" in pdf_text(pdf)


def test_report_has_the_breakdowns_and_the_councils_own_services():
    site = ROOT / "examples" / "north-east-lincolnshire"
    data = for_audience(full_data(site / "data"), "public")
    report = output.make_report(data, History(Snapshot(None, data)), audience="public",
                                cache_root=site / ".cache")
    said = _all_text(report)
    anchors = [b.anchor for b in report.blocks if isinstance(b, Heading)]
    assert "breakdowns" in anchors and "providers" in anchors
    for b in data.breakdowns:
        assert f"breakdown-{b.id}" in anchors
        assert plain(b.categories[0].name) in said
    from improvement_site.model.labels import GRADE_LABELS, long_date
    for provider in data.providers:
        latest = status.latest_inspection(data, provider)
        grade = (f"{GRADE_LABELS[latest.grade]}, inspected {long_date(latest.date)}" if latest
                 else "Not yet inspected")
        assert f"{plain(provider.name)} | " in said and grade in said
    # Every measure chart carries its key in words, as the site shows it beside the chart.
    keys = [b.key for b in report.blocks if isinstance(b, Chart)]
    assert keys and all(k.startswith("Key: Value, solid blue line with dots") for k in keys)
