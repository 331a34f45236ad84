"""Shared fixtures: the bundled sites, built once per test session and read as HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from improvement_site.cli import commands
from improvement_site.data.load import load_site

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SITES = {
    "nottingham": ROOT,
    "nel": ROOT / "examples" / "north-east-lincolnshire",
    "minimal": FIXTURES / "minimal",
}


def html_path(path: str) -> str:
    """A page's file in the built site: 'plan/' → plan/index.html, 'plan/x/' → plan/x.html
    (the site uses file URLs so it works opened from a folder)."""
    path = path.strip("/")
    if path in ("", "plan", "performance", "inspections"):
        return f"{path}/index.html".lstrip("/")
    return f"{path}.html"


class BuiltSite:
    """A built site: its model and its pages as parsed HTML."""

    def __init__(self, source: Path, out: Path):
        self.source = source
        self.out = out
        self.data = load_site(source / "data")

    def page(self, path: str) -> BeautifulSoup:
        """The page at a site path such as 'plan/front-door/' or 'plan/'."""
        file = self.out / html_path(path)
        assert file.is_file(), f"{file} was not built"
        return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")

    def content(self, path: str):
        """The article (page body) of a page, without navigation."""
        return self.page(path).select_one("article.md-content__inner")

    def text(self, path: str) -> str:
        """The page body's text with runs of white space made single spaces.

        Inline markup (an <abbr> inside a sentence) is joined without a space, so phrases read
        as they do on screen.
        """
        return squash(self.content(path))


def squash(element) -> str:
    """Text of an element, block elements separated by spaces, inline ones joined."""
    from bs4 import NavigableString
    inline = {"abbr", "a", "strong", "em", "span", "code", "del", "b", "i", "sup", "sub"}
    parts: list[str] = []
    for node in element.descendants:
        if isinstance(node, NavigableString):
            if node.parent.name in ("script", "style"):
                continue
            parts.append(str(node))
        elif node.name not in inline:
            parts.append(" ")
    return " ".join("".join(parts).split())


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    cache: dict[str, BuiltSite] = {}

    def get(name: str) -> BuiltSite:
        if name not in cache:
            out = tmp_path_factory.mktemp(f"site-{name}") / "site"
            commands.build(SITES[name], out)
            cache[name] = BuiltSite(SITES[name], out)
        return cache[name]

    return get


def _source_copy(target: Path) -> Path:
    """The working tree's files (tracked, and new ones not ignored) copied to `target`, so a
    build of the package leaves nothing (build/, *.egg-info) in the checkout."""
    import shutil
    import subprocess
    names = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                            "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, names.decode("utf-8").split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a process that must not see this checkout's virtualenv."""
    import os
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep)
        if p and not (Path(p) / "improvement-site").exists())
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def wheel(tmp_path_factory):
    """The project's wheel, built once per session (`pip wheel --no-deps`) from a copy of the
    working tree; returns (the wheel's path, pip's verbose output)."""
    import subprocess
    import sys
    root = tmp_path_factory.mktemp("wheel")
    source = _source_copy(root / "source")
    dist = root / "dist"
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w",
                             str(dist), str(source)], capture_output=True, text=True,
                            env=clean_env(), timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    (found,) = dist.glob("improvement_site-*.whl")
    return found, result.stdout + result.stderr
