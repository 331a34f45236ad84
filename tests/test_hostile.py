"""Hostile text in every data text field is shown as text: never run, never a template.

A site is made from the minimal fixture with a payload in every text field (HTML, script,
event handlers, javascript: links, Jinja, attr_list, very long strings), built, and read both
as HTML and in a real browser that records any dialog or script side effect.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from macros import commands

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
    "W" * 6000,
]
# Fields that hold ids, dates, codes or numbers: everything else is text and gets a payload.
NOT_TEXT = {"id", "measures", "areas", "inspection", "reporting_date", "date", "due",
            "revised_due", "start", "end", "published", "status", "kind", "unit",
            "polarity", "audience", "grade", "rag", "period", "by", "value", "number",
            "target", "low", "high", "measure", "contact", "letter_url", "papers_url"}


def poison(value, counter):
    if isinstance(value, dict):
        return {k: (v if k in NOT_TEXT else poison(v, counter)) for k, v in value.items()}
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
    raw["meeting"]["papers_url"] = "javascript:window.__pwned=1"
    raw["contact"] = '"><script>window.__pwned=1</script>'
    site_yaml.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
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


def test_downloads_do_not_start_with_formulas(hostile):
    for csv in (hostile / "assets" / "charts").glob("*.csv"):
        for line in csv.read_text(encoding="utf-8").splitlines():
            for cell in line.split(","):
                assert not cell.startswith(("=", "+", "@")), f"{csv}: {line}"


@pytest.mark.browser
def test_no_script_runs_and_no_dialog_opens(hostile):
    from playwright.sync_api import sync_playwright

    from test_browser import ARGS, CHROMIUM

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(hostile)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    dialogs: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            for path in _pages(hostile):
                page.goto(base + path.relative_to(hostile).as_posix(), wait_until="load")
                page.wait_for_timeout(50)
                page.mouse.move(300, 300)  # would trigger an onmouseover payload
                for link in page.locator("article a").all()[:40]:
                    href = link.get_attribute("href") or ""
                    assert not href.lower().startswith("javascript:")
                assert page.evaluate("() => window.__pwned === undefined"), path
            browser.close()
    finally:
        server.shutdown()
    assert dialogs == []
