"""docs/new-site.md works as written: its commands run in order, in a temp folder outside the
repository, with the wheel installed the way the guide says, and end in a built site and a
published release.

The guide's ```bash blocks are run as one script (so `cd` and the virtualenv carry over); a
block after `<!-- write: PATH -->` is the whole of that file. `improvement-site serve` runs
until its first page is served, then is stopped, as a reader would stop it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, clean_env

pytestmark = pytest.mark.wheel

GUIDE = ROOT / "docs" / "new-site.md"
BLOCK = re.compile(r"(?:<!-- write: (?P<file>\S+) -->\n)?```(?P<lang>\w*)\n(?P<body>.*?)```",
                   re.S)

SERVE_CHECK = r"""
serve_check() {  # the preview, until it serves its first page
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
  improvement-site serve "$@" -a "127.0.0.1:$port" >"$TUTORIAL_LOG" 2>&1 &
  pid=$!
  python3 - "$port" <<'PY'
import sys, time, urllib.request
deadline = time.time() + 600
while True:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/index.html", timeout=5).read()
        break
    except OSError:
        if time.time() > deadline:
            sys.exit("improvement-site serve never served its first page")
        time.sleep(0.5)
PY
  kill "$pid"
  wait "$pid" || true
}
"""


def script(guide: str) -> str:
    lines = ["set -euxo pipefail", SERVE_CHECK]
    for block in BLOCK.finditer(guide):
        if block["file"]:
            lines.append(f"cat > '{block['file']}' <<'TUTORIAL_EOF'\n{block['body']}"
                         f"TUTORIAL_EOF")
        elif block["lang"] == "bash":
            for line in block["body"].splitlines():
                if line.startswith("improvement-site serve"):
                    line = "serve_check" + line[len("improvement-site serve"):]
                lines.append(line)
    return "\n".join(lines) + "\n"


def test_the_new_site_guide_runs_as_written(wheel, tmp_path):
    path, _ = wheel
    guide = GUIDE.read_text(encoding="utf-8")
    # The guide names the wheel it installs: a new version must update the guide too.
    assert f"pip install {path.name}" in guide
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(path, work / path.name)  # "the wheel file the project publishes", downloaded
    home = tmp_path / "home"
    home.mkdir()
    cache = subprocess.run(["python3", "-m", "pip", "cache", "dir"], capture_output=True,
                           text=True).stdout.strip()
    env = clean_env(HOME=str(home), TMPDIR=str(tmp_path), TUTORIAL_LOG=str(tmp_path / "serve.log"),
                    GIT_AUTHOR_NAME="Comms Officer", GIT_AUTHOR_EMAIL="comms@example.org",
                    GIT_COMMITTER_NAME="Comms Officer", GIT_COMMITTER_EMAIL="comms@example.org")
    if cache:
        env["PIP_CACHE_DIR"] = cache
    (tmp_path / "tutorial.sh").write_text(script(guide), encoding="utf-8")
    result = subprocess.run(["bash", str(tmp_path / "tutorial.sh")], cwd=work, env=env,
                            capture_output=True, text=True, timeout=3600)
    assert result.returncode == 0, result.stderr[-6000:]
    assert "Traceback" not in result.stderr

    site = work / "my-council"
    assert (home / "improvement-site" / "bin" / "improvement-site").is_file()  # installed there
    for page in ("index.html", "about.html", "progress.html", "plan/front-door.html",
                 "performance/contacts-timely.html", "inspections/ilacs-2024.html"):
        assert (site / "site" / page).is_file(), page
    progress = (site / "site" / "progress.html").read_text(encoding="utf-8")
    assert "Contacts decided within one working day" in progress
    versions = subprocess.run(["git", "show", "gh-pages:versions.json"], cwd=site,
                              capture_output=True, text=True, check=True).stdout
    assert [v["version"] for v in json.loads(versions)] == ["2025-01-15"]
    # Every "improvement-site validate" in the guide said the data was valid.
    assert result.stdout.count("is valid:") == result.stderr.count("+ improvement-site validate")
