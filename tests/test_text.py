"""Officers' text: the fast path for plain text gives exactly what Markdown would."""

from __future__ import annotations

import pytest

from macros.glossary import merged_glossary
from macros.text import TextRenderer, _glossary, _terms

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
    md = glossary.md
    md.reset()
    assert TextRenderer(GLOSSARY).block(text) == md.convert(text)


@pytest.mark.parametrize("text", ["**bold** text", "- a list\n- of two", "<b>tag</b>",
                                  "[link](https://example.org)", "1. first\n2. second"])
def test_markup_takes_the_markdown_path(text):
    out = TextRenderer(GLOSSARY).block(text)
    assert "<p>" in out or "<ul>" in out or "<ol>" in out
    assert "<b>" not in out  # raw HTML is shown, never passed through
