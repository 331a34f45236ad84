"""No value after the reporting date (issue 21, item 3; data contract version 3).

North East Lincolnshire's June 2023 report also prints figures "refreshed on 17th July 2023".
Kept as values dated 2023-07-17, 21 of its 36 measure pages said "Latest value 91% (June 2023)"
above a table ending "17 July 2023 | 80%", while the chart stopped at June. A value whose
period is after `reporting_date` is now an input error with its file and line; the bundled site
keeps the refresh in each measure's note, and every page's latest value, table and chart agree.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from improvement_site.cli.main import main
from improvement_site.model import labels, status
from improvement_site.model.sitedata import period_start

from conftest import ROOT, SITES, squash

NEL = SITES["nel"]
IMPORT = Path(__file__).resolve().parent / "fixtures" / "import"
ADVICE = ("(data/site.yaml); a value after the reporting date cannot be this report's latest: "
          "leave the row out until the report that covers it, or move reporting_date")


def invoke(*args) -> object:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def minimal_with(tmp_path: Path, row: str) -> Path:
    """The minimal site (as at 31 March 2024) with one row added to measures.csv, at line 8."""
    site = tmp_path / "site"
    shutil.copytree(SITES["minimal"], site, ignore=shutil.ignore_patterns(".cache"))
    values = site / "data" / "measures.csv"
    assert len(values.read_text(encoding="utf-8").splitlines()) == 7
    with values.open("a", encoding="utf-8") as out:
        out.write(row + "\n")
    return site


@pytest.mark.parametrize("period", ["2024-04-02", "2024-04"])
def test_a_value_after_the_reporting_date_is_an_error_with_file_and_line(tmp_path, period):
    site = minimal_with(tmp_path, f"cp-rate,{period},95,refreshed after the report")
    result = invoke("validate", site)
    assert result.exit_code == 1, result.output
    assert f"{site}/data/measures.csv:8: measure cp-rate: period {period} is after " \
           f"reporting_date 2024-03-31 {ADVICE}" in result.output
    assert "1 problem" in result.output
    out = tmp_path / "out"
    built = invoke("build", site, "--out", out)
    assert built.exit_code == 1 and "measures.csv:8: measure cp-rate" in built.output
    assert not out.exists()  # nothing half-written


@pytest.mark.parametrize("period", ["2024-03-31", "2024-03-15"])
def test_a_value_on_the_reporting_date_or_before_it_is_allowed(tmp_path, period):
    site = minimal_with(tmp_path, f"cp-rate,{period},95,snapshot")
    assert invoke("validate", site).exit_code == 0


def test_importing_a_refresh_after_the_reporting_date_is_refused_and_writes_nothing(tmp_path):
    """How the 17 July column came in: the wide scorecard with --latest-date."""
    site = tmp_path / "nel"
    shutil.copytree(NEL / "data", site / "data")
    target = site / "data" / "measures.csv"
    before = target.read_bytes()
    result = invoke("import", "measures", IMPORT / "measures-wide.csv", "--site", site,
                    "--mapping", IMPORT / "measures-mapping.yaml", "--merge",
                    "--latest-date", "2023-07-17")
    assert result.exit_code == 1, result.output
    assert "nothing was written" in result.output
    assert "measure cin-number: period 2023-07-17 is after reporting_date 2023-06-30" \
        in result.output
    assert target.read_bytes() == before


def test_latest_is_never_a_value_after_the_reporting_date(tmp_path):
    """Were one to slip past the checks (a model made in code), it is still not the latest."""
    from improvement_site.model.schema import Measure, Site, Value
    from improvement_site.model.sitedata import SiteData
    data = SiteData.create(
        root=tmp_path, site=Site(council="C", service="S", title="T", reporting_date="2024-03-31"),
        areas=[], measures=[Measure(id="m", name="M", polarity="higher_is_better", target=90)],
        values=[Value(measure="m", period="2024-03", value=91),
                Value(measure="m", period="2024-04-02", value=80)],
        commentary=[], visits=[], glossary={})
    st = status.measure_status(data, data.measure("m"))
    assert (st.latest.period, st.latest.value, st.rag) == ("2024-03", 91, "green")


# -- the bundled North East Lincolnshire site ----------------------------------------------------

def _rows(table) -> list[list[str]]:
    return [[squash(c) for c in row.find_all(["th", "td"])] for row in table.select("tbody tr")]


def test_nel_every_measure_page_agrees_with_itself(built):
    """The top's latest value is the last row of the table of values and of the chart's data
    (its table and its CSV), and no row is after 30 June 2023."""
    site = built("nel")
    data = site.data
    assert str(data.site.reporting_date) == "2023-06-30"
    for m in data.measures:
        page = site.content(f"performance/{m.id}/")
        st = status.measure_status(data, m)
        values = data.values_of(m.id)
        assert values and all(period_start(v.period) <= data.site.reporting_date
                              for v in values), m.id
        assert st.latest == [v for v in values if v.value is not None][-1], m.id
        number, period = labels.measure_number(m, st.latest.value), labels.period_label(
            st.latest.period)
        facts = page.select_one("dl.ims-facts")
        assert squash(facts.find("dd")) == f"{number} ({period})", m.id
        table = _rows(page.select_one("table.ims-values"))
        assert len(table) == len(values) and table[-1][:2] == [period, number], m.id
        chart = _rows(page.select_one("table.ims-chart-table"))
        assert chart[-1][:2] == [period, number], m.id
        link = page.find("a", download=f"{m.id}.csv")
        text = (site.out / "performance" / link["href"]).resolve().read_text(encoding="utf-8")
        last = list(csv.reader(io.StringIO(text)))[-1]
        assert last[:2] == [period, number], m.id
        assert "17 July 2023" not in squash(page.select_one("table.ims-values")), m.id


def test_nel_refresh_is_in_each_note_as_the_seed_prints_it(built):
    """tests/data/nel_published.yaml holds the seed's "Latest"/"Current" column: each figure
    is in its measure's note, as printed, and on the measure's page; none is a value."""
    site = built("nel")
    data = site.data
    published = yaml.safe_load((ROOT / "tests" / "data" / "nel_published.yaml").read_text())
    refreshed = {k: v["refreshed"] for k, v in published.items() if "refreshed" in v}
    assert len(refreshed) == 19
    for m in data.measures:
        if m.id not in refreshed:
            assert "17 July 2023" not in (m.note or ""), m.id
            continue
        figure = labels.measure_number(m, refreshed[m.id])
        assert f"The June 2023 report also prints {figure} in its " in (m.note or ""), m.id
        assert "from data refreshed on 17 July 2023" in m.note, m.id
        assert f"prints {figure} in its" in site.text(f"performance/{m.id}/"), m.id


def test_nel_paper_gives_each_measure_the_pages_latest_value():
    """The committee paper's "Latest value" of each measure is the one its page shows."""
    from improvement_site.publish.audience import for_audience
    from improvement_site.publish.current import full_data
    from improvement_site.publish.history import History, Snapshot
    from improvement_site.report import output
    from improvement_site.report.blocks import Facts, Heading
    data = for_audience(full_data(NEL / "data"), "public")
    report = output.make_report(data, History(Snapshot(None, data)), audience="public",
                                cache_root=NEL / ".cache")
    ids = {m.id for m in data.measures}
    latest: dict[str, str] = {}
    measure = None
    for block in report.blocks:
        if isinstance(block, Heading):
            measure = block.anchor if block.anchor in ids else None
        elif isinstance(block, Facts) and measure:
            latest.setdefault(measure, dict(block.items).get("Latest value"))
    assert set(latest) == ids
    for m in data.measures:
        st = status.measure_status(data, m)
        assert latest[m.id] == f"{labels.measure_number(m, st.latest.value)} " \
                               f"({labels.period_label(st.latest.period)})", m.id
