"""Issue 20, items 2 and 4: a site's files are read only if they are regular files inside it,
and its logo is published only as a real PNG, or as an SVG that is a drawing and nothing else.

Each case is a real site folder (the minimal fixture, copied) run through the real commands:
a symbolic link or a special file anywhere in data/ or content/ is refused by validate, build
and release with its path and words saying what to do; what it points at is never read, so
never quoted and never published; nothing is written.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import commit_all, git, init_repo
from improvement_site.cli.main import main

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"
SECRET = "TOKEN-5f3a-do-not-publish"
LINKED = "is a symbolic link, which the site does not follow"


def invoke(*args) -> object:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(MINIMAL, root)
    return root


@pytest.fixture
def secret(tmp_path) -> Path:
    """A file of the build machine's, outside the site: never to be read into it."""
    path = tmp_path / "outside" / "environ"
    path.parent.mkdir()
    path.write_text(f"CI_TOKEN={SECRET}\nnot: [yaml\n", encoding="utf-8")
    return path


def set_logo(site: Path, name: str) -> None:
    with (site / "data" / "site.yaml").open("a", encoding="utf-8") as file:
        file.write(f"logo: {name}\n")


def refused(site: Path, *lines: str) -> None:
    """validate and build both exit 1 naming each of `lines`; nothing is built, and nothing
    of the secret is shown."""
    for command in (["validate", site], ["build", site]):
        result = invoke(*command)
        assert result.exit_code == 1, result.output
        for line in lines:
            assert line in result.output, result.output
        assert SECRET not in result.output
    assert not (site / "site").exists()


# -- links and special files in data/ -------------------------------------------------------

@pytest.mark.parametrize("name", ["glossary.yaml", "measures.csv", "plan/zz-extra.yaml",
                                  "visits.yaml"])
def test_a_linked_data_file_is_refused_and_its_target_never_quoted(site, secret, name):
    # The target is not YAML: an error quoting it would print the token into the CI log.
    path = site / "data" / name
    path.unlink(missing_ok=True)
    path.symlink_to(secret)
    refused(site, f"data/{name}: {LINKED}", "replace the link with the file itself")


def test_a_linked_logo_is_refused(site, secret):
    (site / "data" / "crest.png").symlink_to(secret)
    set_logo(site, "crest.png")
    refused(site, f"data/crest.png: {LINKED}")


def test_a_linked_plan_folder_and_data_folder_are_refused(site, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    shutil.move(site / "data" / "plan", elsewhere)
    (site / "data" / "plan").symlink_to(elsewhere)
    refused(site, f"data/plan: {LINKED}")
    shutil.move(site / "data", tmp_path / "data")
    (site / "data").symlink_to(tmp_path / "data")
    refused(site, f"data: {LINKED}")


def test_each_read_checks_the_file_itself(site, secret, monkeypatch):
    """The reader refuses a link on its own, should one appear after the folder was looked
    through (or be missed by it)."""
    from improvement_site.data import load
    monkeypatch.setattr(load, "refused_in", lambda folder, site_dir: [])
    (site / "data" / "glossary.yaml").unlink()
    (site / "data" / "glossary.yaml").symlink_to(secret)
    result = invoke("validate", site)
    assert result.exit_code == 1
    assert f"data/glossary.yaml: {LINKED}" in result.output
    assert SECRET not in result.output


def test_a_pipe_in_data_is_refused_not_waited_on(site):
    (site / "data" / "glossary.yaml").unlink()
    os.mkfifo(site / "data" / "glossary.yaml")
    done = []
    worker = threading.Thread(target=lambda: done.append(invoke("validate", site)),
                              daemon=True)
    worker.start()
    worker.join(30)
    assert done, "validate waited on a pipe"
    assert done[0].exit_code == 1
    assert "data/glossary.yaml: is not a regular file" in done[0].output


# -- links in content/ ------------------------------------------------------------------------

def test_a_linked_content_page_and_folder_are_refused(site, secret):
    (site / "content" / "passwd.txt").symlink_to(secret)
    (site / "content" / "keys").symlink_to(secret.parent)  # holds the "id_rsa"
    (site / "content" / "notes-copy.md").symlink_to(secret)  # a page: not even parsed
    refused(site, f"content/passwd.txt: {LINKED}", f"content/keys: {LINKED}",
            f"content/notes-copy.md: {LINKED}")


def test_a_link_made_after_validation_is_still_not_copied(site, secret, monkeypatch):
    """MkDocs collects content/ following links; the plugin's file hook refuses what it
    collected through one, should the folder change between the checks and the copy."""
    from improvement_site.pages import page_checks
    (site / "content" / "keys").symlink_to(secret.parent)
    monkeypatch.setattr(page_checks, "refused_in", lambda folder, site_dir: [])
    result = invoke("build", site)
    assert result.exit_code == 1
    assert f"content/keys/environ: {LINKED}" in result.output
    assert SECRET not in result.output
    assert not (site / "site").exists()


# -- release ------------------------------------------------------------------------------------

def test_release_refuses_a_tagged_link_and_publishes_nothing(tmp_path, secret):
    repo = tmp_path / "repo"
    shutil.copytree(MINIMAL, repo)
    init_repo(repo)
    commit_all(repo, "site")
    (repo / "content" / "passwd.txt").symlink_to(secret)
    commit_all(repo, "a link", tag="meeting-2024-04-10")
    result = invoke("release", repo, "--tag", "meeting-2024-04-10")
    assert result.exit_code == 1, result.output
    assert f"content/passwd.txt: {LINKED}" in result.output
    assert SECRET not in result.output
    assert "gh-pages" not in git(repo, "branch", "--list")
