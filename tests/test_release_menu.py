"""The meeting menu of a published release, read as a reader reads it (issue 21, item 2).

Two meetings of the minimal fixture are published with mike (the demo's own code, without the
committee report, which this test does not read) and the later release is opened in chromium
at 390, 768 and 1280 px. The menu's button must be whole (inside the header and the screen,
and nothing drawn over its centre); once open, each entry must be whole, reachable by
keyboard, and lead to the meeting it names; and a click on the button's label must not take
the reader anywhere else. With JavaScript off there is no menu: the Meetings and releases page
must link each earlier meeting's release instead, and the first release say there is none.
"""

from __future__ import annotations

import contextlib
import re
from datetime import datetime
from pathlib import Path

import pytest

from browsing import serving
from improvement_site.cli import commands
from improvement_site.cli.demo import make_demo
from test_browser import browser  # noqa: F401 - its chromium, a fixture for the module
from test_demo import MINIMAL, overlay

EARLIER, LATER = "2023-10-05", "2024-04-10"  # the overlay's meeting, the fixture's meeting
WIDTHS = (390, 768, 1280)

# Where a box is, and whether it is whole: inside the viewport, inside the header (for the
# button), and the element drawn at its centre is the box's own element or inside it.
WHOLE = """([el, within]) => {
  const r = el.getBoundingClientRect(), w = within ? within.getBoundingClientRect() : null;
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 &&
                           a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
  const screen = {left: 0, top: 0, right: innerWidth, bottom: innerHeight};
  const problems = [];
  if (!r.width || !r.height) problems.push("has no size");
  if (!inside(r, screen)) problems.push(`is cut by the screen (${JSON.stringify(r)})`);
  if (w && !inside(r, w)) problems.push(`is cut by its container (${JSON.stringify(r)} in ${JSON.stringify(w)})`);
  if (!hit || !(hit === el || el.contains(hit))) problems.push(`is covered by ${hit && hit.outerHTML.slice(0, 120)}`);
  if (document.documentElement.scrollWidth > innerWidth) problems.push("makes the page scroll sideways");
  return problems;
}"""


def release_build(site: Path, out: Path, version: str) -> Path:
    return commands.build(site, out, audience="public", release=version, report=False)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("menu")
    demo = make_demo(tmp / "demo", release_build, source=MINIMAL, first_meeting=overlay(tmp))
    with serving(demo.site) as base:
        yield base, demo.folder / "repository"


@contextlib.contextmanager
def release_page(browser, url: str, width: int, height: int = 800):
    """A page of a release at this width, once Material's script has put in the menu."""
    context = browser.new_context(viewport={"width": width, "height": height},
                                  reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto(url)
        page.locator(".md-version__current").wait_for()
        yield page
    finally:
        context.close()


def meeting_of(label: str) -> str:
    """The meeting a menu entry names: "5 October 2023: Children's ..." -> 2023-10-05."""
    return datetime.strptime(label.split(":")[0].strip(), "%d %B %Y").date().isoformat()


def version_in(url: str) -> str:
    found = re.search(r"/(\d{4}-\d{2}-\d{2})/", url)
    return found.group(1) if found else url


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_the_meeting_menu_is_whole_and_leads_where_it_says(published, browser, width):
    published, _ = published
    with release_page(browser, f"{published}{LATER}/index.html", width) as page:
        button = page.locator(".md-version__current")
        header = page.locator(".md-header").element_handle()
        problems = page.evaluate(WHOLE, [button.element_handle(), header])
        assert not problems, f"{width} px: the menu's button {'; '.join(problems)}"
        assert meeting_of(button.inner_text()) == LATER

        # Opened from the keyboard: Tab reaches each entry in turn, each whole and naming
        # the meeting its address leads to.
        button.focus()
        links = page.locator(".md-version__link")
        assert links.count() == 2
        seen = {}
        for index in range(links.count()):
            page.keyboard.press("Tab")
            link = links.nth(index)
            assert link.evaluate("el => el === document.activeElement"), (
                f"{width} px: Tab did not reach the menu's entry {index + 1}")
            problems = page.evaluate(WHOLE, [link.element_handle(), None])
            label = link.inner_text()
            assert not problems, f"{width} px: the entry {label!r} {'; '.join(problems)}"
            href = link.evaluate("el => el.href")
            assert version_in(href) == meeting_of(label), (
                f"{width} px: the entry {label!r} leads to {href}")
            seen[meeting_of(label)] = link
        assert set(seen) == {EARLIER, LATER}

        # The pointer over the label the reader sees opens the list: the label must still be
        # what is under it (not another meeting's entry), and a click on it stays on this
        # meeting. A click on an entry would focus that entry on the way to its meeting.
        box = button.bounding_box()
        centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.move(*centre)
        links.first.wait_for(state="visible")
        problems = page.evaluate(WHOLE, [button.element_handle(), header])
        assert not problems, f"{width} px: with the list open, the button {'; '.join(problems)}"
        page.mouse.click(*centre)
        assert button.evaluate("el => el === document.activeElement"), (
            f"{width} px: a click on the label went to "
            f"{page.evaluate('document.activeElement.outerHTML')[:200]}")
        assert version_in(page.url) == LATER, f"{width} px: the label led to {page.url}"

        # And the earlier meeting's entry leads to the earlier release.
        seen[EARLIER].click()
        page.wait_for_url(re.compile(f"/{EARLIER}/"))
        assert version_in(page.url) == EARLIER


@pytest.mark.browser
def test_without_javascript_the_releases_page_links_each_earlier_meeting(published, browser):
    published, _ = published
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{published}{LATER}/releases.html")
        assert page.locator(".md-version").count() == 0  # no menu without JavaScript
        link = page.get_by_role("link", name="The site as presented on 5 October 2023")
        assert link.count() == 1, ("the Meetings and releases page does not link the release "
                                   f"of 5 October 2023: {page.locator('article').inner_text()}")
        href = link.evaluate("el => el.href")
        assert href == f"{published}{EARLIER}/index.html"
        link.click()
        page.wait_for_url(href)
        assert "5 October 2023" in page.locator(".ims-announce").inner_text()

        page.goto(f"{published}{EARLIER}/releases.html")
        lede = page.locator(".ims-lede").inner_text()
        assert "There is no earlier release: this meeting's is the first on this site." in lede
        assert page.get_by_role("link", name=re.compile("The site as presented")).count() == 0
    finally:
        context.close()


def test_a_copy_that_is_not_a_release_links_no_earlier_release(published, tmp_path):
    """A preview or a USB stick has no earlier release beside it: it says so, and links
    none (a link there would lead nowhere)."""
    _, repository = published
    out = commands.build(repository, tmp_path / "site", audience="public")
    page = (Path(out) / "releases.html").read_text(encoding="utf-8")
    assert "This copy of the site is not a published release, so it cannot link" in page
    assert f"{EARLIER}/" not in page and "The site as presented on" not in page


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_the_page_title_shows_in_the_taller_header(published, browser, width):
    """Once the page's heading scrolls away, Material slides the page's title into the header
    in place of the site's: in a release's taller header it must land inside the header."""
    published, _ = published
    with release_page(browser, f"{published}{LATER}/plan/index.html", width, 500) as page:
        page.evaluate("window.scrollTo(0, document.querySelector('article h1')"
                      ".getBoundingClientRect().bottom + scrollY + 10)")
        page.locator(".md-header__title--active").wait_for()
        title = page.locator("[data-md-component=header-topic] .md-ellipsis").element_handle()
        header = page.locator(".md-header").element_handle()
        problems = page.evaluate(WHOLE, [title, header])
        assert not problems, f"{width} px: the page's title in the header {'; '.join(problems)}"
