"""Markdown that renders in good time: the rules a Markdown field must pass.

Python-Markdown takes time that grows with the square of some constructs, so a field of a few
thousand well-chosen characters can hold a build for minutes (20,000 "[" took 43 seconds).
These rules refuse those constructs while accepting anything a person writes; together with
the length limit they keep every Markdown field to a small fraction of a second
(tests/test_load.py renders the worst inputs the rules allow and times them).
"""

from __future__ import annotations

import bisect
import re

MARKDOWN_MAX_NESTING = 10  # list and quote markers starting one line (1. - > ...)
MARKDOWN_MAX_BLANK_LINES = 20  # blank lines in a row
MARKDOWN_MAX_RULE_LINES = 50  # lines of only -, =, * or _ (rules, underlines) in one paragraph
MARKDOWN_MAX_ABBREVIATIONS = 20  # *[ABC]: definitions (the glossary is the place for them)
# How many characters the link parser may read in all: it reads from every "[" to its "]" and
# from every "](" to its ")", or to the end when there is none. About a tenth of a second of
# rendering; ten "[" without a "]" in a text of 20,000 characters, or 600 in a short one.
MARKDOWN_LINK_BUDGET = 200_000

_ESCAPABLE = frozenset("\\`*_{}[]()>#+-.!")
_LINE_MARKERS = re.compile(r"^(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))+", re.M)
_ONE_MARKER = re.compile(r">|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])")
_BLANK_RUN = re.compile(r"\n{%d,}" % (MARKDOWN_MAX_BLANK_LINES + 2))
_RULE_LINE = re.compile(r"^[ \t]*[-=*_][-=*_ \t]*$", re.M)
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n")
_ABBREVIATION = re.compile(r"^[ \t]*\*\[[^\]\n]*\][ \t]*:", re.M)
_SLOW = "Markdown this tangled takes too long to show"


def markdown_problem(text: str) -> str | None:
    """Why a Markdown field would take the renderer too long (or crash it), or None."""
    for found in _LINE_MARKERS.finditer(text):
        depth = len(_ONE_MARKER.findall(found.group()))
        if depth > MARKDOWN_MAX_NESTING:
            return (f"has a line starting with {depth} list or quote markers (-, *, +, 1., >) "
                    f"at position {found.start() + 1}; lists and quotes may be nested at most "
                    f"{MARKDOWN_MAX_NESTING} deep")
    found = _BLANK_RUN.search(text)
    if found:
        return (f"has {len(found.group()) - 1:,} blank lines in a row at position "
                f"{found.start() + 1}; leave at most {MARKDOWN_MAX_BLANK_LINES}")
    start = 0
    for block in _BLOCK_BREAK.split(text):
        rules = len(_RULE_LINE.findall(block))
        if rules > MARKDOWN_MAX_RULE_LINES:
            return (f"has {rules:,} lines made only of -, =, * or _ (rules and heading "
                    f"underlines) in one paragraph, from position {text.index(block, start) + 1}; "
                    f"{_SLOW}: keep at most {MARKDOWN_MAX_RULE_LINES} together, or put blank "
                    f"lines between them")
        start += len(block)
    abbreviations = _ABBREVIATION.findall(text)
    if len(abbreviations) > MARKDOWN_MAX_ABBREVIATIONS:
        return (f"defines {len(abbreviations):,} abbreviations (*[...]: lines); keep at most "
                f"{MARKDOWN_MAX_ABBREVIATIONS}, and put the rest in data/glossary.yaml")
    return _link_problem(text)


def _link_problem(text: str) -> str | None:
    """Estimate the characters Python-Markdown's link parser reads; refuse past the budget.

    The parser replaces backslash escapes and code spans by placeholders of up to 16
    characters before it looks for links, so those count 16 here.
    """
    n = len(text)
    if "[" not in text:
        return None
    heavy = text.count("\\") + text.count("`")
    if (text.count("[") + text.count("](")) * (n + 15 * heavy) <= MARKDOWN_LINK_BUDGET:
        return None  # even reading to the end from every bracket stays within the budget
    weight = [0] * (n + 1)  # weight[i]: characters read before position i
    marks: list[int] = []  # positions of unescaped brackets, parentheses and quote marks
    i = total = 0
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in _ESCAPABLE:
            weight[i + 1] = total + 8
            total += 16
            weight[i + 2] = total
            i += 2
            continue
        total += 16 if c == "`" else 1
        weight[i + 1] = total
        if c in "[]()\"'":
            marks.append(i)
        i += 1

    def read(start: int, end: int) -> int:
        return weight[end] - weight[start]

    brackets: list[int] = []
    closed: list[int] = []  # "]" that close a "["
    nested = deepest = deepest_at = 0
    parens: list[int] = []
    paren_end: dict[int, int] = {}
    quotes: list[int] = []
    for i in marks:
        c = text[i]
        if c == "[":
            brackets.append(i)
            if len(brackets) > deepest:
                deepest, deepest_at = len(brackets), i
        elif c == "]" and brackets:
            nested += read(brackets.pop(), i)
            closed.append(i)
        elif c == "(":
            parens.append(i)
        elif c == ")" and parens:
            paren_end[parens.pop()] = i
        elif c in "\"'":
            quotes.append(i)
    unmatched = sum(read(i, n) for i in brackets)
    addresses = open_addresses = 0
    first_open = -1

    for j in closed:
        start = j + 1
        if start >= n or text[start] != "(":
            continue
        end = paren_end.get(start, n)
        q = bisect.bisect_right(quotes, start)
        if q < len(quotes) and quotes[q] < end:
            end = n  # a quote mark in the address: the parser may read to the end
        if end == n:
            open_addresses += 1
            first_open = start if first_open < 0 else first_open
        addresses += read(start, end)
    if unmatched + nested + addresses <= MARKDOWN_LINK_BUDGET:
        return None
    advice = (f"{_SLOW}: write \\[ for a bracket that is not a link, and write links as "
              f"[text](address)")
    if unmatched >= max(nested, addresses):
        return (f'has {len(brackets):,} "[" without a matching "]" (the first at position '
                f"{brackets[0] + 1}); {advice}")
    if addresses >= nested:
        return (f'has {open_addresses:,} links whose address, after "](", is not closed by ")" '
                f"or holds a quote mark (the first at position {first_open + 1}); {advice}")
    return (f'has brackets "[ ]" nested {deepest} deep, or links within links (at position '
            f"{deepest_at + 1}); {advice}")
