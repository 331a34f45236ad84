"""Build the bundled sites and read the HTML they produce."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import SITES, BuiltSite
from improvement_site.model import status
from improvement_site.model.labels import long_date

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", ["nottingham", "nel", "minimal"])
def test_every_record_has_its_page(built, name):
    site = built(name)
    data = site.data
    for area in data.areas:
        text = site.text(f"plan/{area.id}/")
        assert area.title.split("(")[0].strip() in text
        for _, outcome, action in data.actions(area):
            row = site.content(f"plan/{area.id}/").find(id=action.id)
            assert row is not None, f"action {action.id} has no row"
            # The reader sees the action's words; the data's id is only its anchor (issue 21).
            assert action.id not in row.get_text()
            # Status is always words, never colour alone.
            assert status.STATUS_LABELS[status.status_of(action)] in row.get_text()
    for measure in data.measures:
        assert site.content(f"performance/{measure.id}/").h1.get_text().startswith(
            measure.name[:40])
    for visit in data.visits:
        text = site.text(f"inspections/{visit.id}/")
        assert visit.focus[:40] in text
    for page in ("", "plan/", "plan/exceptions/", "performance/", "inspections/", "glossary/",
                 "accessibility/"):
        assert site.content(page) is not None


def test_nottingham_has_every_action_of_the_plan(built):
    site = built("nottingham")
    data = site.data
    assert [a.id for a in data.areas] == [
        "front-door", "management-oversight", "workforce-capacity", "placement-sufficiency",
        "care-leavers-21-plus", "homeless-16-17", "return-home-interviews",
        "missing-education-ehe"]
    actions = [a for _, _, a in data.actions()]
    assert len(actions) == 75
    # Seed 002: Green → complete, Yellow → on track, blank → not rated.
    assert sum(a.status == "complete" for a in actions) == 10
    assert sum(a.status == "on_track" for a in actions) == 16
    assert sum(a.status is None for a in actions) == 49
    home = site.text("")
    assert "75 actions in 8 areas" in home
    assert "Inadequate" in home and "Requires improvement to be good" in home
    assert "11 September 2024" in home


def test_overdue_action_is_marked(built):
    site = built("nottingham")
    # front-door-03: due 31 March 2023, in progress, so overdue at 11 September 2024.
    row = site.content("plan/front-door/").find(id="front-door-03")
    assert "Past due date" in row.get_text() and "31 March 2023" in row.get_text()
    # front-door-01 is complete, so never overdue.
    assert "Past due date" not in \
        site.content("plan/front-door/").find(id="front-door-01").get_text()
    exceptions = site.text("plan/exceptions/")
    assert "No action has the status Delayed / not on schedule" in exceptions
    assert ("Undertake weekly audits around decision making and the application of threshold "
            "within the MASH Due 31 March 2023: past it by 17 months (530 days)") in exceptions


def test_minimal_delayed_action_is_on_exceptions_page(built):
    site = built("minimal")
    block = site.content("plan/exceptions/").find(id="front-door-03")
    text = " ".join(block.get_text(" ").split())
    for part in ("Telephony contract delayed.", "Interim number in place.", "30 September 2024"):
        assert part in text
    assert "Delayed / not on schedule" in site.text("plan/front-door/")


def test_nel_computed_rag_matches_the_published_scorecard(built):
    site = built("nel")
    data = site.data
    published = yaml.safe_load((ROOT / "tests" / "data" / "nel_published.yaml").read_text())
    assert set(published) == {m.id for m in data.measures}
    overrides = []
    for measure in data.measures:
        st = status.measure_status(data, measure)
        printed = published[measure.id]
        assert st.latest.value == printed["actual"], measure.id
        assert st.rag == printed["rag"], measure.id
        if printed["direction"]:
            assert st.direction == printed["direction"], measure.id
        if st.rag != st.computed_rag:
            assert measure.rag_override and measure.rag_override.reason, measure.id
            overrides.append(measure.id)
        # The page shows the RAG in words, and says when it was set by hand.
        text = site.text(f"performance/{measure.id}/")
        assert status.RAG_LABELS[st.rag] in text
        if measure.rag_override:
            assert "set by hand" in text and measure.rag_override.reason[:30] in text
    documented = (ROOT / "docs" / "north-east-lincolnshire.md").read_text(encoding="utf-8")
    for measure_id in overrides:
        assert f"`{measure_id}`" in documented, f"override {measure_id} is not listed in docs/"


def test_scorecard_groups_and_commentary(built):
    site = built("nel")
    headings = [h.get_text().rstrip("¶").strip() for h in site.content("performance/").find_all("h2")]
    assert headings[:4] == [m for m in dict.fromkeys(m.group for m in site.data.measures)][:4]
    text = site.text("performance/cin-number/")
    for heading in ("What's working well?", "What are we worried about?",
                    "What are we doing about it?"):
        assert heading in text


def test_a_snapshot_value_is_on_its_day_and_a_monthly_one_in_its_month(tmp_path):
    """A page read "17 in 5 March 2025": a value is in a month but on a day."""
    import shutil

    from improvement_site.cli import commands
    from improvement_site.model.labels import at_period
    assert at_period("2023-06") == "in June 2023"
    assert at_period("2023-07-17") == "on 17 July 2023"
    site = tmp_path / "site"
    shutil.copytree(SITES["minimal"], site, ignore=shutil.ignore_patterns(".cache"))
    with (site / "data" / "measures.csv").open("a", encoding="utf-8") as csv:
        csv.write("cp-rate,2024-03-29,95,snapshot\n")
    built = BuiltSite(site, commands.build(site, tmp_path / "out"))
    text = built.text("performance/cp-rate/")
    assert "(97 in March 2024, 95 on 29 March 2024)" in text  # direction of travel
    assert "rose from 86 in January 2024 to 95 on 29 March 2024" in text  # chart description
    assert " in 29 March" not in text


def test_measure_page_shows_values_targets_and_missing_values(built):
    site = built("minimal")
    text = site.text("performance/visits-in-time/")
    assert "Not available" in text and "not available" in text
    assert "87%" in text and "90%" in text
    cp = site.text("performance/cp-rate/")
    assert "Statistical neighbours" in cp and "43.2" in cp and "March 2024" in cp


def test_glossary_expands_acronyms_sitewide(built):
    site = built("minimal")
    glossary = site.text("glossary/")
    assert "Multi-Agency Safeguarding Hub" in glossary and "Test Term" in glossary
    abbr = site.content("plan/front-door/").find("abbr", string="MASH")
    assert abbr is not None and abbr["title"] == "Multi-Agency Safeguarding Hub"
    # Hand-written pages get the same expansion through Material's abbreviations.
    notes = site.page("notes/")
    assert notes.find("table") is not None  # the macro ran on a hand-written page


def test_accessibility_statement_has_required_sections(built):
    site = built("minimal")
    text = site.text("accessibility/")
    for section in ("How accessible this website is", "Feedback and contact information",
                    "Reporting accessibility problems", "Enforcement procedure",
                    "Technical information", "Compliance status", "Non-accessible content",
                    "What we're doing to improve accessibility",
                    "Preparation of this accessibility statement"):
        assert section in text, section
    assert "improvement@example.org" in text
    # Linked from every page.
    assert site.page("plan/").find("a", string=re.compile("Accessibility statement"))


def test_home_page_summarises(built):
    site = built("minimal")
    text = site.text("")
    assert "Example Borough Council" in text and long_date(site.data.site.reporting_date) in text
    assert "4 actions in 1 area" in text
    assert "The committee notes the progress made." in text
    assert "Monitoring visit 1: The front door" in text


@pytest.mark.parametrize("name", ["nottingham", "nel", "minimal"])
def test_every_internal_link_resolves(built, name):
    """Generated tables and charts link with plain HTML, which MkDocs does not check: every
    relative link, image and script must point at a file (and anchor) that exists."""
    from urllib.parse import unquote, urlsplit
    from bs4 import BeautifulSoup
    site = built(name)
    broken = []
    ids: dict[Path, set[str]] = {}
    for page in site.out.rglob("*.html"):
        if page.name == "404.html":  # served at any depth, so MkDocs links it from the root
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        ids[page.resolve()] = {t["id"] for t in soup.find_all(id=True)}
        for tag, attr in (("a", "href"), ("img", "src"), ("script", "src"), ("link", "href")):
            for el in soup.find_all(tag, **{attr: True}):
                url = urlsplit(el[attr])
                if url.scheme or url.netloc or el[attr].startswith(("#", "mailto:")):
                    continue
                target = (page.parent / unquote(url.path)).resolve()
                if target.is_dir():
                    target = target / "index.html"
                if not target.is_file():
                    broken.append(f"{page.relative_to(site.out)}: {el[attr]}")
                elif url.fragment and target.suffix == ".html":
                    ids.setdefault(target, None)
                    broken.append((page, el[attr], target, url.fragment))
    missing = []
    for item in broken:
        if isinstance(item, tuple):
            page, href, target, fragment = item
            if ids.get(target) is None:
                soup = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
                ids[target] = {t["id"] for t in soup.find_all(id=True)}
            if fragment not in ids[target]:
                missing.append(f"{page.relative_to(site.out)}: {href}")
        else:
            missing.append(item)
    assert not missing, "broken links:\n" + "\n".join(missing[:20])


def test_pages_load_scripts_and_styles_only_from_the_site(built):
    """No CDN: a built site works from a USB stick (the browser tests check real requests)."""
    from bs4 import BeautifulSoup
    site = built("nel")
    for page in site.out.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for el in soup.find_all(["script", "link", "img", "iframe"]):
            ref = el.get("src") or (el.get("href") if el.name == "link" else None)
            assert not ref or not ref.startswith(("http:", "https:", "//")), f"{page}: {ref}"
    # Charts are static SVGs: no chart library is loaded on any page.
    assert not (site.out / "assets" / "vega").exists()
    measure = site.page("performance/cp-rate/")
    assert measure.select("figure.ims-chart img[src^='../assets/charts/']")
    assert not [s for s in measure.find_all("script", src=True) if "vega" in s["src"]]


def test_hand_written_page_can_add_a_chart(built):
    notes = built("minimal").page("notes/")
    figure = notes.find("figure", class_="ims-chart")
    assert figure is not None and "rose from 86 in January 2024" in figure.get_text()
    assert figure.select_one("img")["src"].startswith("assets/charts/")


def test_downloads_hold_the_whole_data_set(built):
    import csv
    import io
    import json
    site = built("nottingham")
    data = site.data
    folder = site.out / "downloads"
    plan = list(csv.DictReader(io.StringIO((folder / "plan.csv").read_text(encoding="utf-8"))))
    assert len(plan) == 75 and plan[0]["action_id"] == "front-door-01"
    assert {r["status_label"] for r in plan} >= {"Completed", "Not yet rated"}
    values = list(csv.DictReader(io.StringIO((folder / "values.csv").read_text(encoding="utf-8"))))
    assert [r["value"] for r in values if r["measure_id"] == "contacts-open"] == [
        "", "603", "196", "196"]  # not available stays empty, never 0
    document = json.loads((folder / "data.json").read_text(encoding="utf-8"))
    assert len(document["plan"]) == 75 and len(document["visits"]) == len(data.visits)
    assert document["site"]["council"] == "Nottingham City Council"
    area_csv = (folder / "plan" / "front-door.csv").read_text(encoding="utf-8")
    assert area_csv.count("\nfront-door,") == 18
    # The data dictionary page describes every column of every file.
    from improvement_site.publish.downloads import TABLES, tables_for
    text = site.text("downloads/")
    # Nottingham has progress reports but no breakdowns or providers: no empty files.
    assert tables_for(data) == ["plan", "measures", "values", "visits", "commentary", "updates"]
    assert not (folder / "breakdowns.csv").exists() and "breakdowns.csv" not in text
    updates = list(csv.DictReader(io.StringIO((folder / "updates.csv").read_text(
        encoding="utf-8"))))
    assert len(updates) == 8 and {u["as_at"] for u in updates} == {"2023-01-26"}
    assert len(document["updates"]) == 8 and "breakdowns" not in document
    for name in tables_for(data):
        columns = TABLES[name][1]
        assert f"{name}.csv" in text
        for column in columns:
            assert column.name in text


def test_a_rebuild_replaces_the_output_and_leaves_nothing_beside_it(tmp_path, monkeypatch):
    """The library call the CLI makes: the new site replaces the old one whole, and the
    staging and old-output folders are gone; a failed rebuild keeps the old site."""
    import shutil

    from improvement_site.cli import commands
    from improvement_site.charts import output
    from improvement_site.lifecycle import MARKER
    site = tmp_path / "site"
    shutil.copytree(ROOT / "tests" / "fixtures" / "minimal", site)
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.html").write_text("from an older build", encoding="utf-8")
    (out / MARKER).write_text("an older build, marked as the build's to replace")
    commands.build(site, out)
    assert (out / "index.html").is_file() and not (out / "stale.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]

    # A chart whose id is known only when the page renders: validate cannot catch it.
    (site / "content" / "broken.md").write_text(
        "# Broken\n\n{% for m in ['nope'] %}{{ measure_chart(m) }}{% endfor %}\n",
        encoding="utf-8")
    registries = []
    original = output.ChartRegistry.__init__

    def watched(self):
        original(self)
        registries.append(self)

    monkeypatch.setattr(output.ChartRegistry, "__init__", watched)
    with pytest.raises(commands.BuildFailed, match=r"content/broken\.md:3: .*'nope'"):
        commands.build(site, out)
    assert (out / "index.html").is_file() and not (out / "broken.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]
    assert registries  # the build's own charts: workers stopped, folder gone
    assert all(r._folder is None and not r._workers for r in registries)


# -- contract v2 on the bundled sites ---------------------------------------------------------


def test_nottingham_says_its_statuses_and_values_are_not_recent(built):
    """Its statuses are the December 2022 plan's and its values 2022's, at a reporting date of
    11 September 2024: every count and latest value says so, in words."""
    site = built("nottingham")
    caveat = "on statuses as at 12 December 2022"
    not_recent = ("Not recent: the statuses are as at 12 December 2022, more than 120 days "
                  "before 11 September 2024")
    home = site.text("")
    assert "10 completed; 16 in progress and on schedule; 49 not yet rated" in home
    assert not_recent in home
    assert (f"44 past their due date: 14 reported in progress and on schedule and 30 never "
            f"rated, {caveat}.") in home  # the status chart's description
    for page in ("plan/", "plan/front-door/", "plan/exceptions/"):
        assert not_recent in site.text(page), page
    # Every status in the area shares the date, so the area says it once (issue 21); every
    # status in the plan shares it, so the exceptions page says it once, at the top.
    assert "Status as at" not in site.content("plan/front-door/").find(id="front-door-03").get_text()
    assert "Status as at" not in site.text("plan/exceptions/")
    for page in ("", "performance/", "performance/contacts-open/"):
        assert "latest value is from November 2022" in site.text(page), page
    assert "Not recent: the latest value is from November 2022." in \
        site.text("performance/contacts-open/")  # the chart's description


def test_nottingham_area_shows_its_progress_report_under_the_three_headings(built):
    site = built("nottingham")
    content = site.content("plan/front-door/")
    headings = [h.get_text().rstrip("¶").strip() for h in content.find_all(["h2", "h3"])]
    at = headings.index("Progress report as at 26 January 2023")
    assert headings[at + 1:at + 4] == ["What we have done", "What we will do next",
                                        "What difference it has made"]
    outcome = next(i for i, h in enumerate(headings) if h.startswith("Outcome 1: "))
    assert outcome > at + 3
    text = site.text("plan/front-door/")
    assert "Created and recruited to an additional 8 social worker posts" in text
    assert "this is the area's latest progress report, and it speaks for 26 January 2023" in text


def test_nottingham_letters_say_whether_they_were_published(built):
    site = built("nottingham")
    assert "The letter for this visit was not published" in site.text("inspections/mv-2023-02/")
    assert "Published (the source gives no date)" in site.text("inspections/mv-2023-07/")
    visits = site.text("inspections/")
    assert visits.count("Published, date not given") == 3 and "Not published" in visits


def test_nel_breakdowns_have_pages_and_appear_where_they_link(built):
    site = built("nel")
    data = site.data
    nav = site.page("performance/").select_one("nav.md-nav--primary").get_text(" ")
    for b in data.breakdowns:
        text = site.text(f"performance/breakdowns/{b.id}/")
        figure = site.content(f"performance/breakdowns/{b.id}/").find("figure",
                                                                     class_="ims-chart")
        assert figure is not None and "Bars are in the source's order" in figure.get_text()
        assert b.categories[0].name in text and " ".join(b.title.split()) in nav
        for page in ("plan/homes-and-families/", "performance/cla-number/"):
            assert site.content(page).find("a", href=re.compile(f"breakdowns/{b.id}.html"))
    types = site.text("performance/breakdowns/placement-types/")
    assert "Total 558" in types
    categories = site.text("performance/breakdowns/placement-categories/")
    assert "No total is given; the 11 categories add up to 460" in categories
    charts = site.out / "assets" / "charts"
    assert any("U6: Foster placement - not FFA" in p.read_text(encoding="utf-8")
               for p in charts.glob("*.csv"))


def test_nel_providers_page_lists_each_home_with_its_latest_grade(built):
    site = built("nel")
    text = site.text("performance/providers/")
    assert site.content("performance/providers/").h1.get_text().startswith(
        "The council's children's homes")
    assert "6 children's homes: 3 good, 3 requires improvement to be good." in text
    row = site.content("performance/providers/").find(id="provider-sc394101")
    assert "Requires improvement to be good" in row.get_text()
    assert "inspected 7 June 2023" in row.get_text()
    assert "6 children's homes, by their latest inspection grade as at 30 June 2023: 3 good, " \
           "3 requires improvement to be good." in site.text("")


def test_nel_linear_target_is_the_trajectory_on_the_page_and_chart(built):
    site = built("nel")
    rows = site.content("performance/cla-starts-number/").select("table.ims-values tbody tr")
    cells = [[c.get_text(" ").strip() for c in r.find_all(["th", "td"])][:3] for r in rows]
    assert cells == [["April 2023", "7", "10"], ["May 2023", "19", "20"],
                     ["June 2023", "42", "30"]]  # the 17 July refresh is in the note
    text = site.text("performance/cla-starts-number/")
    assert "30 (on the trajectory for June 2023)" in text
    assert "moves evenly from 0 in March 2023 to each milestone in turn" in text
    ceased = site.text("performance/cla-ceased-number/")
    assert "Green" in ceased and "set by hand" not in ceased
    # The drawing: the target line runs straight from month to month, never in steps.
    img = site.content("performance/cla-starts-number/").select_one(".ims-chart__panel img")
    svg = (site.out / "performance" / img["src"]).resolve().read_text(encoding="utf-8")
    path = re.search(r'<path[^>]* d="([^"]+)"[^>]* stroke="#F46A25"', svg).group(1)
    points = [tuple(map(float, p.split(","))) for p in re.findall(r"[-\d.]+,[-\d.]+", path)]
    assert not re.search("[HV]", path) and len(points) == 3  # April, May and June 2023
    assert all(a[0] != b[0] and a[1] != b[1] for a, b in zip(points, points[1:])), path
    assert "The target follows a straight-line trajectory between milestones." in text


def test_nel_assumed_polarity_is_said_in_words(built):
    site = built("nel")
    text = site.text("performance/open-cases/")
    assert "Lower is better (assumed: the source does not print which way is better)" in text
    assert "Higher is better (assumed" not in site.text("performance/cin-visits-timescale/")
    card = site.content("performance/")
    assumed = [m for m in site.data.measures if m.polarity_assumed]
    # Once in the table and once in the list a phone shows instead (only one is displayed).
    for where in ("table.ims-scorecard", "ul.ims-scorecard-list"):
        assert len(card.select(f"{where} a.ims-mark")) == len(assumed) == 17, where
    assert f"Which way is better is assumed for {len(assumed)} measures" in site.text(
        "performance/")
    assert "Amber elsewhere inside the tolerance" in site.text("performance/")
