"""Links in data as the committee paper prints them (issue 20, items 5 and 13).

The PDF was laid out against the package's template folder, so a relative link in an
officer's text became a `file:` link: `../../../etc/passwd` → file:///etc/passwd, and
`downloads.html` a path into the build machine's installation. Now a relative link is
followed from the published site's page the text is on, or printed as its text when the
site has no published address; every link annotation in the PDF, and every address the
Word file prints or links, is http(s) or mailto. Checked on the files themselves (pikepdf,
the Word file's XML), in every Markdown field the paper prints, in one part and in two.

And the same data gives the same bytes whatever the report's chart cache holds.
"""

from __future__ import annotations

import io
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pikepdf
import pytest
from click.testing import CliRunner

import improvement_site
from helpers import edit_yaml
from improvement_site.cli.main import main
from improvement_site.publish.audience import for_audience
from improvement_site.publish.current import full_data
from improvement_site.publish.history import History, Snapshot
from improvement_site.report import output, pdf
from improvement_site.report.links import followable, page_address, site_address

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HOSTILE = ("../../../etc/passwd", "downloads.html", "./x", "//host/x", "file:///etc/passwd",
           "#glossary")
GOOD = ("https://example.org/a", "mailto:officer@example.org")
LINKS = " ".join(f"[link {i}]({href})" for i, href in enumerate(HOSTILE + GOOD))
SITE_URL = "https://council.example.gov.uk/improvement/"
ALLOWED = {"http", "https", "mailto"}


def _markdown_everywhere(site: Path) -> None:
    """The links in every Markdown field the paper prints."""
    data = site / "data"

    def site_yaml(s):
        s["meeting"]["recommendations"].append(f"The committee reads {LINKS}")

    def plan(area):
        area["summary"] = LINKS
        area["updates"] = [{"as_at": "2024-03-01", "taken": LINKS, "planned": LINKS,
                            "impact": LINKS}]
        for outcome in area["outcomes"]:
            for action in outcome["actions"]:
                action["progress"] = action["impact"] = LINKS
                if action.get("status") == "delayed":
                    action["delay_reason"] = action["mitigation"] = LINKS

    def measures(items):
        for m in items:
            m["note"] = LINKS

    def commentary(items):
        for c in items:
            c["working_well"] = c["worried"] = c["doing"] = LINKS

    def visits(items):
        for v in items:
            if v.get("summary"):
                v["summary"] = LINKS
                v["strengths"] = [LINKS]
                v["development"] = [LINKS]

    edit_yaml(data / "site.yaml", site_yaml)
    edit_yaml(data / "plan" / "01-front-door.yaml", plan)
    edit_yaml(data / "measures.yaml", measures)
    edit_yaml(data / "commentary.yaml", commentary)
    edit_yaml(data / "visits.yaml", visits)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    site = tmp_path_factory.mktemp("links") / "site"
    shutil.copytree(FIXTURES / "minimal", site)
    _markdown_everywhere(site)
    return site


def _report(site: Path, site_url: str | None):
    data = for_audience(full_data(site / "data"), "public")
    return output.make_report(data, History(Snapshot(None, data)), audience="public",
                              cache_root=site / ".cache", site_url=site_url)


def _forbidden() -> list[str]:
    """What no address in the paper may contain: the package's folder, the temporary one."""
    return [str(Path(improvement_site.__file__).parent.parent), tempfile.gettempdir(),
            sys.prefix]


def pdf_links(data: bytes) -> list[str]:
    """Every link annotation's target: its URI, or "#name" for a destination in the PDF."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as doc:
        for page in doc.pages:
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") != "/Link":
                    continue
                action = annot.get("/A")
                if action is not None and action.get("/S") == "/URI":
                    found.append(str(action.URI))
                else:  # a destination in this document (GoTo, or /Dest)
                    found.append("#" + str(annot.get("/Dest", action and action.get("/D"))))
    return found


def _bad(addresses) -> list[str]:
    return [a for a in addresses if not a.startswith("#")
            and (urlsplit(a).scheme not in ALLOWED
                 or any(part in a for part in _forbidden()))]


def word_addresses(data: bytes) -> tuple[list[str], str]:
    """The Word file's hyperlink targets (relationships) and its body text."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        rels = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".rels"))
        body = z.read("word/document.xml").decode()
    links = re.findall(r'Type="[^"]*/hyperlink"[^>]*Target="([^"]*)"', rels)
    links += re.findall(r'Target="([^"]*)"[^>]*Type="[^"]*/hyperlink"', rels)
    return links, "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", body))


@pytest.mark.parametrize("parts", [1, 2])
def test_relative_links_in_data_print_as_text_without_a_published_address(hostile, parts):
    report = _report(hostile, None)
    links = pdf_links(pdf.pdf_bytes(report, 0, parts))
    assert _bad(links) == []
    assert not any(link.startswith("#") for link in links)  # "#glossary" is the site's page's
    # Only the absolute links are links: each Markdown field's two of them.
    assert set(links) == set(GOOD) and len(links) >= 2 * 20


@pytest.mark.parametrize("parts", [1, 2])
def test_relative_links_in_data_resolve_against_the_published_site(hostile, parts):
    report = _report(hostile, SITE_URL)
    links = pdf_links(pdf.pdf_bytes(report, 0, parts))
    assert _bad(links) == [] and not any(link.startswith("#") for link in links)
    # As the published site resolves them, from the page the text is on there.
    area = SITE_URL + "plan/front-door.html"
    # `../../../etc/passwd` climbs above the site's folder as a browser would, no further
    # than the host.
    for expected in ("https://council.example.gov.uk/etc/passwd", SITE_URL + "plan/downloads.html",
                     SITE_URL + "plan/x", "https://host/x", area + "#glossary",
                     SITE_URL + "downloads.html",  # a recommendation, on the home page
                     SITE_URL + "performance/x",  # a measure's note or commentary
                     SITE_URL + "inspections/downloads.html"):  # a visit's findings
        assert expected in links, expected
    assert not any(link.startswith("file:") for link in links)


@pytest.mark.parametrize("site_url", [None, SITE_URL])
def test_word_file_prints_and_links_only_web_and_mail_addresses(hostile, site_url):
    report = _report(hostile, site_url)
    from improvement_site.report import charts as report_charts
    from improvement_site.report.blocks import Chart
    from improvement_site.report.word import docx_bytes
    pngs = report_charts.pngs([b for b in report.blocks if isinstance(b, Chart)])
    links, text = word_addresses(docx_bytes(report, 0, pngs))
    assert _bad(links) == []
    assert "file:" not in text and not any(part in text for part in _forbidden())
    assert "(../" not in text and "(downloads.html)" not in text
    assert "(officer@example.org)" in text and "(https://example.org/a)" in text
    if site_url:  # a relative link, resolved, is printed after its text as an absolute one
        assert "(https://council.example.gov.uk/improvement/plan/downloads.html)" in text


def test_the_report_command_uses_the_sites_published_address(hostile, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(hostile, site)
    runner = CliRunner()
    out = tmp_path / "plain.pdf"
    result = runner.invoke(main, ["report", str(site), "--out", str(out)])
    assert result.exit_code == 0, result.output
    plain = pdf_links(out.read_bytes())
    assert _bad(plain) == [] and set(plain) == set(GOOD)
    (site / "mkdocs.yml").write_text(f"site_url: {SITE_URL}\n", encoding="utf-8")
    out = tmp_path / "published.pdf"
    result = runner.invoke(main, ["report", str(site), "--out", str(out)])
    assert result.exit_code == 0, result.output
    published = pdf_links(out.read_bytes())
    assert _bad(published) == [] and SITE_URL + "plan/downloads.html" in published


@pytest.mark.parametrize("href, page, expected", [
    ("../../../etc/passwd", None, None),
    ("downloads.html", None, None),
    ("//host/x", None, None),
    ("#glossary", None, None),
    ("file:///etc/passwd", SITE_URL + "plan/a.html", None),
    ("javascript:alert(1)", SITE_URL, None),
    ("https://example.org/", None, "https://example.org/"),
    ("mailto:a@example.org", None, "mailto:a@example.org"),
    ("../../../etc/passwd", SITE_URL + "plan/a.html", "https://council.example.gov.uk/etc/passwd"),
    ("x", SITE_URL + "plan/a/", SITE_URL + "plan/a/x"),
    ("//host/x", SITE_URL, "https://host/x"),
])
def test_followable(href, page, expected):
    assert followable(href, page) == expected


def test_site_and_page_addresses():
    assert site_address(None) is None and site_address("file:///srv/site/") is None
    assert site_address("/improvement/") is None
    assert site_address("https://c.gov.uk/a") == "https://c.gov.uk/a/"
    site = "https://c.gov.uk/"
    assert page_address(site, "plan/a1.md") == site + "plan/a1.html"
    assert page_address(site, "plan/a1.md", True) == site + "plan/a1/"
    assert page_address(site, "plan/index.md", True) == site + "plan/"
    assert page_address(site, "index.md", True) == site
    assert page_address(site, "index.md") == site + "index.html"


def test_a_build_with_reports_uses_the_sites_published_address(hostile, tmp_path):
    from improvement_site.cli import commands
    site = tmp_path / "site"
    shutil.copytree(hostile, site)
    # The base configuration's offline plugin makes every page a file, whatever
    # use_directory_urls says: the links follow the pages as built.
    (site / "mkdocs.yml").write_text(f"site_url: {SITE_URL}\nuse_directory_urls: true\n",
                                     encoding="utf-8")
    out = commands.build(site, tmp_path / "built", report=True)
    assert (out / "plan" / "front-door.html").is_file()
    (paper,) = (out / "downloads").glob("committee-report-*.pdf")
    links = pdf_links(paper.read_bytes())
    assert _bad(links) == [] and SITE_URL + "plan/downloads.html" in links
    assert SITE_URL + "plan/front-door.html#glossary" in links
    # The report command names the pages the same way.
    result = CliRunner().invoke(main, ["report", str(site), "--out", str(tmp_path / "r.pdf")])
    assert result.exit_code == 0, result.output
    assert pdf_links((tmp_path / "r.pdf").read_bytes()) == links


def _raw_report(html: str):
    """A report whose text did not come through the model's links (links.py): what the PDF
    writer does on its own with whatever reaches it."""
    from markupsafe import Markup
    from improvement_site.report.blocks import Heading, Report, Rich
    return Report(title="T", council="C", as_at="1 April 2024", subject="S", audience="public",
                  blocks=(Heading(1, "H", "h"), Rich(Markup(html))))


def test_the_pdf_writer_fetches_nothing_but_data_urls(tmp_path):
    from improvement_site.report.pdf_charts import _png
    picture = tmp_path / "picture.png"
    picture.write_bytes(_png(4, 4, 0xFF0000))
    made = pdf.pdf_bytes(_raw_report(f'<p><img src="{picture.as_uri()}" alt="a"> '
                                     '<img src="report.css" alt="b"></p>'), 0)
    with pikepdf.open(io.BytesIO(made)) as doc:
        images = [name for page in doc.pages
                  for name in page.obj.get("/Resources", {}).get("/XObject", {}).keys()]
    assert images == []


def test_the_pdf_writer_refuses_a_link_that_is_not_web_or_mail():
    with pytest.raises(RuntimeError) as raised:
        pdf.pdf_bytes(_raw_report('<p><a href="downloads.html">d</a></p>'), 0)
    # Not read as a file beside the package's templates: no base address at all.
    assert '"downloads.html" on page 1' in str(raised.value)
    assert "file:" not in str(raised.value)
    made = pdf.pdf_bytes(_raw_report('<p><a href="https://example.org/">e</a></p>'), 0)
    assert pdf_links(made) == ["https://example.org/"]


# -- the same bytes, whatever the cache holds ----------------------------------------------


def test_the_same_report_gives_the_same_bytes_from_a_cold_cache_and_a_warm_one(tmp_path):
    """Each report made by the command in a process of its own, as a person runs it: first
    with the site's chart cache empty (the charts drawn and converted), then with it full.
    The chart drawings were copied into the PDF in the order of WeasyPrint's resources,
    which follows Python's hash seed, so two runs gave two files; the seeds here are two
    that did."""
    import os
    import subprocess
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "minimal", site, ignore=shutil.ignore_patterns(".cache"))
    assert not (site / ".cache").exists()
    made = []
    for seed in ("3", "4"):
        out = tmp_path / f"report-{seed}.pdf"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        env.pop("SOURCE_DATE_EPOCH", None)
        run = subprocess.run([sys.executable, "-m", "improvement_site.cli.main", "report",
                              str(site), "--out", str(out)], env=env, capture_output=True,
                             text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        made.append(out.read_bytes())
        assert any((site / ".cache" / "report").glob("*.pdf"))  # the cache is warm now
    assert made[0] == made[1]
