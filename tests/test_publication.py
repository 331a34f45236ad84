"""The built sites read as a council's publication (issue 10), checked in their HTML: titles and
header name the council, the footer says who publishes it, actions are blocks whose links are
their words, the exceptions page agrees with itself, readers see no publisher's instructions,
and the brand colour, logo and contact are checked. Browser checks are in test_reading.py."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, squash
from improvement_site.cli import commands
from improvement_site.data.load import load_site
from improvement_site.data.problems import DataError
from improvement_site.model import status
from improvement_site.model.branding import contrast_with_white
from improvement_site.model.lateness import lateness
from improvement_site.pages.checks import last_checks
from improvement_site.pages.text import shorten

SITES = ("nottingham", "nel")


def _pages(site) -> list[Path]:
    return sorted(p for p in site.out.rglob("*.html") if "assets" not in p.parts
                  and p.name != "404.html")


@pytest.mark.parametrize("name", SITES)
def test_every_title_names_the_page_and_the_council(name, built):
    site = built(name)
    council = site.data.site.council
    from bs4 import BeautifulSoup
    for path in _pages(site):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        title = soup.title.get_text()
        assert title.endswith(f" – {council}"), f"{path.name}: {title!r}"
        assert soup.select_one(".md-header .ims-header__council").get_text() == council
        footer = soup.select_one("footer.md-footer")
        assert f"Published by {council}" in footer.get_text(), path.name
        assert "Made with" not in soup.get_text() and "squidfunk" not in str(soup), path.name
        for link in soup.select("a.headerlink"):  # not Tab stops, not read in the heading
            assert link.get("tabindex") == "-1" and link.get("aria-hidden") == "true"
        assert soup.select_one(".md-search[role=dialog]").get("aria-label") == "Search"
        for toggle in soup.select("label.md-nav__link[tabindex='0']"):  # named, once
            assert toggle.get_text(" ", strip=True), path.name
            assert len(toggle.select(".ims-visually-hidden")) <= 1, path.name
        for nav in soup.select("nav.md-nav[data-md-level='1']"):  # each section's landmark
            assert nav.get("aria-label") or nav.get("aria-labelledby"), path.name
        ids = [e["id"] for e in soup.select("[id]")]
        assert len(ids) == len(set(ids)), f"{path.name}: duplicate ids"
    home = site.page("")
    assert home.title.get_text() == f"{site.data.site.title} – {council}"
    assert home.select_one("article h1").get_text(strip=True).rstrip("¶") == site.data.site.title


def test_area_page_has_one_block_per_action_with_every_fact(built):
    site = built("nottingham")
    data = site.data
    area = data.areas[0]
    page = site.content(f"plan/{area.id}/")
    assert page.select_one("table.ims-actions") is None
    actions = [a for _, _, a in data.actions(area)]
    blocks = page.select(".ims-action")
    assert [b["id"] for b in blocks] == [a.id for a in actions]
    for block, a in zip(blocks, actions):
        text = squash(block)
        assert squash(block.select_one(".ims-action__title")) == " ".join(a.action.split())
        keys = [squash(dt) for dt in block.select("dt")]
        assert keys[:4] == ["Status", "Due", "Owner", "Progress"] and "Impact" in keys
        assert status.STATUS_LABELS[status.status_of(a)] in text
        late = lateness(a, data.site.reporting_date)
        assert ("Past due date" in squash(block.select_one(".ims-action__status"))) == bool(late)
        if late:
            assert f"Past its due date by {late}" in text


def test_plan_page_lists_each_areas_actions_as_a_task_list(built):
    site = built("nottingham")
    data = site.data
    page = site.content("plan/")
    items = page.select("ul.ims-task-list > li")
    actions = [a for _, _, a in data.actions()]
    assert len(items) == len(actions)
    for item, a in zip(items, actions):
        link = item.select_one("a")
        assert squash(link) == " ".join(a.action.split()), a.id  # whole, never cut at "…"
        assert link["href"].endswith(f"#{a.id}")
        assert status.STATUS_LABELS[status.status_of(a)] in squash(
            item.select_one(".ims-task-list__status"))


@pytest.mark.parametrize("name", SITES)
def test_exceptions_page_counts_first_and_agrees_with_its_lists(name, built):
    site = built(name)
    data = site.data
    rd = data.site.reporting_date
    text = site.text("plan/exceptions/")
    delayed = [a for _, _, a in data.actions() if a.status == "delayed"]
    overdue = [a for _, _, a in data.actions() if status.is_overdue(a, rd)]
    lede = squash(site.content("plan/exceptions/").select_one(".ims-lede"))
    assert f"{len(delayed)} of the plan's" in lede
    assert f"and {len(overdue) or 'none'} past" in lede
    page = site.content("plan/exceptions/")
    items = page.select("ol.ims-overdue-list > li")
    assert len(items) == len(overdue)
    if overdue:
        assert "Every action is" not in text  # the old sentence that the list contradicted
    for group in page.select("ol.ims-overdue-list"):
        days = [int(re.search(r"past it by (?:\d+ months \()?(\d+) days?", squash(li)).group(1))
                for li in group.select("li")]
        assert days == sorted(days, reverse=True), days
    by_id = {a.id: a for a in overdue}
    for li in items:
        link = li.select_one("a")
        a = by_id[link["href"].rsplit("#", 1)[1]]
        assert squash(link) == " ".join(a.action.split())  # the action's whole words


def test_shorten_cuts_at_a_word_with_an_ellipsis():
    text = "Undertake a multi-agency review to look at current workflows in place"
    assert shorten(text, 200) == text
    cut = shorten(text, 30)
    assert cut.endswith("…") and len(cut) <= 31
    assert text.startswith(cut[:-1]) and text[len(cut) - 1] == " "
    assert shorten("one\n\n- two   three", 100) == "one - two three"


@pytest.mark.parametrize("name", SITES)
def test_readers_never_see_publisher_instructions(name, built):
    site = built(name)
    for path in _pages(site):
        html = path.read_text(encoding="utf-8")
        assert "Tag each release" not in html and "docs/releases.md" not in html, path.name
    assert "This is the first release on this site" in site.text("changes/")
    assert "This is the first release on this site" in site.text("releases/")


def test_home_page_leads_with_the_position(built):
    notts = built("nottingham")
    glance = notts.content("").select_one("dl.ims-glance")
    keys = [squash(dt) for dt in glance.select("dt")]
    assert keys[:3] == ["Improvement plan", "Measures", "Latest visit"]
    counts = status.plan_counts(notts.data)
    assert f"{counts.overdue} past their due date" in squash(glance)
    nel = built("nel")
    text = nel.text("")
    assert not any(True for _ in nel.data.actions())
    assert "Progress on the improvement plan" not in text
    assert "Actions by status" not in text  # no all-zero chart or table
    assert "Improvement plan" not in [squash(dt) for dt in
                                      nel.content("").select("dl.ims-glance dt")]
    red = [m for m in nel.data.measures
           if status.measure_status(nel.data, m).rag == "red"]
    glance = squash(nel.content("").select_one("dl.ims-glance"))
    assert red and all(m.name in glance for m in red), "the red measures are named"


def test_accessibility_statement_is_complete_and_dated_by_the_checks(built):
    site = built("nel")
    page = site.content("accessibility/")
    text = squash(page)
    for heading in ("How accessible this website is", "Feedback and contact information",
                    "Enforcement procedure", "Technical information about this website",
                    "Compliance status", "Non-accessible content", "How this website was "
                    "tested", "Preparation of this accessibility statement"):
        assert heading in text, heading
    assert page.select_one('a[href="https://www.equalityadvisoryservice.com/"]')
    record = last_checks()
    assert record, "no record of the browser checks: run the browser suite"
    from improvement_site.model.labels import long_date
    assert f"last tested on {long_date(record['date'])}" in text
    assert "fully compliant" not in text.replace("do not claim that it is fully compliant", "")


def test_no_record_of_checks_claims_nothing(tmp_path):
    assert last_checks(tmp_path / "missing.json") is None
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    assert last_checks(tmp_path / "bad.json") is None


def _minimal(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "minimal", tmp_path / "site")
    return tmp_path / "site"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_brand_colour_too_pale_for_white_text_is_refused_with_file_and_line(tmp_path):
    assert contrast_with_white("#ff9900") < 4.5 <= contrast_with_white("#1d4f91")
    site = _minimal(tmp_path)
    _edit(site / "data" / "site.yaml", "contact:", "brand_colour: '#ff9900'\ncontact:")
    with pytest.raises(DataError) as info:
        load_site(site / "data")
    problems = [str(p) for p in info.value.problems]
    line = (site / "data" / "site.yaml").read_text().splitlines().index(
        "brand_colour: '#ff9900'") + 1
    assert any(p.startswith(f"data/site.yaml:{line}:") and "brand_colour" in p
               and "2.14:1" in p and "4.5:1" in p for p in problems), problems


def test_brand_colour_must_be_a_colour(tmp_path):
    site = _minimal(tmp_path)
    _edit(site / "data" / "site.yaml", "contact:", "brand_colour: navy\ncontact:")
    with pytest.raises(DataError) as info:
        load_site(site / "data")
    assert any("is not a colour" in str(p) for p in info.value.problems)


def test_logo_and_colour_reach_the_header(tmp_path):
    site = _minimal(tmp_path)
    (site / "data" / "crest.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/>'
        "</svg>", encoding="utf-8")
    _edit(site / "data" / "site.yaml", "contact:", "logo: crest.svg\nbrand_colour: '#1D4F91'\n"
          "contact:")
    out = commands.build(site, tmp_path / "out")
    html = (out / "index.html").read_text(encoding="utf-8")
    assert (out / "assets" / "logo.svg").is_file()
    assert 'src="assets/logo.svg"' in html
    assert "--md-primary-fg-color:#1d4f91" in html


def test_a_missing_logo_file_is_an_error_with_its_line(tmp_path):
    site = _minimal(tmp_path)
    _edit(site / "data" / "site.yaml", "contact:", "logo: crest.png\ncontact:")
    with pytest.raises(DataError) as info:
        load_site(site / "data")
    assert any(re.match(r"data/site\.yaml:\d+: site: logo crest\.png is not a file", str(p))
               for p in info.value.problems), info.value.problems


def test_a_public_build_without_contact_warns_and_still_builds(tmp_path, caplog):
    site = _minimal(tmp_path)
    _edit(site / "data" / "site.yaml", "contact: improvement@example.org\n", "")
    with caplog.at_level(logging.WARNING, logger="improvement_site.notice"):
        commands.build(site, tmp_path / "out", strict=True)
    warned = [r for r in caplog.records if r.name == "improvement_site.notice"]
    assert warned and "has no contact" in warned[0].getMessage()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="improvement_site.notice"):
        commands.build(site, tmp_path / "committee", audience="committee")
    assert not [r for r in caplog.records if r.name == "improvement_site.notice"]


def test_a_site_with_contact_does_not_warn_and_says_how_to_ask(tmp_path, caplog):
    site = _minimal(tmp_path)
    with caplog.at_level(logging.WARNING, logger="improvement_site.notice"):
        out = commands.build(site, tmp_path / "out")
    assert not [r for r in caplog.records if r.name == "improvement_site.notice"]
    html = (out / "accessibility.html").read_text(encoding="utf-8")
    assert 'href="mailto:improvement@example.org"' in html
