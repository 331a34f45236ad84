"""`improvement-site new`: a site that validates and builds with zero warnings, with a
placeholder for every data file, the comms team's README, a .gitignore and the release CI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from improvement_site.cli.main import main
from improvement_site.data.files import KNOWN
from improvement_site.data.load import load_site

CLI = [sys.executable, "-m", "improvement_site.cli.main"]


def new(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["new", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("new") / "our-site"
    code, output = new(str(folder), "--council", "Example Borough Council")
    assert code == 0, output
    return folder


def test_every_file_is_there(made):
    files = sorted(p.relative_to(made).as_posix() for p in made.rglob("*") if p.is_file())
    assert files == sorted([
        ".github/workflows/release.yml", ".gitignore", ".gitlab-ci.yml", "README.md",
        "content/about.md", "data/plan/01-first-area.yaml",
        *(f"data/{name}" for name in KNOWN)])
    for name in KNOWN:  # every data file parses (contract v2's are empty lists for now)
        if name.endswith(".yaml"):
            assert yaml.safe_load((made / "data" / name).read_text(encoding="utf-8")) is not None
    assert yaml.safe_load((made / "data" / "breakdowns.yaml").read_text()) == []
    assert yaml.safe_load((made / "data" / "providers.yaml").read_text()) == []


def test_it_validates_and_says_what_it_holds(made):
    result = CliRunner().invoke(main, ["validate", str(made)])
    assert result.exit_code == 0, result.output
    assert result.output == (f"{made.as_posix()}/data is valid: 1 area, 1 action, 1 measure, "
                             f"0 values, 0 visits.\n")
    data = load_site(made / "data")
    assert data.site.council == "Example Borough Council"
    assert data.site.title == "Children's services improvement"
    # The about page calls a macro with no id: it can never refer to another site's records.
    assert "{{ status_summary() }}" in (made / "content" / "about.md").read_text()


def test_it_builds_with_zero_warnings(made, tmp_path):
    out = tmp_path / "out"
    result = subprocess.run([*CLI, "build", str(made), "--out", str(out), "--verbose"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    for page in ("index.html", "about.html", "plan/first-area.html", "plan/index.html",
                 "performance/first-measure.html", "glossary.html", "accessibility.html"):
        assert (out / page).is_file(), page


def test_the_release_ci_installs_a_release_not_the_checkout(made):
    github = yaml.safe_load((made / ".github" / "workflows" / "release.yml").read_text())
    gitlab = yaml.safe_load((made / ".gitlab-ci.yml").read_text())
    from importlib.metadata import version
    wanted = f"improvement-site=={version('improvement-site')}"
    assert github[True]["push"]["tags"] == ["meeting-*"]  # YAML 1.1 reads `on:` as true
    assert github["env"]["IMPROVEMENT_SITE"] == wanted
    steps = " ".join(str(step.get("run", "")) for step in github["jobs"]["publish"]["steps"])
    assert 'pip install "$IMPROVEMENT_SITE"' in steps and "-e ." not in steps
    assert 'improvement-site release . --tag "${GITHUB_REF_NAME}" --push' in steps
    job = gitlab["pages"]
    assert job["variables"]["IMPROVEMENT_SITE"] == wanted
    assert job["rules"] == [{"if": "$CI_COMMIT_TAG =~ /^meeting-/"}]
    assert job["artifacts"]["paths"] == ["public"]
    assert any("improvement-site release" in line for line in job["script"])
    readme = (made / "README.md").read_text()
    for words in ("improvement-site serve", "improvement-site validate", "git tag meeting-"):
        assert words in readme


def test_names_that_yaml_would_misread_are_kept_as_written(tmp_path):
    council = 'Borough of "Oddly": Named # 1'
    code, output = new(str(tmp_path / "odd"), "--council", council, "--title", "yes")
    assert code == 0, output
    site = load_site(tmp_path / "odd" / "data").site
    assert (site.council, site.title) == (council, "yes")  # not a comment, not true


def test_a_folder_with_files_is_refused_and_left_alone(tmp_path):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    code, output = new(str(folder), "--council", "Example Borough Council")
    assert code == 1
    assert "is not empty (it holds notes.txt)" in output and "--force" in output
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    # --force adds the site beside them, but never replaces a file.
    assert new(str(folder), "--council", "Example Borough Council", "--force")[0] == 0
    assert (folder / "notes.txt").read_text() == "mine" and (folder / "data").is_dir()
    code, output = new(str(folder), "--council", "Example Borough Council", "--force")
    assert code == 1 and "already has" in output and "nothing was written" in output


def test_a_fresh_clone_with_only_git_in_it_is_empty_enough(tmp_path):
    folder = tmp_path / "clone"
    (folder / ".git").mkdir(parents=True)
    assert new(str(folder), "--council", "Example Borough Council")[0] == 0
    assert (folder / ".git").is_dir() and (folder / "data" / "site.yaml").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name != "clone"]  # no staging left


@pytest.mark.parametrize("args", [[], ["somewhere"], ["somewhere", "--council", ""],
                                  ["somewhere", "--council", "x" * 501],
                                  ["somewhere", "--council", "Bell\x07"]])
def test_bad_usage_is_exit_code_2(tmp_path, args, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _ = new(*args)
    assert code == 2
    assert not (tmp_path / "somewhere").exists()
