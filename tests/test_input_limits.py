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


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- 9: numbers YAML 1.1 would change silently ---------------------------------------------


def test_numbers_yaml_1_1_would_change_are_refused_by_validate_with_file_line_and_field(tmp_path):
    site = _copy_minimal(tmp_path)
    _edit(site / "data" / "measures.yaml", "value: 83}", "value: 075}")
    _edit(site / "data" / "measures.yaml", "target: 90", "target: 1:30")
    _edit(site / "data" / "measures.yaml", "value: 62,", "value: 0x1F,")
    _edit(site / "data" / "visits.yaml", "number: 1\n", "number: 0b101\n")
    result = _run("validate", str(site))
    assert result.exit_code == 1, result.output
    shown = str(site / "data")
    assert result.output.splitlines()[1:] == [
        f'  {shown}/measures.yaml:7: targets[1].value "075" starts with 0, which YAML reads as '
        f'the octal number 61; write 75, or quote it: "075"',
        f'  {shown}/measures.yaml:11: comparators[1].value "0x1F" is a hexadecimal number (31); '
        f'write 31, or quote it: "0x1F"',
        f'  {shown}/measures.yaml:18: target "1:30" is read by YAML as a number in base 60 (90); '
        f'write 90, or quote it: "1:30"',
        f'  {shown}/visits.yaml:10: number "0b101" is a binary number (5); write 5, or quote it: '
        f'"0b101"']

    # Quoted, "075" is the number a person reads: 75.
    _edit(site / "data" / "measures.yaml", "value: 075}", 'value: "075"}')
    _edit(site / "data" / "measures.yaml", "target: 1:30", "target: 90")
    _edit(site / "data" / "measures.yaml", "value: 0x1F,", "value: 62,")
    _edit(site / "data" / "visits.yaml", "number: 0b101\n", "number: 1\n")
    from improvement_site.data.load import load_site
    data = load_site(site / "data")
    assert data.measures[0].targets[0].value == 75


# --- 10: dates written in other scripts' digits ----------------------------------------------


def test_other_digits_in_measures_csv_are_refused_by_validate_not_an_internal_error(tmp_path):
    site = _copy_minimal(tmp_path)
    with open(site / "data" / "measures.csv", "a", encoding="utf-8") as f:
        f.write("cp-rate,٢٠٢٤-٠٤,٩٠,\ncp-rate,2024-05,９０,\n")
    result = _run("validate", str(site))
    assert result.exit_code == 1, result.output
    shown = str(site / "data")
    assert result.output.splitlines()[1:] == [
        f'  {shown}/measures.csv:8: measure cp-rate: period "٢٠٢٤-٠٤" has a digit other than 0-9 '
        f'("٢"); a period must be written with the digits 0-9, such as 2024-04 (a month) or '
        f"2024-04-17 (a snapshot date)",
        f'  {shown}/measures.csv:8: measure cp-rate: value "٩٠" has a digit other than 0-9; write '
        f"numbers with the digits 0-9, such as 90",
        f'  {shown}/measures.csv:9: measure cp-rate: value "９０" has a digit other than 0-9; '
        f"write numbers with the digits 0-9, such as 90"]


def test_other_digits_in_dates_are_refused_by_validate_so_build_never_meets_them(tmp_path):
    site = _copy_minimal(tmp_path)
    _edit(site / "data" / "commentary.yaml", "period: 2024-03", "period: ٢٠٢٤-٠٣")
    _edit(site / "data" / "visits.yaml", "start: 2023-05-08", "start: ٢٠٢٣-٠٥-٠٨")
    _edit(site / "data" / "visits.yaml", "start: 2024-02-20", "start: ２０２４-０２")
    _edit(site / "data" / "site.yaml", "reporting_date: 2024-03-31", "reporting_date: 2024-03-3١")
    result = _run("build", str(site), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output
    shown = str(site / "data")
    assert result.output.splitlines()[1:] == [
        f'  {shown}/commentary.yaml:2: commentary for cp-rate ٢٠٢٤-٠٣: period "٢٠٢٤-٠٣" has a '
        f'digit other than 0-9 ("٢"); a period must be written with the digits 0-9, such as '
        f"2024-04 (a month) or 2024-04-17 (a snapshot date)",
        f'  {shown}/site.yaml:4: site: reporting_date "2024-03-3١" has a digit other than 0-9 '
        f'("١"); a date must be written with the digits 0-9, such as 2024-09-11',
        f'  {shown}/visits.yaml:3: visit ilacs-2023: start "٢٠٢٣-٠٥-٠٨" has a digit other than '
        f'0-9 ("٢"); a date must be written with the digits 0-9, such as 2024-09-11, or 2024-09 '
        f"when only the month is known",
        f'  {shown}/visits.yaml:11: visit mv-2024-02: start "２０２４-０２" has a digit other than '
        f'0-9 ("２"); a date must be written with the digits 0-9, such as 2024-09-11, or 2024-09 '
        f"when only the month is known"]
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


def test_a_measure_may_have_1000_values_and_no_more(tmp_path):
    site = _copy_minimal(tmp_path)
    rows = [f"visits-in-time,{p},90," for p in _months(1000)]  # at the limit: fine
    rows += [f"cp-rate,{p},{i % 90}," for i, p in enumerate(_months(1001))]
    (site / "data" / "measures.csv").write_text(
        "measure,period,value,note\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = _run("validate", str(site))
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[1:] == [
        f"  {site / 'data'}/measures.csv:2002: measure cp-rate: has more than 1,000 values; a "
        f"measure may have at most 1,000 (80 years of months), so keep the ones the site should "
        f"show"]


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
    result = _run("validate", str(site))
    took = time.monotonic() - start
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[1:] == [
        f"  {site / 'data'}/measures.csv:1002: measure cp-rate: has more than 1,000 values; a "
        f"measure may have at most 1,000 (80 years of months), so keep the ones the site should "
        f"show",
        f"  {site / 'data'}/measures.csv:100002: has more than 100,000 rows; measures.csv may "
        f"hold at most 100,000 values, so this is probably not the file you meant"]
    assert took < 15, f"validate took {took:.1f} s"


def test_a_yaml_file_may_hold_10000_records_and_no_more(tmp_path):
    site = _copy_minimal(tmp_path)
    (site / "data" / "commentary.yaml").write_text("".join(
        f"- measure: cp-rate\n  period: {p}\n  doing: Reviewed.\n" for p in _months(10_001)),
        encoding="utf-8")
    (site / "data" / "glossary.yaml").write_text("".join(
        f"T{i}: Term {i}\n" for i in range(10_001)), encoding="utf-8")
    result = _run("validate", str(site))
    assert result.exit_code == 1, result.output
    shown = site / "data"
    assert result.output.splitlines()[1:] == [
        f"  {shown}/commentary.yaml: holds more than 10,000 records; a data file may hold at most "
        f"10,000, so this is probably not the file you meant",
        f"  {shown}/glossary.yaml: holds more than 10,000 terms; a data file may hold at most "
        f"10,000, so this is probably not the file you meant"]

    # At the limit, both are read.
    (site / "data" / "commentary.yaml").write_text("".join(
        f"- measure: cp-rate\n  period: {p}\n  doing: Reviewed.\n" for p in _months(10_000)),
        encoding="utf-8")
    (site / "data" / "glossary.yaml").write_text("".join(
        f"T{i}: Term {i}\n" for i in range(10_000)), encoding="utf-8")
    result = _run("validate", str(site))
    assert result.exit_code == 0, result.output
