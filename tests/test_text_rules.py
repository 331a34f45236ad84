"""Text rules the renderer tests leave open: headings and navigation titles made from data,
images, empty text, glossary edge cases. Fast: run under mutation testing.

Headings are written into generated Markdown (`# {title}`) that MkDocs renders with the site's
extensions and mkdocs-macros reads as a Jinja template, so a title must come out of both as
the words the council wrote, and nothing else.
"""

from __future__ import annotations

import html

import markdown
import pytest
from bs4 import BeautifulSoup
from jinja2 import Environment

from improvement_site.pages.text import TextRenderer, escape_markdown, inert_html

TITLES = [
    "Plain title",
    "# Not a heading level, *not emphasis*, _nor this_, `nor code`",
    "Tom & Jerry <b>bold?</b> 'quoted' \"double\"",
    "Costs (2023-24) - a list? + plus. 1. not numbered! [not a link](x) {: .class}",
    "{{ config.site_name }} and {% if x %}y{% endif %} and {# comment #}",
    "back\\slash ==mark== ^sup^ 50% off",
    "Line one\nline two\r\nline three",
]


def _heading_text(title: str) -> str:
    """The heading's text as a reader sees it, after Jinja then Markdown, as MkDocs does."""
    source = Environment().from_string(f"# {escape_markdown(title)}").render(config={})
    page = markdown.markdown(source, extensions=["abbr", "attr_list", "tables", "toc"])
    heading = BeautifulSoup(page, "html.parser").h1
    assert heading is not None and list(heading.attrs) in ([], ["id"]), page
    assert len(heading.find_all(True)) == 0, page  # no markup inside: just text
    return heading.get_text()


@pytest.mark.parametrize("title", TITLES)
def test_a_heading_from_data_reads_as_written(title):
    # Line breaks become spaces (a heading is one line); a browser shows runs of spaces as one.
    shown = " ".join(_heading_text(title).split(" "))
    assert " ".join(shown.split()) == " ".join(title.split())
    assert "\n" not in shown and "\r" not in shown


def test_heading_escapes_are_the_ones_expected():
    assert escape_markdown("a{b}c") == "a&#123;b&#125;c"  # no brace left for Jinja
    assert escape_markdown("x\ry\nz") == "x y z"
    assert escape_markdown("<&>") == "&lt;&amp;&gt;"
    assert escape_markdown("\"'") == "\"'"  # quotes need no escape in text
    assert escape_markdown("*_#") == "\\*\\_\\#"
    assert escape_markdown(2024) == "2024"


@pytest.mark.parametrize("title", TITLES)
def test_a_navigation_title_is_text_and_no_template(title):
    out = inert_html(title)
    assert "{" not in out and "}" not in out and "<" not in out
    # Jinja leaves it alone (bar its own line-ending rule), and as HTML it reads as written.
    assert Environment().from_string(out).render() == out.replace("\r\n", "\n")
    assert html.unescape(out) == title


def test_navigation_title_escapes():
    assert inert_html("{a} <b> & \"q\"") == "&#123;a&#125; &lt;b&gt; &amp; \"q\""
    assert inert_html(7) == "7"


@pytest.mark.parametrize("text", [
    "![Chart of visits](https://example.org/c.png)",
    "![Chart of visits][c]\n\n[c]: https://example.org/c.png",
    "![Chart of visits]\n\n[Chart of visits]: https://example.org/c.png",
])
def test_images_are_not_shown_and_their_words_are_not_lost(text):
    # No images from data (no <img>, nothing fetched); the officer's words stay on the page.
    out = TextRenderer({}).block(text)
    assert "<img" not in out and "Chart of visits" in out


@pytest.mark.parametrize("text", ["", None])
def test_no_text_renders_nothing(text):
    renderer = TextRenderer({"TEST": "Test Term"})
    assert renderer.block(text) == "" and renderer.inline(text) == ""


def test_an_empty_glossary_renders_plain_text():
    assert TextRenderer({}).block("Plain words, no terms") == "<p>Plain words, no terms</p>"
    assert TextRenderer({}).inline("Plain words") == "Plain words"


def test_the_longest_glossary_term_wins():
    renderer = TextRenderer({"CP": "Child protection", "CP plan": "Child protection plan"})
    assert renderer.block("A CP plan for each CP case") == (
        '<p>A <abbr title="Child protection plan">CP plan</abbr> for each '
        '<abbr title="Child protection">CP</abbr> case</p>')


def test_a_glossary_meaning_with_quotes_stays_one_attribute():
    renderer = TextRenderer({"TEST": 'A "quoted" meaning & more'})
    out = renderer.block("The TEST here")
    assert out == ('<p>The <abbr title="A &quot;quoted&quot; meaning &amp; more">TEST</abbr> '
                   'here</p>')
    assert BeautifulSoup(out, "html.parser").abbr["title"] == 'A "quoted" meaning & more'


HOSTILE = [
    '<p>Keep <strong>this</strong></p><script>alert(1)</script>',
    '<a href="javascript:alert(1)" onclick="x()">link</a> <a href="https://example.org" '
    'title="t" target="_blank">ok</a>',
    '<abbr title="Term" class="x">T</abbr><iframe src="https://x"></iframe><!-- note -->',
    '<ol start="3"><li>three</li></ol><img src="x" onerror="alert(1)">',
]


@pytest.mark.parametrize("fragment", HOSTILE)
def test_the_sanitiser_is_the_same_with_an_nh3_older_than_0_3(monkeypatch, fragment):
    # pyproject allows nh3 from 0.2.17, which has no Cleaner: the allowlist must hold there too.
    import nh3

    from improvement_site.pages import text
    current = text._cleaner()(fragment)
    monkeypatch.delattr(nh3, "Cleaner", raising=False)
    assert text._cleaner()(fragment) == current
    assert "script" not in current and "onclick" not in current and "iframe" not in current
