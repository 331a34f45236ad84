"""Problems found in a site's data, and how they are worded.

A problem names the file, the line, the record and the field, what was found and what is
allowed, so a comms officer can open the file and fix it without asking a developer.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

# Characters a terminal would act on, or that hide or reorder text: a message shows them as
# escapes (\x1b, \u202e), so a found value cannot colour, move or rewrite the report.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069"
                          "\ud800-\udfff\ufeff\ufffe\uffff]")


def _visible(text: str) -> str:
    return _UNPRINTABLE.sub(lambda m: "\\u%04x" % ord(m.group()) if ord(m.group()) > 0xff
                            else "\\x%02x" % ord(m.group()), text)


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    record: str
    message: str

    def __str__(self) -> str:
        return self.shown()

    def shown(self, site: str | PurePath | None = None) -> str:
        """The problem as a message. `file` is relative to the site folder; with `site`, the
        folder as the user typed it (`../mysite`), the file is named from there, so the path
        in the message is one they can open from where they are."""
        file = self.file
        if site is not None and not PurePath(file).is_absolute():
            file = (PurePath(site) / file).as_posix()
        where = f"{file}:{self.line}" if self.line else file
        text = f"{where}: {self.record}: " if self.record else f"{where}: "
        return _visible(text + self.message)


class DataError(Exception):
    """Raised when a site's data has problems; carries all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.record, p.message))
        super().__init__(self.report())

    def report(self, site: str | PurePath | None = None, *, built: bool = True) -> str:
        """Every problem, one a line, files named from `site` (see Problem.shown); `built`
        False for a command that builds nothing anyway (validate)."""
        count = len(self.problems)
        # "data" when every problem is in data/; pages' macro calls are the site's too.
        where = ("the site's data" if all(PurePath(p.file).parts[:1] == ("data",)
                                          for p in self.problems) else "the site")
        head = f"{count} problem{'s' if count != 1 else ''} in {where}"
        head += "; nothing was built:" if built else ":"
        return "\n".join([head, *(f"  {p.shown(site)}" for p in self.problems)])


def describe(value: Any, limit: int = 60) -> str:
    """A found value as a reader would want to see it in a message."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value).replace("\n", " ")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f'"{text}"'


def did_you_mean(value: str, known) -> str:
    """`; did you mean "front-door"?` for a mistyped id, or "" when nothing is close."""
    close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.75)
    return f'; did you mean "{close[0]}"?' if close else ""


def field_path(loc: tuple) -> str:
    """('targets', 1, 'value') -> 'targets[1].value' (1-based for people: targets[2])."""
    out = ""
    for step in loc:
        if isinstance(step, int):
            out += f"[{step + 1}]"
        else:
            out += ("." if out else "") + str(step)
    return out


def pydantic_message(error: dict, allowed_fields: list[str] | None = None) -> str:
    """Turn one pydantic error into our wording: `field "found" is not ..., allowed ...`."""
    kind = error["type"]
    field = field_path(tuple(error["loc"]))
    found = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"{field} is required"
    if kind == "extra_forbidden":
        name = str(error["loc"][-1]) if error["loc"] else field
        close = did_you_mean(name, allowed_fields or [])
        if close:  # `stauts is not a known field; did you mean "status"? The allowed ...`
            return (f"{field} is not a known field{close} The allowed fields are "
                    f"{', '.join(allowed_fields)}")
        allowed = f"; allowed fields are {', '.join(allowed_fields)}" if allowed_fields else ""
        return f"{field} is not a known field{allowed}"
    if kind in ("literal_error", "enum"):
        options = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"{field} {describe(found)} is not one of {options}"
    if kind == "string_pattern_mismatch":
        return (f"{field} {describe(found)} is not a valid id; use lowercase letters, digits "
                f"and single hyphens, e.g. front-door")
    if kind == "value_error":
        return f"{field} {ctx.get('error', error['msg'])}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{field} {describe(found)} is not a whole number"
    if kind in ("float_parsing", "float_type", "finite_number"):
        return f"{field} {describe(found)} is not a number"
    if kind == "string_type":
        return f"{field} should be text, found {describe(found)}"
    if kind == "list_type":
        return f"{field} should be a list, found {describe(found)}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"{field} should be a set of fields (a mapping), found {describe(found)}"
    if kind == "string_too_short":
        return f"{field} is empty; write some text or remove the field"
    if kind == "too_short" and isinstance(found, list):
        return f"{field} is empty; give at least {ctx.get('min_length', 1)}"
    if kind == "greater_than_equal":
        return f"{field} {describe(found)} should be at least {ctx.get('ge')}"
    if kind in ("string_too_long", "too_long") and isinstance(found, str):
        limit = ctx.get("max_length", 0)
        return (f"{field} is {len(found):,} characters long; {_kind_of_limit(limit)} may be at "
                f"most {limit:,} characters, so shorten it")
    return f"{field}: {error['msg']} (found {describe(found)})"


def _kind_of_limit(limit: int) -> str:
    from improvement_site.model.schema import TEXT_KINDS
    for kind in TEXT_KINDS:
        if kind.limit == limit:
            return {"id": "an id", "name": "a name or title", "text": "a short text",
                    "link": "a link", "Markdown": "a Markdown text"}.get(kind.name, "it")
    return "it"
