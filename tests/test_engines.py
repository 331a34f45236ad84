"""ProperDocs, MkDocs' maintained continuation, is a supported engine: it builds both bundled
sites unchanged, and the command line builds with it when asked (--engine properdocs).

A plain `properdocs build` and `mkdocs build` in a site's folder give the same site as the
command line, byte for byte, but for the generator's name in each page's head.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SITES
from improvement_site.lifecycle import MARKER

BIN = Path(sys.executable).parent
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): GENERATOR.sub(b"", p.read_bytes())
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("engine", ["properdocs", "mkdocs"])
@pytest.mark.parametrize("name", ["nottingham", "nel"])
def test_a_plain_engine_build_is_the_command_lines_site(built, tmp_path, name, engine):
    out = tmp_path / "site"
    result = subprocess.run([str(BIN / engine), "build", "-q", "-d", str(out)],
                            cwd=SITES[name], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    # Neither bundled site's papers give a contact address, so both warn that they have none
    # (the accessibility statement needs one); any other warning is a fault.
    warnings = [line for line in result.stderr.splitlines()
                if "WARNING" in line and "has no contact" not in line]
    assert warnings == [], result.stderr
    generator = (out / "index.html").read_text(encoding="utf-8")
    assert ("ProperDocs" in generator) == (engine == "properdocs")
    ours, theirs = _tree(built(name).out), _tree(out)
    # The command line marks its build as its own to replace; a plain engine build does not.
    assert ours.pop(MARKER, None) is not None
    assert sorted(ours) == sorted(theirs)
    assert [path for path in ours if ours[path] != theirs[path]] == []


def test_the_command_line_builds_with_properdocs_when_asked(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run([str(BIN / "improvement-site"), "build", str(SITES["minimal"]),
                             "--out", str(out), "--engine", "properdocs"],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    assert 'content="mkdocs-ProperDocs' in (out / "index.html").read_text(encoding="utf-8")


def test_an_engine_cannot_change_once_one_is_loaded():
    import mkdocs  # noqa: F401 - this test process builds with MkDocs

    from improvement_site.cli import engine
    with pytest.raises(engine.EngineError, match="already loaded"):
        engine.use("properdocs")
    assert engine.use("mkdocs") == "mkdocs"


def test_the_plugin_declares_its_properdocs_support():
    """Registered under ProperDocs' own entry point group as well as MkDocs': ProperDocs
    prefers that registration (plugins.get_plugins), and reads it as support declared."""
    from importlib.metadata import entry_points
    for group in ("properdocs.plugins", "mkdocs.plugins"):
        found = {ep.name: ep.value for ep in entry_points(group=group)}
        assert found.get("improvement-site") == "improvement_site.plugin:ImprovementSitePlugin"
    from properdocs.plugins import get_plugins
    assert get_plugins()["improvement-site"].group == "properdocs.plugins"
