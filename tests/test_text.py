"""Officers' text: the fast path for plain text gives exactly what Markdown would, Markdown
gives what the subset promises, and no link made from data can run script."""

from __future__ import annotations

import html
import re

import pytest
from bs4 import BeautifulSoup

from improvement_site.model.glossary import merged_glossary
from improvement_site.pages.text import (ALLOWED_ATTRIBUTES, ALLOWED_TAGS, TextRenderer, _glossary,
                         _markdown_html, _terms, safe_url, sanitise)

GLOSSARY = merged_glossary({"TEST": "Test Term"})
PLAIN = [
    "Increase social work capacity by 8 additional posts",
    "Agency cover has been secured.\n\nPermanent posts are advertised in the MASH.",
    "Line one\nline two with LADO and CSC\nline three",
    "  Leading and trailing spaces  ",
    "Numbers 1.5 and 2023 - a dash, a comma; a colon: done",
    "MASHES are not MASH, and sub-MASH is",
    "Quotes \"double\" and 'single' and ‘curly’ — dashes",
    "Para one\n   \nPara two after a line of spaces",
]


@pytest.mark.parametrize("text", PLAIN)
def test_fast_path_matches_markdown(text):
    glossary = _glossary(_terms(GLOSSARY))
    assert TextRenderer(GLOSSARY).block(text) == sanitise(_markdown_html(glossary, text))


@pytest.mark.parametrize("text, expected", [
    ("**bold** text", "<p><strong>bold</strong> text</p>"),
    ("*x*", "<p><em>x</em></p>"),
    ("- a list\n- of two", "<ul>\n<li>a list</li>\n<li>of two</li>\n</ul>"),
    ("1. first\n2. second", "<ol>\n<li>first</li>\n<li>second</li>\n</ol>"),
    ("3. third\n4. fourth", '<ol start="3">\n<li>third</li>\n<li>fourth</li>\n</ol>'),
    ("[link](https://example.org)", '<p><a href="https://example.org">link</a></p>'),
    ("<b>tag</b>", "<p>&lt;b&gt;tag&lt;/b&gt;</p>"),  # raw HTML is shown, never passed through
    ("`code` & more", "<p><code>code</code> &amp; more</p>"),
    ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
    ("line  \nbreak", "<p>line<br>\nbreak</p>"),
    ("*the TEST*", '<p><em>the <abbr title="Test Term">TEST</abbr></em></p>'),
])
def test_markup_takes_the_markdown_path(text, expected):
    assert TextRenderer(GLOSSARY).block(text) == expected


def test_glossary_terms_keep_their_abbr_on_both_paths():
    renderer = TextRenderer(GLOSSARY)
    term = '<abbr title="Test Term">TEST</abbr>'
    assert renderer.block("The TEST is plain") == f"<p>The {term} is plain</p>"
    assert renderer.block("The TEST is **bold**") == f"<p>The {term} is <strong>bold</strong></p>"
    assert renderer.inline("A TEST [not a link](x)") == f"A {term} [not a link](x)"


# Links that a browser, or a sloppier reading of the address, could follow as script.
XSS = [
    "[e](javascript:alert(1))",
    "[e](JaVaScRiPt:alert(1))",
    "[e](javascript&#58;alert(1))",
    "[e](javascript&#0000058;alert(1))",
    "[e](javascript&#x3a;alert(1))",
    "[e](javascript&#X3A;alert(1))",
    "[e](javascript&colon;alert(1))",
    "[e](javascript&#58alert(1))",  # no semicolon: browsers still decode it
    "[e](&#106;avascript:alert(1))",
    "[e](&#x6A;avascript&#x3A;alert(1))",
    "[e](java\tscript:alert(1))",
    "[e](java&#9;script:alert(1))",
    "[e](java&#x0A;script:alert(1))",
    "[e](java&NewLine;script:alert(1))",
    "[e](java\x00script:alert(1))",
    "[e](\x01javascript:alert(1))",
    "[e](java\x0bscript:alert(1))",
    "[e](java\x0cscript:alert(1))",
    "[e](java\x7fscript:alert(1))",
    "[e](&#0001;javascript:alert(1))",
    "[e]( javascript:alert(1))",
    "[e](<javascript:alert(1)>)",
    '[e](javascript:alert(1) "a title")',
    "[e][r]\n\n[r]: javascript&#58;alert(1)",
    "[e][r]\n\n[r]: javascript:alert(1)",
    "[e][]\n\n[e]: &#106;avascript:alert(1)",
    "[r]\n\n[r]: data:text/html,<script>alert(1)</script>",
    "<javascript:alert(1)>",
    "<javascript&#58;alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "[e](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[e](DATA:text/html,<script>alert(1)</script>)",
    "[e](data&colon;text/html,x)",
    "[e](data&#58;image/svg+xml,x)",
    "[e](vbscript:msgbox(1))",
    "[e](vbscript&#58;msgbox(1))",
    "[e](file:///etc/passwd)",
    "[e](&amp;#106;avascript:alert(1))",  # decodes to `&#106;...`: harmless, but looks bad
    "[**e**](javascript&#58;alert(1)) and [f](https://example.org/ok)",
    "- [e](javascript&#58;alert(1))\n- [f](data:,x)",
    "> [e](javascript&#58;alert(1))",
]
ALLOWED_SCHEMES = {"http", "https", "mailto"}
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def scheme(url: str) -> str | None:
    """The scheme of an address read as suspiciously as possible: entities decoded (once more
    than the HTML parser did), white space and control characters removed anywhere, lowercased.
    None for a relative address."""
    found = re.match(r"([a-z][a-z0-9+.\-]*):", _INVISIBLE.sub("", html.unescape(url)).lower())
    return found.group(1) if found else None


def addresses(fragment: str) -> list[str]:
    soup = BeautifulSoup(fragment, "html.parser")
    return [el[attr] for el in soup.find_all(True)
            for attr in ("href", "src", "action", "formaction", "xlink:href") if el.has_attr(attr)]


def test_scheme_reading_is_suspicious_enough():
    assert scheme("java&#x09;script&colon;x") == "javascript"
    assert scheme("&#106;avascript:x") == "javascript"  # as BeautifulSoup reads `&amp;#106;`
    assert scheme(" \x01JAVA\x0bSCRIPT:x") == "javascript"
    assert scheme("../plan/#x") is None and scheme("https://x") == "https"


@pytest.mark.parametrize("text", XSS)
def test_no_link_from_data_leaves_the_allowlist(text):
    renderer = TextRenderer(GLOSSARY)
    for out in (renderer.block(text), renderer.inline(text)):
        for address in addresses(out):
            assert scheme(address) in ALLOWED_SCHEMES | {None}, f"{text!r} gave {out}"
        assert "<script" not in out and "<img" not in out


@pytest.mark.parametrize("text, href", [
    ("[a](https://example.org/x?a=1&b=2)", "https://example.org/x?a=1&b=2"),
    ("[a](http://example.org)", "http://example.org"),
    ("[a](HTTPS://EXAMPLE.ORG)", "HTTPS://EXAMPLE.ORG"),
    ("[a](mailto:clerk@example.org)", "mailto:clerk@example.org"),
    ("[a](../plan/front-door/#fd-01)", "../plan/front-door/#fd-01"),
    ("[a](/inspections/)", "/inspections/"),
    ("[a](#top)", "#top"),
    ("[a](report.pdf)", "report.pdf"),
    ("[a][r]\n\n[r]: https://example.org/ref", "https://example.org/ref"),
    ("<https://example.org/auto>", "https://example.org/auto"),
    ("<clerk@example.org>", "mailto:clerk@example.org"),
])
def test_good_links_keep_their_address(text, href):
    assert addresses(TextRenderer(GLOSSARY).block(text)) == [href]


def test_sanitiser_keeps_only_the_allowlist():
    out = sanitise('<p onclick="x()" style="color:red" class="c" id="i">a</p>'
                   '<img src="x" onerror="alert(1)"><script>alert(1)</script><style>*{}</style>'
                   '<a href="https://example.org" target="_blank" onmouseover="x()" title="t">l</a>'
                   '<abbr title="Term" class="x">T</abbr><iframe src="https://x"></iframe>'
                   '<svg><a xlink:href="javascript:alert(1)">s</a></svg><!-- comment -->'
                   '<form action="javascript:alert(1)"><button formaction="data:,x">b</button>'
                   '</form><div style="background:url(javascript:alert(1))">d</div>')
    soup = BeautifulSoup(out, "html.parser")
    for el in soup.find_all(True):
        assert el.name in ALLOWED_TAGS, out
        assert set(el.attrs) <= ALLOWED_ATTRIBUTES.get(el.name, set()), out
    assert "alert" not in out and "comment" not in out and "url(" not in out
    assert '<a href="https://example.org" title="t">l</a>' in out  # no rel, no target
    assert '<abbr title="Term">T</abbr>' in out


BAD_URLS = [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "\x01javascript:x",
    "java\tscript:alert(1)", "java\nscript:alert(1)", "java\rscript:x", "java\x00script:x",
    "java\x0bscript:x", "java script:x", "java\u00a0script:x",
    "javascript&#58;alert(1)", "javascript&#0000058;alert(1)", "javascript&#x3a;alert(1)",
    "javascript&#x3A;alert(1)", "javascript&colon;alert(1)", "javascript&#58alert(1)",
    "&#106;avascript:alert(1)", "&#x6a;avascript:alert(1)", "java&#x09;script:x",
    "java&#x0B;script:x", "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "DATA:image/svg+xml,x",
    "data&colon;text/html,x", "vbscript:msgbox(1)", "VBScript:msgbox(1)", "file:///etc/passwd",
    "ftp://example.org/papers", "blob:https://example.org/x",
]
GOOD_URLS = [
    "https://example.org/papers?id=1&v=2", "http://example.org", "HTTPS://EXAMPLE.ORG/A",
    "mailto:clerk@example.org", "/papers/2024.pdf", "papers.pdf", "../minutes/", "#minutes",
    "https://example.org/a:b", "./a:b",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_safe_url_refuses_what_could_run(url):
    assert safe_url(url) == ""


@pytest.mark.parametrize("url", GOOD_URLS)
def test_safe_url_keeps_ordinary_addresses(url):
    assert safe_url(url) == url
    assert safe_url(f"  {url}\n") == url


def test_safe_url_of_nothing():
    assert safe_url(None) == "" and safe_url("") == ""


@pytest.mark.parametrize("typed", ["about ~50 posts", "a | b", "> quoted", "*not em*",
                                   "1. first", "# not a heading", "a - b"])
def test_inline_text_reads_as_typed_without_stray_backslashes(typed):
    shown = html.unescape(str(TextRenderer({}).inline(typed)))
    assert shown == typed


def test_heading_text_keeps_no_backslash_before_a_tilde():
    from improvement_site.pages.text import escape_markdown
    assert escape_markdown("about ~50") == "about ~50"
