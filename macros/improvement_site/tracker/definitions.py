"""Measure definitions in a scorecard, as councils keep them beside the monthly figures: the
milestone targets ("Target Sept-23", "Target Mar-24"), a single "Target", the "Tolerance"
("720-880", "≥85", "85+", "≤28"), which way is good ("Good is": "High", "Low", "Within
range"), and the printed "RAG" and "DoT", which are compared with the site's own.

Every cell is read strictly: a tolerance or a polarity word the rules below do not know is
reported with its sheet, row and column, never guessed at. A blank cell (or "-") gives
nothing, so the definition already in measures.yaml stays; "Not set" removes a target or
tolerance. See docs/import.md.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from improvement_site.model.schema import ID_PATTERN
from improvement_site.tracker.importing import (EMPTY_VALUES, cell_text, heading_key, one_line,
                                                parse_number, slug, word_key)
from improvement_site.tracker.periods import period_of
from improvement_site.tracker.tables import Cell

# Headings of the definition columns (compared with heading_key), and the fields a mapping
# file may map a heading to.
COLUMNS: dict[str, tuple[str, ...]] = {
    "target": ("target", "targets"),
    "tolerance": ("tolerance", "tolerances", "tolerance range", "tolerance band"),
    "polarity": ("good is", "good =", "good", "good if", "polarity", "which way is better",
                 "better is"),
    "rag": ("rag", "rag rating", "rag status", "performance", "rating"),
    "direction": ("dot", "direction of travel", "direction", "trend"),
    "id": ("id", "measure id"),
    "group": ("group", "scorecard group", "section"),
}
FIELDS = tuple(COLUMNS)
_TARGET = re.compile(r"^targets?\s*(?:for|by)?\s*[:\-]?\s*(\S.*)$", re.I)
REMOVE = "remove"  # "Not set": the target or tolerance goes
_NOT_SET = {"not set", "none", "no target", "n a", "na", "not applicable", "no tolerance"}

_NUMBER = r"\d[\d,]*(?:\.\d+)?"
_RANGE = re.compile(rf"^({_NUMBER})\s*%?\s*(?:-|–|—|to)\s*({_NUMBER})\s*%?$", re.I)
_AT_LEAST = re.compile(rf"^(?:(?:≥|>=|=>|at least|min(?:imum)?)\s*({_NUMBER})\s*%?|"
                       rf"({_NUMBER})\s*%?\s*(?:\+|or more|or above|or higher|and above))$",
                       re.I)
_AT_MOST = re.compile(rf"^(?:(?:≤|<=|=<|at most|max(?:imum)?)\s*({_NUMBER})\s*%?|"
                      rf"({_NUMBER})\s*%?\s*(?:or less|or below|or fewer|and below))$", re.I)
TOLERANCE_HELP = ('write a range as "720-880", a lower bound as "≥85" or "85+", an upper '
                  'bound as "≤28", or "Not set"')

POLARITY_WORDS: dict[str, str] = {
    **dict.fromkeys(["high", "higher", "higher is better", "high is good", "higher is good",
                     "up", "increase", "more"], "higher_is_better"),
    **dict.fromkeys(["low", "lower", "lower is better", "low is good", "lower is good", "down",
                     "decrease", "less", "fewer"], "lower_is_better"),
    **dict.fromkeys(["within range", "in range", "within target range", "within the target range",
                     "range", "within tolerance", "within the range", "in target range"],
                    "in_range"),
}
POLARITY_HELP = 'use High, Low or Within range (or Higher is better, Lower is better)'
RAG_WORDS = {"green": "green", "g": "green", "amber": "amber", "a": "amber", "red": "red",
             "r": "red"}
NO_RAG = {"", "no rag", "none", "n a", "na", "not rated", "no target"}
DIRECTION_WORDS: dict[str, str] = {
    **dict.fromkeys(["improving", "improved", "better"], "improving"),
    **dict.fromkeys(["worsening", "worsened", "worse", "declining", "deteriorating"],
                    "worsening"),
    **dict.fromkeys(["no change", "same", "stable", "static", "unchanged", "level"],
                    "no_change"),
    **dict.fromkeys(["up", "rising", "rise", "increase", "increased", "higher"], "up"),
    **dict.fromkeys(["down", "falling", "fall", "decrease", "decreased", "lower"], "down"),
}
ARROWS = {"↑": "up", "⬆": "up", "▲": "up", "↗": "up", "↓": "down", "⬇": "down", "▼": "down",
          "↘": "down", "→": "no_change", "↔": "no_change", "=": "no_change"}


def column_kind(heading: str, mapped: str | None) -> tuple[str, str | None] | str | None:
    """A heading → (field, milestone month or None), an error message for a target heading
    whose month cannot be read, or None when it is not a definition column."""
    key = heading_key(heading)
    if mapped in FIELDS:
        return mapped, None
    for name, words in COLUMNS.items():
        if key in words:
            return name, None
    match = _TARGET.match(one_line(heading))
    if match:
        period, error = period_of(Cell(match.group(1)))
        if period and len(period) == 7:
            return "target", period
        return (error or f'"{heading}" is not a target heading the import knows; name a '
                f'milestone by its month, e.g. "Target Sept-23", or map the column in the '
                f"mapping file")
    return None


@dataclass
class RowDefinition:
    """What one scorecard row says about its measure."""

    name: str
    source: str  # 'sheet "June 2023", row 5'
    milestones: dict[str, float | str] = field(default_factory=dict)  # month → value | REMOVE
    target: float | str | None = None
    tolerance: tuple[float | None, float | None] | str | None = None
    polarity: str | None = None
    group: str | None = None
    given_id: str | None = None
    rag: str | None = None
    direction: str | None = None  # improving, worsening, no_change, up or down
    percent: bool = False  # every figure in the row is written as a percentage
    measure_id: str | None = None
    created: bool = False

    @property
    def defines(self) -> bool:
        """Whether the row gives the measure a definition (not only figures)."""
        return bool(self.milestones or self.target is not None or self.tolerance is not None
                    or self.polarity)


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def tolerance_of(text: str) -> tuple[tuple[float | None, float | None] | str | None, str | None]:
    """"720-880" → ((720, 880), None); "≥85", "85+" → ((85, None), None); "≤28" → ((None, 28),
    None); "Not set" → (REMOVE, None); blank → (None, None); else (None, error)."""
    text = one_line(text)
    if text in EMPTY_VALUES:
        return None, None
    if word_key(text) in _NOT_SET:
        return REMOVE, None
    if match := _RANGE.match(text):
        low, high = _number(match.group(1)), _number(match.group(2))
        if low > high:
            return None, f'"{text}" is not a range: {match.group(1)} is above {match.group(2)}'
        return (low, high), None
    if match := _AT_LEAST.match(text):
        return (_number(match.group(1) or match.group(2)), None), None
    if match := _AT_MOST.match(text):
        return (None, _number(match.group(1) or match.group(2))), None
    return None, f'"{text}" is not a tolerance the import can read; {TOLERANCE_HELP}'


def polarity_of(text: str) -> tuple[str | None, str | None]:
    shown = one_line(text)
    if not word_key(shown) or shown in EMPTY_VALUES:
        return None, None
    key = word_key(re.sub(r"^\s*good\s*(?:=|is|if)?\s*", "", shown, flags=re.I))
    if key in POLARITY_WORDS:
        return POLARITY_WORDS[key], None
    return None, f'"{one_line(text)}" is not a polarity the import knows; {POLARITY_HELP}'


def rag_of(text: str) -> tuple[str | None, str | None]:
    key = word_key(text)
    if key in NO_RAG or one_line(text) in EMPTY_VALUES:
        return None, None
    if key in RAG_WORDS:
        return RAG_WORDS[key], None
    return None, f'"{one_line(text)}" is not a RAG rating; write Green, Amber or Red'


def direction_of(text: str) -> tuple[str | None, str | None]:
    shown = one_line(text)
    if shown in ARROWS:
        return ARROWS[shown], None
    key = word_key(shown)
    if not key or shown in EMPTY_VALUES:
        return None, None
    if key in DIRECTION_WORDS:
        return DIRECTION_WORDS[key], None
    return None, (f'"{shown}" is not a direction of travel the import knows; write Improving, '
                  f"Worsening or No change, or an arrow (↑, ↓, →)")


def target_of(cell: Cell) -> tuple[float | str | None, str | None]:
    if word_key(cell_text(cell)) in _NOT_SET:
        return REMOVE, None
    return parse_number(cell)


def shows_percent(cell: Cell) -> bool:
    return "%" in cell.number_format or cell_text(cell).rstrip().endswith("%")


def read_row(definition: RowDefinition, columns: dict[int, tuple[str, str | None]],
             cells: list[Cell], titles: list[str], problem) -> None:
    """Fill `definition` from the row's definition cells; `problem(message, column)` reports."""
    for i, (kind, month) in columns.items():
        cell, text = cells[i], cell_text(cells[i])
        if not text:
            continue
        column = titles[i]
        if kind == "target":
            value, error = target_of(cell)
            if value is not None:
                if month:
                    definition.milestones[month] = value
                else:
                    definition.target = value
        elif kind == "tolerance":
            value, error = tolerance_of(text)
            definition.tolerance = value
        elif kind == "polarity":
            definition.polarity, error = polarity_of(text)
        elif kind == "rag":
            definition.rag, error = rag_of(text)
        elif kind == "direction":
            definition.direction, error = direction_of(text)
        elif kind == "id":
            definition.given_id, error = one_line(text), None
        else:
            definition.group, error = one_line(text), None
        if error:
            problem(error, column)
    if definition.milestones and definition.target is not None:
        problem('has a "Target" and milestone targets; give one or the other',
                next(titles[i] for i, (k, m) in columns.items() if k == "target" and not m))


def row_definition(name: str, source: str, columns: dict[int, tuple[str, str | None]],
                   cells: list[Cell], titles: list[str], figures: list[int],
                   problem) -> RowDefinition:
    """What a scorecard row defines; `figures` are its value columns (for the unit)."""
    d = RowDefinition(name, source)
    read_row(d, columns, cells, titles, problem)
    shown = [cells[i] for i in figures] + [cells[i] for i, (kind, _) in columns.items()
                                           if kind == "target" and cell_text(cells[i])]
    d.percent = bool(shown) and all(shows_percent(c) for c in shown)
    return d


def new_measure_id(name: str, d: RowDefinition, names: dict[str, str]
                   ) -> tuple[str | None, str | None, str | None]:
    """(id, None, note) for a measure the row creates, adding it to `names`, or (None, error,
    None). The note points out an existing measure with a name close to the new one."""
    measure_id = d.given_id or slug(name)
    if not re.match(ID_PATTERN, measure_id or "-"):
        return None, (f'"{measure_id}" is not a valid id for the new measure "{name}"; give '
                      f"it one in an Id column (lowercase letters, digits and hyphens)"), None
    if measure_id in names.values():
        return None, (f'the new measure "{name}" would get the id "{measure_id}", which '
                      f"another measure has; give it its own in an Id column"), None
    known = [n for n in names if n not in names.values()]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.85)
    note = (f'new measure "{name}" is close to "{close[0]}" ({names[close[0]]}); if they are '
            f"the same, map the name under measures: in the mapping file") if close else None
    d.created = True
    names[name] = measure_id
    return measure_id, None, note
