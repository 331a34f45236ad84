"""Loading and validation: every kind of bad input yields its exact message, with file and
line, a non-zero exit and no output at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from macros.cli import main
from macros.load import load_site
from macros.problems import DataError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BAD = sorted(p.name for p in FIXTURES.glob("bad_*"))


def test_every_error_kind_has_a_fixture():
    kinds = {"yaml_syntax", "unknown_field", "wrong_type", "date", "status", "duplicate_id",
             "dangling_reference", "csv_value", "delayed_without_mitigation", "duplicate_key",
             "many_problems"}
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
    assert lines[1:] == expected
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
