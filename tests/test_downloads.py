"""Downloads open safely in a spreadsheet: no cell that data wrote can start a formula.

Excel, LibreOffice and Google Sheets run a cell that starts with = + - @ (and, after a tab or
carriage return, the same) as a formula. The payloads here start cells with each of them and
hold commas and quotes, and the CSVs are read back with the csv module, so a cell is judged as a
spreadsheet would see it, not by splitting lines on commas.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from improvement_site.cli import commands
from improvement_site.publish.downloads import csv_text

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "minimal"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = [
    '=HYPERLINK("https://example.org/x?a=1,b=2","Click")',
    "+SUM(1,2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1,2)",
    "\t=1+1",
    "=1+1",
]


def _cells(text: str):
    for row in csv.reader(io.StringIO(text)):
        yield from row


def _is_number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def _formula_cells(text: str) -> list[str]:
    return [c for c in _cells(text) if c.startswith(FORMULA_STARTS) and not _is_number(c)]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_text_cell_that_would_start_a_formula_is_made_inert(payload):
    text = csv_text(["name", "value"], [(payload, 3)])
    assert _formula_cells(text) == []
    # Still readable: the cell is the payload behind one apostrophe.
    assert list(csv.reader(io.StringIO(text)))[1] == ["'" + payload, "3"]


def test_a_header_from_data_is_made_inert_too():
    assert _formula_cells(csv_text(["period", "=cmd()"], [])) == []


def test_numbers_are_left_alone():
    text = csv_text(["value"], [(-2.5,), (-3,), ("-4",), (7.0,)])
    assert list(_cells(text))[1:] == ["-2.5", "-3", "-4", "7"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The minimal site with formula payloads in names, notes, owners and commentary."""
    root = tmp_path_factory.mktemp("formulas")
    site = root / "site"
    shutil.copytree(FIXTURE, site)
    data = site / "data"
    measures = data / "measures.yaml"
    measures.write_text(measures.read_text(encoding="utf-8").replace(
        "name: Rate of children subject to a child protection plan per 10,000",
        "name: '=HYPERLINK(\"https://example.org/?a=1,b=2\",\"Rate\")'"), encoding="utf-8")
    plan = data / "plan" / "01-front-door.yaml"
    plan.write_text(plan.read_text(encoding="utf-8")
                    .replace("owner: Head of Service", "owner: '@SUM(1,2)'")
                    .replace("progress: All eight posts filled.", "progress: '+SUM(1,2), then'")
                    , encoding="utf-8")
    values = data / "measures.csv"
    values.write_text(values.read_text(encoding="utf-8").replace(
        "provisional", '"-2+3+cmd|\' /C calc\'!A0, yes"'), encoding="utf-8")
    return commands.build(site, root / "out")


def test_no_download_cell_starts_a_formula(built):
    csvs = list(built.rglob("*.csv"))
    assert len(csvs) > 5, "the site should offer its data and every chart as CSV"
    seen = set()
    for path in csvs:
        text = path.read_text(encoding="utf-8")
        assert _formula_cells(text) == [], path.relative_to(built)
        seen.update(c for c in _cells(text) if c.startswith("'"))
    # The payloads did reach the downloads (inert), so the check above looked at them.
    assert any(c.startswith("'=HYPERLINK") for c in seen)
    assert any(c.startswith("'@SUM") for c in seen)
    assert any(c.startswith("'+SUM") for c in seen)
    assert any(c.startswith("'-2+3") for c in seen)


# -- what each download holds ---------------------------------------------------------------
# A small plan made in memory, with the cases the minimal fixture lacks: a RAG set by hand,
# a one-sided tolerance, a measure with no values or polarity, a value after the reporting
# date, a revised due date, linked measures and a visit with several strengths. The files are
# written as a build writes them and read back whole.


def _site():
    from improvement_site.model.sitedata import SiteData
    from improvement_site.model.schema import (Area, Breakdown, Commentary, Measure, Provider,
                                               Site, Value, Visit)
    return SiteData.create(
        root=FIXTURE,
        site=Site(council="Example Council", service="Children's Services", title="Plan – 2024",
                  reporting_date="2024-03-31"),
        areas=[
            Area(id="two", number=2, title="Care leavers", outcomes=[{"text": "Homes", "actions": [
                {"id": "two-01", "action": "Open a hub", "due": "2024-01-01", "status": "delayed",
                 "revised_due": "2024-06-30", "delay_reason": "Building work.",
                 "mitigation": "A temporary room."}]}]),
            Area(id="one", number=1, title="Front door", reviewed="2023-06-30", updates=[
                {"as_at": "2023-12-01", "taken": "Audits began."},
                {"as_at": "2024-03-01", "taken": "Audits weekly.", "planned": "Train, then audit",
                 "impact": "Fewer re-referrals."}], outcomes=[{"text": "Help early",
                                                               "actions": [
                {"id": "one-01", "action": "Audit decisions", "owner": "Head of Service",
                 "due": "2024-01-31", "status": "on_track", "measures": ["m-a", "m-b"]},
                {"id": "one-02", "action": "Recruit", "due": "2023-01-01", "status": "complete",
                 "progress": "Done.", "impact": "Fewer changes of worker.",
                 "reviewed": "2024-03-01"}]}]),
        ],
        measures=[
            Measure(id="m-a", name="Visits – on time", group="Safety", unit="percent",
                    polarity="higher_is_better", target=80, tolerance={"low": 75},
                    rag_override={"rag": "green", "reason": "Small numbers."},
                    comparators=[{"name": "England", "value": 62.5},
                                 {"name": "Neighbours", "value": 70, "period": "2022-23"}],
                    definition="Visits within 10 days.", source="Case system"),
            Measure(id="m-b", name="Referrals"),
            Measure(id="m-c", name="Repeat referrals", polarity="lower_is_better",
                    targets=[{"by": "2024-01", "value": 14}, {"by": "2024-06", "value": 10}],
                    tolerance={"low": 5, "high": 12}),
        ],
        values=[Value(measure="m-a", period="2024-04", value=90),
                Value(measure="m-a", period="2024-02", value=70.0),
                Value(measure="m-a", period="2024-03", value=76, note="provisional"),
                Value(measure="m-c", period="2024-01", value=13),
                Value(measure="m-c", period="2024-03", value=12)],
        commentary=[Commentary(measure="m-a", period="2024-03", working_well="Audits.",
                               worried="Turnover.", doing="Recruiting.")],
        visits=[Visit(id="mv-1", kind="monitoring_visit", number=3, start="2024-02",
                      end="2024-02-21", published="2024-03-15", focus="Front door",
                      inspectors=["A One", "B Two"], areas=["one", "two"],
                      measures=["m-a", "m-c"], summary="Better.", strengths=["Quick.", "Kind."],
                      development=["Records.", "Supervision."])],
        glossary={},
        breakdowns=[Breakdown(id="placements", title="Children in care by placement",
                              period="2024-03", categories=[
                                  {"name": "Foster care", "value": 20, "note": "In house"},
                                  {"name": "Residential", "value": 5}],
                              total=25, areas=["one"], measures=["m-a", "m-c"], note="Snapshot.")],
        providers=[Provider(id="maple", name="Maple House", kind="childrens_home", places=4,
                            inspections=[{"date": "2022-05-01", "grade": "good"},
                                         {"date": "2024-06-01", "grade": "inadequate"},
                                         {"date": "2023-11-20", "grade": "requires_improvement",
                                          "url": "https://example.org/r"}]),
                   Provider(id="oak", name="Oak", kind="other")])


PLAN_HEADER = ("area_id,area_number,area_title,outcome,action_id,action,owner,due,due_note,"
               "revised_due,status,status_label,overdue,progress,impact,delay_reason,mitigation,"
               "measures,reviewed,status_not_recent\n")
PLAN_ONE = (
    "one,1,Front door,Help early,one-01,Audit decisions,Head of Service,2024-01-31,,,on_track,"
    "In progress and on schedule,yes,,,,,m-a;m-b,2023-06-30,yes\n"  # the area's review: old
    "one,1,Front door,Help early,one-02,Recruit,,2023-01-01,,,complete,Completed,no,Done.,"
    "Fewer changes of worker.,,,,2024-03-01,no\n")  # its own review wins, and is recent
PLAN_TWO = (
    "two,2,Care leavers,Homes,two-01,Open a hub,,2024-01-01,,2024-06-30,delayed,"
    "Delayed / not on schedule,no,,,Building work.,A temporary room.,,,\n")  # no date: no claim
EXPECTED = {
    "plan.csv": PLAN_HEADER + PLAN_ONE + PLAN_TWO,
    "plan/one.csv": PLAN_HEADER + PLAN_ONE,
    "plan/two.csv": PLAN_HEADER + PLAN_TWO,
    # Latest is March (April is after the reporting date): 76 is amber by the rules, shown
    # green by hand, and both are given with the reason; a measure with nothing is blank;
    # m-c's RAG is the rules' own, so no computed RAG is repeated beside it.
    "measures.csv": (
        "measure_id,name,group,unit,polarity,latest_period,latest_value,target,tolerance_low,"
        "tolerance_high,rag,computed_rag,rag_reason,direction,comparators,definition,source,"
        "latest_not_recent\n"
        "m-a,Visits – on time,Safety,percent,higher_is_better,2024-03,76,80,75,,green,amber,"
        "Small numbers.,improving,England=62.5;Neighbours=70 (2022-23),"
        "Visits within 10 days.,Case system,no\n"
        "m-b,Referrals,,count,,,,,,,,,,,,,,\n"
        "m-c,Repeat referrals,,count,lower_is_better,2024-03,12,10,5,12,amber,,,improving,,,,"
        "no\n"),
    "values.csv": (
        "measure_id,period,value,note,target,rag\n"
        "m-a,2024-02,70,,80,red\n"
        "m-a,2024-03,76,provisional,80,amber\n"  # each value's own RAG: no override
        "m-a,2024-04,90,,80,green\n"
        "m-c,2024-01,13,,14,green\n"  # the milestone in force in January
        "m-c,2024-03,12,,10,amber\n"),
    "visits.csv": (
        "visit_id,kind,number,start,end,published,focus,inspectors,areas,measures,summary,"
        "strengths,development,published_undated\n"
        'mv-1,monitoring_visit,3,2024-02,2024-02-21,2024-03-15,Front door,A One;B Two,one;two,'
        'm-a;m-c,Better.,"Quick.\n\nKind.","Records.\n\nSupervision.",no\n'),
    "commentary.csv": ("measure_id,period,working_well,worried,doing\n"
                       "m-a,2024-03,Audits.,Turnover.,Recruiting.\n"),
    # Newest first.
    "updates.csv": ("area_id,area_number,as_at,taken,planned,impact,latest\n"
                    'one,1,2024-03-01,Audits weekly.,"Train, then audit",Fewer re-referrals.,yes\n'
                    "one,1,2023-12-01,Audits began.,,,no\n"),
    "breakdowns.csv": (
        "breakdown_id,title,period,unit,category,value,category_note,total,areas,measures,note\n"
        "placements,Children in care by placement,2024-03,count,Foster care,20,In house,25,one,"
        "m-a;m-c,Snapshot.\n"
        "placements,Children in care by placement,2024-03,count,Residential,5,,25,one,"
        "m-a;m-c,Snapshot.\n"),
    # Newest first; the latest as at 31 March 2024 is November's (June's is after it).
    "providers.csv": (
        "provider_id,name,kind,places,inspection_date,grade,grade_label,latest,url,note\n"
        "maple,Maple House,childrens_home,4,2024-06-01,inadequate,Inadequate,no,,\n"
        "maple,Maple House,childrens_home,4,2023-11-20,requires_improvement,"
        "Requires improvement to be good,yes,https://example.org/r,\n"
        "maple,Maple House,childrens_home,4,2022-05-01,good,Good,no,,\n"
        "oak,Oak,other,,,,,,,\n"),
}


@pytest.fixture
def written(tmp_path):
    from improvement_site.publish import downloads
    site = tmp_path / "site"  # not there yet: a build makes it
    paths = downloads.write(_site(), site)
    return site / "downloads", paths


def test_every_download_is_written_and_listed(written):
    folder, paths = written
    assert sorted(p.relative_to(folder).as_posix() for p in paths) == sorted(
        [*EXPECTED, "data.json"])
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.*")) == \
        sorted([*EXPECTED, "data.json"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_csv_holds_exactly_its_rows(written, name):
    folder, _ = written
    assert (folder / name).read_text(encoding="utf-8") == EXPECTED[name]


def test_rewriting_into_an_existing_build_replaces_the_files(written):
    from improvement_site.publish import downloads
    folder, _ = written
    (folder / "plan.csv").write_text("stale", encoding="utf-8")
    downloads.write(_site(), folder.parent)
    assert (folder / "plan.csv").read_text(encoding="utf-8") == EXPECTED["plan.csv"]


def test_data_json_holds_the_site_and_every_table_as_the_csvs_do(written):
    from improvement_site.publish import downloads
    folder, _ = written
    text = (folder / "data.json").read_text(encoding="utf-8")
    assert text == downloads.data_json(_site())  # the same, given rows or not
    document = json.loads(text)
    assert list(document) == ["breakdowns", "commentary", "measures", "plan", "providers",
                              "site", "updates", "values", "visits"]
    assert document["site"] == {"brand_colour": None, "contact": None,
                                "council": "Example Council", "logo": None,
                                "judgements": None, "meeting": None, "rag_rules": None,
                                "reporting_date": "2024-03-31", "stale_after_days": 120,
                                "service": "Children's Services", "title": "Plan – 2024"}
    for name in ("plan", "measures", "values", "visits", "commentary", "updates", "breakdowns",
                 "providers"):
        rows = list(csv.DictReader(io.StringIO(EXPECTED[f"{name}.csv"])))
        as_text = [{k: "" if v is None else str(v) for k, v in r.items()}
                   for r in document[name]]
        assert as_text == rows, name
    # Whole numbers are numbers without a decimal point; others keep theirs.
    values = document["values"]
    assert [v["value"] for v in values] == [70, 76, 90, 13, 12]
    assert all(type(v["value"]) is int for v in values)
    assert document["measures"][1]["latest_value"] is None
    assert document["measures"][0]["rag_reason"] == "Small numbers."


def test_data_json_is_one_record_a_line_with_sorted_keys(written):
    folder, _ = written
    lines = (folder / "data.json").read_text(encoding="utf-8").split("\n")
    assert lines[:2] == ["{", '"breakdowns": ['] and lines[-3:] == ["]", "}", ""]
    assert lines[lines.index('"measures": [') - 1] == "],"
    records = [line.rstrip(",") for line in lines if line.startswith("{\"")]
    # breakdowns, commentary, measures, plan, providers, updates, values, visits
    assert len(records) == 2 + 1 + 3 + 3 + 4 + 2 + 5 + 1
    for line in records:
        keys = list(json.loads(line))
        assert keys == sorted(keys)
    site = next(line for line in lines if line.startswith('"site": '))
    assert site.endswith("},") and list(json.loads(site[8:-1])) == sorted(json.loads(site[8:-1]))
    # Readable as written: no \u escapes for a dash.
    assert '"Visits – on time"' in "\n".join(lines) and '"Plan – 2024"' in "\n".join(lines)


def test_row_counts_match_the_files(written):
    from improvement_site.publish import downloads
    assert downloads.row_counts(_site()) == {"plan": 3, "measures": 3, "values": 5,
                                             "visits": 1, "commentary": 1, "updates": 2,
                                             "breakdowns": 2, "providers": 4}


def test_csv_lines_end_with_a_line_feed_and_empty_cells_are_empty():
    assert csv_text(["a", "b"], [(None, 1.0), ("x", None)]) == "a,b\n,1\nx,\n"


@pytest.mark.parametrize("cell", ["-5%", "-1,234", "+3.5", "-0.25%", "-1,234.5%"])
def test_signed_numbers_as_a_spreadsheet_reads_them_are_left_alone(cell):
    # A spreadsheet reads these as numbers, not formulas: an apostrophe would turn them to text.
    assert list(csv.reader(io.StringIO(csv_text(["v"], [(cell,)])))) == [["v"], [cell]]


@pytest.mark.parametrize("cell", ["-5 days", "+44 20 7946 0000", "-5X", "=5"])
def test_text_that_only_starts_like_a_number_is_made_inert(cell):
    assert list(csv.reader(io.StringIO(csv_text(["v"], [(cell,)])))) == [["v"], ["'" + cell]]
