"""The feed of releases and the reports a release carries: two tagged meetings of a small
site, published with `improvement-site release` into a throw-away repository."""

from __future__ import annotations

import io
import posixpath
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from helpers import commit_all, edit_yaml, git, init_repo
from improvement_site.cli.main import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"
A = "{http://www.w3.org/2005/Atom}"
MEETINGS = ("2024-04-10", "2024-07-10")
CANARY = "CANARYreleaseZ"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    repo = tmp_path_factory.mktemp("feed") / "repo"
    site = repo / "site"
    shutil.copytree(FIXTURES / "minimal", site)
    init_repo(repo)
    commit_all(repo, "First meeting", f"meeting-{MEETINGS[0]}")

    def second(s):
        s["reporting_date"] = "2024-06-30"
        s["meeting"]["date"] = MEETINGS[1]
    edit_yaml(site / "data" / "site.yaml", second)

    def plan(p):
        actions = p["outcomes"][0]["actions"]
        actions[1]["status"] = "complete"  # front-door-02
        actions.append({"id": "front-door-09", "action": "Publish the threshold guidance",
                        "due": "2024-12-31", "status": "on_track"})
        actions.append({"id": "front-door-10", "action": f"Staffing review {CANARY}",
                        "due": "2024-12-31", "audience": "committee"})
    edit_yaml(site / "data" / "plan" / "01-front-door.yaml", plan)
    git(repo, "commit", "-q", "-am", "Second meeting")
    git(repo, "tag", f"meeting-{MEETINGS[1]}")
    runner = CliRunner()
    for day in MEETINGS:
        result = runner.invoke(main, ["release", str(site), "--tag", f"meeting-{day}"])
        assert result.exit_code == 0, result.output
    return repo


def branch_files(repo: Path) -> set[str]:
    return set(git(repo, "ls-tree", "-r", "--name-only", "gh-pages").splitlines())


def show(repo: Path, path: str, text: bool = True):
    return git(repo, "show", f"gh-pages:{path}", text=text)


def check_atom(text: str) -> ET.Element:
    """Well-formed Atom 1.0 with the elements RFC 4287 requires."""
    feed = ET.fromstring(text)  # raises on XML that is not well-formed
    assert feed.tag == f"{A}feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{A}{name}")) == 1, name
    assert feed.find(f"{A}author/{A}name").text
    assert feed.find(f"{A}link[@rel='self']") is not None
    stamp = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
    assert stamp.fullmatch(feed.find(f"{A}updated").text)
    entries = feed.findall(f"{A}entry")
    assert entries
    for entry in entries:
        for name in ("id", "title", "updated", "summary"):
            assert len(entry.findall(f"{A}{name}")) == 1, name
        assert stamp.fullmatch(entry.find(f"{A}updated").text)
        assert entry.find(f"{A}link[@rel='alternate']").get("href")
        assert re.fullmatch(r"tag:[a-z0-9.@-]+,\d{4}-\d{2}-\d{2}:[\w./-]+",
                            entry.find(f"{A}id").text)
    ids = [e.find(f"{A}id").text for e in entries]
    assert len(set(ids)) == len(ids)
    updated = [e.find(f"{A}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True), "entries not newest first"
    assert feed.find(f"{A}updated").text == updated[0]
    return feed


def test_root_feed_lists_every_meeting_and_links_resolve(published):
    files = branch_files(published)
    assert {"feed.xml", f"{MEETINGS[0]}/feed.xml", f"{MEETINGS[1]}/feed.xml"} <= files
    feed = check_atom(show(published, "feed.xml"))
    entries = feed.findall(f"{A}entry")
    assert [e.find(f"{A}id").text for e in entries] == [
        f"tag:improvement@example.org,{day}:releases/meeting-{day}" for day in reversed(MEETINGS)]
    assert [e.find(f"{A}link").get("href") for e in entries] == [
        f"{day}/changes.html" for day in reversed(MEETINGS)]
    for entry in entries:
        assert entry.find(f"{A}link").get("href") in files
    newest, first = (e.find(f"{A}summary").text for e in entries)
    assert newest == ("What changed since the meeting of 10 April 2024: 1 action completed "
                      "and 1 action added: 2 changes in all.")
    assert first == "The first release: there is no earlier release to compare with."
    assert feed.find(f"{A}link[@rel='self']").get("href") == "feed.xml"
    assert feed.find(f"{A}author/{A}name").text == "Example Borough Council"


def test_each_release_has_its_own_feed_and_every_page_links_the_root_one(published):
    feed = check_atom(show(published, f"{MEETINGS[1]}/feed.xml"))
    hrefs = [e.find(f"{A}link").get("href") for e in feed.findall(f"{A}entry")]
    assert hrefs == ["changes.html", f"../{MEETINGS[0]}/changes.html"]
    older = check_atom(show(published, f"{MEETINGS[0]}/feed.xml"))
    assert len(older.findall(f"{A}entry")) == 1  # published before the second meeting
    for page in ("index.html", "plan/front-door.html"):
        html = show(published, f"{MEETINGS[1]}/{page}")
        link = re.search(r'<link rel="alternate feed" type="application/atom\+xml"[^>]*>', html)
        assert link, page
        href = re.search(r'href="([^"]+)"', link.group(0)).group(1)
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(f"{MEETINGS[1]}/{page}"),
                                                     href))
        assert resolved == "feed.xml", (page, href)  # the branch root's, which grows


def test_a_release_carries_its_public_report_linked_from_home_and_releases(published):
    day = MEETINGS[1]
    files = branch_files(published)
    reports = {f for f in files if "committee-report" in f}
    assert {f"{day}/downloads/committee-report-{day}.pdf",
            f"{day}/downloads/committee-report-{day}.docx"} <= reports
    assert f"{MEETINGS[0]}/downloads/committee-report-{MEETINGS[0]}.pdf" in reports
    for page in ("index.html", "releases.html"):
        html = show(published, f"{day}/{page}")
        assert f'href="downloads/committee-report-{day}.pdf"' in html, page
        assert f'href="downloads/committee-report-{day}.docx"' in html, page
    pdf = PdfReader(io.BytesIO(show(published, f"{day}/downloads/committee-report-{day}.pdf",
                                    text=False)))
    text = " ".join(" ".join(p.extract_text() or "" for p in pdf.pages).split())
    # Actions are known by their words in the paper, never by their ids (issue 21).
    assert "Publish the threshold guidance" in text and CANARY not in text
    assert "Staffing review" not in text and "front-door-09" not in text
    docx = show(published, f"{day}/downloads/committee-report-{day}.docx", text=False)
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "Publish the threshold guidance" in xml and CANARY not in xml


def test_a_plain_build_has_a_feed_of_itself(built):
    site = built("minimal")
    feed = check_atom((site.out / "feed.xml").read_text(encoding="utf-8"))
    (entry,) = feed.findall(f"{A}entry")
    assert entry.find(f"{A}link").get("href") == "changes.html"
    head = site.page("plan/front-door/").find("link", type="application/atom+xml")
    assert head["href"] == "../feed.xml" and "alternate" in head["rel"]
