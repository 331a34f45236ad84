"""Where the commands write: never over the site, its data or content, the home folder or `/`;
a build replaces only an empty folder or one it made (marked); imports and exports write only
the files they name; `new` writes the whole site or nothing, and the council's words as typed.

Every refusal is a usage error (exit 2) in words, and the files are as they were."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from improvement_site.cli.main import main
from improvement_site.lifecycle import MARKER

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"


def run(*args) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, " ".join(result.output.split())


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every file and link under `folder`, with its bytes (a link: where it points)."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = os.readlink(path)
        elif path.is_file():
            found[name] = path.read_bytes()
    return found


@pytest.fixture
def site(tmp_path, monkeypatch) -> Path:
    """A copy of the minimal site with a git folder, a draft and its own mkdocs.yml; the
    current folder is the site, and the home folder is beside it."""
    folder = tmp_path / "home" / "site"
    shutil.copytree(MINIMAL, folder)
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (folder / "content" / "draft.md").write_text("# A draft nobody has committed\n")
    (folder / "mkdocs.yml").write_text("site_name: Minimal\n")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(folder)
    return folder


OUTSIDE = ["/", "~", ".", "..", "./", "data", "./data/../data/", "data/plan", "content",
           "content/new", "linked"]


@pytest.mark.parametrize("out", OUTSIDE)
def test_build_out_never_the_site_its_data_content_home_or_root(site, out):
    (site.parent / "linked").symlink_to(site)
    os.symlink(site, site / "linked")  # a link to the site, inside it
    before = tree(site.parent)
    home = str(site.parent)
    code, said = run("build", "--out", out.replace("~", home))
    assert code == 2, said
    assert "Error:" in said and "nothing was written" in said, said
    assert any(words in said for words in (
        "the site folder", "holding the site", "home folder", "site's data folder",
        "inside the site's data folder", "site's content folder",
        "inside the site's content folder")), said
    assert tree(site.parent) == before


def test_a_folder_the_build_did_not_make_is_refused_and_left_alone(site, tmp_path):
    out = tmp_path / "papers"
    out.mkdir()
    (out / "minutes.docx").write_bytes(b"mine")
    code, said = run("build", "--out", out)
    assert code == 2, said
    assert f"{out} holds files that improvement-site build did not write" in said
    assert "delete it and build again; otherwise give another folder with --out" in said
    assert tree(out) == {"minutes.docx": b"mine"}


def test_a_site_folder_left_by_an_earlier_version_is_not_replaced(site):
    """SITE/site without the marker (every build before it existed): refused, in words."""
    (site / "site").mkdir()
    (site / "site" / "index.html").write_text("an earlier build")
    code, said = run("build")
    assert code == 2, said
    assert "If it is a build by an earlier version, delete it and build again" in said
    assert (site / "site" / "index.html").read_text() == "an earlier build"


def test_a_build_is_marked_and_replaced_by_the_next(site, tmp_path):
    out = tmp_path / "out"
    out.mkdir()  # an empty folder may be built into
    code, said = run("build", "--out", out)
    assert code == 0, said
    assert "improvement-site build" in (out / MARKER).read_text()
    (out / "stale.html").write_text("from a build long ago")
    code, said = run("build", "--out", out)
    assert code == 0, said
    assert (out / MARKER).is_file() and not (out / "stale.html").exists()


def test_files_put_in_the_output_while_it_builds_stop_the_swap(site, tmp_path, monkeypatch):
    """The build takes a while: the folder is checked again just before it is replaced."""
    from improvement_site.cli import commands

    out = tmp_path / "out"
    out.mkdir()
    original = commands._mkdocs_build

    def meanwhile(*args):
        original(*args)
        (out / "notes.txt").write_text("saved here while the site was building")

    monkeypatch.setattr(commands, "_mkdocs_build", meanwhile)
    code, said = run("build", "--out", out)
    assert code == 2, said
    assert "holds files that improvement-site build did not write" in said
    assert tree(out) == {"notes.txt": b"saved here while the site was building"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "out"]  # no staging left


# -- import and export: only the files they name ------------------------------------------


@pytest.fixture
def book(site, tmp_path) -> Path:
    path = tmp_path / "plan.xlsx"
    code, said = run("export", "plan", path)
    assert code == 0, said
    return path


@pytest.mark.parametrize("out", ["data/site.yaml", "data/measures.yaml", "data/new.csv",
                                 "content/measures.csv", "mkdocs.yml", "README.md"])
def test_import_measures_never_over_the_sites_own_files(site, tmp_path, out):
    scorecard = tmp_path / "scorecard.csv"
    shutil.copyfile(site / "data" / "measures.csv", scorecard)
    (site / "README.md").write_text("# Our site\n")
    before = tree(site)
    code, said = run("import", "measures", scorecard, "--out", out)
    assert code == 2, said
    assert "nothing was written" in said and out in said, said
    assert tree(site) == before


def test_import_measures_never_over_its_own_input(site, tmp_path):
    scorecard = tmp_path / "scorecard.csv"
    shutil.copyfile(site / "data" / "measures.csv", scorecard)
    code, said = run("import", "measures", scorecard, "--out", scorecard)
    assert code == 2, said
    assert "named twice" in said
    assert scorecard.read_bytes() == (site / "data" / "measures.csv").read_bytes()


@pytest.mark.parametrize("out", ["data", ".", "content", "..", "data/../data"])
def test_import_plan_out_never_the_site_or_its_data(site, book, out):
    before = tree(site)
    code, said = run("import", "plan", book, "--out", out)
    assert code == 2, said
    assert "nothing was written" in said and "The site's data is valid" not in said
    assert tree(site) == before


def test_import_plan_into_another_folder_writes_only_its_files(site, book, tmp_path):
    out = tmp_path / "elsewhere"
    out.mkdir()
    (out / "notes.yaml").write_text("mine: true\n")
    code, said = run("import", "plan", book, "--out", out)
    assert code == 0, said
    assert sorted(p.name for p in out.iterdir()) == ["01-front-door.yaml", "notes.yaml"]
    assert (out / "notes.yaml").read_text() == "mine: true\n"
    assert f"would be valid with them in {Path('.', 'data', 'plan')}" in said


def test_export_and_report_never_into_data_or_content(site):
    before = tree(site)
    for args in (["export", "plan", "data/plan.xlsx"], ["export", "plan", "content/plan.xlsx"],
                 ["report", "--out", "data/report.pdf"], ["report", "--out", "content/r.docx"]):
        code, said = run(*args)
        assert code == 2, (args, said)
        assert "nothing was written" in said, said
    assert tree(site) == before


def test_demo_out_never_the_source_site(site):
    before = tree(site)
    for out in ("data", "."):
        code, said = run("demo", "--no-serve", "--source", site, "--out", out)
        assert code == 2, said
    assert tree(site) == before


# -- new: the whole site or nothing, the words as typed --------------------------------------


@pytest.mark.parametrize("name,make", [
    ("content", lambda f: (f / "content").write_text("a file named content")),
    (".github", lambda f: (f / ".github").write_text("a file named .github")),
    (".gitignore", lambda f: os.symlink(f / "nowhere", f / ".gitignore")),  # dangling
    ("data", lambda f: os.symlink(f.parent, f / "data")),
])
def test_new_writes_nothing_where_something_is_in_the_way(tmp_path, name, make):
    folder = tmp_path / "new"
    folder.mkdir()
    make(folder)
    before = tree(folder)
    code, said = run("new", folder, "--force", "--council", "Example Council")
    assert code == 1, said
    assert f"already has {name}" in said and "nothing was written" in said, said
    assert "internal error" not in said
    assert tree(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new"]  # no staging left


@pytest.mark.parametrize("council", ["A <<council_text>> B", "<<contact>>", "<<title>> & co"])
def test_new_keeps_the_councils_words_as_typed(tmp_path, council):
    code, said = run("new", tmp_path / "new", "--council", council)
    assert code == 0, said
    site = yaml.safe_load((tmp_path / "new" / "data" / "site.yaml").read_text())
    assert site["council"] == council
    assert site["contact"] == "improvement@council.example"


def test_new_undoes_its_moves_when_one_fails(tmp_path, monkeypatch):
    """Into an existing folder the site goes file by file: a move that fails (the disk, a
    file put there meanwhile) takes back the ones done, and says so in words."""
    from improvement_site.cli import new as new_module

    folder = tmp_path / "clone"
    (folder / ".github" / "workflows").mkdir(parents=True)
    (folder / ".github" / "workflows" / "ours.yml").write_text("on: push\n")
    before = tree(folder)
    real_rename, moves = Path.rename, []

    def failing(self, target):
        if Path(target).parent == folder or folder in Path(target).parents:
            moves.append(target)
            if len(moves) == 3:
                raise OSError(28, "No space left on device", str(target))
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    with pytest.raises(new_module.NewSiteError, match="No space left on device; nothing was"):
        new_module.new_site(folder, "Example Council")
    monkeypatch.undo()
    assert len(moves) == 3
    assert tree(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clone"]
