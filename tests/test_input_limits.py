"""Input a careless or hostile data editor can give (issue 20, items 8, 9, 10 and 12): a file
name git has to quote in an earlier release, numbers YAML 1.1 would change silently, dates
written in other scripts' digits, and more records than any plan has. Each is refused in words
(file, line, field; exit 1) or read correctly, never a crash and never a silent change."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from helpers import commit_all, init_repo
from improvement_site.cli.main import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _copy_minimal(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "minimal", site)
    return site


def _run(*args: str):
    return CliRunner().invoke(main, [*args])


# --- 8: a file name that is not plain ASCII in an earlier release ----------------------------


def test_a_release_holding_a_file_name_that_is_not_ascii_is_read_by_later_builds(tmp_path):
    """git quotes such names in its ordinary output ("data/plan/01-\\303\\251.yaml"), which is
    no path under data/: every build after the release failed with an internal error."""
    from improvement_site.data.load import load_site
    from improvement_site.publish.history import load_history

    repo = tmp_path
    site = _copy_minimal(repo)
    (site / "data" / "plan" / "01-front-door.yaml").rename(site / "data" / "plan" / "01-é.yaml")
    (site / "content" / "café.md").write_text("# Café\n\nNotes.\n", encoding="utf-8")
    init_repo(repo)
    commit_all(repo, "The first meeting", "meeting-2024-01-10")

    history = load_history(load_site(site / "data"), site / "data", "public")
    assert [s.release.tag for s in history.earlier] == ["meeting-2024-01-10"]
    assert history.unreadable == ()
    assert history.earlier[0].data.areas[0].id == "front-door"

    result = _run("build", str(site), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "index.html").is_file()


def _edit(site: Path, edits: list[tuple[str, str, str]]) -> None:
    """Each (file under data/, text, replacement)."""
    for name, old, new in edits:
        path = site / "data" / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {path}"
        path.write_text(text.replace(old, new), encoding="utf-8")


def _refused(site: Path, *command: str) -> list[str]:
    """Run `validate` (or `command`) on the site: it must exit 1, never with an internal error;
    the problems it lists, the files named from data/."""
    result = _run(*(command or ("validate",)), str(site))
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output
    return [line.replace(f"  {site / 'data'}/", "") for line in result.output.splitlines()[1:]]


# --- 9: numbers YAML 1.1 would change silently ---------------------------------------------


NUMBER_FORMS = [("measures.yaml", "value: 83}", "value: 075}"),
                ("measures.yaml", "target: 90", "target: 1:30"),
                ("measures.yaml", "value: 62,", "value: 0x1F,"),
                ("visits.yaml", "number: 1\n", "number: 0b101\n")]


def test_numbers_yaml_1_1_would_change_are_refused_by_validate_with_file_line_and_field(tmp_path):
    site = _copy_minimal(tmp_path)
    _edit(site, NUMBER_FORMS)
    assert _refused(site) == [
        'measures.yaml:7: targets[1].value "075" starts with 0, which YAML reads as the octal '
        'number 61; write 75, or quote it: "075"',
        'measures.yaml:11: comparators[1].value "0x1F" is a hexadecimal number (31); write 31, '
        'or quote it: "0x1F"',
        'measures.yaml:18: target "1:30" is read by YAML as a number in base 60 (90); write 90, '
        'or quote it: "1:30"',
        'visits.yaml:10: number "0b101" is a binary number (5); write 5, or quote it: "0b101"']

    # Put back, and "075" quoted: the number a person reads, 75.
    _edit(site, [(name, new, old) for name, old, new in NUMBER_FORMS[1:]])
    _edit(site, [("measures.yaml", "value: 075}", 'value: "075"}')])
    from improvement_site.data.load import load_site
    assert load_site(site / "data").measures[0].targets[0].value == 75


# --- 10: dates written in other scripts' digits ----------------------------------------------


def test_other_digits_in_measures_csv_are_refused_by_validate_not_an_internal_error(tmp_path):
    site = _copy_minimal(tmp_path)
    with open(site / "data" / "measures.csv", "a", encoding="utf-8") as f:
        f.write("cp-rate,٢٠٢٤-٠٤,٩٠,\ncp-rate,2024-05,９０,\n")
    assert _refused(site) == [
        'measures.csv:8: measure cp-rate: period "٢٠٢٤-٠٤" has a digit other than 0-9 ("٢"); a '
        "period must be written with the digits 0-9, such as 2024-04 (a month) or 2024-04-17 (a "
        "snapshot date)",
        'measures.csv:8: measure cp-rate: value "٩٠" has a digit other than 0-9; write numbers '
        "with the digits 0-9, such as 90",
        'measures.csv:9: measure cp-rate: value "９０" has a digit other than 0-9; write numbers '
        "with the digits 0-9, such as 90"]


def test_other_digits_in_dates_are_refused_by_validate_so_build_never_meets_them(tmp_path):
    site = _copy_minimal(tmp_path)
    _edit(site, [("commentary.yaml", "period: 2024-03", "period: ٢٠٢٤-٠٣"),
                 ("visits.yaml", "start: 2023-05-08", "start: ٢٠٢٣-٠٥-٠٨"),
                 ("visits.yaml", "start: 2024-02-20", "start: ２０２４-０２"),
                 ("site.yaml", "reporting_date: 2024-03-31", "reporting_date: 2024-03-3١"),
                 ("measures.yaml", "target: 90", "target: ٩٠")])
    assert _refused(site, "build", "--out", str(tmp_path / "out")) == [
        'commentary.yaml:2: commentary for cp-rate ٢٠٢٤-٠٣: period "٢٠٢٤-٠٣" has a digit other '
        'than 0-9 ("٢"); a period must be written with the digits 0-9, such as 2024-04 (a '
        "month) or 2024-04-17 (a snapshot date)",
        'measures.yaml:18: measure visits-in-time: target "٩٠" has a digit other than 0-9 ("٩"); '
        "a number must be written with the digits 0-9, such as 90",
        'site.yaml:4: site: reporting_date "2024-03-3١" has a digit other than 0-9 ("١"); a date '
        "must be written with the digits 0-9, such as 2024-09-11",
        'visits.yaml:3: visit ilacs-2023: start "٢٠٢٣-٠٥-٠٨" has a digit other than 0-9 ("٢"); '
        "a date must be written with the digits 0-9, such as 2024-09-11, or 2024-09 when only "
        "the month is known",
        'visits.yaml:11: visit mv-2024-02: start "２０２４-０２" has a digit other than 0-9 ("２"); '
        "a date must be written with the digits 0-9, such as 2024-09-11, or 2024-09 when only "
        "the month is known"]
    assert not (tmp_path / "out").exists()


def test_a_tracker_heading_in_other_digits_is_refused_in_words():
    from improvement_site.tracker.periods import period_of
    from improvement_site.tracker.tables import Cell
    assert period_of(Cell("٢٠٢٣-٠٤")) == (None, '"٢٠٢٣-٠٤" has a digit other than 0-9 ("٢"); '
                                         "a period must be written with the digits 0-9, such "
                                         "as Apr-23, 2023-04 or 04/2023")
    assert period_of(Cell("Apr-٢٣"))[1].startswith('"Apr-٢٣" has a digit other than 0-9')
    assert period_of(Cell("2023-04")) == ("2023-04", None)


# --- 12: values per measure and records per file --------------------------------------------


def _months(count: int) -> list[str]:
    return [f"{1900 + i // 12}-{i % 12 + 1:02d}" for i in range(count)]


TOO_MANY_VALUES = ("measure cp-rate: has more than 1,000 values; a measure may have at most "
                   "1,000 (80 years of months), so keep the ones the site should show")


def test_a_measure_may_have_1000_values_and_no_more(tmp_path):
    site = _copy_minimal(tmp_path)
    rows = [f"visits-in-time,{p},90," for p in _months(1000)]  # at the limit: fine
    rows += [f"cp-rate,{p},{i % 90}," for i, p in enumerate(_months(1001))]
    (site / "data" / "measures.csv").write_text(
        "measure,period,value,note\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert _refused(site) == [f"measures.csv:2002: {TOO_MANY_VALUES}"]


def test_850000_values_are_refused_in_the_time_it_takes_to_read_them(tmp_path):
    """They passed validation (30 s) and then ran a build past 120 s at 2.7 GB."""
    import time
    site = _copy_minimal(tmp_path)
    periods = _months(1000)
    with open(site / "data" / "measures.csv", "w", encoding="utf-8") as f:
        f.write("measure,period,value,note\n")
        for i in range(850_000):
            f.write(f"cp-rate,{periods[i % 1000]}-{i % 28 + 1:02d},{i % 90},\n")
    start = time.monotonic()
    told = _refused(site)
    took = time.monotonic() - start
    assert told == [f"measures.csv:1002: {TOO_MANY_VALUES}",
                    "measures.csv:100002: has more than 100,000 rows; measures.csv may hold at "
                    "most 100,000 values, so this is probably not the file you meant"]
    assert took < 15, f"validate took {took:.1f} s"


def _write_records(site: Path, count: int) -> None:
    """`count` commentary entries and `count` glossary terms."""
    (site / "data" / "commentary.yaml").write_text("".join(
        f"- measure: cp-rate\n  period: {p}\n  doing: Reviewed.\n" for p in _months(count)),
        encoding="utf-8")
    (site / "data" / "glossary.yaml").write_text("".join(
        f"T{i}: Term {i}\n" for i in range(count)), encoding="utf-8")


def test_a_yaml_file_may_hold_10000_records_and_no_more(tmp_path):
    site = _copy_minimal(tmp_path)
    _write_records(site, 10_001)
    assert _refused(site) == [
        "commentary.yaml: holds more than 10,000 records; a data file may hold at most 10,000, "
        "so this is probably not the file you meant",
        "glossary.yaml: holds more than 10,000 terms; a data file may hold at most 10,000, so "
        "this is probably not the file you meant"]

    _write_records(site, 10_000)  # at the limit, both are read
    result = _run("validate", str(site))
    assert result.exit_code == 0, result.output
