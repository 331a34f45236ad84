"""Charts read as a person reads them: on a phone (390 px), a desktop (1280 px) and A4 paper,
with JavaScript on and off, and through the accessibility tree a screen reader uses.

- No chart text is drawn under 12 CSS px: each panel's SVG is read and every text element's
  font size is multiplied by the scale the page shows the SVG at (rendered width / its width).
- Each chart's description is at most 60 words, and the chart is announced once: its title is
  the figure's name, its description one paragraph, and nothing inside the drawing (ticks,
  labels, panel headings, the key) reaches the accessibility tree.
- No chart is a Tab stop: nothing in the drawing can take focus.
- Printed, charts are their static SVGs, still at 12 px or more.
- Screenshots of every chart-bearing page type at both widths go to test-artifacts/.
"""

from __future__ import annotations

import re

import pytest

from conftest import html_path
from test_browser import ARTIFACTS, _offline_page, _page_types, browser, served  # noqa: F401

pytestmark = pytest.mark.browser

SITES = ["nottingham", "nel"]
WIDTHS = [390, 1280]
MIN_PX = 12
MAX_WORDS = 60
# Every page type that has a chart on both bundled sites; others are checked if they have one.
CHART_PAGES = {"home", "area", "measure", "visit", "visits"}

# Reads each panel's SVG as the page shows it: the smallest font size of its text, scaled by
# the width it is drawn at over the width it was drawn for, and every string it draws.
PANEL_TEXT = """async () => {
  const out = [];
  for (const img of document.querySelectorAll("figure.ims-chart img")) {
    if (!img.complete) await new Promise(r => img.addEventListener("load", r, {once: true}));
    const svg = new DOMParser().parseFromString(await (await fetch(img.src)).text(),
                                                "image/svg+xml").documentElement;
    const natural = parseFloat((svg.getAttribute("viewBox") || "").split(/\\s+/)[2]
                               || svg.getAttribute("width"));
    const shown = img.getBoundingClientRect().width;
    const sizes = [...svg.querySelectorAll("text")].map(t =>
      parseFloat(t.getAttribute("font-size") || (t.getAttribute("style") || "")
        .replace(/.*font-size:\\s*([\\d.]+).*/, "$1")));
    out.push({src: img.getAttribute("src"), natural, shown, visible: img.naturalWidth > 0
              && shown > 0, sizes, texts: [...svg.querySelectorAll("text")]
              .map(t => t.textContent.trim()).filter(Boolean)});
  }
  return out;
}"""

# The smallest computed font size of the words around the drawing (captions, key, headings).
HTML_TEXT = """() => Math.min(...[...document.querySelectorAll(
  "figure.ims-chart figcaption p, figure.ims-chart .ims-chart__key li, "
  + "figure.ims-chart .ims-chart__panel-title")].map(e => parseFloat(getComputedStyle(e).fontSize)))"""

FOCUSABLE = """() => [...document.querySelectorAll("figure.ims-chart")].flatMap(f =>
  [f, ...f.querySelectorAll(".ims-chart__drawing, .ims-chart__drawing *")])
  .filter(e => e.tabIndex >= 0 || e.hasAttribute("tabindex")
               || e.matches("a[href], button, input, select, textarea, summary, [contenteditable]"))
  .map(e => e.outerHTML.slice(0, 80))"""


def _chart_pages(built, site: str) -> dict[str, str]:
    data = built(site).data
    pages = _page_types(data)
    # Contract v2's charts, where the site has them: a breakdown's bars on the page of an
    # area it links to (its own page is a page type), and a measure with a linear target.
    linked = next((b.areas[0] for b in data.breakdowns if b.areas), None)
    if linked:
        pages["area with breakdowns"] = f"plan/{linked}/"
    linear = next((m.id for m in data.measures if m.targets_mode == "linear"
                   and data.values_of(m.id)), None)
    if linear:
        pages["measure with a linear target"] = f"performance/{linear}/"
    return pages


def _required(built, site: str) -> set[str]:
    """The page types that must have a chart: a site's breakdown pages are charts too."""
    return CHART_PAGES | ({"breakdown"} if built(site).data.breakdowns else set())


def _open(browser, base: str, path: str, width: int, javascript: bool):
    context, page, outside, errors = _offline_page(browser, javascript=javascript)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base + html_path(path), wait_until="load")
    return context, page, outside, errors


def _panels_ok(page, where: str) -> list[str]:
    """Problems with the panels' text size as shown, and panels that did not draw."""
    problems = []
    for panel in page.evaluate(PANEL_TEXT):
        if not panel["visible"]:
            problems.append(f"{where}: {panel['src']} did not draw")
            continue
        if not panel["sizes"]:
            continue
        smallest = min(panel["sizes"]) * panel["shown"] / panel["natural"]
        if smallest < MIN_PX:
            problems.append(f"{where}: {panel['src']} text at {smallest:.1f} px "
                            f"({min(panel['sizes'])} px drawn {panel['natural']:.0f} wide, "
                            f"shown {panel['shown']:.0f})")
    return problems


@pytest.mark.parametrize("site", SITES)
def test_chart_text_is_at_least_12_px_at_390_and_1280_with_and_without_javascript(
        site, built, served, browser):
    base = served(site)
    problems, seen = [], set()
    for kind, path in _chart_pages(built, site).items():
        for width in WIDTHS:
            for javascript in (True, False):
                context, page, outside, errors = _open(browser, base, path, width, javascript)
                if not page.locator("figure.ims-chart").count():
                    context.close()
                    break
                seen.add(kind)
                where = f"{site} {kind} at {width} px, JS {'on' if javascript else 'off'}"
                problems += _panels_ok(page, where)
                html_px = page.evaluate(HTML_TEXT)
                if html_px < MIN_PX:
                    problems.append(f"{where}: chart words at {html_px} px")
                scroll = page.evaluate("document.documentElement.scrollWidth")
                figure_right = page.evaluate(
                    "Math.max(...[...document.querySelectorAll('figure.ims-chart img')]"
                    ".map(i => i.getBoundingClientRect().right))")
                if figure_right > width:
                    problems.append(f"{where}: a chart ends at {figure_right:.0f} px, past "
                                    f"the {width} px screen (page {scroll} px wide)")
                assert not outside and not errors, (where, outside, errors)
                context.close()
    required = _required(built, site)
    assert required <= seen, f"page types without a chart: {required - seen}"
    assert not problems, "\n".join(problems)


def _words(text: str) -> int:
    return len(text.split())


@pytest.mark.parametrize("site", SITES)
def test_each_chart_is_announced_once_in_at_most_60_words_and_is_no_tab_stop(
        site, built, served, browser):
    base = served(site)
    problems = []
    for kind, path in _chart_pages(built, site).items():
        for javascript in (True, False):
            context, page, _, _ = _open(browser, base, path, 390, javascript)
            figures = page.locator("figure.ims-chart")
            if not figures.count():
                context.close()
                break
            where = f"{site} {kind} (JS {'on' if javascript else 'off'})"
            tree = page.locator("main").aria_snapshot()
            drawn = {t for panel in page.evaluate(PANEL_TEXT) for t in panel["texts"]}
            for i in range(figures.count()):
                figure = figures.nth(i)
                title = figure.locator(".ims-chart__title").inner_text().strip()
                description = figure.locator(".ims-chart__description").inner_text().strip()
                if _words(description) > MAX_WORDS:
                    problems.append(f"{where}: {_words(description)} words: {description}")
                # The title is the figure's name and is not read again inside it; the
                # description is read once on the whole page.
                own = figure.aria_snapshot()
                if tree.count(f'figure "{title}"') != 1 or own.count(title) != 1:
                    problems.append(f"{where}: title {title!r} is in the figure's tree "
                                    f"{own.count(title)} times")
                if tree.count(description) != 1:
                    problems.append(f"{where}: description in the tree "
                                    f"{tree.count(description)} times")
                lines = [re.sub(r'^\s*- (\w+)( "[^"]*")?:? ?', "", line).strip()
                         for line in own.splitlines()]
                leaked = sorted(drawn & set(lines))
                if leaked or re.search(r"^\s*- (img|image|graphics)", own, re.M):
                    problems.append(f"{where}: the drawing reaches the tree: {leaked[:5]}")
                for heading in figure.locator(".ims-chart__panel-title").all_inner_texts():
                    if heading.strip() in lines:
                        problems.append(f"{where}: panel heading {heading!r} read out")
            focusable = page.evaluate(FOCUSABLE)
            if focusable:
                problems.append(f"{where}: chart Tab stops: {focusable[:3]}")
            context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("site", SITES)
def test_printed_charts_are_their_svgs_at_12_px_or_more(site, built, served, browser):
    base = served(site)
    problems = []
    for kind, path in _chart_pages(built, site).items():
        context, page, _, _ = _open(browser, base, path, 794, False)
        if not page.locator("figure.ims-chart").count():
            context.close()
            continue
        page.emulate_media(media="print")
        problems += _panels_ok(page, f"{site} {kind} printed on A4")
        context.close()
    assert not problems, "\n".join(problems)


def test_a_printed_measure_page_carries_its_chart(built, served, browser):
    """Chromium's own PDF of a measure page: the chart's SVG is in it, its labels as text."""
    import io

    from pypdf import PdfReader
    context, page, _, _ = _open(browser, served("nel"), "performance/cp-rate/", 794, True)
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert "Rate of CP rose to 97" in text
    assert "Statistical neighbours 62" in text and "Jun 2023" in text  # drawn in the SVG
    context.close()


@pytest.mark.parametrize("site", SITES)
def test_screenshots_of_every_chart_page_at_390_and_1280(site, built, served, browser):
    """For people to look at: the charts of each page type, as a phone and a desktop show them."""
    ARTIFACTS.mkdir(exist_ok=True)
    base = served(site)
    for kind, path in _chart_pages(built, site).items():
        for width in WIDTHS:
            context, page, _, _ = _open(browser, base, path, width, True)
            page.add_style_tag(content=".md-header { position: static !important; }")
            figures = page.locator("figure.ims-chart")
            for i in range(figures.count()):
                shot = ARTIFACTS / f"chart-{site}-{kind.replace(' ', '-')}-{i + 1}-{width}.png"
                figures.nth(i).screenshot(path=str(shot))
                assert shot.stat().st_size > 5_000
            context.close()
