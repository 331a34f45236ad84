"""Hostile text in every data text field is shown as text: never run, never a template.

A site is made from the minimal fixture with a payload in every text field (HTML, script,
event handlers, javascript: links, Jinja, attr_list, very long strings), and links to script
in every spelling (entities, reference-style, data:) in every Markdown field. It is built, and
read both as HTML and in a real browser that clicks every link from data and records any
dialog or script side effect.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from improvement_site.cli import commands

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAYLOADS = [
    '<script>window.__pwned=1;alert("script")</script>',
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    "[click me](javascript:window.__pwned=1)",
    '<a href="javascript:window.__pwned=1">a link</a>',
    "{{ 7*7 }} {% for x in range(3) %}LOOP{% endfor %} {# hidden #}",
    '"><svg onload="window.__pwned=1">',
    "</script><script>window.__pwned=1</script>",
    "</title><script>window.__pwned=1</script>",
    'Heading {: onclick="window.__pwned=1" } and {{ config }}',
    "<div onmouseover='window.__pwned=1' style='position:fixed;inset:0'>cover</div>",
    "W" * 250,  # as long as a name may be; Markdown fields also get a 6,000-letter word
]
LONG_WORD = "W" * 6000
# Links a browser could follow as script, however they are spelt; every Markdown field gets all
# of them. Each label starts with "xss" so the browser test can find and click them.
XSS_LINKS = "\n".join([
    "[xss-plain](javascript:window.__pwned=1;alert(1))",
    "[xss-decimal](javascript&#58;window.__pwned=1;alert(1))",
    "[xss-padded](javascript&#0000058;window.__pwned=1;alert(1))",
    "[xss-hex](javascript&#x3a;window.__pwned=1;alert(1))",
    "[xss-named](javascript&colon;window.__pwned=1;alert(1))",
    "[xss-first-letter](&#106;avascript:window.__pwned=1;alert(1))",
    "[xss-case](JaVaScRiPt:window.__pwned=1;alert(1))",
    "[xss-tab](java\tscript:window.__pwned=1;alert(1))",
    "[xss-tab-entity](java&#x09;script:window.__pwned=1;alert(1))",
    "[xss-control-entity](java&#x0B;script:window.__pwned=1;alert(1))",
    "[xss-reference][hostile-ref] and [xss-reference-2][]",
    "<javascript:window.__pwned=1;alert(1)>",
    "[xss-data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[xss-data-entity](data&colon;text/html,<script>alert(1)</script>)",
    "[xss-vbscript](vbscript:msgbox(1))",
    "[safe-link-https](https://example.org/ok) [safe-link-anchor](#safe-link)",
    "",
    "[hostile-ref]: javascript&#58;window.__pwned=1;alert(1)",
    "[xss-reference-2]: data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
])
XSS_LABELS = sorted(set(re.findall(r"\[(xss-[a-z0-9-]+)\]", XSS_LINKS)))
MARKDOWN = {"progress", "impact", "delay_reason", "mitigation", "summary", "working_well",
            "worried", "doing", "definition", "note", "recommendations", "strengths",
            "development"}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
# The site title, with an apostrophe that must be escaped once, not twice, in the logo's tooltip.
TITLE = "Children's services improvement"
# An action is plain text: Markdown in it is shown as typed; glossary terms are still expanded.
ACTION = "Recruit *eight* TEST workers, see [the plan](https://example.org/plan)"

# Fields that hold ids, dates, codes or numbers: everything else is text and gets a payload.
NOT_TEXT = {"id", "measures", "areas", "inspection", "reporting_date", "date", "due",
            "revised_due", "start", "end", "published", "status", "kind", "unit",
            "polarity", "audience", "grade", "rag", "period", "by", "value", "number",
            "target", "low", "high", "measure", "contact", "letter_url", "papers_url"}


def with_links(value):
    if isinstance(value, list):
        return [with_links(v) for v in value]
    return f"{XSS_LINKS}\n\n{value} {LONG_WORD}" if isinstance(value, str) else value


def poison(value, counter):
    if isinstance(value, dict):
        return {k: (v if k in NOT_TEXT else with_links(poison(v, counter)) if k in MARKDOWN
                    else poison(v, counter)) for k, v in value.items()}
    if isinstance(value, list):
        return [poison(v, counter) for v in value]
    if isinstance(value, str):
        counter[0] += 1
        return f"{PAYLOADS[counter[0] % len(PAYLOADS)]} #{counter[0]}"
    return value


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    site = root / "site"
    shutil.copytree(FIXTURES / "minimal", site)
    counter = [0]
    for path in (site / "data").rglob("*.yaml"):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(yaml.safe_dump(poison(raw, counter), allow_unicode=True),
                        encoding="utf-8")
    site_yaml = site / "data" / "site.yaml"
    raw = yaml.safe_load(site_yaml.read_text(encoding="utf-8"))
    raw["title"] = TITLE
    raw["meeting"]["papers_url"] = "javascript:window.__pwned=1"
    raw["contact"] = '"><script>window.__pwned=1</script>'
    site_yaml.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    plan = site / "data" / "plan" / "01-front-door.yaml"
    raw = yaml.safe_load(plan.read_text(encoding="utf-8"))
    for outcome in raw["outcomes"]:
        for action in outcome["actions"]:
            if action["id"] in ("front-door-01", "front-door-03"):  # complete; delayed
                action["action"] = ACTION
    plan.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    csv = site / "data" / "measures.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(
        "provisional", '"<script>window.__pwned=1</script>, =HYPERLINK(""x"")"'),
        encoding="utf-8")
    out = commands.build(site, root / "out")
    assert counter[0] > 30  # every text field of the fixture
    return out


def _pages(out: Path):
    return [p for p in out.rglob("*.html") if p.name != "404.html"]


def test_no_payload_becomes_markup(hostile):
    for page in _pages(hostile):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for script in soup.find_all("script"):
            assert "__pwned" not in (script.string or "") or script.get("type") == \
                "application/json", f"{page}: a payload became a script"
        for el in soup.find_all(True):
            for attr, value in el.attrs.items():
                value = " ".join(value) if isinstance(value, list) else str(value)
                assert not (attr.startswith("on") and "__pwned" in value), f"{page}: {el}"
                if attr in ("href", "src", "action", "formaction"):
                    assert not value.strip().lower().startswith(("javascript:", "data:text")), \
                        f"{page}: {attr}={value}"


def test_templates_in_data_are_shown_not_run(hostile):
    text = ""
    for page in _pages(hostile):
        text += BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").get_text()
    assert "{{ 7*7 }}" in text and "{% for x in range(3) %}LOOP{% endfor %}" in text
    assert "LOOPLOOPLOOP" not in text.replace(" ", "")
    assert "{{ config }}" in text and "site_name" not in text
    assert "<script>window.__pwned=1</script>" in text  # shown as text


def test_an_unsafe_papers_link_is_left_out_not_emptied(hostile):
    """A rejected papers_url must not become <a href="">, a link to the page itself.
    (Spreadsheet formulas in the downloads are tested in test_downloads.py.)"""
    for page in ("index.html", "releases.html"):
        path = hostile / page
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        papers = [a for a in soup.find_all("a") if "Committee papers" in a.get_text()]
        assert papers == [], f"{page}: {papers}"
        assert not soup.select('article a[href=""]'), page


@pytest.mark.browser
def test_no_script_runs_and_no_dialog_opens(hostile):
    from browsing import watched_page

    with watched_page(hostile) as (base, page, dialogs):
        for path in _pages(hostile):
            page.goto(base + path.relative_to(hostile).as_posix(), wait_until="load")
            page.wait_for_timeout(50)
            page.mouse.move(300, 300)  # would trigger an onmouseover payload
            for link in page.locator("article a").all()[:40]:
                href = link.get_attribute("href") or ""
                assert not href.lower().startswith("javascript:")
            assert page.evaluate("() => window.__pwned === undefined"), path
    assert dialogs == []


_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)


def scheme(url: str) -> str | None:
    """An address's scheme read as suspiciously as possible: entities decoded (once more than
    the HTML parser did), white space and control characters removed anywhere, lowercased.
    None for a relative address."""
    found = re.match(r"([a-z][a-z0-9+.\-]*):", _INVISIBLE.sub("", html.unescape(url)).lower())
    return found.group(1) if found else None


def _addresses(soup):
    """Every address in a page: link, source and form targets, and CSS url()s."""
    for el in soup.find_all(True):
        for attr in ("href", "src", "action", "formaction", "xlink:href", "poster", "cite"):
            if el.has_attr(attr):
                yield f"<{el.name} {attr}>", el[attr]
        for css in ([el.get("style") or ""] + ([el.string or ""] if el.name == "style" else [])):
            for match in _CSS_URL.finditer(css):
                yield f"<{el.name}> url()", match.group(2)


def test_every_address_stays_in_the_allowlist(hostile):
    seen = 0
    for page in _pages(hostile):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for where, address in _addresses(soup):
            seen += 1
            assert scheme(address) in ALLOWED_SCHEMES | {None}, f"{page}: {where} {address!r}"
    assert seen > 100


def _data_links(soup, prefix):
    article = soup.select_one("article") or soup
    return [a for a in article.find_all("a") if a.get_text().startswith(prefix)]


def test_links_from_data_lose_only_their_unsafe_address(hostile):
    labels: dict[str, list] = {}
    safe = []
    for page in _pages(hostile):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for a in _data_links(soup, "xss"):
            labels.setdefault(a.get_text(), []).append(a.get("href"))
        safe += [a.get("href") for a in _data_links(soup, "safe-link")]
    assert sorted(labels) == XSS_LABELS  # every spelling reached a page, shown as link text
    assert {href for hrefs in labels.values() for href in hrefs} == {None}
    assert "https://example.org/ok" in safe and "#safe-link" in safe  # good links still work


def test_logo_tooltip_is_escaped_once(hostile):
    source = (hostile / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(source, "html.parser")
    logos = soup.select("a.md-logo")
    assert len(logos) == 2  # the header and the navigation drawer
    for logo in logos:
        assert logo["title"] == TITLE and logo["aria-label"] == TITLE
    assert source.count('title="Children&#x27;s services improvement"') == 2
    assert "&amp;#x27;" not in source


def test_action_is_plain_text(hostile):
    rows = []
    for page in _pages(hostile):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        rows += [(page, h) for h in soup.select(
            "#front-door-01 .ims-action__title, #front-door-03 .ims-action__title")]
    assert len(rows) >= 3  # the area page (two actions) and the exceptions page
    for page, th in rows:
        text = " ".join(th.get_text().split())
        assert ACTION in text, page  # Markdown shown as typed
        assert not th.find("em") and not th.find("a", href="https://example.org/plan"), page
        assert th.find("abbr", string="TEST") is not None, page  # the glossary still applies


@pytest.mark.browser
def test_clicking_links_from_data_runs_nothing(hostile):
    from browsing import watched_page

    clicked: set[str] = set()
    with watched_page(hostile) as (base, page, dialogs):
        for path in _pages(hostile):
            url = base + path.relative_to(hostile).as_posix()
            page.goto(url, wait_until="load")
            if path == hostile / "index.html":
                logo = page.locator("a.md-logo").first
                assert logo.get_attribute("title") == TITLE  # reads "Children's", once
            links = page.locator("article a")
            for i in range(links.count()):
                link = links.nth(i)
                label = link.inner_text().strip()
                if not label.startswith(("xss", "safe-link-anchor")):
                    continue
                try:
                    link.click(timeout=1000)
                except Exception:  # hidden or covered: click it as a script would
                    link.evaluate("a => a.click()")
                page.wait_for_timeout(20)
                clicked.add(label)
                now = page.url
                assert not now.lower().startswith(("javascript:", "data:")), (path, label)
                assert now.split("#")[0] == url, (path, label, now)
                assert page.evaluate("() => window.__pwned === undefined"), (path, label)
            assert dialogs == [], path
    assert set(XSS_LABELS) <= clicked
    assert dialogs == []
