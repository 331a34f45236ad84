"""Hand-written committee pages fail closed (issue 20, item 3).

MkDocs treats front matter it cannot read as none, so a page meant for the committee whose
front matter had a slip in it was built into the public site and its search index, and
validate and build said nothing. Each slip is now a problem with the page's file and line,
in validate and in every build, and nothing is written; a page that says exactly
`audience: committee` stays out of the public build and is in the committee one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from improvement_site.cli import commands
from improvement_site.cli.main import main
from improvement_site.data.load import load_site
from improvement_site.plugin import _page_audience
from improvement_site.publish.audience import _with, for_audience
from test_audience import scan

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
SECRET = "CANARYLADOBRIEFINGZ"
BODY = f"\n# Briefing for members\n\nThe three cases referred to the LADO: {SECRET}.\n"


@pytest.fixture
def site(tmp_path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(MINIMAL, site)
    return site


def write_page(site: Path, text: str | bytes, name: str = "briefing.md") -> Path:
    path = site / "content" / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


MISPLACED = "this looks like front matter, but MkDocs would not read it as such"
# Each front matter, the line the problem is on, and what the message says there.
SLIPS = {
    "colon in a title": ("---\ntitle: Briefing: LADO cases\naudience: committee\n---\n", 2,
                         'a value with ": " in it must be in quotes'),
    "misspelt value": ("---\naudience: commitee\n---\n", 2,
                       'audience "commitee" is not one of public, committee (in lowercase); '
                       'did you mean "committee"?'),
    "capital value": ("---\ntitle: Briefing\naudience: Committee\n---\n", 3,
                      'audience "Committee" is not one of public, committee (in lowercase); '
                      'did you mean "committee"?'),
    "a list": ("---\naudience: [committee]\n---\n", 2,
               "audience should be one word, public or committee, found a list"),
    "a dashed list": ("---\naudience:\n  - committee\n---\n", 2,
                      "audience should be one word, public or committee, found a list"),
    "empty": ("---\naudience:\n---\n", 2, "audience is empty; write public or committee"),
    "capital key": ("---\nAudience: committee\n---\n", 2,
                    '"Audience" is not read as audience; write it in lowercase'),
    "plural key": ("---\naudiences: committee\n---\n", 2,
                   '"audiences" is not a key the site reads; did you mean "audience"?'),
    "misspelt key": ("---\ntitle: Briefing\naudeince: committee\n---\n", 3,
                     '"audeince" is not a key the site reads; did you mean "audience"?'),
    "tab-indented list": ("---\naudience: committee\ntags:\n\t- safeguarding\n---\n", 4,
                          "indent with spaces, not tabs"),
    "unterminated quote": ('---\ntitle: "Briefing for members\naudience: committee\n---\n', 2,
                           "the quote that opens on this line is never closed"),
    "never closed": ("---\naudience: committee\n", 1,
                     "front matter opens with --- on this line but is never closed"),
    "not on the first line": ("\n---\naudience: committee\n---\n", 2, MISPLACED),
    "space before it": (" ---\naudience: committee\n---\n", 1, MISPLACED),
    "a second byte-order mark": ("\ufeff\ufeff---\naudience: committee\n---\n", 1, MISPLACED),
    "a key twice": ("---\naudience: public\naudience: committee\n---\n", 3,
                    'front matter: key "audience" is written twice (first at line 2); keep one'),
    "not a mapping": ("---\n- audience: committee\n---\n", 2,
                      "front matter should be lines of name: value"),
    "a date MkDocs cannot read": ("---\naudience: committee\ndate: 2024-13-01\n---\n", 2,
                                  "front matter cannot be read by MkDocs"),
    # MultiMarkdown metadata (no ---), which MkDocs reads too, lowercasing the key.
    "MultiMarkdown capital key": ("Audience: committee\n", 1,
                                  '"Audience" is not read as audience'),
    "MultiMarkdown misspelt value": ("audience: commitee\n", 1,
                                     'audience "commitee" is not one of public, committee'),
    "MultiMarkdown key twice": ("audience: committee\naudience: public\n", 2,
                                'front matter: key "audience" is written twice (first at line 1)'),
    "MultiMarkdown after a blank line": ("\naudience: committee\n", 2, MISPLACED),
    "MultiMarkdown with a space before the colon": ("audience : committee\n", 1, MISPLACED),
}


@pytest.mark.parametrize("slip", SLIPS)
def test_a_slip_in_a_pages_front_matter_is_an_error_and_nothing_is_built(site, tmp_path, slip):
    front, line, said = SLIPS[slip]
    write_page(site, front + BODY)
    where = f"{site.as_posix()}/content/briefing.md:{line}: "

    code, output = run("validate", str(site))
    assert code == 1, output
    assert where in output and said in output, output
    assert output.splitlines()[0] == "1 problem in the site:", output

    out = tmp_path / "out"
    code, output = run("build", str(site), "--out", str(out))
    assert code == 1, output
    assert where in output and said in output, output
    assert "nothing was built" in output
    assert not out.exists()
    # The secret is in the page itself and in no other file (no cache, no staging folder).
    assert scan(tmp_path, {"text": [SECRET], "numbers": []}) == [
        f"site/content/briefing.md: {SECRET}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging folder left


def test_every_kind_of_page_mkdocs_builds_is_read(site):
    """MkDocs builds .markdown, .mdown, .mkdn and .mkd files as pages too."""
    write_page(site, SLIPS["misspelt value"][0] + BODY, "briefing.markdown")
    code, output = run("validate", str(site))
    assert code == 1 and "content/briefing.markdown:2: front matter: audience" in output, output


def test_a_committee_build_refuses_the_same_page(site, tmp_path):
    """The audience cannot be known, so no build of any audience goes ahead."""
    write_page(site, SLIPS["colon in a title"][0] + BODY)
    out = tmp_path / "out"
    code, output = run("build", str(site), "--out", str(out), "--audience", "committee")
    assert code == 1 and "content/briefing.md:2: front matter cannot be read" in output, output
    assert not out.exists()


def test_plain_mkdocs_build_refuses_the_page_too(site):
    """`mkdocs build` without the command line: the plugin reads the pages' front matter
    before MkDocs does, with the same words."""
    from mkdocs.__main__ import cli
    (site / "mkdocs.yml").write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\n", encoding="utf-8")
    write_page(site, SLIPS["misspelt value"][0] + BODY)
    result = CliRunner().invoke(cli, ["build", "-q", "-f", str(site / "mkdocs.yml")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ('content/briefing.md:2: front matter: audience "commitee" is not one of public, '
            'committee (in lowercase); did you mean "committee"?') in result.output
    assert not (site / "site").exists()


# Pages that say committee in ways MkDocs and the site both read, and public pages.
COMMITTEE_PAGES = {
    "briefing.md": "---\ntitle: 'Briefing: LADO cases'\naudience: committee\n---\n",
    "windows.md": "\ufeff---\r\naudience: committee\r\n---\r\n",  # Notepad
    "multimarkdown.md": "audience: committee\n",
    "other.markdown": "---\naudience: committee\n---\n",
}


def test_committee_pages_are_only_in_the_committee_build(site, tmp_path):
    for name, front in COMMITTEE_PAGES.items():
        secret = f"CANARY{name.split('.')[0].upper()}Z"
        body = BODY.replace(SECRET, secret).replace("\n", "\r\n" if "\r" in front else "\n")
        write_page(site, front + body, name)
    write_page(site, "# Open page\n\nFor everyone.\n", "open.md")
    write_page(site, "---\naudience: public\n---\n# Said public\n\nFor everyone.\n", "said.md")
    secrets = [f"CANARY{n.split('.')[0].upper()}Z" for n in COMMITTEE_PAGES]
    code, output = run("validate", str(site))
    assert code == 0, output

    public = commands.build(site, tmp_path / "public")
    assert scan(public, {"text": secrets, "numbers": []}) == []
    for name in ("briefing", "windows", "multimarkdown", "other"):
        assert not (public / f"{name}.html").exists()
    assert (public / "open.html").is_file() and (public / "said.html").is_file()

    committee = commands.build(site, tmp_path / "committee", audience="committee")
    for name, secret in zip(("briefing", "windows", "multimarkdown", "other"), secrets):
        html = (committee / f"{name}.html").read_text(encoding="utf-8")
        assert secret in html
        assert "audience:" not in html  # the front matter was read, not shown as text
    index = (committee / "search" / "search_index.json").read_text(encoding="utf-8")
    assert all(secret in index for secret in secrets)


def test_the_plugin_keeps_a_page_only_when_it_can_read_that_it_is_public(tmp_path):
    """The plugin's own test of each page in a public build (after on_config has checked
    them): a page it cannot read stops the build, never goes in."""
    def file(text: str | bytes) -> File:
        page = File("briefing.md", src_dir=None, dest_dir=str(tmp_path),
                    use_directory_urls=False)
        page.content_bytes = text if isinstance(text, bytes) else text.encode("utf-8")
        return page

    assert _page_audience(file("# Open\n")) == "public"
    assert _page_audience(file("---\naudience: committee\n---\n# B\n")) == "committee"
    with pytest.raises(PluginError, match=r'briefing\.md:2: front matter: audience "commitee"'):
        _page_audience(file("---\naudience: commitee\n---\n# B\n"))
    with pytest.raises(PluginError, match=r"briefing\.md: cannot be read as UTF-8 text"):
        _page_audience(file(b"---\naudience: committee\n---\n\xff\n"))


def test_a_record_is_public_only_when_it_says_so():
    """The schema allows public or committee only; if a record ever carried anything else,
    the public copy leaves it out rather than publishing it."""
    data = load_site(MINIMAL / "data")
    measure = data.measures[0]
    odd = _with(measure, audience="members")
    changed = type(data).create(
        root=data.root, site=data.site, areas=data.areas, measures=[odd, *data.measures[1:]],
        values=[v for vs in data.values.values() for v in vs], commentary=data.commentary,
        visits=data.visits, glossary=dict(data.glossary), breakdowns=data.breakdowns,
        providers=data.providers)
    assert measure.id not in {m.id for m in for_audience(changed, "public").measures}


def test_the_sites_own_menu_loses_a_committee_page_in_the_public_build(site, tmp_path):
    """A site's mkdocs.yml may list its pages in `nav:`. In the public build the committee
    page's entry stayed: MkDocs showed its title as a link to nothing. (Not strict: this menu
    leaves out the generated pages, which the base configuration warns about.)"""
    (site / "mkdocs.yml").write_text(
        "nav:\n  - Notes: notes.md\n  - Members:\n"
        f"      - {SECRET} for members: ./briefing.md\n  - Open: open.md\n",
        encoding="utf-8")
    write_page(site, COMMITTEE_PAGES["briefing.md"] + "\n# Briefing\n\nFor members.\n")
    write_page(site, "# Open page\n\nFor everyone.\n", "open.md")

    public = commands.build(site, tmp_path / "public", strict=False)
    assert scan(public, {"text": [SECRET, "Members"], "numbers": []}) == []
    assert 'href="open.html"' in (public / "index.html").read_text(encoding="utf-8")

    committee = commands.build(site, tmp_path / "committee", audience="committee",
                               strict=False)
    assert f"{SECRET} for members" in (committee / "index.html").read_text(encoding="utf-8")


def test_a_page_slip_is_listed_with_the_datas_own_problems(site, tmp_path):
    """The data cannot be loaded, so the pages' macro calls cannot be checked; their front
    matter needs no data and is listed in the same run, by validate and build alike."""
    plan = next((site / "data" / "plan").glob("*.yaml"))
    plan.write_text(plan.read_text(encoding="utf-8").replace("status: complete",
                                                             "status: done", 1),
                    encoding="utf-8")
    write_page(site, SLIPS["misspelt value"][0] + BODY)
    for command in (["validate", str(site)], ["build", str(site), "--out", str(tmp_path / "o")]):
        code, output = run(*command)
        assert code == 1 and output.startswith("2 problems in the site"), output
        assert 'content/briefing.md:2: front matter: audience "commitee"' in output
        assert 'status "done" is not one of' in output
    from mkdocs.__main__ import cli  # and plain `mkdocs build`, through the plugin
    (site / "mkdocs.yml").write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "-q", "-f", str(site / "mkdocs.yml")])
    assert result.exit_code == 1 and "2 problems in the site;" in result.output, result.output


def test_a_long_first_line_is_read_at_once():
    """The first written line is tested for a misplaced `audience:`; with a regular
    expression of nested repeats, a line of spaces and words took minutes (1,000 spaces:
    six seconds)."""
    import time

    from improvement_site.pages import front_matter
    for text in ("\n" + " " * 5000 + "x" + " " * 5000 + "y", "a" * 200_000 + ": b\n"):
        started = time.perf_counter()
        assert front_matter.read(text).audience == "public"
        assert time.perf_counter() - started < 2


# -- A public page cannot bring in a committee page (issue 20, item 3, second review: B2) ---

COMMITTEE_FRONT = "---\naudience: committee\n---\n"
ONLY_FOR_THE_COMMITTEE = ("content/briefing.md is only for the committee (audience: committee) "
                          "and this page is public")
# Each public page (its third line brings the briefing in), and what the problem says.
PULLS = {
    "include": ('{% include "briefing.md" %}', ONLY_FOR_THE_COMMITTEE),
    "import": ('{% import "briefing.md" as briefing %}', ONLY_FOR_THE_COMMITTEE),
    "from import": ('{% from "briefing.md" import x %}', ONLY_FOR_THE_COMMITTEE),
    "extends": ('{% extends "briefing.md" %}', ONLY_FOR_THE_COMMITTEE),
    "a list": ('{% include ["missing.md", "briefing.md"] ignore missing %}',
               ONLY_FOR_THE_COMMITTEE),
    "a name": ('{% set part = "briefing.md" %}{% include part %}',
               "{% include %} names its file only when the site is built"),
    "through a public file": ('{% include "part.txt" %}',
                              "content/part.txt:2 brings in another file: {% include "
                              '"briefing.md" %}: ' + ONLY_FOR_THE_COMMITTEE),
    "a missing file": ('{% include "brefing.md" %}', 'there is no file "brefing.md" in content/'),
}


def assert_refused(site: Path, tmp_path: Path, where: str, said: str) -> None:
    """validate and a build, of either audience, stop with the problem at `where` (the file
    and line, from the site's folder), and the secret is in no file but the site's own."""
    for audience in ("public", "committee"):
        for command in (["validate", str(site)],
                        ["build", str(site), "--out", str(tmp_path / "out"),
                         "--audience", audience]):
            code, output = run(*command)
            assert code == 1, output
            lines = [x for x in output.splitlines() if f" {site.as_posix()}/{where}: " in x]
            assert len(lines) == 1 and said in lines[0], output
    assert not (tmp_path / "out").exists()
    assert all(found.startswith("site/content/")
               for found in scan(tmp_path, {"text": [SECRET], "numbers": []}))


@pytest.mark.parametrize("pull", PULLS)
def test_a_public_page_cannot_bring_in_a_committee_page(site, tmp_path, pull):
    """mkdocs-macros' Jinja reads included files from content/: the committee page's text was
    in the public page and both search indexes."""
    tag, said = PULLS[pull]
    write_page(site, COMMITTEE_FRONT + BODY)
    write_page(site, 'A part\n{% include "briefing.md" %}\n', "part.txt")
    write_page(site, f"# Public\n\n{tag}\n", "public.md")
    assert_refused(site, tmp_path, "content/public.md:3", said)


def test_a_committee_page_may_bring_in_a_committee_page(site, tmp_path):
    write_page(site, COMMITTEE_FRONT + BODY)
    write_page(site, COMMITTEE_FRONT + '# For members\n\n{% include "briefing.md" %}\n',
               "members.md")
    write_page(site, "Open to all: PUBLICPARTZ\n", "part.txt")
    write_page(site, '# Public\n\n{% include "part.txt" %}\n', "public.md")
    code, output = run("validate", str(site))
    assert code == 0, output

    public = commands.build(site, tmp_path / "public")
    assert scan(public, {"text": [SECRET], "numbers": []}) == []
    assert "PUBLICPARTZ" in (public / "public.html").read_text(encoding="utf-8")
    committee = commands.build(site, tmp_path / "committee", audience="committee")
    assert SECRET in (committee / "members.html").read_text(encoding="utf-8")


# -- Copies of a committee page that are not pages are refused (issue 20, item 3: B3) -----

# Files in content/ that MkDocs would copy as they are, and what is said about each.
BACKUP = "this looks like an editor's backup or copy of a page: delete it"
NOT_A_PAGE = "this file is not a page MkDocs builds, so it would publish it as it is"
STRAYS = {
    "sub/briefing.md~": (COMMITTEE_FRONT, "", BACKUP),
    "sub/briefing.md.orig": (COMMITTEE_FRONT, "", BACKUP),
    "sub/briefing.md.bak": (COMMITTEE_FRONT, "", BACKUP),
    "sub/#briefing.md#": (COMMITTEE_FRONT, "", BACKUP),
    "sub/briefing.MD": ("---\naudience: commitee\n---\n", "",
                        "a page's name ends in lowercase .md; MkDocs builds only those as "
                        "pages and would publish this file as it is, front matter and all: "
                        "rename it briefing.md"),
    "sub/briefing.Markdown": (COMMITTEE_FRONT, "", "rename it briefing.markdown"),
    "sub/briefing.txt": ("---\ntitle: Briefing\naudience: committee\n---\n", ":3",
                         "its front matter says audience: committee, but " + NOT_A_PAGE),
    "sub/slip.txt": ("---\ntitle: Briefing: LADO\naudience: committee\n---\n", ":2",
                     "front matter cannot be read (mapping values are not allowed here)"),
    "sub/typo.html": ("---\naudience: commitee\n---\n", ":2",
                      'front matter: audience "commitee" is not one of public, committee'),
}


@pytest.mark.parametrize("name", STRAYS)
def test_a_copy_of_a_committee_page_that_is_not_a_page_is_refused(site, tmp_path, name):
    """MkDocs copied editor backups and upper-case .MD files into the site as they were,
    front matter and secret and all, whatever the front matter said."""
    front, line, said = STRAYS[name]
    (site / "content" / "sub").mkdir()
    write_page(site, COMMITTEE_FRONT + BODY, "sub/briefing.md")  # the page itself is fine
    write_page(site, front + BODY, name)
    assert_refused(site, tmp_path, f"content/{name}{line}", said)


def test_other_files_in_content_are_copied_as_before(site, tmp_path):
    """Text files that say nothing of an audience, or say public, and files that are not
    text, are published as they are; a YAML file's --- is not a page's front matter."""
    files = {"notes.txt": "Note: to be read\n", "public.txt": "---\naudience: public\n---\nx\n",
             "list.yml": "---\nitems: [a, b]\n", "image.png": b"\x89PNG\r\n\x1a\n\xff\xfe"}
    for name, text in files.items():
        write_page(site, text, name)
    code, output = run("validate", str(site))
    assert code == 0, output
    out = commands.build(site, tmp_path / "out")
    assert all((out / name).is_file() for name in files)
