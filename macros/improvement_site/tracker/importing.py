"""What the importers share: problem reports that name the sheet, row and column, the mapping
file, the UK date and text rules, and writing the results only once everything is known to be
valid. Reading a workbook or CSV into rows of cells is in `tables`; the problem report
itself in `problems`.

The importers (`plan`, `measures`) turn a council's own tracker into `data/`
files. A tracker is typed by people, so every rule here prefers reporting a cell over guessing
at it: a comms officer can fix a reported cell in a minute, but a silently wrong date on a
published site may go unnoticed for months.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Iterable

import yaml

from improvement_site.data.problems import Problem
from improvement_site.data.yamlfile import AliasError, DuplicateKeyError, LineDict, LineList, parse

from improvement_site.tracker.problems import ImportFailed, ImportProblem  # noqa: F401 - re-exported
from improvement_site.tracker.tables import Cell

def site_problems(file: str, problems: Iterable[Problem],
                  origin: dict[str, str] | None = None) -> list[ImportProblem]:
    """The loader's problems with the imported data, as import problems. `origin` maps a
    record name ("action front-door-03") to where it came from in the tracker."""
    out = []
    for problem in problems:
        extra = f" (from {origin[problem.record]})" if origin and problem.record in origin else ""
        if "is not an area id" in problem.message:
            # After the loader's `did you mean "..."?`, the advice is a sentence of its own.
            extra += (" Or give" if problem.message.endswith("?") else "; give") + (
                ' the areas the ids the site uses, with an "Area id:" row under each area '
                "heading or areas: in the mapping file")
        out.append(ImportProblem(file, f"after import, {problem}{extra}"))
    return out


# --- text -------------------------------------------------------------------------------

# Word and Excel put these in cells for a line break (a vertical tab from a pasted Word
# paragraph, Unicode line separators); they all mean a new line.
_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_ITEM = re.compile(r"^(?:[-*+]|\d{1,3}[.)])\s+\S")
_BULLET = re.compile(r"^[•·▪◦●]\s*")


def cell_text(cell: Cell) -> str:
    """A cell as text, lines kept, outer white space removed."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (int, float)):
        return format_number(float(value))
    text = _BREAKS.sub("\n", str(value)).replace("\t", " ")
    return _CONTROL.sub("", text).strip()


def one_line(text: str) -> str:
    """A name or a note: a cell's lines joined by spaces (a wrapped "Responsible" cell)."""
    return " ".join(text.split())


def paragraphs(text: str) -> str:
    """A multi-line cell as Markdown that keeps its lines: each line its own paragraph, and
    bulleted or numbered lines kept together as a list. A blank line between list items is
    kept (a spaced-out list) so that text exported from the site comes back unchanged."""
    out: list[str] = []
    previous = ""  # "item", "text" or "" (a blank line, or the start)
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            previous = ""
            continue
        line = _BULLET.sub("- ", line)  # Word's bullet characters become a Markdown list
        kind = "item" if _ITEM.match(line) else "text"
        if out:
            out.append("\n" if kind == "item" and previous == "item" else "\n\n")
        out.append(line)
        previous = kind
    return "".join(out)


def heading_key(text: str) -> str:
    """How column headings and words are compared: case and spacing do not matter."""
    return " ".join(text.split()).casefold()


def word_key(text: str) -> str:
    """RAG words compare ignoring punctuation too: "Planning: not yet commenced"."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


def slug(text: str, limit: int = 40) -> str:
    """An id from a title: lowercase ASCII words joined by hyphens, cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['’]", "", ascii_text.lower().replace("&", " and "))
    words = re.findall(r"[a-z0-9]+", ascii_text)
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit and out:
            break
        out = candidate
    return out[:limit].strip("-")


def format_number(value: float) -> str:
    """90.0 → "90", 12.5 → "12.5"; rounding away float noise (0.9 * 100)."""
    value = round(value, 9)
    if value == 0:
        return "0"
    return format(value, ".9f").rstrip("0").rstrip(".")


_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)$")
EMPTY_VALUES = ("", "-", "–", "—")


def parse_number(cell: Cell) -> tuple[float | None, str | None]:
    """A figure from a cell: (number or None for "no figure", error or None)."""
    value = cell.value
    if isinstance(value, bool):
        return None, f'"{cell_text(cell)}" is not a number'
    if isinstance(value, (int, float)):
        number = float(value)
        if "%" in cell.number_format:  # a cell formatted 90% holds 0.9; the site wants 90
            number *= 100
        return number, None
    if isinstance(value, (date, datetime)):
        return None, f'"{cell_text(cell)}" is a date, not a number'
    text = one_line(cell_text(cell))
    if text in EMPTY_VALUES:
        return None, None
    cleaned = text.replace(",", "").removesuffix("%").strip()
    if _NUMBER.match(cleaned):
        return float(cleaned), None
    return None, (f'"{text}" is not a number; write a number such as 90, 90% or 1,024, or '
                  f'leave it blank (or "-") when there is no figure')


# --- dates ------------------------------------------------------------------------------

_UK_DATE = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"]


def month_name(number: int) -> str:
    return _MONTHS[number - 1].capitalize()


def uk_date(text: str) -> tuple[date | None, str | None]:
    """16/09/22, 16/09/2022, 16.9.22, 16-09-2022 or 2022-09-16 → a date. Returns (date, None),
    (None, error) for something written as a date that is not one, or (None, None) when the
    text is not written as a date at all."""
    if match := _UK_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) == 2:
            year += 2000  # plans are written this century; 16/09/22 is 2022
    elif match := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        return None, None
    if not 1 <= month <= 12:
        return None, f'"{text}" is not a date: there is no month {month}; write DD/MM/YYYY'
    try:
        return date(year, month, day), None
    except ValueError:
        return None, (f'"{text}" is not a date: {month_name(month)} {year} has no day {day}; '
                      f"write DD/MM/YYYY, e.g. 16/09/2022")


# --- the mapping file -------------------------------------------------------------------


@dataclass
class Mapping:
    """Per-council settings for headings and names the import does not know by itself.
    Keys are compared with heading_key (or word_key for statuses)."""

    columns: dict[str, str] = field(default_factory=dict)
    areas: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)
    measures: dict[str, str] = field(default_factory=dict)
    skip_sheets: set[str] = field(default_factory=set)
    skip_rows: set[str] = field(default_factory=set)


def load_mapping(path: Path | None, allowed: dict[str, tuple[str, ...] | None],
                 problems: list[ImportProblem]) -> Mapping:
    """Read a mapping file. `allowed` names its sections and, for mapping sections, the values
    allowed (None: any id). Every problem is reported with the file's line."""
    mapping = Mapping()
    if path is None:
        return mapping
    name = path.name
    if not path.is_file():
        problems.append(ImportProblem(name, "the mapping file does not exist"))
        return mapping
    try:
        raw = parse(path.read_text(encoding="utf-8-sig"))
    except (DuplicateKeyError, AliasError) as exc:
        problems.append(ImportProblem(name, str(exc), line=exc.line))
        return mapping
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(ImportProblem(name, "is not readable YAML; check the indentation and "
                                            "colons", line=mark.line + 1 if mark else None))
        return mapping
    if raw is None:
        return mapping
    if not isinstance(raw, LineDict):
        problems.append(ImportProblem(name, "should be sections such as columns: and areas:",
                                      line=getattr(raw, "line", None)))
        return mapping
    for section, value in raw.items():
        line = raw.lines.get(section)
        if section not in allowed:
            problems.append(ImportProblem(name, f'"{section}" is not a section of this mapping '
                                                f"file; allowed: {', '.join(allowed)}", line=line))
            continue
        choices = allowed[section]
        if section.startswith("skip_"):
            if not isinstance(value, LineList) or not all(isinstance(v, (str, int)) for v in value):
                problems.append(ImportProblem(name, f"{section} should be a list of names, e.g. "
                                                    f"{section}: [Notes]", line=line))
                continue
            getattr(mapping, section).update(heading_key(str(v)) for v in value)
            continue
        if not isinstance(value, LineDict):
            problems.append(ImportProblem(name, f'{section} should be pairs of "what your file '
                                                f'says": what it means', line=line))
            continue
        target: dict[str, str] = getattr(mapping, section)
        for key, meaning in value.items():
            key_line = value.lines.get(key, line)
            meaning = str(meaning).strip() if isinstance(meaning, (str, int)) else None
            if meaning is None or (choices is not None and meaning not in choices):
                allowed_text = ", ".join(choices) if choices else "an id"
                found = "nothing" if meaning is None else repr(meaning)
                problems.append(ImportProblem(name, f'{section}: "{key}" maps to {found}; '
                                                    f"allowed: {allowed_text}", line=key_line))
                continue
            normal = word_key(str(key)) if section == "statuses" else heading_key(str(key))
            target[normal] = meaning
    return mapping
