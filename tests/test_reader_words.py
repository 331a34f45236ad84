"""Issue 21, items 4, 6 and 9: what a reader (and a screen reader) meets on the built sites.

"Overdue" says what it is; a status's date is said once where every action shares it and as
what the plan supports ("as at"); readers never see the data's ids or a link cut at "…";
headings say what they head; a chart's download link names its chart; a term is listed once.
All read from the bundled sites as built (the session's `built` fixture).
"""

from __future__ import annotations

from collections import Counter

import pytest

from conftest import squash
from improvement_site.model import labels, status

SITES = ["nottingham", "nel"]


def _pages(site):
    return sorted(p for p in site.out.rglob("*.html") if "assets" not in p.parts)


def _articles(site):
    """(file, article) for every built page that has an article (page body)."""
    from bs4 import BeautifulSoup
    for path in _pages(site):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        article = page.select_one("article.md-content__inner")
        if article is not None:
            yield path, article


def test_overdue_counts_say_what_they_are(built):
    """Nottingham's 44 overdue are 14 reported on schedule and 30 never rated, none delayed:
    every count says so, with the date of the statuses it rests on."""
    site = built("nottingham")
    said = "44 past their due date: 14 reported in progress and on schedule and 30 never rated"
    for page in ("", "plan/", "plan/exceptions/"):
        assert said in site.text(page), page
    assert f"{said}, on statuses as at 12 December 2022" in site.text("plan/exceptions/")
    assert "13 past their due date: 5 reported in progress and on schedule and 8 never rated" \
        in site.text("plan/front-door/")
    # front-door-04 has no status: it is past its due date and never rated, nothing more.
    card = squash(site.content("plan/front-door/").find(id="front-door-04"))
    assert "Not yet rated ! Past due date" in card and "Past its due date by 21 months" in card


@pytest.mark.parametrize("name", SITES)
def test_no_status_date_claims_a_review_the_data_cannot_show(name, built):
    site = built(name)
    for path in _pages(site):
        assert "last reviewed" not in path.read_text(encoding="utf-8"), path.name


def test_a_status_date_all_an_areas_actions_share_is_said_once(built):
    site = built("nottingham")
    area = site.text("plan/front-door/")
    assert area.count("12 December 2022") == 2  # the caveat, and the status chart's description
    assert "Not recent: the statuses are as at 12 December 2022" in area
    assert "Status as at" not in area
    exceptions = site.content("plan/exceptions/")
    groups = exceptions.select("ol.ims-overdue-list")
    assert len(groups) == 8
    # Every action of the plan shares it: the page says it once, at the top, not per area.
    assert squash(exceptions).count("as at 12 December 2022") == 2  # the lede, the caveat
    assert not any("Status as at" in squash(li) for li in exceptions.select("li"))


def test_exceptions_entries_name_their_owners(built):
    site = built("nottingham")
    rd = site.data.site.reporting_date
    owners = {a.id: a.owner for _, _, a in site.data.actions() if status.is_overdue(a, rd)}
    items = site.content("plan/exceptions/").select("ol.ims-overdue-list > li")
    assert len(items) == len(owners) == 44
    for li in items:
        owner = owners[li.select_one("a")["href"].rsplit("#", 1)[1]]
        facts = {squash(dt): squash(dt.find_next_sibling("dd")) for dt in li.select("dt")}
        assert facts["Owner"] == (" ".join(owner.split()) if owner else "Not stated")


@pytest.mark.parametrize("name", SITES + ["minimal"])
def test_readers_never_see_the_datas_action_ids(name, built):
    site = built(name)
    ids = [a.id for _, _, a in site.data.actions()]
    for path, article in _articles(site):
        text = squash(article)
        shown = [i for i in ids if i in text]
        assert not shown, f"{path.name} shows {shown[:3]}"
        assert "Action " + (ids[0] if ids else "-") not in text


@pytest.mark.parametrize("name", SITES + ["minimal"])
def test_link_texts_are_never_cut_short(name, built):
    site = built(name)
    for path, article in _articles(site):
        cut = [squash(a) for a in article.select("a") if squash(a).endswith("…")]
        assert not cut, f"{path.name}: {cut[:2]}"


def test_outcome_headings_carry_the_outcomes_words(built):
    site = built("nottingham")
    for area in site.data.areas:
        headings = [squash(h).rstrip("¶").strip()
                    for h in site.content(f"plan/{area.id}/").select("h2")]
        said = [h for h in headings if h.startswith("Outcome ")]
        assert len(said) == len(area.outcomes)
        for n, (heading, outcome) in enumerate(zip(said, area.outcomes), 1):
            assert heading == f"Outcome {n}: " + " ".join(outcome.text.split())


def test_an_area_page_says_its_action_counts_once(built):
    """Outside the status chart (its description and its own table), the counts are said once:
    no table repeating them, no caveat repeating them."""
    site = built("nottingham")
    article = site.content("plan/front-door/")
    assert article.select_one("table.ims-counts") is None
    for figure in article.select("figure"):
        figure.decompose()
    text = squash(article)
    for said in ("6 in progress and on schedule", "13 past their due date", "13 overdue"):
        assert text.count(said) <= 1, said
    assert text.count("6 in progress and on schedule") == 1


@pytest.mark.parametrize("name", SITES)
def test_every_link_text_on_a_page_is_its_own(name, built):
    """Two charts on one page are two links a screen reader can tell apart."""
    site = built(name)
    for path, article in _articles(site):
        texts = Counter(squash(a) for a in article.select(".ims-chart__download a"))
        assert all(n == 1 for n in texts.values()), (path.name, texts)
        assert "Download the data behind this chart (CSV)" not in texts


def test_glossary_lists_a_term_once_whatever_its_case(built):
    site = built("nel")
    terms = [squash(dt) for dt in site.content("glossary/").select("dl.ims-glossary dt")]
    assert "CIN (also written CiN)" in terms
    assert not [t for t in terms if t.startswith("CiN")]
    glossary = site.data.glossary
    first = Counter((t.lower(), glossary[t]) for t in glossary)
    assert len(terms) == len(first)


@pytest.mark.parametrize("name", SITES)
def test_a_visit_pages_heading_is_its_kind_and_dates_and_its_focus_is_said_once(name, built):
    site = built(name)
    for visit in site.data.visits:
        page = site.content(f"inspections/{visit.id}/")
        assert squash(page.h1).rstrip("¶").strip() == labels.visit_title(visit)
        focus = squash(page.find("dt", string="Focus").find_next("dd"))
        assert focus and focus not in squash(page.h1)


def test_a_rag_set_by_hand_is_explained_to_a_reader(built):
    site = built("nel")
    overridden = [m for m in site.data.measures if m.rag_override]
    assert overridden
    for m in overridden:
        text = site.text(f"performance/{m.id}/")
        assert "The data gives" not in text
        assert "set by hand, as the council's report gives it; by the value's target the " \
               "rating would be" in text
    for path in _pages(site):
        assert "converted from PDF" not in path.read_text(encoding="utf-8"), path.name
