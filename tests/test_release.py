"""Releases: three tagged meetings of the real Nottingham data, published with mike.

Checks the folders and `latest`, the version menu's list, that publishing a release changes no
byte of an older one, and that the third release's "what changed" page lists exactly the
deliberate changes made for it, and nothing else.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner

from conftest import squash
from helpers import commit_all, edit_yaml, git, init_repo
from improvement_site.cli import commands
from improvement_site.cli.main import main
from improvement_site.publish.history import load_history, repository_root
from improvement_site.data.load import load_site

ROOT = Path(__file__).resolve().parent.parent
MEETINGS = ("2024-07-10", "2024-09-11", "2024-09-25")


def action(plan: dict, action_id: str) -> dict:
    for outcome in plan["outcomes"]:
        for a in outcome["actions"]:
            if a["id"] == action_id:
                return a
    raise KeyError(action_id)


def set_meeting(site: Path, day: str) -> None:
    def change(s):
        s["reporting_date"] = day
        s["meeting"]["date"] = day
    edit_yaml(site / "data" / "site.yaml", change)


def commit_and_tag(repo: Path, day: str) -> None:
    commit_all(repo, f"Data for the meeting of {day}", f"meeting-{day}")


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A throw-away repository: the real default site, three meetings, deliberate changes."""
    repo = tmp_path_factory.mktemp("council") / "repo"
    site = repo / "sites" / "nottingham"  # a site in a sub-folder, as councils may keep it
    shutil.copytree(ROOT / "data", site / "data")
    shutil.copytree(ROOT / "content", site / "content")
    init_repo(repo)
    plan = site / "data" / "plan"

    set_meeting(site, MEETINGS[0])
    commit_and_tag(repo, MEETINGS[0])

    # Meeting 2: front-door-03 completed; a new action due 20 September 2024.
    set_meeting(site, MEETINGS[1])
    edit_yaml(plan / "01-front-door.yaml", lambda p: (
        action(p, "front-door-03").update(status="complete"),
        p["outcomes"][0]["actions"].append({
            "id": "front-door-19", "action": "Publish the MASH threshold guidance",
            "due": "2024-09-20", "status": "on_track"})))
    commit_and_tag(repo, MEETINGS[1])

    # Meeting 3: the deliberate changes the test expects on the "what changed" page.
    set_meeting(site, MEETINGS[2])
    edit_yaml(plan / "02-management-oversight.yaml",
              lambda p: action(p, "management-oversight-04").update(status="complete"))
    edit_yaml(plan / "03-workforce-capacity.yaml",
              lambda p: action(p, "workforce-capacity-01").update(
                  status="delayed", delay_reason="The university partner withdrew.",
                  mitigation="A second partner is being procured."))
    edit_yaml(plan / "01-front-door.yaml",
              lambda p: action(p, "front-door-04").update(status="on_track"))
    edit_yaml(plan / "06-homeless-16-17.yaml",
              lambda p: action(p, "homeless-16-17-01").update(due="2025-06-30"))
    edit_yaml(plan / "04-placement-sufficiency.yaml",
              lambda p: p["outcomes"][0]["actions"].append({
                  "id": "placement-sufficiency-04", "action": "Open a second children's home",
                  "due": "2025-09-30"}))
    edit_yaml(plan / "07-return-home-interviews.yaml",
              lambda p: [o.update(actions=[a for a in o["actions"]
                                           if a["id"] != "return-home-interviews-09"])
                         for o in p["outcomes"]])
    with open(site / "data" / "measures.csv", "a", encoding="utf-8") as f:
        f.write("contacts-open,2022-12,150,\n")
    edit_yaml(site / "data" / "visits.yaml", lambda vs: (
        next(v for v in vs if v["id"] == "mv-2024-07").update(
            letter_url="https://reports.ofsted.gov.uk/provider/44/80587"),
        vs.append({"id": "mv-2024-09", "kind": "monitoring_visit", "number": 6,
                   "start": "2024-09-17", "end": "2024-09-18",
                   "focus": "Children in need and children subject to a child protection plan",
                   "areas": ["management-oversight"]})))
    commentary = site / "data" / "commentary.yaml"
    commentary.write_text(yaml.safe_dump([{
        "measure": "contacts-open", "period": "2022-12",
        "working_well": "Open contacts fell to 150.", "worried": "Demand rises in January.",
        "doing": "Two agency workers extended."}]), encoding="utf-8")
    commit_and_tag(repo, MEETINGS[2])
    return repo


def tree(repo: Path, ref: str, folder: str) -> dict[str, str]:
    """Every file of a folder on a branch, with its blob hash (bytes identical ⇔ same hash)."""
    out = git(repo, "ls-tree", "-r", ref, "--", folder)
    return {line.split("\t")[1]: line.split()[2] for line in out.splitlines()}


def test_three_releases_published_with_mike(repo):
    site = repo / "sites" / "nottingham"
    runner = CliRunner()
    for day in MEETINGS[:2]:
        result = runner.invoke(main, ["release", str(site), "--tag", f"meeting-{day}"])
        assert result.exit_code == 0, result.output
    before = {day: tree(repo, "gh-pages", day) for day in MEETINGS[:2]}
    assert all(before.values())

    result = runner.invoke(main, ["release", str(site), "--tag", f"meeting-{MEETINGS[2]}"])
    assert result.exit_code == 0, result.output
    assert "latest/ now points to the newest release" in result.output

    # Three version folders and latest; old folders byte-identical after the third deploy.
    top = {line.split("\t")[1] for line in git(repo, "ls-tree", "gh-pages").splitlines()}
    assert {*MEETINGS, "latest", "versions.json", "index.html"} <= top
    for day in MEETINGS[:2]:
        assert tree(repo, "gh-pages", day) == before[day], f"release {day} changed"

    # The version menu lists every meeting by date and title; latest is an alias.
    versions = json.loads(git(repo, "show", "gh-pages:versions.json"))
    assert [v["version"] for v in versions] == list(reversed(MEETINGS))
    assert versions[0]["aliases"] == ["latest"]
    assert versions[2]["title"] == "10 July 2024: Children and Young People's Scrutiny Committee"

    # Aliases are redirect pages, not symlinks (mode 120000).
    modes = git(repo, "ls-tree", "-r", "gh-pages", "--", "latest").splitlines()
    assert modes and not any(line.startswith("120000") for line in modes)
    assert "2024-09-25/index.html" in git(repo, "show", "gh-pages:latest/index.html")

    # Material's version menu and outdated banner are configured in released pages.
    page = git(repo, "show", "gh-pages:2024-07-10/index.html")
    assert '"provider": "mike"' in page or "mike" in page
    assert "presented at an earlier meeting" in page


def _changes(repo: Path, day: str) -> BeautifulSoup:
    html = git(repo, "show", f"gh-pages:{day}/changes.html")
    return BeautifulSoup(html, "html.parser").select_one("article")


def _section_items(article, heading: str) -> list:
    h2 = next(h for h in article.find_all("h2") if h.get_text().strip().rstrip("¶").strip()
              == heading)
    items = []
    for sibling in h2.find_next_siblings():
        if sibling.name == "h2":
            break
        items += sibling.find_all("li")
        items += [tr.find("th") for tr in sibling.select("tbody tr")]
    return items


def _section(article, heading: str) -> list[str]:
    return [squash(item) for item in _section_items(article, heading)]


def _action_ids(article, heading: str) -> list[str]:
    """The actions listed under a heading, by the anchor their link leads to: readers see
    the action's words, never the data's id (issue 21)."""
    return [item.find("a")["href"].rsplit("#", 1)[1]
            for item in _section_items(article, heading)]


def test_third_release_lists_exactly_the_deliberate_changes(repo):
    article = _changes(repo, MEETINGS[2])
    ids = lambda heading: _action_ids(article, heading)  # noqa
    assert ids("Actions completed") == ["management-oversight-04"]
    assert ids("Actions newly delayed") == ["workforce-capacity-01"]
    assert ids("Actions newly overdue") == ["front-door-19"]
    assert ids("Other status changes") == ["front-door-04"]
    assert ids("Due dates moved") == ["homeless-16-17-01"]
    assert "due 31 December 2022, now 30 June 2025" in _section(article, "Due dates moved")[0]
    assert ids("Actions added") == ["placement-sufficiency-04"]
    assert ids("Actions removed") == ["return-home-interviews-09"]
    assert _section(article, "Measures whose rating or direction changed") == [
        "Number of open contacts in the MASH"]
    visits = _section(article, "Inspections and visits")
    assert len(visits) == 2 and visits[0].startswith("New: Monitoring visit 6")
    assert visits[1].startswith("Updated: Monitoring visit 5")
    assert _section(article, "New commentary") == [
        "Number of open contacts in the MASH, December 2022"]
    # Every item links to its page.
    for link in article.select("ul.ims-changes a"):
        assert link["href"].startswith(("plan/", "performance/", "inspections/"))


def test_second_release_and_first_release_pages(repo):
    article = _changes(repo, MEETINGS[1])
    assert _action_ids(article, "Actions completed") == ["front-door-03"]
    assert _action_ids(article, "Actions added") == ["front-door-19"]
    first = _changes(repo, MEETINGS[0])
    assert "no earlier release" in first.get_text().lower() or \
        "first" in first.get_text().lower()


def test_history_on_area_and_measure_pages(repo):
    area = BeautifulSoup(git(repo, "show", f"gh-pages:{MEETINGS[2]}/plan/front-door.html"),
                         "html.parser")
    table = area.find("table", class_="ims-history")
    assert [th.get_text() for th in table.select("thead th")][1:] == [
        "10 July 2024", "11 September 2024", "25 September 2024"]
    row = table.find("a", href="#front-door-03").find_parent("tr")
    assert [" ".join(td.get_text().split()) for td in row.find_all("td")] == [
        "➜ In progress and on schedule", "✔ Completed", "✔ Completed"]
    new_row = table.find("a", href="#front-door-19").find_parent("tr")
    assert "Not in the plan" in new_row.find_all("td")[0].get_text()
    measure = BeautifulSoup(git(repo, "show",
                                f"gh-pages:{MEETINGS[2]}/performance/contacts-open.html"),
                            "html.parser")
    rows = measure.find("table", class_="ims-history").select("tbody tr")
    assert len(rows) == 3 and "Improving" in rows[-1].get_text()
    home = BeautifulSoup(git(repo, "show", f"gh-pages:{MEETINGS[2]}/index.html"), "html.parser")
    # Actions by status at each meeting: its title says how completed actions moved.
    progress = next(f for f in home.select("figure.ims-chart")
                    if f.select_one(".ims-chart__title").get_text().startswith("Completed"))
    assert progress.select_one(".ims-chart__title").get_text() == \
        "Completed actions rose from 10 to 12"
    assert progress.select_one(".ims-chart__description").get_text().startswith(
        "Actions by status at 3 meetings, from 10 July 2024 to 25 September 2024: completed "
        "10 then 12;")
    assert len(progress.select(".ims-chart__panel img")) == 5  # a panel per status
    releases = BeautifulSoup(git(repo, "show", f"gh-pages:{MEETINGS[2]}/releases.html"),
                             "html.parser").get_text()
    for when in ("10 July 2024", "11 September 2024", "25 September 2024"):
        assert when in releases


def test_no_tags_and_no_git(tmp_path):
    data = load_site(ROOT / "tests" / "fixtures" / "minimal" / "data")
    outside = tmp_path / "site"
    shutil.copytree(ROOT / "tests" / "fixtures" / "minimal", outside)
    assert repository_root(outside) is None
    history = load_history(data, outside / "data", "public")
    assert history.previous is None and "not kept in git" in history.note
    out = commands.build(outside, tmp_path / "out")  # still builds
    changes = (out / "changes.html").read_text(encoding="utf-8")
    # Readers are told there is nothing to compare with, not how the files are kept.
    assert "No earlier release of this site could be read" in changes
    assert "not kept in git" not in changes
    git(outside, "init", "-q")
    history = load_history(data, outside / "data", "public")
    assert "No release has been tagged yet" in history.note


def test_release_refuses_bad_tags(repo):
    site = repo / "sites" / "nottingham"
    result = CliRunner().invoke(main, ["release", str(site), "--tag", "v1.0"])
    assert result.exit_code == 2 and "meeting-YYYY-MM-DD" in result.output
    result = CliRunner().invoke(main, ["release", str(site), "--tag", "meeting-2030-01-01"])
    assert result.exit_code == 1 and "there is no tag" in result.output


# -- correcting a release, latest/, the tag's date, the released pages in a browser ------------
#
# A second, small repository (the minimal fixture) keeps these fast: each release is a build.

SMALL = ("2024-04-10", "2024-05-08")  # meeting dates; the fixture's meeting is 2024-04-10


def _latest(repo: Path) -> str:
    versions = json.loads(git(repo, "show", "gh-pages:versions.json"))
    return next(v["version"] for v in versions if "latest" in v["aliases"])


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    repo = tmp_path_factory.mktemp("small") / "repo"
    shutil.copytree(ROOT / "tests" / "fixtures" / "minimal", repo / "site")
    init_repo(repo)
    commit_all(repo, "Data for the meeting of 10 April 2024", f"meeting-{SMALL[0]}")
    set_meeting(repo / "site", SMALL[1])
    commit_and_tag(repo, SMALL[1])
    return repo


def publish(repo: Path, day: str, *extra: str):
    return CliRunner().invoke(main, ["release", str(repo / "site"), "--tag", f"meeting-{day}",
                                     *extra])


def test_correcting_an_older_release_leaves_latest_on_the_newest(small, monkeypatch):
    repo = small
    result = publish(repo, SMALL[1])
    assert result.exit_code == 0, result.output
    assert f"latest/ now points to the newest release, meeting-{SMALL[1]}" in result.output

    result = publish(repo, SMALL[0])  # an older meeting, published after the newer one
    assert result.exit_code == 0, result.output
    assert f"latest/ still points to meeting-{SMALL[1]}, the newest release" in result.output
    assert _latest(repo) == SMALL[1]
    # Never moved away and back: no commit on the branch touched latest/ for it.
    assert "latest/" not in git(repo, "log", "-3", "--format=%s", "gh-pages", "--", "latest")
    assert len(git(repo, "log", "--format=%s", "gh-pages", "--", "latest").splitlines()) == 1
    assert f"{SMALL[1]}/index.html" in git(repo, "show", "gh-pages:latest/index.html")
    newest = tree(repo, "gh-pages", SMALL[1])

    # A branch published before this fix left latest/ on the meeting published last.
    from mike import commands as mike
    monkeypatch.chdir(repo)
    mike.alias({"use_directory_urls": False}, SMALL[0], ["latest"], update_aliases=True,
               alias_type=mike.AliasType.redirect, branch="gh-pages")
    assert _latest(repo) == SMALL[0]

    # The documented correction: fix the data at the older tag, move the tag, publish again.
    git(repo, "checkout", "-q", f"meeting-{SMALL[0]}")
    glossary = repo / "site" / "data" / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "CORR: Corrected Term\n",
                        encoding="utf-8")
    git(repo, "commit", "-q", "-am", "Correct the glossary of 10 April 2024")
    git(repo, "tag", "-f", f"meeting-{SMALL[0]}")
    git(repo, "checkout", "-q", "main")
    result = publish(repo, SMALL[0])
    assert result.exit_code == 0, result.output
    assert (f"latest/ now points to meeting-{SMALL[1]}, the newest release (it pointed to "
            f"meeting-{SMALL[0]})") in result.output
    assert _latest(repo) == SMALL[1]
    assert f"{SMALL[1]}/index.html" in git(repo, "show", "gh-pages:latest/index.html")
    assert "Corrected Term" in git(repo, "show", f"gh-pages:{SMALL[0]}/glossary.html")
    assert tree(repo, "gh-pages", SMALL[1]) == newest  # the newest release is untouched
    versions = json.loads(git(repo, "show", "gh-pages:versions.json"))
    assert [v["version"] for v in versions] == [SMALL[1], SMALL[0]]


def test_a_tag_whose_date_is_not_the_meetings_is_refused(small):
    repo = small
    git(repo, "tag", "-f", "meeting-2024-06-05", f"meeting-{SMALL[1]}")  # the wrong commit
    before = git(repo, "for-each-ref", "refs/heads/gh-pages")
    result = publish(repo, "2024-06-05")
    assert result.exit_code == 1
    message = result.output
    assert "5 June 2024" in message and "8 May 2024" in message, message
    assert "site/data/site.yaml:7:" in message and "--allow-date-mismatch" in message
    assert "Traceback" not in message
    assert git(repo, "for-each-ref", "refs/heads/gh-pages") == before  # nothing published


def test_a_date_mismatch_can_be_published_on_purpose(small):
    repo = small
    git(repo, "tag", "-f", "meeting-2024-06-05", f"meeting-{SMALL[1]}")
    result = publish(repo, "2024-06-05", "--allow-date-mismatch")
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "5 June 2024" in result.stderr
    assert "8 May 2024" in result.stderr
    assert "latest/ now points to the newest release, meeting-2024-06-05" in result.stdout
    assert _latest(repo) == "2024-06-05"


def _published(repo: Path) -> Path:
    """Both meetings on the publishing branch (already there when run after the tests above)."""
    done = [v["version"] for v in json.loads(git(repo, "show", "gh-pages:versions.json"))] \
        if git(repo, "branch", "--list", "gh-pages") else []
    for day in SMALL:
        if day not in done:
            assert publish(repo, day).exit_code == 0
    return repo


def test_released_pages_build_urls_material_can_parse(small):
    """Material's outdated-banner script built `new URL(base_url)` from a relative base_url
    ("." or ".."), which throws "Failed to construct 'URL'" on every released page."""
    import re
    repo = _published(small)
    for page in (f"{SMALL[0]}/index.html", f"{SMALL[0]}/plan/front-door.html"):
        html = git(repo, "show", f"gh-pages:{page}")
        assert 'data-md-component="outdated"' in html
        calls = re.findall(r"new URL\(([^()]*)\)", html)
        assert calls, page
        for args in calls:
            assert "," in args, f"{page}: new URL({args}) has no base"


@pytest.mark.browser
def test_released_pages_have_no_console_errors(small, tmp_path):
    """The publishing branch served over HTTP, as GitHub Pages would: no page throws, the
    older release shows the outdated banner and the newest does not."""
    import io
    import tarfile

    from playwright.sync_api import sync_playwright

    from browsing import ARGS, CHROMIUM, base_url, start_server

    export = tmp_path / "gh-pages"
    _published(small)
    archive = subprocess.run(["git", "archive", "gh-pages"], cwd=small, check=True,
                             capture_output=True).stdout
    tarfile.open(fileobj=io.BytesIO(archive)).extractall(export)

    server = start_server(export)
    base = base_url(server)
    latest = _latest(small)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for path, outdated in ((f"{SMALL[0]}/index.html", True),
                                   (f"{SMALL[0]}/plan/front-door.html", True),
                                   (f"{latest}/plan/index.html", False),
                                   ("latest/index.html", False), ("", False)):
                page = browser.new_context(reduced_motion="reduce").new_page()
                errors = []
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                assert not errors, f"{path}: {errors}"
                banner = page.locator("[data-md-component=outdated]")
                assert banner.evaluate("e => !e.hidden") is outdated, path
                assert page.locator(".md-version__current").count() == 1, path
                page.context.close()
            browser.close()
    finally:
        server.shutdown()
