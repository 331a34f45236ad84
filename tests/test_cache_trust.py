"""Issue 20, review B1: the build's caches in SITE/.cache are not trusted.

The cache folder sits in the site, so anyone who can commit can put anything in it (`git add
-f .cache`). Each case is a real site (the minimal fixture, built once so that its cache is
full, then copied) run through the real commands: a cache entry that is a link, a second
name or a file our renderer could not have drawn is a miss, drawn again and put in its
place; a cache folder that is a link is refused in words before anything is written.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import git, init_repo
from improvement_site.charts.output import ChartRenderError
from improvement_site.cli.main import main
from improvement_site.report.charts import converted

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"
SECRET = "TOKEN-8c1e-do-not-publish"
POISON = b'<script>alert("CACHEPOISON")</script>'
SECRET_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
              f"<text>CI_TOKEN={SECRET}</text></svg>")
LINKED_CACHE = ("is a symbolic link; the build keeps its caches there and will not write "
                "through a link: delete it")


def invoke(*args) -> object:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert "Stack backtrace" not in result.output and "internal error" not in result.output
    return result


@pytest.fixture(scope="module")
def warm(tmp_path_factory) -> Path:
    """The minimal site built once: its .cache holds every chart's SVG and figure."""
    root = tmp_path_factory.mktemp("warm") / "site"
    shutil.copytree(MINIMAL, root)
    result = invoke("build", "--out", root.parent / "out", root)
    assert result.exit_code == 0, result.output
    assert list((root / ".cache" / "charts").glob("*.svg"))
    return root


@pytest.fixture
def site(warm, tmp_path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(warm, root, symlinks=True)
    return root


@pytest.fixture
def secret(tmp_path) -> Path:
    """A file of the build machine's, outside the site. It is a drawing any check of an SVG's
    content passes, so only not reading through a link keeps it out of the site."""
    path = tmp_path / "outside" / "secret.svg"
    path.parent.mkdir()
    path.write_text(SECRET_SVG, encoding="utf-8")
    return path


def svgs(site: Path) -> list[Path]:
    return sorted((site / ".cache" / "charts").glob("*.svg"))


def built_charts(out: Path) -> list[bytes]:
    charts = sorted((out / "assets" / "charts").glob("*.svg"))
    assert charts
    return [path.read_bytes() for path in charts]


def drawn_again(site: Path, tmp_path: Path, secret: Path) -> None:
    """The site builds, every published chart is a drawing of ours, and each cache entry is
    now a regular file of its own (the secret untouched)."""
    result = invoke("build", "--out", tmp_path / "out", site)
    assert result.exit_code == 0, result.output
    for svg in built_charts(tmp_path / "out"):
        assert SECRET.encode() not in svg and b"CACHEPOISON" not in svg
        assert svg.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')
        assert b"CI_TOKEN" not in svg
    for path in svgs(site):
        entry = os.lstat(path)
        assert not path.is_symlink() and entry.st_nlink == 1
        assert b"CACHEPOISON" not in path.read_bytes()
    assert secret.read_text(encoding="utf-8") == SECRET_SVG


def test_linked_cache_entries_are_never_read_but_drawn_again(site, tmp_path, secret):
    for path in svgs(site):
        path.unlink()
        path.symlink_to(secret)
    drawn_again(site, tmp_path, secret)


def test_hard_linked_cache_entries_are_drawn_again(site, tmp_path, secret):
    for path in svgs(site):
        path.unlink()
        os.link(secret, path)
    drawn_again(site, tmp_path, secret)


@pytest.mark.parametrize("poison", [
    POISON, b'<g onload="alert(1)"/>', b'<a xlink:href="javascript:alert(1)"><text/></a>',
    b'<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>',
    b'<image href="https://tracker.example/p.png"/>', b'<g style="fill:u&#114;l(//x)"/>'])
def test_a_poisoned_cached_svg_is_drawn_again_not_published(site, tmp_path, secret, poison):
    for path in svgs(site):
        path.write_bytes(path.read_bytes().replace(b"<g", poison + b"<g", 1))
    drawn_again(site, tmp_path, secret)
    for svg in built_charts(tmp_path / "out"):
        assert poison not in svg


def figures(site: Path) -> list[Path]:
    """The figure cache's entries that hold a figure (a measure with no values holds null)."""
    found = [path for path in sorted((site / ".cache" / "specs").glob("*.json"))
             if json.loads(path.read_text(encoding="utf-8"))]
    assert found
    return found


@pytest.mark.parametrize("link", [Path.symlink_to, os.link])
def test_a_linked_figure_cache_entry_is_built_again(site, tmp_path, link):
    # The link (or second name) leads to a figure whose words are not the data's: read
    # through it, they would be the chart's title on the page.
    for index, path in enumerate(figures(site)):
        figure = json.loads(path.read_text(encoding="utf-8"))
        figure["title"] = f"CACHEPOISON {index}"
        outside = tmp_path / f"figure-{index}.json"
        outside.write_text(json.dumps(figure), encoding="utf-8")
        path.unlink()
        link(path, outside) if link is Path.symlink_to else link(outside, path)
    result = invoke("build", "--out", tmp_path / "out", site)
    assert result.exit_code == 0, result.output
    for page in (tmp_path / "out").rglob("*.html"):
        assert "CACHEPOISON" not in page.read_text(encoding="utf-8"), page
    # The entries the build asked for were made again in their place (not every entry of
    # the first build is asked for again by the second).
    replaced = [path for path in (site / ".cache" / "specs").iterdir()
                if not path.is_symlink() and os.lstat(path).st_nlink == 1]
    assert replaced


@pytest.fixture
def served(tmp_path):
    """An address on this computer serving a secret (as a cloud's metadata service does)."""
    folder = tmp_path / "served"
    folder.mkdir()
    (folder / "token.csv").write_text(f"name\n{SECRET}\n", encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/token.csv"
    server.shutdown()
    server.server_close()


def test_a_spec_in_the_cache_cannot_read_an_address_into_a_chart(site, tmp_path, served):
    # A regular file, committed: its chart asks the renderer for data from an address the
    # computer that builds the site can reach, and writes what it reads as the chart's text.
    for path in figures(site):
        figure = json.loads(path.read_text(encoding="utf-8"))
        figure["panels"][0]["spec"] = {
            "data": {"url": served, "format": {"type": "csv"}}, "mark": "text",
            "encoding": {"text": {"field": "name", "type": "nominal"}}}
        path.write_text(json.dumps(figure), encoding="utf-8")
    result = invoke("build", "--out", tmp_path / "out", site)
    assert SECRET not in result.output
    assert result.exit_code == 1, result.output
    assert "External data url not allowed" in result.output


@pytest.mark.parametrize("linked", [".cache", ".cache/charts", ".cache/specs",
                                    ".cache/pages"])
def test_a_linked_cache_folder_is_refused_before_anything_is_written(site, tmp_path, linked):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(site / linked)
    (site / linked).symlink_to(elsewhere, target_is_directory=True)
    result = invoke("build", "--out", tmp_path / "out", site)
    assert result.exit_code == 1, result.output
    assert f"{linked}: {LINKED_CACHE}" in result.output
    assert list(elsewhere.iterdir()) == [] and not (tmp_path / "out").exists()
    if linked == ".cache/pages":
        return  # the report keeps no pages
    result = invoke("report", site, "--out", tmp_path / "report.pdf")
    assert result.exit_code == 1, result.output
    assert LINKED_CACHE in result.output
    assert list(elsewhere.iterdir()) == [] and not (tmp_path / "report.pdf").exists()


def test_a_cache_that_is_a_file_is_refused(site, tmp_path):
    shutil.rmtree(site / ".cache")
    (site / ".cache").write_text("not a folder", encoding="utf-8")
    result = invoke("build", "--out", tmp_path / "out", site)
    assert result.exit_code == 1, result.output
    assert ".cache: is not a folder; the build keeps its caches there: delete it" in result.output


def test_a_release_with_linked_cache_entries_committed_publishes_no_secret(site, secret):
    """The reviewer's release: .cache committed with links to the environment (`git add -f`)
    ended in "internal error ... RuntimeError: unknown token ... Stack backtrace"."""
    for path in svgs(site):
        path.unlink()
        path.symlink_to(secret)
    init_repo(site)
    git(site, "add", "-A")
    git(site, "add", "-f", ".cache")
    git(site, "commit", "-q", "-m", "site with its cache")
    git(site, "tag", "meeting-2024-04-10")
    result = invoke("release", site, "--tag", "meeting-2024-04-10")
    assert result.exit_code == 0, result.output
    published = git(site, "ls-tree", "-r", "--name-only", "gh-pages")
    charts = [name for name in published.splitlines() if name.endswith(".svg")
              and "/assets/charts/" in name]
    assert charts
    for name in charts:
        svg = git(site, "show", f"gh-pages:{name}", text=False)
        assert SECRET.encode() not in svg and svg.startswith(b"<svg")
    pdfs = [name for name in published.splitlines() if name.endswith(".pdf")]
    for name in pdfs:
        assert SECRET.encode() not in git(site, "show", f"gh-pages:{name}", text=False)


def test_the_converters_errors_are_one_line_without_a_backtrace(tmp_path):
    svg = tmp_path / "charts" / "broken.svg"
    svg.parent.mkdir()
    svg.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" width="10"><g></svg>')
    with pytest.raises(ChartRenderError) as caught:
        converted(svg, "svg_to_pdf")
    said = str(caught.value)
    assert said.startswith("the chart converter could not convert the chart broken.svg (")
    assert "backtrace" not in said.lower() and "\n" not in said and ".rs" not in said
