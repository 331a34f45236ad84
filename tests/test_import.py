"""Importing a council's tracker: `improvement-site import plan|measures` and `export plan`.

Workbooks are built here with openpyxl (no binary fixtures); CSV fixtures are in
tests/fixtures/import/. Every problem test checks the exact message, exit code 1 and that
nothing was written.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.styles import PatternFill

from improvement_site.cli.main import main
from improvement_site.tracker.measures import period_of
from improvement_site.tracker.tables import Cell
from improvement_site.data.load import load_site

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
NEL = ROOT / "examples" / "north-east-lincolnshire"
HEAD = ["Outcomes for Children and Families", "Action needed", "Responsible", "Due Date",
        "Progress", "Impact", "RAG"]
SITE_YAML = ("council: Test Borough Council\nservice: Children's Services\n"
             "title: Improvement\nreporting_date: 2023-01-31\n")


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def lines(result) -> list[str]:
    return [line.strip() for line in result.output.splitlines()]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site with only site.yaml: the plan import's output must validate in it."""
    folder = tmp_path / "site"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    return folder


@pytest.fixture
def nel(tmp_path: Path) -> Path:
    folder = tmp_path / "nel"
    shutil.copytree(NEL / "data", folder / "data")
    return folder


def workbook(path: Path, sheets: dict[str, list[list]], fills: dict | None = None,
             formats: dict | None = None) -> Path:
    """An .xlsx with the given rows per sheet; fills/formats keyed (sheet, row, column)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(r, c, value)
    for (name, r, c), rgb in (fills or {}).items():
        book[name].cell(r, c).fill = PatternFill("solid", fgColor=rgb)
    for (name, r, c), fmt in (formats or {}).items():
        book[name].cell(r, c).number_format = fmt
    book.save(path)
    return path


def one_action(site: Path, row: list, head: list[str] = HEAD, fill: str | None = None):
    """Import a one-action plan (sheet "Area 1", the action on row 3); return the result and,
    if it succeeded, the action."""
    book = workbook(site.parent / "plan.xlsx", {"Area 1": [["1. Front door"], head, row]},
                    fills={("Area 1", 3, 7): fill} if fill else None)
    result = run("import", "plan", book, "--site", site)
    if result.exit_code:
        return result, None
    area = load_site(site / "data").areas[0]
    return result, area.outcomes[0].actions[0]


# --- the plan: round trip and stable output ---------------------------------------------


def test_bundled_plan_round_trips_through_a_workbook(tmp_path: Path):
    book = tmp_path / "plan.xlsx"
    assert run("export", "plan", book, "--site", ROOT).exit_code == 0
    out = tmp_path / "site" / "data" / "plan"
    result = run("import", "plan", book, "--site", ROOT, "--out", out)
    assert result.exit_code == 0, result.output
    assert "Imported 8 areas and 75 actions" in result.output
    # Load the imported plan in a copy of the site, so references are checked too.
    shutil.copytree(ROOT / "data", tmp_path / "site" / "data",
                    ignore=lambda d, names: ["plan"] if Path(d) == ROOT / "data" else [],
                    dirs_exist_ok=True)
    before = {a.id: a.model_dump() for a in load_site(ROOT / "data").areas}
    after = {a.id: a.model_dump() for a in load_site(tmp_path / "site" / "data").areas}
    assert list(after) == list(before)
    for area_id, dumped in before.items():
        assert after[area_id] == dumped, area_id
    assert sorted(p.name for p in out.iterdir()) == sorted(
        p.name for p in (ROOT / "data" / "plan").glob("*.yaml"))


def test_reimporting_gives_byte_identical_yaml(tmp_path: Path, site: Path):
    book = tmp_path / "plan.xlsx"
    run("export", "plan", book, "--site", ROOT)
    out = tmp_path / "plan"
    assert run("import", "plan", book, "--site", ROOT, "--out", out).exit_code == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    again = run("import", "plan", book, "--site", ROOT, "--out", out)
    assert "(0 files changed)" in again.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first

    mapping = FIXTURES / "plan-mapping.yaml"
    csv_file = FIXTURES / "plan.csv"
    assert run("import", "plan", csv_file, "--site", site, "--mapping", mapping).exit_code == 0
    plan = site / "data" / "plan"
    first = {p.name: p.read_bytes() for p in plan.iterdir()}
    assert run("import", "plan", csv_file, "--site", site, "--mapping", mapping).exit_code == 0
    assert {p.name: p.read_bytes() for p in plan.iterdir()} == first


def test_seed_layout_csv_imports_areas_outcomes_and_rows(site: Path):
    result = run("import", "plan", FIXTURES / "plan.csv", "--site", site,
                 "--mapping", FIXTURES / "plan-mapping.yaml")
    assert result.exit_code == 0, result.output
    plan = site / "data" / "plan"
    assert sorted(p.name for p in plan.iterdir()) == ["01-front-door.yaml",
                                                      "02-management-oversight.yaml"]
    front, oversight = load_site(site / "data").areas
    assert front.title.startswith("Effectiveness and timeliness of responses")
    # Blank outcome cells continue the outcome above; the repeated headings are skipped.
    assert [len(o.actions) for o in front.outcomes] == [4, 2]
    assert [a.id for o in front.outcomes for a in o.actions] == [
        f"front-door-0{n}" for n in range(1, 7)]
    first, second = front.outcomes[0].actions[:2]
    assert first.progress == ("Agency cover has been secured whilst the posts are recruited "
                              "to.\n\nResource for 8 additional permanent posts has been "
                              "identified.")
    assert second.owner == "Sam Danyluk Head of Service – First Response"
    assert oversight.outcomes[0].actions[0].action == (
        "Roll out the practice standards:\n\n- Supervision every 4 weeks\n"
        "- Case summaries on every file")
    assert (plan / "01-front-door.yaml").read_text(encoding="utf-8").startswith(
        "# Imported by improvement-site import plan; area 1.\nid: front-door\nnumber: 1\n")


# --- dates and RAG ----------------------------------------------------------------------


@pytest.mark.parametrize("cell, due, note", [
    ("16/09/22", date(2022, 9, 16), None),
    ("16/09/2022", date(2022, 9, 16), None),
    ("16.9.22", date(2022, 9, 16), None),
    ("16-09-2022", date(2022, 9, 16), None),
    ("2022-09-16", date(2022, 9, 16), None),
    (" 16/09/22\n", date(2022, 9, 16), None),
    (datetime(2022, 9, 16), date(2022, 9, 16), None),  # an Excel date cell
    ("w/c 5.12.22", None, "w/c 5.12.22"),
    ("Review 30/09/23", None, "Review 30/09/23"),
    ("March 2023", None, "March 2023"),
    ("Ongoing", None, "Ongoing"),
    (None, None, None),
])
def test_due_date_forms(site: Path, cell, due, note):
    result, action = one_action(site, ["Outcome", "Do it", None, cell, None, None, None])
    assert result.exit_code == 0, result.output
    assert (action.due, action.due_note) == (due, note)


@pytest.mark.parametrize("cell, message", [
    ("31/02/23", '"31/02/23" is not a date: February 2023 has no day 31; write DD/MM/YYYY, '
                 "e.g. 16/09/2022"),
    ("16/13/22", '"16/13/22" is not a date: there is no month 13; write DD/MM/YYYY'),
    ("16/09", '"16/09" is not a date; write one date as DD/MM/YYYY, e.g. 16/09/2022, or words '
              'with it for a due note, e.g. "Review 30/09/23"'),
    (44820, '"44820" is a number, not a date; format the cell as a date or type the date as '
            "DD/MM/YYYY"),
])
def test_bad_due_dates_are_reported_with_sheet_row_and_column(site: Path, cell, message):
    result, _ = one_action(site, ["Outcome", "Do it", None, cell, None, None, None])
    assert result.exit_code == 1
    assert lines(result) == ["1 problem importing plan.xlsx; nothing was written:",
                             f'plan.xlsx: sheet "Area 1", row 3, column "Due Date": {message}']
    assert not (site / "data" / "plan").exists()


DELAY_HEAD = [*HEAD, "Reason for delay", "Mitigation"]


@pytest.mark.parametrize("word, status", [
    ("Green", "complete"), ("Completed", "complete"), ("complete", "complete"),
    ("Yellow", "on_track"), ("In progress", "on_track"), ("on schedule", "on_track"),
    ("In progress and on schedule", "on_track"),
    ("Red", "delayed"), ("Amber", "delayed"), ("Delayed", "delayed"),
    ("Delayed / not on schedule", "delayed"),
    ("Blue", "not_started"), ("Planning", "not_started"), ("not yet commenced", "not_started"),
    ("Planning: not yet commenced", "not_started"),
    (None, None),
])
def test_rag_words(site: Path, word, status):
    row = ["Outcome", "Do it", None, None, None, None, word, "Staff left.", "Agency cover."]
    result, action = one_action(site, row, DELAY_HEAD)
    assert result.exit_code == 0, result.output
    assert action.status == status


@pytest.mark.parametrize("text, fill, status", [
    (None, "00B050", "complete"), (None, "92D050", "complete"), (None, "FFFF00", "on_track"),
    (None, "FFC000", "delayed"), (None, "FF0000", "delayed"), (None, "0070C0", "not_started"),
    (None, "00B0F0", "not_started"), (None, "BFBFBF", "not_started"), (None, "FFFFFF", None),
    ("RAG", "00B050", "complete"),  # the plan's first row: the word "RAG" in a green cell
    ("Yellow", "00B050", "on_track"),  # the word wins over the colour
])
def test_rag_fill_colours_when_the_cell_has_no_rating_word(site: Path, text, fill, status):
    row = ["Outcome", "Do it", None, None, None, None, text, "Staff left.", "Agency cover."]
    result, action = one_action(site, row, DELAY_HEAD, fill=fill)
    assert result.exit_code == 0, result.output
    assert action.status == status


def test_unknown_rag_word_and_colour_are_reported(site: Path):
    result, _ = one_action(site, ["Outcome", "Do it", None, None, None, None, "Amber-ish"])
    assert lines(result)[1] == (
        'plan.xlsx: sheet "Area 1", row 3, column "RAG": "Amber-ish" is not a RAG rating the '
        "import knows; use Green/Completed, Yellow/In progress, Red/Amber/Delayed, "
        'Blue/Planning, or leave it blank for "not yet rated" (or add the word under '
        "statuses: in the mapping file)")
    result, _ = one_action(site, ["Outcome", "Do it", None, None, None, None, None],
                           fill="7030A0")
    assert lines(result)[1].startswith(
        'plan.xlsx: sheet "Area 1", row 3, column "RAG": has the fill colour #7030A0, which is '
        "not a RAG colour;")
    assert result.exit_code == 1


def test_delayed_action_needs_reason_and_mitigation(site: Path):
    result, _ = one_action(site, ["Outcome", "Do it", None, None, None, None, "Red"])
    assert result.exit_code == 1
    assert lines(result)[1:] == [
        'plan.xlsx: sheet "Area 1", row 3, column "RAG": "Red" means delayed, and a delayed '
        'action must say why and what is being done, but there is no "Reason for delay" column '
        'and there is no "Mitigation" column; fill in Reason for delay and Mitigation for this '
        "row"]
    result, _ = one_action(site, ["Outcome", "Do it", None, None, None, None, None, "Late.",
                                  None], DELAY_HEAD, fill="FFC000")
    assert lines(result)[1:] == [
        'plan.xlsx: sheet "Area 1", row 3, column "RAG": "(fill colour)" means delayed, and a '
        'delayed action must say why and what is being done, but "Mitigation" is empty; fill '
        "in Reason for delay and Mitigation for this row"]
    head = [*HEAD, "Revised due date", "Reason for delay", "Mitigation"]
    result, action = one_action(site, ["Outcome", "Do it", None, "31/03/23", None, None,
                                       "Amber", "30/06/23", "The contract was late.",
                                       "An interim number is in place."], head)
    assert result.exit_code == 0, result.output
    assert (action.status, action.revised_due, action.delay_reason, action.mitigation) == (
        "delayed", date(2023, 6, 30), "The contract was late.", "An interim number is in place.")


# --- rows, areas and mapping ------------------------------------------------------------


def test_row_continuation_and_outcomes(site: Path):
    rows = [["1. Front door"], HEAD,
            ["Outcome A", "Action 1", None, None, None, None, None],
            [None, "Action 2", None, None, None, None, None],
            ["Outcome A", "Action 3", None, None, None, None, None],  # same text: same outcome
            ["Outcome B", None, None, None, None, None, None],  # an outcome with no actions yet
            ["Outcome C", "Action 4", None, None, None, None, None],
            HEAD,  # headings repeated on a later page
            [None, "Action 5", None, None, None, None, None]]
    book = workbook(site.parent / "plan.xlsx", {"Plan": rows})
    assert run("import", "plan", book, "--site", site).exit_code == 0
    area = load_site(site / "data").areas[0]
    assert area.id == "front-door"
    assert [(o.text, [a.action for a in o.actions]) for o in area.outcomes] == [
        ("Outcome A", ["Action 1", "Action 2", "Action 3"]), ("Outcome B", []),
        ("Outcome C", ["Action 4", "Action 5"])]


def test_areas_by_sheet_name_area_column_and_detail_rows(site: Path):
    sheets = {
        "1. Front door": [HEAD, ["Outcome", "Action", None, None, None, None, None]],
        "Second": [["Area 2: Oversight"], ["Area id:", "oversight"], ["Lead:", "Head of Service"],
                   ["Summary:", "Why this matters.\nWhat we will do."], [],
                   HEAD, ["Outcome", "Action", None, None, None, None, None]],
        "Rest": [["Area", *HEAD],
                 ["3. Placements", "Outcome", "Action", None, None, None, None, None],
                 [None, None, "Action", None, None, None, None, None],
                 ["4. Care leavers", "Outcome", "Action", None, None, None, None, None]],
    }
    book = workbook(site.parent / "plan.xlsx", sheets)
    result = run("import", "plan", book, "--site", site)
    assert result.exit_code == 0, result.output
    areas = load_site(site / "data").areas
    assert [(a.number, a.id, a.title) for a in areas] == [
        (1, "front-door", "Front door"), (2, "oversight", "Oversight"),
        (3, "placements", "Placements"), (4, "care-leavers", "Care leavers")]
    assert areas[1].lead == "Head of Service"
    assert areas[1].summary == "Why this matters.\n\nWhat we will do."
    assert [a.id for a in areas[2].outcomes[0].actions] == ["placements-01", "placements-02"]


def test_mapping_file_names_columns_areas_and_statuses(site: Path, tmp_path: Path):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text('columns:\n  What we will do: action\n  Lead officer: owner\n'
                       '  Comments: skip\nareas:\n  "Front door": the-front-door\n'
                       'statuses:\n  "Complete - awaiting sign off": complete\n',
                       encoding="utf-8")
    head = ["Outcome", "What we will do", "Lead officer", "Comments", "RAG"]
    book = workbook(tmp_path / "plan.xlsx", {"A": [["1. Front door"], head, [
        "Outcome", "Action", "Sam", "ignored", "Complete - awaiting sign off"]]})
    result = run("import", "plan", book, "--site", site, "--mapping", mapping)
    assert result.exit_code == 0, result.output
    action = load_site(site / "data").areas[0].outcomes[0].actions[0]
    assert (action.id, action.owner, action.status) == ("the-front-door-01", "Sam", "complete")

    mapping.write_text("columns:\n  What we will do: activity\nrag: [x]\n", encoding="utf-8")
    result = run("import", "plan", book, "--site", site, "--mapping", mapping)
    assert result.exit_code == 1
    assert lines(result)[1:] == [
        "mapping.yaml:2: columns: \"What we will do\" maps to 'activity'; allowed: outcome, "
        "action, owner, due, due_note, progress, impact, rag, revised_due, delay_reason, "
        "mitigation, measures, id, audience, area, reviewed, skip",
        'mapping.yaml:3: "rag" is not a section of this mapping file; allowed: columns, areas, '
        "statuses, skip_sheets"]


def test_merged_cells_hidden_rows_and_formulas(site: Path, tmp_path: Path):
    book = workbook(tmp_path / "plan.xlsx", {"Plan": [
        ["1. Front door"], HEAD,
        ["Outcome A", "Act 1", "Sam", None, None, None, None],
        [None, "Act 2", None, None, None, None, None],
        [None, "Act 3", None, None, None, None, None],
        ["Outcome B", "Act 4", None, None, '=B3&" again"', None, None]]})
    wb = openpyxl.load_workbook(book)
    sheet = wb["Plan"]
    sheet.merge_cells("A1:G1")  # a heading across the table
    sheet.merge_cells("A3:A5")  # an outcome down its actions
    sheet.merge_cells("C3:C4")  # one owner for two actions
    sheet.row_dimensions[5].hidden = True  # hidden rows are imported too
    wb.save(book)
    result = run("import", "plan", book, "--site", site)
    # openpyxl saves no value for a formula: Excel would, when the file is saved there.
    assert lines(result)[1:] == ['plan.xlsx: sheet "Plan", row 6: cell E6 holds a formula with '
                                 "no saved value; open the file in Excel and save it"]
    sheet["E6"] = "Done"
    wb.save(book)
    assert run("import", "plan", book, "--site", site).exit_code == 0
    area = load_site(site / "data").areas[0]
    assert [[(a.action, a.owner) for a in o.actions] for o in area.outcomes] == [
        [("Act 1", "Sam"), ("Act 2", "Sam"), ("Act 3", None)], [("Act 4", None)]]


def test_export_of_a_site_without_a_plan(site: Path, tmp_path: Path):
    result = run("export", "plan", tmp_path / "plan.xlsx", "--site", site)
    assert result.exit_code == 1
    assert "has no areas; there is no plan to export" in result.output
    assert not (tmp_path / "plan.xlsx").exists()


def test_every_problem_reported_at_once_and_nothing_written(site: Path):
    plan = site / "data" / "plan"
    plan.mkdir()
    old = plan / "01-old.yaml"
    old.write_text("id: old\nnumber: 1\ntitle: Old\n", encoding="utf-8")
    result = run("import", "plan", FIXTURES / "plan-problems.csv", "--site", site)
    assert result.exit_code == 1
    assert lines(result) == [
        "6 problems importing plan-problems.csv; nothing was written:",
        'plan-problems.csv: row 2, column "Comments": is not a column the import knows; rename '
        "it to one of Outcomes for Children and Families, Action needed, Responsible, Due "
        "Date, Progress, Impact, RAG, Revised due date, Reason for delay, Mitigation, Measures, "
        'Id, Area, Reviewed, or map it in the mapping file (use "skip" to leave it out)',
        'plan-problems.csv: row 3, column "Due Date": "31/02/23" is not a date: February 2023 '
        "has no day 31; write DD/MM/YYYY, e.g. 16/09/2022",
        'plan-problems.csv: row 4, column "RAG": "Amber-ish" is not a RAG rating the import '
        "knows; use Green/Completed, Yellow/In progress, Red/Amber/Delayed, Blue/Planning, or "
        'leave it blank for "not yet rated" (or add the word under statuses: in the mapping '
        "file)",
        'plan-problems.csv: row 5, column "Action needed": is empty, but this row has Due Date, '
        "Progress; every action needs its text (if the row continues the one above, as in a "
        "table split across pages, move its text up)",
        'plan-problems.csv: row 6, column "Due Date": "16/09" is not a date; write one date as '
        'DD/MM/YYYY, e.g. 16/09/2022, or words with it for a due note, e.g. "Review 30/09/23"',
        'plan-problems.csv: row 6, column "RAG": "Red" means delayed, and a delayed action must '
        'say why and what is being done, but there is no "Reason for delay" column and there is '
        'no "Mitigation" column; fill in Reason for delay and Mitigation for this row',
    ]
    assert "Traceback" not in result.output
    assert [p.name for p in plan.iterdir()] == ["01-old.yaml"]
    assert old.read_text(encoding="utf-8") == "id: old\nnumber: 1\ntitle: Old\n"
    assert not [p for p in plan.parent.iterdir() if p.name.startswith(".")]


def test_output_that_would_not_validate_is_not_written(site: Path):
    (site / "data" / "visits.yaml").write_text(
        "- id: mv-1\n  kind: monitoring_visit\n  start: 2023-01\n  focus: Front door\n"
        "  areas: [front-door]\n", encoding="utf-8")
    book = workbook(site.parent / "plan.xlsx", {"Plan": [["1. The front door"], HEAD, [
        "Outcome", "Action", None, None, None, None, None]]})
    result = run("import", "plan", book, "--site", site)
    assert result.exit_code == 1
    assert lines(result)[1] == (
        'plan.xlsx: after import, data/visits.yaml:5: visit mv-1: areas "front-door" is not an '
        'area id in data/plan/; did you mean "the-front-door"? Or give the areas the ids the site '
        'uses, with an "Area id:" row under each area heading or areas: in the mapping file')
    assert not (site / "data" / "plan").exists()


def test_import_replaces_the_plan_files_only(site: Path, tmp_path: Path):
    plan = site / "data" / "plan"
    plan.mkdir()
    (plan / "09-gone.yaml").write_text("id: gone\nnumber: 9\ntitle: Gone\n", encoding="utf-8")
    (plan / "README.txt").write_text("notes", encoding="utf-8")
    # Excel's plain "CSV" on UK Windows is Windows-1252: an en dash and curly quotes.
    csv_file = tmp_path / "plan.csv"
    csv_file.write_bytes(b"1. Front door \x96 MASH\nOutcome,Action needed,RAG\n"
                         b"Children are safe,Review \x93thresholds\x94,Green\n")
    result = run("import", "plan", csv_file, "--site", site)
    assert result.exit_code == 0, result.output
    assert "(1 file changed; removed 09-gone.yaml)" in result.output
    assert sorted(p.name for p in plan.iterdir()) == ["01-front-door-mash.yaml", "README.txt"]
    area = load_site(site / "data").areas[0]
    assert (area.title, area.outcomes[0].actions[0].action) == (
        "Front door – MASH", "Review “thresholds”")


def test_structural_problems(site: Path, tmp_path: Path):
    book = workbook(tmp_path / "plan.xlsx", {
        "Notes": [["Read me first"]],
        "Plan": [HEAD, ["Outcome", "Action", None, None, None, None, None]]})
    result = run("import", "plan", book, "--site", site)
    assert lines(result)[1:] == [
        'plan.xlsx: sheet "Notes": has no row of column headings with "Action needed" in it; '
        "add the headings above the table, name your column in the mapping file (columns:), or "
        "list the sheet under skip_sheets:",
        'plan.xlsx: sheet "Plan", row 2: comes before any area heading; put a row such as '
        '"1. Title of the area" above the column headings']
    result = run("import", "plan", tmp_path / "plan.xls", "--site", site)
    assert lines(result)[1:] == [
        'plan.xls: is not a file that exists; check the name and folder']
    (tmp_path / "plan.txt").write_text("x", encoding="utf-8")
    result = run("import", "plan", tmp_path / "plan.txt", "--site", site)
    assert lines(result)[1].startswith('plan.txt: is a ".txt" file; the import reads Excel')
    assert result.exit_code == 1


# --- measures ---------------------------------------------------------------------------


def test_wide_scorecard_gives_the_bundled_values(nel: Path, tmp_path: Path):
    # The scorecard's "Latest" column is the 17 July refresh, after the site's 30 June
    # reporting date: refused as values (tests/test_reporting_date.py), so it is skipped here as
    # the bundled site leaves it out (docs/north-east-lincolnshire.md).
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text((FIXTURES / "measures-mapping.yaml").read_text(encoding="utf-8")
                       + "columns:\n  Latest: skip\n", encoding="utf-8")
    out = tmp_path / "measures.csv"
    result = run("import", "measures", FIXTURES / "measures-wide.csv", "--site", nel,
                 "--mapping", mapping, "--out", out)
    assert result.exit_code == 0, result.output
    bundled = (NEL / "data" / "measures.csv").read_text(encoding="utf-8").splitlines()
    assert out.read_text(encoding="utf-8").splitlines() == bundled[:22]
    again = run("import", "measures", FIXTURES / "measures-wide.csv", "--site", nel,
                "--mapping", mapping, "--out", out)
    assert "unchanged" in again.output
    assert out.read_text(encoding="utf-8").splitlines() == bundled[:22]


def test_measures_problems_are_reported_and_nothing_written(nel: Path):
    target = nel / "data" / "measures.csv"
    before = target.read_bytes()
    result = run("import", "measures", FIXTURES / "measures-wide.csv", "--site", nel)
    assert result.exit_code == 1
    assert lines(result) == [
        "2 problems importing measures-wide.csv; nothing was written:",
        'measures-wide.csv: row 4, column "Latest": "Latest" needs the date its figures are '
        "for; run again with --latest-date YYYY-MM-DD (the day the data was refreshed)",
        'measures-wide.csv: row 6, column "A": measure "% CiN Visits in Timescale" is not a '
        "name or id in data/measures.yaml; add the measure there, or map the name to an id "
        "under measures: in the mapping file (skip_rows: to leave the row out)"]
    assert target.read_bytes() == before


def as_at_end_of_july(site: Path) -> Path:
    """The site as at 31 July 2023, so that a scorecard's 17 July refresh may be imported: after
    the bundled 30 June it is refused (tests/test_reporting_date.py)."""
    yaml_file = site / "data" / "site.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_text(text.replace("reporting_date: 2023-06-30", "reporting_date: 2023-07-31"),
                         encoding="utf-8")
    return site


def test_measure_values_and_long_layout(nel: Path, tmp_path: Path):
    as_at_end_of_july(nel)
    out = tmp_path / "measures.csv"
    result = run("import", "measures", FIXTURES / "measures-long.csv", "--site", nel,
                 "--out", out)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == (
        "measure,period,value,note\n"
        "cin-number,2023-04,735,\n"
        "cin-number,2023-05,1024,\n"
        "cin-number,2023-06,,not yet published\n"
        'cin-rate,2023-07-17,257,"Latest, data refreshed 17 July 2023"\n')
    bad = tmp_path / "bad.csv"
    bad.write_text(",Apr-23,May-23\nNumber of CiN,n/a,12 children\n", encoding="utf-8")
    result = run("import", "measures", bad, "--site", nel, "--out", out)
    assert result.exit_code == 1
    assert lines(result)[1:] == [
        f'bad.csv: row 2, column "{month}": Number of CiN: "{text}" is not a number; write a '
        f'number such as 90, 90% or 1,024, or leave it blank (or "-") when there is no figure'
        for month, text in (("Apr-23", "n/a"), ("May-23", "12 children"))]


def test_wide_workbook_with_excel_dates_and_percent_cells(nel: Path, tmp_path: Path):
    book = workbook(tmp_path / "scorecard.xlsx", {"June 2023": [
        ["Measure", datetime(2023, 4, 1), datetime(2023, 5, 1), datetime(2023, 7, 17), "DoT"],
        ["CiN Visits within timescales", 0.95, "85%", 0.89, "up"],
        ["Number of CiN", 735, "-", None, "up"]]},
        formats={("June 2023", 1, 2): "mmm-yy", ("June 2023", 1, 3): "mmm-yy",
                 ("June 2023", 1, 4): "dd/mm/yyyy", ("June 2023", 2, 2): "0%",
                 ("June 2023", 2, 4): "0%"})
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns:\n  DoT: skip\n", encoding="utf-8")
    out = tmp_path / "measures.csv"
    as_at_end_of_july(nel)
    result = run("import", "measures", book, "--site", nel, "--out", out, "--mapping", mapping)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == (
        "measure,period,value,note\ncin-visits-timescale,2023-04,95,\n"
        "cin-visits-timescale,2023-05,85,\ncin-visits-timescale,2023-07-17,89,\n"
        "cin-number,2023-04,735,\ncin-number,2023-05,,\n")


@pytest.mark.parametrize("heading, period", [
    ("Apr-23", "2023-04"), ("Apr 2023", "2023-04"), ("April 2023", "2023-04"),
    ("2023-04", "2023-04"), ("June-23", "2023-06"), ("Sept-23", "2023-09"),
    ("04/2023", "2023-04"), ("17/07/2023", "2023-07-17"), ("2023-07-17", "2023-07-17"),
    ("Latest", "latest"), ("Current month", "latest"), ("Target", None), ("DoT", None),
])
def test_period_headings(heading, period):
    assert period_of(Cell(heading)) == (period, None)


def test_merge_keeps_history(nel: Path, tmp_path: Path):
    as_at_end_of_july(nel)
    target = nel / "data" / "measures.csv"
    before = target.read_text(encoding="utf-8").splitlines()
    update = tmp_path / "july.csv"
    update.write_text("measure,period,value\ncin-number,2023-06,808\ncin-number,2023-07,812\n",
                      encoding="utf-8")
    result = run("import", "measures", update, "--site", nel, "--merge")
    assert result.exit_code == 0, result.output
    after = target.read_text(encoding="utf-8").splitlines()
    assert after[3] == "cin-number,2023-06,808,"  # replaced where it was
    assert after[-1] == "cin-number,2023-07,812,"
    assert len(after) == len(before) + 1


# --- export -----------------------------------------------------------------------------


def test_export_uses_the_action_plan_layout(tmp_path: Path):
    book = tmp_path / "plan.xlsx"
    result = run("export", "plan", book, "--site", ROOT)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(book)
    # The areas' progress reports have no place in the action plan's table: a sheet of their own.
    assert wb.sheetnames == [*(f"Area {n}" for n in range(1, 9)), "Progress reports"]
    reports = wb["Progress reports"]
    assert [c.value for c in reports[1]] == ["Area id", "As at", "What we have done",
                                            "What we will do next", "What difference it has made"]
    assert (reports["A2"].value, reports["B2"].value) == ("front-door", datetime(2023, 1, 26))
    sheet = wb["Area 1"]
    assert sheet["A1"].value.startswith("1. Effectiveness and timeliness")
    assert (sheet["A2"].value, sheet["B2"].value) == ("Area id:", "front-door")
    assert (sheet["A4"].value, sheet["B4"].value) == ("Reviewed:", datetime(2022, 12, 12))
    header = next(r for r in range(1, 10) if sheet.cell(r, 2).value == "Action needed")
    assert [c.value for c in sheet[header]] == [*HEAD, "Id"]
    first = sheet[header + 1]
    assert first[3].value == datetime(2022, 9, 16)
    assert (first[6].value, first[6].fill.fgColor.rgb[-6:]) == ("Green", "00B050")
    assert first[7].value == "front-door-01"


def test_export_stores_text_as_text(tmp_path: Path, site: Path):
    (site / "data" / "plan").mkdir()
    (site / "data" / "plan" / "01-a.yaml").write_text(
        "id: a\nnumber: 1\ntitle: A\noutcomes:\n  - text: O\n    actions:\n"
        "      - id: a-01\n        action: '=HYPERLINK(\"http://x\")'\n", encoding="utf-8")
    book = tmp_path / "plan.xlsx"
    assert run("export", "plan", book, "--site", site).exit_code == 0
    cell = openpyxl.load_workbook(book)["Area 1"]["B5"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")
    assert run("import", "plan", book, "--site", site).exit_code == 0
    action = load_site(site / "data").areas[0].outcomes[0].actions[0]
    assert action.action == '=HYPERLINK("http://x")'


# --- measure definitions in the scorecard -----------------------------------------------

DEFINED = ["Measure", "Apr-23", "May-23", "June-23", "Target Sept-23", "Target Mar-24",
           "Tolerance", "Good is", "RAG", "DoT"]


def scorecard(tmp_path: Path, rows: list[list], head: list = DEFINED, name="June 2023") -> Path:
    return workbook(tmp_path / "scorecard.xlsx",
                    {name: [["Improvement Plan Report - June 2023"], head, *rows]})


def test_definitions_are_read_created_and_updated_and_printed_ratings_compared(
        nel: Path, tmp_path: Path):
    yaml_file = nel / "data" / "measures.yaml"
    before = yaml_file.read_text(encoding="utf-8")
    book = scorecard(tmp_path, [
        # As in measures.yaml already: nothing to rewrite.
        ["Number of CiN", 735, 788, 807, 800, 800, "720-880", "Within range", "Amber", "↑"],
        # March's target moves from 90 to 95: the record is rewritten in place.
        ["CiN Visits within timescales", "95%", "85%", "90%", "90%", "95%", "≥85", "High",
         "Green", "Improving"],
        # Printed Amber; the linear trajectory gives Red (the site shows Amber, set by hand).
        ["Number of children entering care (cumulative in year)", 7, 19, 42, 60, 120, None,
         "Low", "Amber", "↓"],
        # Not in measures.yaml, and the row defines it: created.
        ["Care leavers in touch", "88%", "91%", "93%", "90%", "95%", "85+", "Higher is better",
         "Green", "Improving"],
    ])
    result = run("import", "measures", book, "--site", nel, "--merge")
    assert result.exit_code == 0, result.output
    assert lines(result)[1:] == [
        # The sheet prints "Low" for children entering care, so its polarity is no longer
        # assumed: polarity_assumed goes.
        f"Definitions in {yaml_file}: created care-leavers-in-touch; updated "
        f"cin-visits-timescale, cla-starts-number.",
        "The printed rating differs from the site's for 2 rows (not an error; check each one):",
        'sheet "June 2023", row 5 ("Number of children entering care (cumulative in year)"): '
        "printed RAG Amber, the rules give Red (42 in June 2023; target 30; lower is better); "
        "the site shows Amber, set by hand",
        'sheet "June 2023", row 5 ("Number of children entering care (cumulative in year)"): '
        "printed down, but the value went from 19 in May 2023 to 42 in June 2023"]
    after = yaml_file.read_text(encoding="utf-8")
    # Only the changed records are rewritten (their fields, as YAML writes them); the new one
    # is added at the end; every comment and every other line stays as written.
    import difflib
    changed = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                      n=0, lineterm="")
               if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed[:3] == ["-    - {by: 2024-03, value: 90}", "-  tolerance: {low: 85}",
                           '-  definition: "% CIN visits in timescales at month end"']
    # The notes (the 17 July figures, docs/north-east-lincolnshire.md) are kept, rewritten too.
    note = "note: {}The June 2023 report also prints {} in its 'Latest' column"
    assert changed[3].startswith("-  " + note.format('"', "89%"))
    assert changed[4:7] == ["+    - {by: 2024-03, value: 95}", "+  tolerance: {low: 85}",
                            "+  definition: '% CIN visits in timescales at month end'"]
    assert changed[7].startswith("+  " + note.format("", "89%"))
    assert changed[8] == "-  polarity_assumed: true"
    assert changed[9].startswith('-    reason: "Scorecard prints Amber for June')
    assert changed[10].startswith("-  " + note.format('"', "45"))
    assert changed[11].startswith("+    reason: 'Scorecard prints Amber for June''s 42")
    assert changed[12].startswith("+  " + note.format("", "45"))
    assert changed[13:] == [
        "+- id: care-leavers-in-touch", "+  name: Care leavers in touch", "+  unit: percent",
        "+  polarity: higher_is_better", "+  targets:", "+    - {by: 2023-09, value: 90}",
        "+    - {by: 2024-03, value: 95}", "+  tolerance: {low: 85}"]
    data = load_site(nel / "data")
    made = data.measure("care-leavers-in-touch")
    assert [(t.by, t.value) for t in made.targets] == [("2023-09", 90), ("2024-03", 95)]
    assert [v.value for v in data.values_of("care-leavers-in-touch")] == [88, 91, 93]
    assert [t.value for t in data.measure("cin-visits-timescale").targets] == [90, 95]
    # Importing it again changes nothing.
    again = run("import", "measures", book, "--site", nel, "--merge")
    assert again.exit_code == 0 and yaml_file.read_text(encoding="utf-8") == after
    assert "Definitions in" not in again.output


@pytest.mark.parametrize("text, tolerance", [
    ("720-880", (720, 880)), ("720 – 880", (720, 880)), ("720 to 880", (720, 880)),
    ("≥85", (85, None)), (">=85%", (85, None)), ("85+", (85, None)), ("85% or more", (85, None)),
    ("≤28", (None, 28)), ("28 or less", (None, 28)), ("1,200-1,500", (1200, 1500)),
    ("Not set", "remove"), ("", None), ("-", None),
])
def test_tolerance_forms(text, tolerance):
    from improvement_site.tracker.definitions import tolerance_of
    assert tolerance_of(text) == (tolerance, None)


@pytest.mark.parametrize("text", ["about 85", "85-", "880-720", "85 +/- 5", "±5", "High"])
def test_tolerances_that_are_not_clear_are_refused(text):
    from improvement_site.tracker.definitions import tolerance_of
    value, error = tolerance_of(text)
    assert value is None and error


@pytest.mark.parametrize("text, polarity", [
    ("High", "higher_is_better"), ("Higher is better", "higher_is_better"),
    ("Good = High", "higher_is_better"), ("Low", "lower_is_better"),
    ("lower is better", "lower_is_better"), ("Within range", "in_range"),
    ("Good = within Target range", "in_range"), ("", None),
])
def test_polarity_words(text, polarity):
    from improvement_site.tracker.definitions import polarity_of
    assert polarity_of(text) == (polarity, None)


def test_definition_problems_are_reported_by_sheet_row_and_column_and_nothing_written(
        nel: Path, tmp_path: Path):
    before = {p: p.read_bytes() for p in (nel / "data").iterdir() if p.is_file()}
    head = ["Measure", "Apr-23", "Target Q3", "Target Mar-24", "Tolerance", "Good is", "RAG",
            "DoT"]
    book = scorecard(tmp_path, [
        ["Number of CiN", 735, None, 800, "about 800", "Good", "Yellow", "sideways"],
        ["Rate of CiN", 222, None, "TBC", "266-218", "Within range", "Green", None],
    ], head=head)
    result = run("import", "measures", book, "--site", nel, "--merge")
    assert result.exit_code == 1
    assert lines(result) == [
        "7 problems importing scorecard.xlsx; nothing was written:",
        'scorecard.xlsx: sheet "June 2023", row 2, column "Target Q3": "Target Q3" is not a '
        'target heading the import knows; name a milestone by its month, e.g. "Target '
        'Sept-23", or map the column in the mapping file',
        'scorecard.xlsx: sheet "June 2023", row 3, column "Tolerance": "about 800" is not a '
        'tolerance the import can read; write a range as "720-880", a lower bound as "≥85" or '
        '"85+", an upper bound as "≤28", or "Not set"',
        'scorecard.xlsx: sheet "June 2023", row 3, column "Good is": "Good" is not a polarity '
        "the import knows; use High, Low or Within range (or Higher is better, Lower is "
        "better)",
        'scorecard.xlsx: sheet "June 2023", row 3, column "RAG": "Yellow" is not a RAG '
        "rating; write Green, Amber or Red",
        'scorecard.xlsx: sheet "June 2023", row 3, column "DoT": "sideways" is not a '
        "direction of travel the import knows; write Improving, Worsening or No change, or "
        "an arrow (↑, ↓, →)",
        'scorecard.xlsx: sheet "June 2023", row 4, column "Target Mar-24": "TBC" is not a '
        'number; write a number such as 90, 90% or 1,024, or leave it blank (or "-") when '
        "there is no figure",
        'scorecard.xlsx: sheet "June 2023", row 4, column "Tolerance": "266-218" is not a '
        "range: 266 is above 218"]
    assert {p: p.read_bytes() for p in (nel / "data").iterdir() if p.is_file()} == before


def test_an_invalid_definition_is_traced_to_its_row_and_nothing_written(
        nel: Path, tmp_path: Path):
    before = (nel / "data" / "measures.yaml").read_bytes()
    book = scorecard(tmp_path, [
        ["Cases open to Early Help", 600, 610, 636, 600, 600, None, "Within range", None, None]])
    result = run("import", "measures", book, "--site", nel, "--merge")
    assert result.exit_code == 1
    import re
    assert re.fullmatch(
        r"scorecard\.xlsx: after import, data/measures\.yaml:\d+: measure eh-open-cases: an "
        r"in_range measure with a target needs tolerance low and high \(the range\) \(from "
        r'sheet "June 2023", row 3\)', lines(result)[1]), lines(result)
    assert (nel / "data" / "measures.yaml").read_bytes() == before


def test_a_row_without_a_definition_still_needs_a_known_name(nel: Path, tmp_path: Path):
    book = scorecard(tmp_path, [["Care leavers in touch", "88%", "91%", "93%", None, None,
                                 None, None, "Green", None]])
    result = run("import", "measures", book, "--site", nel, "--merge")
    assert result.exit_code == 1
    assert 'measure "Care leavers in touch" is not a name or id in data/measures.yaml' in \
        result.output


def test_progress_reports_sheet_problems(site: Path, tmp_path: Path):
    book = workbook(tmp_path / "plan.xlsx", {
        "Area 1": [["1. Front door"], ["Area id:", "front-door"], HEAD,
                   ["Help early", "Audit", None, None, None, None, None]],
        "Progress reports": [["Area id", "As at", "What we have done", "Comments"],
                             ["front-door", "31/02/2023", "Audits."],
                             ["front-dor", datetime(2023, 1, 26), "Audits."]]})
    result = run("import", "plan", book, "--site", site)
    assert result.exit_code == 1
    assert lines(result)[1:] == [
        'plan.xlsx: sheet "Progress reports", row 1, column "Comments": is not a column of '
        "the progress reports sheet; the columns are Area id, As at, What we have done, What "
        "we will do next, What difference it has made, Audience",
        'plan.xlsx: sheet "Progress reports", row 2, column "As at": "31/02/2023" is not a '
        "date: February 2023 has no day 31; write DD/MM/YYYY, e.g. 16/09/2022",
        'plan.xlsx: sheet "Progress reports", row 3, column "Area id": "front-dor" is not the '
        "id of an area in this workbook; the areas are front-door"]
    assert not (site / "data" / "plan").exists()


def test_review_dates_round_trip_at_area_and_action_level(site: Path, tmp_path: Path):
    plan = site / "data" / "plan"
    plan.mkdir()
    (plan / "01-a.yaml").write_text(
        "id: a\nnumber: 1\ntitle: A\nreviewed: 2022-12-12\nupdates:\n  - as_at: 2023-01-20\n"
        "    taken: |-\n      - Did this.\n          - and, nested, that.\n    planned: Next.\n"
        "    audience: committee\noutcomes:\n  - text: O\n    actions:\n      - id: a-01\n"
        "        action: Act\n        reviewed: 2023-01-15\n", encoding="utf-8")
    before = load_site(site / "data").areas[0].model_dump()
    book = tmp_path / "plan.xlsx"
    assert run("export", "plan", book, "--site", site).exit_code == 0
    assert run("import", "plan", book, "--site", site).exit_code == 0
    assert load_site(site / "data").areas[0].model_dump() == before
