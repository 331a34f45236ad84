"""`serve` rebuilds after an edit, re-rendering only the pages the edit touches."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from helpers import free_port, get_text
from improvement_site.pages import specs as pages
from improvement_site.pages.fingerprints import page_hashes
from improvement_site.data.load import load_site

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"


def test_an_action_edit_changes_only_its_area_and_the_summaries(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(MINIMAL, site)
    data = load_site(site / "data")
    specs = pages.page_specs(data)
    before = page_hashes(data, specs)
    plan = site / "data" / "plan" / "01-front-door.yaml"
    plan.write_text(plan.read_text().replace("All eight posts filled.", "Nine posts filled."))
    after = page_hashes(load_site(site / "data"), specs)
    changed = sorted(path for path in before if before[path] != after[path])
    assert "plan/front-door.md" in changed
    assert "performance/cp-rate.md" not in changed and "inspections/mv-2024-02.md" not in changed
    title = site / "data" / "measures.yaml"
    title.write_text(title.read_text().replace("Child protection visits within timescale",
                                               "CP visits in time"))
    renamed = page_hashes(load_site(site / "data"), specs)
    assert all(renamed[p] != after[p] for p in after)  # the menu changed: every page


def test_serve_shows_an_edit(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(MINIMAL, site)
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    cli = Path(sys.executable).parent / "improvement-site"
    server = subprocess.Popen([str(cli), "serve", str(site), "-a", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if "Nine posts" not in get_text(base + "plan/front-door.html", timeout=5):
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)
        plan = site / "data" / "plan" / "01-front-door.yaml"
        plan.write_text(plan.read_text().replace("All eight posts filled.", "Nine posts filled."))
        deadline = time.monotonic() + 60
        while "Nine posts filled." not in get_text(base + "plan/front-door.html", timeout=5):
            assert time.monotonic() < deadline, "the edit never showed"
            time.sleep(0.2)
        # Pages that were not re-rendered still have the whole menu.
        other = get_text(base + "performance/cp-rate.html", timeout=5)
        assert "Responses when children" in other and "Exceptions: delayed and overdue actions" in other
    finally:
        server.terminate()
        server.wait(timeout=20)
