"""A hand-written page's front matter, read by the site itself, and the audience it gives.

MkDocs reads front matter too, but when it cannot (a title with a colon in it, a tab, an
unclosed quote, no closing `---`) it quietly treats the page as having none: a page meant for
the committee was then built into the public site and its search index. So the site reads
every page's front matter itself, before MkDocs does, and anything it cannot be sure of is a
problem with the page's line, never a public page: front matter that does not parse or never
closes, an `audience` that is not exactly `public` or `committee`, a key that is nearly
`audience` (`Audience`, `audiences`), front matter that does not start on the first line.

MkDocs also reads MultiMarkdown metadata (`key: value` lines at the top of a page, with no
`---`), lowercasing the keys; those lines are checked by the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from improvement_site.data.problems import describe, did_you_mean
from improvement_site.data.yamlfile import AliasError, DuplicateKeyError, LineDict, parse
from improvement_site.publish.audience import AUDIENCES

# MkDocs' own patterns (mkdocs.utils.meta), so that what it takes as front matter is exactly
# what is checked here.
_YAML = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_META = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_KEY_CHARACTERS = re.compile(r"[A-Za-z0-9_ \t-]+")
_META_MORE = re.compile(r"^([ ]{4}|\t)(\s*)(?P<value>.*)")
KEY = "audience"


@dataclass
class FrontMatter:
    """What a page says about itself: its audience, or the problems (line, message) that
    keep anyone from being sure of it."""

    audience: str = "public"
    problems: list[tuple[int, str]] = field(default_factory=list)
    line: int = 0  # the line that gives the audience, if one does


def page_text(raw: bytes) -> str:
    """A page's text as MkDocs reads it: UTF-8 with a byte-order mark dropped, and Windows
    or old Mac line ends made plain ones. Raises UnicodeDecodeError."""
    return raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def read(text: str) -> FrontMatter:
    """The front matter of a page's text (as `page_text` gives it)."""
    found = FrontMatter()
    lines = text.split("\n")
    if lines[0].rstrip(" \t") == "---":
        items = _yaml_items(text, found)
    else:
        start = next((i for i, line in enumerate(lines) if line.strip(" \t\ufeff")), None)
        if start is not None and _misplaced(lines[start], lines[0]):
            found.problems.append((start + 1, "this looks like front matter, but MkDocs would "
                                   "not read it as such and the page would be public; front "
                                   "matter starts on the first line of the page, with --- and "
                                   "nothing before it (no blank line, space or hidden "
                                   "character)"))
            return found
        items = _multimarkdown_items(lines, found)
    for key, value, line in items:
        _check(key, value, line, found)
    return found


def _misplaced(line: str, first: str) -> bool:
    """Whether the page's first written line is front matter MkDocs would not read: `---`
    after a blank line, a space or a stray byte-order mark, or an `audience` line that is
    not MultiMarkdown metadata on the first line (`audience : committee`)."""
    if line.strip(" \t\ufeff") == "---":
        return True
    # The words before a colon, however spaced (partition, not a pattern with nested
    # repeats: a long line of spaces would take a pattern minutes).
    key, colon, _ = line.partition(":")
    key = key.strip(" \t\ufeff")
    return bool(colon and _KEY_CHARACTERS.fullmatch(key) and _near(key)
                and not _META.match(first))


def names_audience(text: str) -> bool:
    """Whether the start of a text has `audience`, or a word nearly it, anywhere in it: front
    matter that cannot be read may still have been meant to say committee."""
    return any(_near(word) for word in set(re.findall(r"[A-Za-z]{5,16}", text[:4000])))


def _near(key: str) -> bool:
    """`audience` in another case or spelling (`Audience`, `audiences`, `audeince`)."""
    key = key.strip().lower()
    # A long key is not a slip of `audience` (and difflib would index all of it).
    return key == KEY or len(key) <= 2 * len(KEY) and bool(did_you_mean(key, [KEY]))


def _yaml_items(text: str, found: FrontMatter) -> list[tuple[str, object, int]]:
    match = _YAML.match(text)
    if match is None:
        if text.split("\n")[1:2] == ["---"]:
            return []  # `---` twice: empty front matter (MkDocs shows two lines)
        found.problems.append((1, "front matter opens with --- on this line but is never "
                               "closed; end it with a line holding only ---, followed by a "
                               "line break"))
        return []
    try:
        meta = parse(match.group(1))
    except DuplicateKeyError as exc:  # its lines counted from the front matter's first
        found.problems.append((exc.line + 1, _twice(exc.key, exc.first_line + 1)))
        return []
    except AliasError as exc:
        found.problems.append((exc.line + 1, f"front matter: {exc}"))
        return []
    except RecursionError:
        found.problems.append((1, "front matter is nested too deeply to read"))
        return []
    except yaml.YAMLError as exc:
        found.problems.append(_yaml_problem(exc, match.group(1)))
        return []
    try:  # MkDocs reads it with YAML 1.1's dates: where that fails it shows it as text
        yaml.load(match.group(1), yaml.SafeLoader)  # noqa: S506 - the safe loader
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        found.problems.append((2, f"front matter cannot be read by MkDocs ({exc}), which "
                                  f"would show it as text; check its dates (YYYY-MM-DD)"))
    if meta is None:
        return []  # only comments or blank lines
    if not isinstance(meta, LineDict):
        found.problems.append((2, f"front matter should be lines of name: value (such as "
                                  f"audience: committee), found {describe(meta)}"))
        return []
    return [(str(key), value, meta.lines[key] + 1) for key, value in meta.items()]


def _yaml_problem(exc: yaml.YAMLError, text: str) -> tuple[int, str]:
    """A YAML error in the page's words, on the page's line (front matter starts on line 2)."""
    if isinstance(exc, yaml.reader.ReaderError):
        return (text[: exc.position].count("\n") + 2,
                "front matter contains a control character that a text file cannot hold; "
                "delete it")
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
    context = getattr(exc, "context", None) or ""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    hint = "check the indentation, colons and quotes on this line and the one before"
    if "quoted scalar" in context:  # the quote that never closes, not the end of the text
        mark = exc.context_mark
        hint = "the quote that opens on this line is never closed"
    elif "mapping values are not allowed" in problem:
        hint = 'a value with ": " in it must be in quotes, e.g. title: "Briefing: LADO cases"'
    elif "'\\t'" in problem:
        hint = "indent with spaces, not tabs"
    line = mark.line + 2 if mark is not None else 1
    return line, f"front matter cannot be read ({problem}); {hint}"


def _twice(key: str, first: int) -> str:
    return f'front matter: key "{key}" is written twice (first at line {first}); keep one'


def _multimarkdown_items(lines: list[str], found: FrontMatter) -> list[tuple[str, object, int]]:
    """`key: value` lines at the top of a page, as MkDocs reads them (up to a blank line or
    the first line that is neither), with their keys as written. A key written twice is a
    problem: MkDocs would join the two values."""
    items: list[list] = []
    first: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            break
        if meta := _META.match(line):
            key = meta.group("key")
            if key.lower() in first:
                found.problems.append((number, _twice(key, first[key.lower()])))
            first.setdefault(key.lower(), number)
            items.append([key, meta.group("value").strip(), number])
        elif (more := _META_MORE.match(line)) and items:
            items[-1][1] += " " + more.group("value").strip()
        else:
            break
    return [tuple(item) for item in items]


def _check(key: str, value, line: int, found: FrontMatter) -> None:
    if key != KEY:
        if key.strip().lower() == KEY:
            found.problems.append((line, f'front matter: "{key}" is not read as {KEY}; write '
                                         f"it in lowercase: {KEY}: committee"))
        elif _near(key):
            found.problems.append((line, f'front matter: "{key}" is not a key the site reads; '
                                         f'did you mean "{KEY}"?'))
        return
    found.line = line
    if isinstance(value, str) and value in AUDIENCES:
        found.audience = value
        return
    allowed = ", ".join(AUDIENCES)
    if value is None or value == "":
        said = f"{KEY} is empty; write {' or '.join(AUDIENCES)}, or delete the line"
    elif isinstance(value, (list, dict)):
        said = (f"{KEY} should be one word, {' or '.join(AUDIENCES)}, found {describe(value)}; "
                f"write it with no brackets or dashes, e.g. {KEY}: committee")
    else:
        said = (f"{KEY} {describe(value)} is not one of {allowed} (in lowercase)"
                f"{did_you_mean(str(value).strip().lower(), AUDIENCES)}")
    found.problems.append((line, f"front matter: {said}"))
    found.audience = "unknown"  # neither: a page no build may publish
