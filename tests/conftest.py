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
