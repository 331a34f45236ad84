"""`improvement-site demo`: a site's two meetings, released with mike and served.

The real demo publishes the bundled Nottingham data with the first meeting's overlay in
examples/nottingham-2023-01-26/data/; here the minimal fixture and an overlay of its own (an
earlier meeting, one visit fewer) stand in, through the command's hidden options.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner

from conftest import squash
from helpers import free_port, get_text
from improvement_site.cli.main import main

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"
CLI = [sys.executable, "-m", "improvement_site.cli.main"]


def overlay(tmp_path: Path) -> Path:
    """The first meeting: 5 October 2023, before the monitoring visit of February 2024."""
    folder = tmp_path / "first-meeting" / "data"
    folder.mkdir(parents=True)
    site = yaml.safe_load((MINIMAL / "data" / "site.yaml").read_text(encoding="utf-8"))
    site["reporting_date"] = "2023-09-30"
    site["meeting"]["date"] = "2023-10-05"
    (folder / "site.yaml").write_text(yaml.safe_dump(site, sort_keys=False), encoding="utf-8")
    visits = yaml.safe_load((MINIMAL / "data" / "visits.yaml").read_text(encoding="utf-8"))
    (folder / "visits.yaml").write_text(yaml.safe_dump(visits[:1], sort_keys=False),
                                        encoding="utf-8")
    # Only the values known by then: one dated after the reporting date is an input error.
    rows = (MINIMAL / "data" / "measures.csv").read_text(encoding="utf-8").splitlines()
    (folder / "measures.csv").write_text("\n".join(
        [rows[0], *[r for r in rows[1:] if r.split(",")[1] <= "2023-09-30"]]) + "\n",
        encoding="utf-8")
    (folder / "README.md").write_text("The first meeting's files.\n", encoding="utf-8")
    return folder


def test_the_demo_publishes_both_meetings_and_serves_them(tmp_path):
    out, port = tmp_path / "demo", free_port()
    base = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen(
        [*CLI, "demo", "--out", str(out), "--source", str(MINIMAL),
         "--first-meeting", str(overlay(tmp_path)), "-a", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                versions = json.loads(get_text(base + "versions.json"))
                break
            except OSError:
                assert server.poll() is None, server.communicate()
                assert time.monotonic() < deadline, "the demo never served"
                time.sleep(0.5)
        assert [(v["version"], v["aliases"]) for v in versions] == [
            ("2024-04-10", ["latest"]), ("2023-10-05", [])]
        assert "2024-04-10/" in get_text(base + "latest/index.html")  # latest/ is the newest
        changes = squash(BeautifulSoup(get_text(base + "2024-04-10/changes.html"),
                                       "html.parser").select_one("article"))
        assert "release for the meeting of 5 October 2023" in changes
        assert "New: Monitoring visit 1: The front door" in changes, changes  # a real change
        first = get_text(base + "2023-10-05/inspections/index.html")
        assert "mv-2024-02" not in first  # the first meeting knew nothing of that visit
        assert '"provider": "mike"' in get_text(base + "2024-04-10/index.html")  # version menu
        # The repository behind it: one commit and one tag per meeting.
        tags = subprocess.run(["git", "tag"], cwd=out / "repository", capture_output=True,
                              text=True, check=True).stdout.split()
        assert tags == ["meeting-2023-10-05", "meeting-2024-04-10"]
    finally:
        server.terminate()
        stdout, stderr = server.communicate(timeout=30)
    assert server.returncode == 0, stderr  # stopping the preview is its usual end
    assert "Traceback" not in stderr
    assert f"Serving it at {base}" in stdout


def test_without_the_first_meeting_the_demo_says_what_is_missing(tmp_path):
    source = tmp_path / "site"
    shutil.copytree(MINIMAL, source)
    result = CliRunner().invoke(main, ["demo", "--no-serve", "--out", str(tmp_path / "out"),
                                       "--source", str(source)])
    assert result.exit_code == 1
    assert "examples/nottingham-2023-01-26/data is missing" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()
