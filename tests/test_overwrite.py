"""Nothing lost, nothing exposed (issue 20): a command never replaces a file it did not write,
never commits a release onto the site's own branch, and says so in words.

- report --out, export plan and import measures --out/--definitions-out replace an existing
  file only if improvement-site wrote it (recognised by its content); anyone else's file is a
  usage error (exit 2), left as it was.
- release --branch refuses, before anything is written, a branch checked out or holding the
  site's sources, a tag's name, and a name git would not take; no commits, no crash files.
- demo into a non-empty folder and a release tag that is not one are usage errors; an INHERIT
  line naming a file that is not settings is a worded error that does not quote the file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pikepdf
import pytest
from click.testing import CliRunner
from docx import Document

from helpers import commit_all, git, init_repo
from improvement_site.cli.main import main

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"
TAG = "meeting-2024-04-10"  # the minimal site's meeting


def run(*args) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, " ".join(result.output.split())


@pytest.fixture
def site(tmp_path) -> Path:
    return Path(shutil.copytree(MINIMAL, tmp_path / "site"))


def refused(path: Path, before: bytes, code: int, said: str) -> None:
    """The command was a usage error naming `path`, and the file is as it was."""
    assert code == 2, said
    assert f"{path} exists and was not written by improvement-site" in said, said
    assert "delete it first" in said and "nothing was written" in said, said
    assert path.read_bytes() == before


# -- B5: files the program did not write ------------------------------------------------------


def test_export_plan_replaces_its_own_workbook_but_not_a_persons(site, tmp_path):
    theirs = tmp_path / "tracker.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "our own tracker"
    book.save(theirs)
    before = theirs.read_bytes()
    refused(theirs, before, *run("export", "plan", theirs, site))

    ours = tmp_path / "plan.xlsx"
    for _ in range(2):  # the second export replaces the first: it is the program's own
        code, said = run("export", "plan", ours, site)
        assert code == 0, said
    assert openpyxl.load_workbook(ours).properties.creator == "improvement-site"


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_report_replaces_its_own_report_but_not_a_persons(site, tmp_path, suffix):
    theirs = tmp_path / f"minutes{suffix}"
    if suffix == ".pdf":
        pdf = pikepdf.new()
        pdf.add_blank_page()
        pdf.save(theirs)
    else:
        document = Document()
        document.add_paragraph("Minutes of the last meeting")
        document.save(theirs)
    before = theirs.read_bytes()
    refused(theirs, before, *run("report", "--out", theirs, site))

    ours = tmp_path / f"report{suffix}"
    for _ in range(2):
        code, said = run("report", "--out", ours, site)
        assert code == 0, said


def test_import_measures_writes_over_neither_a_csv_nor_a_yaml_it_did_not_write(site, tmp_path):
    scorecard = site / "data" / "measures.csv"
    payroll = tmp_path / "payroll.csv"
    payroll.write_text("name,salary\nA. Person,41000\n", encoding="utf-8")
    refused(payroll, payroll.read_bytes(),
            *run("import", "measures", scorecard, site, "--out", payroll))

    keep = tmp_path / "keep.yaml"
    keep.write_text("x: 1\n", encoding="utf-8")
    refused(keep, keep.read_bytes(), *run("import", "measures", scorecard, site,
                                          "--out", tmp_path / "new.csv",
                                          "--definitions-out", keep))
    assert not (tmp_path / "new.csv").exists()

    for _ in range(2):  # its own measures.csv is replaced
        code, said = run("import", "measures", scorecard, site, "--out", tmp_path / "new.csv")
        assert code == 0, said


# -- B4: the publishing branch ------------------------------------------------------------------


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """The minimal site at the root of a repository on main, tagged for its meeting, with a
    second branch of sources (drafts) beside it."""
    repo = Path(shutil.copytree(MINIMAL, tmp_path_factory.mktemp("council") / "repo"))
    init_repo(repo)
    commit_all(repo, "The site", TAG)
    git(repo, "branch", "drafts")
    return repo


def _state(repo: Path) -> tuple:
    refs = git(repo, "for-each-ref", "--format=%(refname) %(objectname)")
    return refs, git(repo, "status", "--porcelain"), sorted(p.name for p in (repo / ".git").iterdir())


@pytest.mark.parametrize("branch, said", [
    ("main", 'is the branch checked out in'),
    ("drafts", "holds a site's sources (data/site.yaml)"),
    (TAG, "is also the name of a tag"),
    ("gh pages", "is not a name git allows for a branch"),
    ("@{-1}", "is not a name git allows for a branch"),
])
def test_release_refuses_a_branch_that_is_not_a_publishing_branch_of_its_own(repo, branch, said):
    before = _state(repo)
    code, out = run("release", "--tag", TAG, "--branch", branch, repo)
    assert code == 2, out
    assert f'--branch "{branch}" {said}' in out and "nothing was written" in out, out
    assert "fatal:" not in out
    assert _state(repo) == before  # no commit, no branch, no staged change, no crash file


# -- smaller ones -------------------------------------------------------------------------------


def test_a_release_tag_with_other_digits_is_a_usage_error(repo):
    code, said = run("release", "--tag", "meeting-٢٠٢٤-04-10", repo)
    assert code == 2, said
    assert "is not a release tag" in said, said


@pytest.mark.parametrize("where", ["site", "data"])
def test_demo_into_a_folder_with_files_is_a_usage_error(site, where):
    out = site if where == "site" else site / "data"
    code, said = run("demo", "--no-serve", "--out", out)
    assert code == 2, said
    assert "is not an empty folder; give a new one" in said, said


def test_inherit_naming_a_file_that_is_not_settings_is_worded_without_quoting_it(site, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the-password-is-swordfish\n", encoding="utf-8")
    (site / "mkdocs.yml").write_text(f"INHERIT: {secret}\n", encoding="utf-8")
    code, said = run("build", "--out", tmp_path / "out", site)
    assert code == 1, said
    assert "the file its INHERIT line names is not a mapping of MkDocs settings" in said, said
    assert "internal error" not in said and "swordfish" not in said, said
    assert not (tmp_path / "out").exists()


def test_a_branch_git_refuses_after_the_checks_is_worded_and_leaves_no_crash_report(
        repo, monkeypatch):
    # The last guard, behind check_branch: git's refusal in words, its crash report removed.
    monkeypatch.setattr("improvement_site.publish.release.check_branch", lambda *a: None)
    before = _state(repo)
    code, said = run("release", "--tag", TAG, "--branch", "gh pages", repo)
    assert code == 1, said
    assert "publishing to the gh pages branch failed" in said and "fatal:" not in said, said
    assert "crash" not in said, said
    assert _state(repo) == before


def test_the_measures_csv_header_recognised_is_the_one_written():
    from improvement_site import lifecycle
    from improvement_site.data.reader import CSV_COLUMNS
    assert lifecycle.MEASURES_CSV_HEADER == ",".join(CSV_COLUMNS)
