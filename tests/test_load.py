"""Loading and validation: every kind of bad input yields its exact message, with file and
line, a non-zero exit and no output at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from improvement_site.cli.main import main
from improvement_site.data.load import load_site
from improvement_site.data.problems import DataError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BAD = sorted(p.name for p in FIXTURES.glob("bad_*"))


def test_every_error_kind_has_a_fixture():
    kinds = {"yaml_syntax", "unknown_field", "wrong_type", "date", "status", "duplicate_id",
             "dangling_reference", "csv_value", "delayed_without_mitigation", "duplicate_key",
             "many_problems", "updates", "breakdowns", "providers", "v2_fields"}
    assert {name.removeprefix("bad_") for name in BAD} >= kinds


@pytest.mark.parametrize("name", BAD)
def test_bad_fixture_gives_its_exact_messages_and_writes_nothing(name, tmp_path):
    site = FIXTURES / name
    expected = (site / "expected.txt").read_text(encoding="utf-8").splitlines()
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(site), "--out", str(out)])
    assert result.exit_code == 1
    lines = [line.strip() for line in result.output.splitlines()]
    assert lines[0].startswith(f"{len(expected)} problem")
    # Each file is named from the site folder as it was typed on the command line.
    assert lines[1:] == [f"{site.as_posix()}/{line}" for line in expected]
    assert "Traceback" not in result.output
    assert not out.exists()
    assert not any(tmp_path.iterdir()), "a failed build left files behind"


def test_validate_reports_same_problems(tmp_path):
    result = CliRunner().invoke(main, ["validate", str(FIXTURES / "bad_many_problems")])
    assert result.exit_code == 1
    assert 'status "amber" is not one of complete, on_track, delayed, not_started' in result.output


def test_failed_build_keeps_previous_site(tmp_path):
    out = tmp_path / "site"
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(FIXTURES / "minimal"), "--out", str(out)]).exit_code == 0
    before = (out / "index.html").read_bytes()
    assert runner.invoke(main, ["build", str(FIXTURES / "bad_status"), "--out", str(out)]).exit_code == 1
    assert (out / "index.html").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_lines_and_values_are_kept_and_frozen():
    data = load_site(FIXTURES / "minimal" / "data")
    action = data.actions().__next__()[2]
    assert action.where("status") == ("data/plan/01-front-door.yaml", 13)
    with pytest.raises(Exception):
        action.status = "delayed"  # the model is frozen: nothing downstream can change it
    values = data.values_of("visits-in-time")
    assert [v.value for v in values] == [91, None, 87]  # empty is "not available", not zero


def test_yaml_1_1_surprises_are_avoided(tmp_path):
    site = _copy_minimal(tmp_path)
    glossary = site / "data" / "glossary.yaml"
    glossary.write_text("NO: Notice of Objection\nON: Ofsted Notice\n", encoding="utf-8")
    data = load_site(site / "data")
    assert data.glossary["NO"] == "Notice of Objection"  # not the boolean False


def test_bom_and_crlf_are_accepted(tmp_path):
    site = _copy_minimal(tmp_path)
    path = site / "data" / "measures.csv"
    text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert len(load_site(site / "data").values_of("cp-rate")) == 3


def test_not_utf8_is_a_clear_error(tmp_path):
    site = _copy_minimal(tmp_path)
    path = site / "data" / "visits.yaml"
    path.write_bytes(path.read_bytes().replace(b"The front door", b"The front door \xa3"))
    with pytest.raises(DataError) as info:
        load_site(site / "data")
    assert [str(p) for p in info.value.problems] == [
        "data/visits.yaml:13: is not UTF-8 text (byte 0xa3); save the file as UTF-8"]


def test_missing_site_yaml(tmp_path):
    (tmp_path / "data").mkdir()
    with pytest.raises(DataError) as info:
        load_site(tmp_path / "data")
    assert "data/site.yaml: is missing" in str(info.value)


def _copy_minimal(tmp_path: Path) -> Path:
    import shutil
    shutil.copytree(FIXTURES / "minimal", tmp_path / "site")
    return tmp_path / "site"


# -- hostile input: every kind of field, every file -------------------------------------------


def _problems(site: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        load_site(site / "data")
    return [str(p) for p in info.value.problems]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_control_characters_are_refused_in_every_kind_of_field(tmp_path):
    """A control character in a measure name passed validation, then the SVG renderer
    aborted the build (exit 134). YAML escapes put them in any text; each is named."""
    site = _copy_minimal(tmp_path)
    data = site / "data"
    _edit(data / "measures.yaml", "name: Child protection visits within timescale",
          'name: "Child\\vprotection"')  # a YAML escape: the file itself is clean
    _edit(data / "visits.yaml", "  inspectors: [Inspector One, Inspector Two]",
          '  inspectors: [Inspector One, "Inspector\\x9bTwo"]')  # a C1 control character
    _edit(data / "plan" / "01-front-door.yaml", "progress: All eight posts filled.",
          'progress: "All eight\\x7f posts"')
    _edit(data / "commentary.yaml", "doing: A review of every plan over 18 months.",
          'doing: "\\bA review"')
    _edit(data / "site.yaml", "title: Improvement progress", 'title: "Improvement\\0"')
    (data / "glossary.yaml").write_text('TEST: "Test\\eTerm"\n', encoding="utf-8")
    _edit(data / "measures.csv", "cp-rate,2024-03,97,provisional",
          "cp-rate,2024-03,97,pro\x0cvisional")
    assert _problems(site) == [
        "data/commentary.yaml:5: commentary for cp-rate 2024-03: doing contains a control "
        "character (U+0008) at position 1; remove it",
        "data/glossary.yaml:1: glossary entry TEST: meaning contains a control character "
        "(U+001B) at position 5; remove it",
        "data/measures.csv:4: measure cp-rate: note contains a control character (U+000C) at "
        "position 4; remove it",
        "data/measures.yaml:14: measure visits-in-time: name contains a control character "
        "(U+000B) at position 6; remove it",
        "data/plan/01-front-door.yaml:14: action front-door-01: progress contains a control "
        "character (U+007F) at position 10; remove it",
        "data/site.yaml:8: site: meeting.title contains a control character (U+0000) at "
        "position 12; remove it",
        "data/visits.yaml:14: visit mv-2024-02: inspectors[2] contains a control character "
        "(U+009B) at position 10; remove it",
    ]


def test_control_characters_written_in_a_file_are_all_found_and_the_rest_still_read(tmp_path):
    site = _copy_minimal(tmp_path)
    path = site / "data" / "visits.yaml"
    raw = path.read_bytes().replace(b"The front door", "The\x1b front\x85 door".encode())
    path.write_bytes(raw.replace(b"kind: monitoring_visit", b"kind: monitoring"))
    assert _problems(site) == [
        "data/visits.yaml:9: visit mv-2024-02: kind \"monitoring\" is not one of "
        "full_inspection, monitoring_visit, focused_visit, jtai",
        "data/visits.yaml:13: contains a control character (U+001B) at column 13 that a text "
        "file cannot hold; delete it",
        "data/visits.yaml:13: contains a control character (U+0085) at column 20 that a text "
        "file cannot hold; delete it",
    ]


def test_tabs_and_crlf_line_ends_are_not_control_characters(tmp_path):
    site = _copy_minimal(tmp_path)
    for path in (site / "data").rglob("*.yaml"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    _edit(site / "data" / "measures.yaml", "name: Child protection visits within timescale",
          'name: "Child protection\\tvisits\\nwithin timescale"')
    assert load_site(site / "data").measure("visits-in-time").name == (
        "Child protection\tvisits\nwithin timescale")


def test_a_found_value_cannot_drive_the_terminal(tmp_path):
    site = _copy_minimal(tmp_path)
    _edit(site / "data" / "plan" / "01-front-door.yaml", "status: on_track",
          'status: "\\e[2J\\u202eamber"')
    [problem] = _problems(site)
    assert "\x1b" not in problem and "\u202e" not in problem
    assert 'status "\\x1b[2J\\u202eamber" is not one of' in problem


@pytest.mark.parametrize("written, message", [
    (".nan", "target is NaN (not a number); write a number from -1,000,000,000,000 to "
             "1,000,000,000,000"),
    (".inf", "target is infinite; write a number from -1,000,000,000,000 to "
             "1,000,000,000,000"),
    ("-.Inf", "target is infinite; write a number from -1,000,000,000,000 to "
              "1,000,000,000,000"),
    ("1.5e+13", "target 1.5e+13 is too large; write a number from -1,000,000,000,000 to "
                "1,000,000,000,000"),
    ("-1000000000001", "target -1,000,000,000,001 is too large; write a number from "
                       "-1,000,000,000,000 to 1,000,000,000,000"),
    ("9" * 5000, "target has 5,000 digits, far too many; write a number from "
                 "-1,000,000,000,000 to 1,000,000,000,000"),
    ('"1e400"', "target is infinite; write a number from -1,000,000,000,000 to "
                "1,000,000,000,000"),
    ("true", "target should be a number, found true"),
])
def test_numbers_that_are_not_finite_or_are_huge_are_refused_with_their_line(
        tmp_path, written, message):
    """`.nan`, `.inf` and a 5000-digit integer passed validate; the build then failed with a
    traceback or "Exceeds the limit (4300 digits)" and no file or line."""
    site = _copy_minimal(tmp_path)
    _edit(site / "data" / "measures.yaml", "target: 90", f"target: {written}")
    assert _problems(site) == [f"data/measures.yaml:18: measure visits-in-time: {message}"]


def test_every_number_field_has_the_same_rule(tmp_path):
    site = _copy_minimal(tmp_path)
    data = site / "data"
    big = "1" * 4400  # past Python's int conversion limit inside the YAML loader
    _edit(data / "measures.yaml", "{by: 2024-03, value: 83}", "{by: 2024-03, value: .nan}")
    _edit(data / "measures.yaml", "tolerance: {low: 76, high: 91}",
          f"tolerance: {{low: -.inf, high: {big}}}")
    _edit(data / "measures.yaml", "{name: England, value: 43.2", "{name: England, value: 2e12")
    _edit(data / "plan" / "01-front-door.yaml", "number: 1", "number: 10000000000000")
    _edit(data / "visits.yaml", "number: 1", f"number: {big}")
    _edit(data / "measures.csv", "cp-rate,2024-01,86,", "cp-rate,2024-01,1e13,")
    _edit(data / "measures.csv", "cp-rate,2024-02,88,", f"cp-rate,2024-02,{big},")
    _edit(data / "measures.csv", "visits-in-time,2024-01,91,", "visits-in-time,2024-01,nan,")
    advice = "write a number from -1,000,000,000,000 to 1,000,000,000,000"
    assert _problems(site) == [
        f'data/measures.csv:2: measure cp-rate: value "1e13" is too large; {advice}',
        f'data/measures.csv:3: measure cp-rate: value "{big[:59]}…" is too large; {advice}',
        'data/measures.csv:5: measure visits-in-time: value "nan" is not a number; leave it '
        'empty for "not available" (put words in note)',
        f"data/measures.yaml:7: measure cp-rate: targets[1].value is NaN (not a number); {advice}",
        f"data/measures.yaml:9: measure cp-rate: tolerance.high has 4,400 digits, far too many; "
        f"{advice}",
        f"data/measures.yaml:9: measure cp-rate: tolerance.low is infinite; {advice}",
        f"data/measures.yaml:12: measure cp-rate: comparators[2].value 2e+12 is too large; "
        f"{advice}",
        f"data/plan/01-front-door.yaml:2: area front-door: number 10,000,000,000,000 is too "
        f"large; {advice}",
        f"data/visits.yaml:10: visit mv-2024-02: number has 4,400 digits, far too many; {advice}",
    ]


def test_length_limits_come_from_the_schema_and_are_worded(tmp_path):
    from improvement_site.model.schema import ID, MARKDOWN, NAME, TEXT
    site = _copy_minimal(tmp_path)
    data = site / "data"
    _edit(data / "measures.yaml", "name: Child protection visits within timescale",
          "name: " + "n" * NAME.limit)  # at the limit: fine
    _edit(data / "plan" / "01-front-door.yaml",
          "title: Responses when children's needs are first presented to the MASH",
          "title: " + "t" * (NAME.limit + 1))
    _edit(data / "plan" / "01-front-door.yaml", "owner: Service Manager",
          "owner: " + "o" * (TEXT.limit + 1))
    _edit(data / "visits.yaml", "summary: Leaders know the service well.",
          "summary: " + "s" * (MARKDOWN.limit + 1))
    _edit(data / "visits.yaml", "areas: [front-door]\n  measures",
          f"areas: [front-door, {'a' * (ID.limit + 1)}]\n  measures")
    _edit(data / "measures.csv", "cp-rate,2024-03,97,provisional",
          "cp-rate,2024-03,97," + "p" * (TEXT.limit + 1))
    assert _problems(site) == [
        "data/measures.csv:4: measure cp-rate: note is 1,501 characters long; a short text may "
        "be at most 1,500 characters, so shorten it",
        "data/plan/01-front-door.yaml:3: area front-door: title is 501 characters long; a name "
        "or title may be at most 500 characters, so shorten it",
        "data/plan/01-front-door.yaml:17: action front-door-02: owner is 1,501 characters long; "
        "a short text may be at most 1,500 characters, so shorten it",
        "data/visits.yaml:15: visit mv-2024-02: areas[2] is 101 characters long; an id may be at "
        "most 100 characters, so shorten it",
        "data/visits.yaml:17: visit mv-2024-02: summary is 20,001 characters long; a Markdown "
        "text may be at most 20,000 characters, so shorten it",
    ]


def _kind_of(annotation):
    """The schema.Kind a field's annotation carries (inside Optional, list, Annotated)."""
    import typing

    from improvement_site.model import schema
    for arg in typing.get_args(annotation):
        if isinstance(arg, schema.Kind):
            return arg
        found = _kind_of(arg)
        if found:
            return found
    return None


def _text_ratios(record, out: list) -> None:
    """(length / limit, field) for every text of a validated record and the records in it."""
    from improvement_site.model import schema
    for name, info in type(record).model_fields.items():
        kind = next((m for m in info.metadata if isinstance(m, schema.Kind)), None) or \
            _kind_of(info.annotation)
        value = getattr(record, name)
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(item, schema.Record):
                _text_ratios(item, out)
            elif isinstance(item, str) and kind and kind.limit:
                out.append((len(item) / kind.limit, f"{type(record).__name__}.{name}"))


@pytest.mark.parametrize("site", ["data", "examples/north-east-lincolnshire/data",
                                  "tests/fixtures/minimal/data"])
def test_the_bundled_sites_are_well_inside_the_limits(site):
    """The limits are far above real text: every text of the bundled sites is under half of
    its limit (the longest, an area title of 203 characters, is 41% of a name's 500)."""
    data = load_site(FIXTURES.parent.parent / site)
    ratios: list = []
    for record in (data.site, *data.areas, *data.measures, *data.commentary, *data.visits):
        _text_ratios(record, ratios)
    assert len(ratios) > 20
    assert max(ratios) < (0.5, "")


# -- every problem in one run -------------------------------------------------------------------


def test_cross_file_checks_see_records_that_failed_their_own_validation(tmp_path):
    """A field error in plan file A used to hide A's records from the cross-file checks, so a
    duplicate id across A and B, or a dangling reference in A, appeared only on the next run."""
    site = _copy_minimal(tmp_path)
    data = site / "data"
    plan = data / "plan" / "01-front-door.yaml"
    _edit(plan, "status: on_track", "status: amber")  # the field error: the area fails
    _edit(plan, "progress: All eight posts filled.",
          "progress: All eight posts filled.\n        measures: [cp-rte]")
    (data / "plan" / "02-workforce.yaml").write_text(
        "id: workforce\nnumber: 1\ntitle: A stable workforce\noutcomes:\n"
        "  - text: Children keep their social worker.\n    actions:\n"
        "      - id: workforce-01\n        action: Recruit\n"
        "      - id: front-door-02\n        action: Retain\n", encoding="utf-8")
    _edit(data / "site.yaml", "reporting_date: 2024-03-31", "reporting_date: 2024-02-30")
    _edit(data / "site.yaml", "inspection: ilacs-2023", "inspection: ilacs-2032")
    assert _problems(site) == [
        "data/plan/01-front-door.yaml:15: action front-door-01: measures \"cp-rte\" is not a "
        "measure id in data/measures.yaml; did you mean \"cp-rate\"?",
        "data/plan/01-front-door.yaml:20: action front-door-02: status \"amber\" is not one of "
        "complete, on_track, delayed, not_started",
        "data/plan/02-workforce.yaml:2: area workforce: number 1 is also used by area "
        "front-door; each area needs its own number",
        "data/plan/02-workforce.yaml:9: action front-door-02: id \"front-door-02\" is used twice "
        "(first at data/plan/01-front-door.yaml:16); ids must be unique",
        "data/site.yaml:4: site: reporting_date \"2024-02-30\" is not a real date: February 2024 "
        "has 29 days",
        "data/site.yaml:12: site: judgements.inspection \"ilacs-2032\" is not a visit id in "
        "data/visits.yaml; did you mean \"ilacs-2023\"?",
    ]


def test_a_reference_to_a_record_with_its_own_error_is_not_reported_again(tmp_path):
    site = _copy_minimal(tmp_path)
    _edit(site / "data" / "measures.yaml", "unit: rate_per_10000", "unit: rate")
    assert _problems(site) == [
        'data/measures.yaml:4: measure cp-rate: unit "rate" is not one of count, percent, '
        "rate_per_10000, days"]


@pytest.mark.parametrize("written, message", [
    ("2025-02-30", '"2025-02-30" is not a real date: February 2025 has 28 days'),
    ("2024-02-30", '"2024-02-30" is not a real date: February 2024 has 29 days'),
    ("2025-04-31", '"2025-04-31" is not a real date: April 2025 has 30 days'),
    ("2025-13-01", '"2025-13-01" is not a real date: there is no month 13'),
    ("2025-00-10", '"2025-00-10" is not a real date: there is no month 0'),
    ("2025-01-00", '"2025-01-00" is not a real date: there is no day 0'),
    ("30/09/2023", '"30/09/2023" is not a date; write it as YYYY-MM-DD, e.g. 2024-09-11'),
])
def test_an_impossible_date_is_told_what_is_wrong_with_it(tmp_path, written, message):
    site = _copy_minimal(tmp_path)
    _edit(site / "data" / "plan" / "01-front-door.yaml", "due: 2023-09-30", f"due: {written}")
    assert _problems(site) == [
        f"data/plan/01-front-door.yaml:12: action front-door-01: due {message}"]


def test_an_impossible_month_is_told_what_is_wrong_with_it(tmp_path):
    site = _copy_minimal(tmp_path)
    _edit(site / "data" / "measures.yaml", "{by: 2024-09, value: 68}", "{by: 2024-13, value: 68}")
    _edit(site / "data" / "visits.yaml", "start: 2023-05-08", "start: 2023-00")
    assert _problems(site) == [
        'data/measures.yaml:8: measure cp-rate: targets[2].by "2024-13" is not a real month: '
        "there is no month 13",
        'data/visits.yaml:3: visit ilacs-2023: start "2023-00" is not a real month: there is no '
        "month 0",
    ]


def test_did_you_mean_only_for_a_close_id(tmp_path):
    site = _copy_minimal(tmp_path)
    _edit(site / "data" / "visits.yaml", "areas: [front-door]\n  measures: [cp-rate]",
          "areas: [front-dor]\n  measures: [placements]")
    assert _problems(site) == [
        'data/visits.yaml:15: visit mv-2024-02: areas "front-dor" is not an area id in '
        'data/plan/; did you mean "front-door"?',
        'data/visits.yaml:16: visit mv-2024-02: measures "placements" is not a measure id in '
        "data/measures.yaml",
    ]


# -- lines of list items -----------------------------------------------------------------------


def test_an_error_in_the_third_item_of_a_list_is_reported_at_that_item(tmp_path):
    """The line of each list item is kept (yamlfile.LineList.lines): an error in the third
    item names the third item's line, not the line where the list starts."""
    site = _copy_minimal(tmp_path)
    data = site / "data"
    _edit(data / "plan" / "01-front-door.yaml", "measures: [cp-rate]",
          "measures:\n  - cp-rate\n  - visits-in-time\n  - Not_An_Id")
    _edit(data / "plan" / "01-front-door.yaml", "        due_note: Ongoing",
          "        due_note: Ongoing\n      - just a sentence")
    _edit(data / "visits.yaml", "  development:\n    - Quality of recording.",
          '  development:\n    - Quality of recording.\n    - Supervision.\n    - "Audit\\v"')
    assert _problems(site) == [
        'data/plan/01-front-door.yaml:8: area front-door: measures[3] "Not_An_Id" is not a '
        "valid id; use lowercase letters, digits and single hyphens, e.g. front-door",
        "data/plan/01-front-door.yaml:36: area front-door: outcomes[2].actions[3] should be a "
        'set of fields (a mapping), found "just a sentence"',
        "data/visits.yaml:23: visit mv-2024-02: development[3] contains a control character "
        "(U+000B) at position 6; remove it",
    ]


# -- Markdown that would take the renderer too long ---------------------------------------------

# Runs that Python-Markdown handles in time growing with the square of their length (or, for
# nested list markers, that overflow its recursion), and their neighbours.
MARKDOWN_RUNS = ["[", "*_[", "[](", "[a](", '[a](x"y) ', "[a][", "[*", "![", "](", "(", "\\[",
                 "`", "`a", "<", "<a", "&", "&#1;", "*", "_", "*a", "_a", "**a", "*_", "#",
                 "\n", "\n ", "-\n", "=\n", "a\n-\n", "a\n=\n", "***\n", "___\n", "- - -\n",
                 "1. ", "- ", "> ", ">", "> 1. ", "*[a]: x\n", "[r]: http://x\n", "a  \n"]


def _largest_accepted(make, top: int) -> int:
    """The largest n for which make(n) passes validation (0 if none), by bisection."""
    from pydantic import TypeAdapter, ValidationError

    from improvement_site.model import schema
    adapter = TypeAdapter(schema.Markdown)

    def ok(n: int) -> bool:
        try:
            adapter.validate_python(make(n))
            return True
        except ValidationError:
            return False

    low, high = 0, top
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if ok(mid) else (low, mid - 1)
    return low


def _worst_markdown():
    """The worst text the validator accepts for each run: as many repeats as it allows, alone,
    followed by plain text up to the length limit, and nested."""
    from improvement_site.model.schema import MARKDOWN
    limit = MARKDOWN.limit
    for run in MARKDOWN_RUNS:
        alone = lambda n, run=run: run * n  # noqa: E731
        n = _largest_accepted(alone, limit // len(run))
        yield f"{run!r} x {n}", alone(n)
        padded = lambda n, run=run: (run * n + "a" * limit)[:limit]  # noqa: E731
        n = _largest_accepted(padded, limit // len(run))
        yield f"{run!r} x {n} then text", padded(n)
    for open_, close in (("[", "]"), ("[a](", ")"), ("*", "*"), ("_", "_"), ("> ", "\n")):
        nested = lambda d, o=open_, c=close: ((o * d + "x" + c * d) * limit)[:limit]  # noqa: E731
        d = _largest_accepted(nested, limit // (len(open_) + len(close) + 1) // 2)
        yield f"{open_!r} nested {d} deep", nested(d)


def test_markdown_the_validator_accepts_renders_in_well_under_a_second():
    """20 KB of "[" took 43 s to render and 200 KB of "*_[" over ten minutes. Whatever the
    validator accepts, the renderer finishes in well under a second (the slowest takes about
    0.25 s). Timed in this process's CPU seconds, not on the wall clock: on a machine shared
    with other work the wall clock measures the queue for a CPU, and the failures this guards
    against take tens of seconds of CPU."""
    import time

    from improvement_site.pages.text import TextRenderer
    renderer = TextRenderer({})
    slow = []
    for name, text in _worst_markdown():
        started = time.process_time()
        renderer.block(text)
        seconds = time.process_time() - started
        if seconds >= 1:
            slow.append(f"{name}: {seconds:.2f} s")
    assert slow == []


@pytest.mark.parametrize("text", [
    "[" * 20_000, "*_[" * 6_666, "[](" * 6_666, '[a](x"y) ' * 2_222, "[" * 10_000 + "]" * 10_000,
    "1. " * 600, "> " * 10_000, "\n" * 20_000, "a" + "\n" * 10_000 + "a", "-\n" * 10_000,
    "a\n=\n" * 5_000, "___\n" * 5_000, "*[a]: x\n" * 2_000,
])
def test_the_slow_markdown_is_refused_with_advice(text):
    from pydantic import ValidationError

    from improvement_site.model import schema
    with pytest.raises(ValidationError) as info:
        schema.Measure.model_validate({"id": "m", "name": "M", "note": text})
    [error] = info.value.errors()
    assert error["type"] == "value_error" and "; " in str(error["ctx"]["error"])


def test_markdown_people_write_is_accepted():
    from improvement_site.model import schema
    text = ("Progress since **March**: see [the report](https://example.org/report \"Report\") "
            "and [annex 1][a] (published). Next steps:\n\n1. Recruit\n2. Train\n   - in house\n"
            "   - with partners\n\n> Quoted from the letter [1].\n\n---\n\nHeading\n=======\n\n"
            "*[LADO]: Local Authority Designated Officer\n\n[a]: https://example.org/annex\n")
    note = schema.Measure.model_validate({"id": "m", "name": "M", "note": text * 15}).note
    assert note == text * 15
