"""The built sites in a real browser: Debian's chromium driven by playwright.

- axe-core (vendored, pinned) finds no WCAG 2.2 A/AA violation on any page type;
- every chart draws (each panel's static SVG loads) with nothing fetched from the internet,
  served over HTTP and opened straight from the folder (a USB stick);
- with JavaScript off, every chart's SVGs show (charts need no script).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from browsing import ARGS, CHROMIUM, base_url, start_server
from conftest import html_path

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

if not Path(CHROMIUM).exists():  # pragma: no cover - scripts/test.sh installs it
    pytest.fail("Browser tests need Debian's chromium at /usr/bin/chromium: "
                "run `bash scripts/test.sh`, which installs it", pytrace=False)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def served(built):
    """Serve a built site on loopback; returns its base URL."""
    servers = {}

    def serve(name: str) -> str:
        if name not in servers:
            servers[name] = start_server(built(name).out)
        return base_url(servers[name])

    yield serve
    for server in servers.values():
        server.shutdown()


def _offline_page(browser, *, javascript=True):
    """A page that may load only the site itself: anything else is refused and recorded."""
    context = browser.new_context(java_script_enabled=javascript, reduced_motion="reduce",
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    outside: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("http://127.0.0.1", "file://", "data:", "blob:")):
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    page.route("**/*", route)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, outside, errors


def _page_types(data) -> dict[str, str]:
    area = data.areas[0].id
    measure = next(m.id for m in data.measures if data.values_of(m.id))
    types = {
        "home": "", "plan": "plan/", "area": f"plan/{area}/", "exceptions": "plan/exceptions/",
        "scorecard": "performance/", "measure": f"performance/{measure}/",
        "visits": "inspections/", "visit": f"inspections/{data.visits[-1].id}/",
        "glossary": "glossary/", "accessibility": "accessibility/",
        "changes": "changes/", "releases": "releases/",
    }
    if data.breakdowns:  # contract v2's page types, where the site has them
        types["breakdown"] = f"performance/breakdowns/{data.breakdowns[0].id}/"
    if data.providers:
        types["providers"] = "performance/providers/"
    return types


def _wait_for_charts(page) -> tuple[int, int]:
    """(charts on the page, charts whose every panel's SVG has loaded)."""
    figures = page.locator("figure.ims-chart")
    total = figures.count()
    drawn = "[...document.querySelectorAll('figure.ims-chart')].filter(f => { " \
        "const i = [...f.querySelectorAll('img')]; " \
        "return i.length && i.every(i => i.complete && i.naturalWidth > 0); }).length"
    if total:
        page.wait_for_function(f"n => {drawn} >= n", arg=total, timeout=20000)
    return total, page.evaluate(drawn)


@pytest.mark.parametrize("site", ["nottingham", "nel"])
def test_every_page_type_has_no_axe_violations_and_charts_draw(site, built, served, browser):
    base = served(site)
    axe = AXE.read_text(encoding="utf-8")
    failures = []
    for kind, path in _page_types(built(site).data).items():
        context, page, outside, errors = _offline_page(browser)
        page.goto(base + html_path(path), wait_until="load")
        total, drawn = _wait_for_charts(page)
        assert drawn == total, f"{kind}: {drawn} of {total} charts drew"
        page.add_script_tag(content=axe)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
        for v in result["violations"]:
            targets = [n["target"] for n in v["nodes"]][:3]
            failures.append(f"{site} {kind} ({path}): {v['id']}: {v['help']} {targets}")
        assert not outside, f"{kind} tried to load from outside the site: {outside}"
        assert not errors, f"{kind} had script errors: {errors}"
        context.close()
    assert not failures, "axe found violations:\n" + "\n".join(failures)


@pytest.mark.parametrize("site", ["nottingham", "nel"])
def test_every_chart_page_draws_its_charts(site, built, served, browser):
    """Every area, measure and visit page: each chart has its SVG, description, table, CSV."""
    data = built(site).data
    base = served(site)
    paths = ([f"plan/{a.id}/" for a in data.areas] +
             [f"performance/{m.id}/" for m in data.measures if data.values_of(m.id)] +
             [f"inspections/{v.id}/" for v in data.visits] +
             [f"performance/breakdowns/{b.id}/" for b in data.breakdowns])
    context, page, outside, errors = _offline_page(browser)
    for path in paths:
        path = html_path(path)
        page.goto(base + path, wait_until="load")
        total, drawn = _wait_for_charts(page)
        assert total >= 1 and drawn == total, f"{path}: {drawn} of {total} charts drew"
        for i in range(total):
            figure = page.locator("figure.ims-chart").nth(i)
            assert figure.locator(".ims-chart__description").inner_text().strip()
            assert figure.locator("details table tbody tr").count() >= 1
            href = figure.locator("a[download]").get_attribute("href")
            response = page.request.get(page.url.rsplit("/", 1)[0] + "/" + href)
            assert response.ok and response.text().count("\n") >= 2, f"{path}: CSV {href}"
    assert not outside and not errors
    context.close()


def test_pages_work_without_javascript(built, served, browser):
    data = built("nel").data
    base = served("nel")
    context, page, outside, _ = _offline_page(browser, javascript=False)
    for path in (f"performance/{data.measures[0].id}/", f"plan/{data.areas[0].id}/", ""):
        page.goto(base + html_path(path), wait_until="load")
        images = page.locator("figure.ims-chart .ims-chart__panel img")
        assert images.count() >= page.locator("figure.ims-chart").count() >= 1
        for i in range(images.count()):
            image = images.nth(i)
            image.scroll_into_view_if_needed()
            assert image.is_visible()
            page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                   arg=image.element_handle())
    context.close()


def test_site_opened_from_a_folder_draws_charts(built, browser, tmp_path):
    """As from a USB stick: file:// URLs, no server, no network."""
    folder = tmp_path / "usb"
    shutil.copytree(built("nel").out, folder)
    measure = built("nel").data.measures[0].id
    context, page, outside, errors = _offline_page(browser)
    page.goto((folder / "performance" / f"{measure}.html").as_uri(), wait_until="load")
    total, drawn = _wait_for_charts(page)
    assert total >= 1 and drawn == total
    assert not outside and not errors
    context.close()


def test_screenshots_of_a_measure_and_an_area_page(built, served, browser):
    """Saved to test-artifacts/ for people to look at (linked from the README)."""
    ARTIFACTS.mkdir(exist_ok=True)
    shots = {"measure-page.png": ("nel", "performance/cp-rate/"),
             "area-page.png": ("nottingham", "plan/front-door/")}
    for name, (site, path) in shots.items():
        context, page, _, _ = _offline_page(browser)
        page.goto(served(site) + html_path(path), wait_until="load")
        _wait_for_charts(page)
        page.screenshot(path=str(ARTIFACTS / name), full_page=False)
        assert (ARTIFACTS / name).stat().st_size > 10_000
        context.close()


def test_a_reader_who_asks_for_less_motion_gets_none(built, served, browser):
    """With the system's "reduce motion" setting, nothing slides or scrolls smoothly: not the
    header's title (Material slides it in as the page scrolls past its heading), not an in-page
    link. Material's stylesheet drops its transitions for these readers and ours drops the rest
    (animations, smooth scrolling); this holds both to it. Without the setting, Material's motion
    is there, so the test can tell the two apart. The browser tests all run with the setting,
    so none can catch a page half way through a slide (issue 25: a colour-contrast failure
    on the sliding header title)."""
    url = served("nottingham") + html_path(f"plan/{built('nottingham').data.areas[0].id}/")
    motion = """() => {
      const durations = [...document.querySelectorAll('.md-header__topic, .md-header__title')]
        .map(e => getComputedStyle(e).transitionDuration);
      return {moving: durations.filter(d => d.split(',').some(t => parseFloat(t) > 0)),
              smooth: getComputedStyle(document.documentElement).scrollBehavior};
    }"""
    found = {}
    for setting in ("reduce", "no-preference"):
        context = browser.new_context(reduced_motion=setting)
        page = context.new_page()
        page.goto(url, wait_until="load")
        found[setting] = page.evaluate(motion)
        context.close()
    assert found["reduce"] == {"moving": [], "smooth": "auto"}, found
    assert found["no-preference"]["moving"], found
