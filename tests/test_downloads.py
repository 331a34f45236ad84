"""Downloads open safely in a spreadsheet: no cell that data wrote can start a formula.

Excel, LibreOffice and Google Sheets run a cell that starts with = + - @ (and, after a tab or
carriage return, the same) as a formula. The payloads here start cells with each of them and
hold commas and quotes, and the CSVs are read back with the csv module, so a cell is judged as a
spreadsheet would see it, not by splitting lines on commas.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from macros import commands
from macros.downloads import csv_text

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
