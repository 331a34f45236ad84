"""A hostile workbook given to `improvement-site import`: each is refused in words, quickly and
in little memory, before openpyxl is asked for anything, with exit code 1 and nothing written.

Every workbook is made here: a plain one with openpyxl, then one part of its zip rewritten by
hand (a merged range over the whole sheet, an entity declaration, a shared-string bomb).
"""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from improvement_site.cli.main import main
from improvement_site.tracker import tables, workbook_check
from test_import import HEAD, site  # noqa: F401 - site: a fixture, a site with only site.yaml

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


def plan(path: Path, actions: int = 1) -> Path:
    """A one-area plan with `actions` actions on sheet "Plan" (written streaming: fast)."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Plan")
    sheet.append(["1. Front door"])
    sheet.append(HEAD)
    for n in range(actions):
        sheet.append([f"Outcome {n // 10}", f"Action {n}", "Head of Service", "16/09/2022",
                      "Started", "", "Green"])
    book.save(path)
    return path


def rewrite(path: Path, part: str, change) -> Path:
    """The workbook with one part's XML (as text) changed or added, every other part as it
    was."""
    with zipfile.ZipFile(path) as book:
        parts = {info.filename: book.read(info) for info in book.infolist()}
    parts[part] = change(parts.get(part, b"").decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return path


def text_row(row: int, column: str, text: str) -> str:
    return f'<row r="{row}"><c r="{column}{row}" t="inlineStr"><is><t>{text}</t></is></c></row>'


def plan_with(path: Path, rows: str = "", after: str = "", doctype: str = "") -> Path:
    """The one-action plan with its sheet's XML added to by hand: rows at the end of its data,
    elements after the data (merged cells), a DOCTYPE before its root."""
    def change(xml: str) -> str:
        xml = xml.replace("</sheetData>", f"{rows}</sheetData>{after}")
        if doctype and xml.startswith("<?xml"):
            end = xml.index("?>") + 2
            return xml[:end] + doctype + xml[end:]
        return doctype + xml
    return rewrite(plan(path), SHEET, change)


def run_import(book: Path, site: Path):
    return CliRunner().invoke(main, ["import", "plan", str(book), str(site)])


def refused(result, site: Path, message: str, where: str = "") -> None:
    """Exit 1, the one problem in words, no traceback, nothing written."""
    assert result.exit_code == 1, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    assert lines == ["1 problem importing plan.xlsx; nothing was written:",
                     f"plan.xlsx: {where}{message}"], result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert not (site / "data" / "plan").exists()


@pytest.fixture
def no_openpyxl(monkeypatch):
    """Fails the test if openpyxl is asked to open the workbook: refusals come before."""
    def forbidden(*args, **kwargs):
        raise AssertionError("openpyxl opened a workbook the check should have refused")
    monkeypatch.setattr(openpyxl, "load_workbook", forbidden)


MERGED_BOMB = '<mergeCells count="1"><mergeCell ref="A4:XFD1048576"/></mergeCells>'


def test_merged_range_over_the_whole_sheet_is_refused_unread(tmp_path, site, no_openpyxl):
    # The 1.7 KB file: A4:XFD1048576 merged took 5.9 GB, then a bare MemoryError.
    book = plan_with(tmp_path / "plan.xlsx", after=MERGED_BOMB)
    assert book.stat().st_size < 10_000
    refused(run_import(book, site), site,
            "merges the cells A4:XFD1048576 (17,179,820,032 cells), more than the 2,000,000 "
            "cells the import reads a sheet; unmerge them (Home > Merge & Center) and merge "
            "only cells of the table", where='sheet "Plan": ')


def test_merged_bomb_stays_small_in_a_process_of_its_own(tmp_path):
    """Peak memory of the whole command, in a fresh process: far below the gigabytes it took."""
    book = plan_with(tmp_path / "plan.xlsx", after=MERGED_BOMB)
    code = ("import resource, sys\n"
            "from improvement_site.cli.main import main\n"
            "try:\n"
            f"    main(['import', 'plan', {str(book)!r}, {str(tmp_path)!r}])\n"
            "except SystemExit as exc:\n"
            "    print('exit', exc.code)\n"
            "print('peak', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env={"PYTHONPATH": ":".join(sys.path)})
    assert "exit 1" in done.stdout, done.stdout + done.stderr
    peak_kb = int(done.stdout.split("peak")[1])
    # The command alone peaks near 250 MB (its imports); the bomb used to take 5.9 GB.
    assert peak_kb < 600_000, f"peak memory {peak_kb} KB"


def test_merges_down_rows_still_give_each_row_the_value(tmp_path, site):
    """The read-only reading keeps what the plan layout needs from merged cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Plan"
    for row in (["1. Front door"], HEAD,
                ["Outcome A", "Action 1", "Head of Service", "16/09/2022", "", "", "Green"],
                [None, "Action 2", None, "16/09/2022", "", "", "Green"],
                [None, "Action 3", None, "16/09/2022", "", "", "Green"]):
        sheet.append(row)
    sheet.merge_cells("A3:A5")
    sheet.merge_cells("C3:C5")
    book.save(tmp_path / "plan.xlsx")
    result = run_import(tmp_path / "plan.xlsx", site)
    assert result.exit_code == 0, result.output
    text = (site / "data" / "plan").glob("*.yaml").__next__().read_text(encoding="utf-8")
    assert text.count("owner: Head of Service") == 3
    assert text.count("Outcome A") == 1 and text.count("Action ") == 3


def test_too_many_rows_is_refused_while_streaming(tmp_path, site, no_openpyxl, monkeypatch):
    # 1M rows were refused only after 37 s and 1.8 GB: now at the first row past the limit.
    rows = 150_000
    book = plan_with(tmp_path / "plan.xlsx",
                     "".join(text_row(n, "B", f"Action {n}") for n in range(4, rows + 1)))
    seen = []
    original = workbook_check._Sheet._row
    monkeypatch.setattr(workbook_check._Sheet, "_row",
                        lambda self, r: (seen.append(r), original(self, r))[1])
    refused(run_import(book, site), site,
            "has cells down to row 100,001 or further; the import reads at most 100,000 rows "
            "a sheet: delete the empty formatted rows below the table", where='sheet "Plan": ')
    assert len(seen) == 100_001  # not one row more was read


def test_too_many_columns_is_refused(tmp_path, site, no_openpyxl):
    book = plan_with(tmp_path / "plan.xlsx", text_row(40, "XFD", "x"))
    refused(run_import(book, site), site,
            "has cells as far as column XFD; the import reads at most 1,000 columns a sheet "
            "(to column ALL): delete the empty formatted columns to the right of the table",
            where='sheet "Plan": ')


def strings_bomb(count: int) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats'
            '.org/spreadsheetml/2006/main">' + "<si><t>x</t></si>" * count + "</sst>")


def with_strings(path: Path, xml: str) -> Path:
    """The plan with a shared-strings part, where Excel keeps every text of a workbook
    (openpyxl writes its texts into the sheet instead). The check finds such a part by its
    content, as openpyxl does by the workbook's list of parts; neither needs to name it."""
    with zipfile.ZipFile(path) as book:
        assert STRINGS not in book.namelist()
    return rewrite(path, STRINGS, lambda _: xml)


def test_shared_string_bomb_is_refused_from_the_zip_directory(tmp_path, site, no_openpyxl):
    # The 400 KB shared-string bomb reached 1.5 GB.
    book = with_strings(plan(tmp_path / "plan.xlsx"), strings_bomb(3_000_000))
    assert book.stat().st_size < 500_000
    result = run_import(book, site)
    assert result.exit_code == 1
    assert f"has a part ({STRINGS}) that unpacks to" in result.output
    assert "times its packed size, which Excel never does; save it again from Excel" in (
        result.output)
    assert not (site / "data" / "plan").exists()


def test_shared_strings_are_counted_while_streaming(tmp_path, site, no_openpyxl, monkeypatch):
    monkeypatch.setattr(workbook_check, "MAX_STRINGS", 1_000)
    book = with_strings(plan(tmp_path / "plan.xlsx"), strings_bomb(1_001))
    refused(run_import(book, site), site, "holds more than 1,000 different texts; the import "
                                          "reads at most that many: check that this is the "
                                          "right file")


ENTITY_REFUSAL = ("holds XML entity declarations (in {part}), which spreadsheets never need "
                  "and which can be used to read other files or to exhaust memory; it was not "
                  "read: save it again from Excel")


def test_xxe_is_refused_and_the_file_it_names_is_never_read(tmp_path, site, no_openpyxl):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7731", encoding="utf-8")
    doctype = f'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
    book = plan_with(tmp_path / "plan.xlsx", text_row(9, "B", "&xxe;"), doctype=doctype)
    result = run_import(book, site)
    refused(result, site, ENTITY_REFUSAL.format(part=SHEET))
    assert "TOP-SECRET" not in result.output
    assert not any("TOP-SECRET" in p.read_text(errors="ignore")
                   for p in site.rglob("*") if p.is_file())


def test_billion_laughs_is_refused(tmp_path, site, no_openpyxl):
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    bomb = ('<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE sst [' + entities + ']><sst '
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<si><t>&lol9;</t></si></sst>')
    book = with_strings(plan(tmp_path / "plan.xlsx"), bomb)
    refused(run_import(book, site), site, ENTITY_REFUSAL.format(part=STRINGS))


def test_files_that_are_not_workbooks_are_worded(tmp_path, site):
    cases = {
        b"Outcome,Action\nA,B\n": "is not an Excel workbook: it may be another kind of file "
                                  "renamed to .xlsx; open it in Excel and use File > Save As > "
                                  "Excel Workbook (.xlsx)",
        plan(tmp_path / "whole.xlsx").read_bytes()[:3000]:
            "is damaged: it ends before the workbook does (an unfinished download or copy?); "
            "copy it again or save it again from Excel",
        # Excel saves a workbook with a password as an OLE compound file whose directory
        # names its EncryptionInfo stream.
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode(
            "utf-16-le"): "is protected with a password, so it cannot be read; in Excel use "
                          "File > Info > Protect Workbook > Encrypt with Password, clear the "
                          "password, and save it",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024:
            "is an Excel 97-2003 workbook (.xls), not an .xlsx; in Excel use File > Save As > "
            "Excel Workbook (.xlsx)",
    }
    for content, message in cases.items():
        (tmp_path / "plan.xlsx").write_bytes(content)
        refused(run_import(tmp_path / "plan.xlsx", site), site, message)


def test_reading_is_linear_in_rows(tmp_path):
    """20,000 rows read in about four times the time of 5,000 (it was sixteen: max_column was
    worked out again for every row). A loose bound: twice linear still fails quadratic."""
    def cost(rows: int) -> float:
        book = plan(tmp_path / f"plan-{rows}.xlsx", rows)
        start = time.process_time()
        found = tables.read_tables(book, problems := [])
        assert not problems and len(found[0].rows) == rows + 2
        return time.process_time() - start

    small, large = cost(5_000), cost(20_000)
    assert large < 8 * small, (small, large)


def test_rows_out_of_order_are_refused_not_skipped(tmp_path, site, no_openpyxl):
    # openpyxl's fast reading would skip a row numbered below the one before it.
    book = plan_with(tmp_path / "plan.xlsx", text_row(2, "B", "Lost action"))
    refused(run_import(book, site), site,
            "has its rows out of order in the file (row 2 after row 3), which Excel never "
            "writes; save it again from Excel", where='sheet "Plan": ')


def test_a_damaged_sheet_is_worded(tmp_path, site, no_openpyxl):
    book = plan_with(tmp_path / "plan.xlsx", "<row>")
    result = run_import(book, site)
    assert result.exit_code == 1
    assert (f'plan.xlsx: sheet "Plan": is damaged: its part {SHEET} is not well-formed XML '
            f"(mismatched tag, line 1); save it again from Excel") in result.output


def test_sheets_and_parts_past_the_limits_are_refused(tmp_path, site, no_openpyxl,
                                                       monkeypatch):
    book = plan(tmp_path / "plan.xlsx")
    monkeypatch.setattr(workbook_check, "MAX_SHEETS", 0)
    refused(run_import(book, site), site, "has 1 sheets; the import reads at most 0: check "
                                          "that this is the right file")
    monkeypatch.setattr(workbook_check, "MAX_SHEETS", 500)
    monkeypatch.setattr(workbook_check, "MAX_PART_BYTES", 100)
    result = run_import(book, site)
    assert result.exit_code == 1
    assert "plan.xlsx: is too large to read: it unpacks to more than 0 MB (at " in result.output


def test_a_cell_naming_a_text_or_style_that_is_not_there_is_worded(tmp_path, site):
    for cell in ('<c r="B9" t="s"><v>99</v></c>', '<c r="B9" s="99999"><v>1</v></c>'):
        book = plan_with(tmp_path / "plan.xlsx", f'<row r="9">{cell}</row>')
        refused(run_import(book, site), site, "cannot be opened as an Excel workbook "
                "(IndexError); save it again from Excel as .xlsx", where='sheet "Plan": ')


# Issue 20, B6: a text is kept once in a workbook however many cells use it, so a 209 KB file
# asked for 3.2 billion characters and kept the import busy for minutes, printing a problem for
# each cell.

def shared_text_book(path: Path, text: str, rows: int, value: str = "0") -> Path:
    """The one-action plan and `rows` more rows, each of ten cells that all use the one shared
    text `text` (cells naming it by `value`), declared so that openpyxl reads it."""
    cells = "".join(f'<c r="{col}{{row}}" t="s"><v>{value}</v></c>' for col in "ABCDEFGHIJ")
    data = "".join(f'<row r="{row}">{cells.format(row=row)}</row>' for row in range(4, rows + 4))
    book = with_strings(plan_with(path, data), strings_bomb(0).replace(
        "</sst>", f"<si><t>{text}</t></si></sst>"))
    override = (f'<Override PartName="/{STRINGS}" ContentType="application/vnd.openxmlformats-'
                f'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    return rewrite(book, "[Content_Types].xml", lambda xml: xml.replace("</Types>", override))


def test_one_text_in_many_cells_is_refused_in_about_a_second(tmp_path, site, no_openpyxl):
    # The reviewer's workbook: 32,000 characters used by 100,000 cells. It was killed by a
    # two-minute timeout; now the count of the text its cells read as stops it at row 66.
    book = shared_text_book(tmp_path / "plan.xlsx", "A" * 32_000, 10_000)
    assert book.stat().st_size < 250_000
    start = time.monotonic()
    refused(run_import(book, site), site,
            "the cells up to cell E66 hold more than 20,000,000 characters of text (a text in "
            "many cells counts once for each); the import reads at most that many in a file: "
            "check that this is the right file", where='sheet "Plan", row 66: ')
    assert time.monotonic() - start < 5


def test_a_cell_longer_than_excel_allows_is_refused(tmp_path, site, no_openpyxl):
    book = shared_text_book(tmp_path / "plan.xlsx", "A" * 40_000, 1)
    refused(run_import(book, site), site,
            "cell A4 holds 40,000 characters of text; Excel holds at most 32,767 in a cell: "
            "check that this is the right file, or save it again from Excel",
            where='sheet "Plan", row 4: ')
    # A text's number padded with zeros is still its number to openpyxl: it cannot hide a text.
    book = shared_text_book(tmp_path / "plan.xlsx", "A" * 40_000, 1, "0" * 120)
    refused(run_import(book, site), site,
            "cell A4 names its text by a number of 100 digits or more, which Excel never "
            "writes; save it again from Excel", where='sheet "Plan", row 4: ')


def test_problems_listed_are_capped_and_long_cells_cut(tmp_path, site):
    # Under the limits, 60 rows of a 32,000-character text are read, and each cell is a
    # problem: 100 are listed, the rest counted, each quoted cell cut in its middle.
    book = shared_text_book(tmp_path / "plan.xlsx", "A" * 32_000, 60)
    result = run_import(book, site)
    assert result.exit_code == 1, result.output[:2000]
    lines = result.output.splitlines()
    count = int(lines[0].split()[0])
    assert lines[0] == f"{count} problems importing plan.xlsx; nothing was written:"
    assert count > 400 and len(lines) == 102
    assert lines[-1] == (f"  … and {count - 100:,} more, not listed: fix these and import "
                         f"again to see the rest")
    assert all(len(line) < 1_100 for line in lines)
    rag = next(line for line in lines if 'column "RAG"' in line)
    assert rag.startswith('  plan.xlsx: sheet "Plan", row 4, column "RAG": "AAAA')
    assert " characters left out…] AAAA" in rag
    assert rag.endswith("(or add the word under statuses: in the mapping file)")
    assert not (site / "data" / "plan").exists()


def run_csv(path: Path, text: str, site: Path):
    path.write_text(text, encoding="utf-8")
    return CliRunner().invoke(main, ["import", "plan", str(path), str(site)])


def test_a_csv_file_has_the_limits_of_a_sheet(tmp_path, site, monkeypatch):
    # One row of 1,000 cells and short rows padded to it: 5,000 such rows took 13 s and
    # 630 MB, 100,000 rows more than five minutes. Now refused at the row that passes.
    csv_file = tmp_path / "plan.csv"
    result = run_csv(csv_file, "," * 999 + "\n" + "x\n" * 3_000, site)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "1 problem importing plan.csv; nothing was written:",
        "  plan.csv: row 2001: has 2,001 rows and 1,000 columns in use, more than the "
        "2,000,000 cells the import reads a sheet; delete the empty formatted rows below the "
        "table"]
    from improvement_site.tracker import limits
    monkeypatch.setattr(limits, "MAX_CELLS_TEXT", 1_000)
    result = run_csv(csv_file, "\n".join([",".join(["A" * 100] * 7)] * 3), site)
    assert result.exit_code == 1
    assert "plan.csv: row 2: the cells up to this row hold more than 1,000 characters" in (
        result.output)
    monkeypatch.setattr(limits, "MAX_CSV_BYTES", 100)
    result = run_csv(csv_file, "x" * 2**20, site)
    assert result.exit_code == 1
    assert "plan.csv: is 1 MB; the import reads CSV files of at most 0 MB: check that this is " \
           "the right file" in result.output
    assert not (site / "data" / "plan").exists()
