"""Input a careless or hostile data editor can give (issue 20, items 8, 9, 10 and 12): a file
name git has to quote in an earlier release, numbers YAML 1.1 would change silently, dates
written in other scripts' digits, and more records than any plan has. Each is refused in words
(file, line, field; exit 1) or read correctly, never a crash and never a silent change."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from helpers import commit_all, init_repo
from improvement_site.cli.main import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _copy_minimal(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "minimal", site)
    return site


def _run(*args: str):
    return CliRunner().invoke(main, [*args])


# --- 8: a file name that is not plain ASCII in an earlier release ----------------------------


def test_a_release_holding_a_file_name_that_is_not_ascii_is_read_by_later_builds(tmp_path):
    """git quotes such names in its ordinary output ("data/plan/01-\\303\\251.yaml"), which is
    no path under data/: every build after the release failed with an internal error."""
    from improvement_site.data.load import load_site
    from improvement_site.publish.history import load_history

    repo = tmp_path
    site = _copy_minimal(repo)
    (site / "data" / "plan" / "01-front-door.yaml").rename(site / "data" / "plan" / "01-é.yaml")
    (site / "content" / "café.md").write_text("# Café\n\nNotes.\n", encoding="utf-8")
    init_repo(repo)
    commit_all(repo, "The first meeting", "meeting-2024-01-10")

    history = load_history(load_site(site / "data"), site / "data", "public")
    assert [s.release.tag for s in history.earlier] == ["meeting-2024-01-10"]
    assert history.unreadable == ()
    assert history.earlier[0].data.areas[0].id == "front-door"

    result = _run("build", str(site), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "index.html").is_file()
