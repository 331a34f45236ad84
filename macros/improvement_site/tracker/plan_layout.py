"""The action plan tracker's layout, as `import plan` reads it: the column headings and RAG
words it knows without a mapping file, the shape of an area heading and of its detail rows, and
the rows read from the tracker before they become records (with the sheet and row they came
from, for messages).

The layout read is the one councils already use (Nottingham's Ofsted action plan): a table
with the columns "Outcomes for Children and Families | Action needed | Responsible | Due Date |
Progress | Impact | RAG", under an area heading such as "1. Effectiveness and timeliness of
...". The rules (see docs/import.md):

- An area starts at a heading row: a row with one filled cell, "N. Title" (also "Area N:
  Title"), above the column headings or between rows of the table. A sheet without one uses
  its sheet name if that is "N. Title". An "Area" column holding the heading on each row works
  too (blank: same area as the row above).
- Rows straight after an area heading may give the area's details: "Area id:", "Lead:",
  "Measures:", "Summary:", "Audience:", "Reviewed:" in one cell and the value in the next.
- The first row holding an "Action needed" heading is the column headings; the same headings
  repeated further down (a table pasted from a paged document) are skipped.
- A blank outcome cell, or the same outcome text again, continues the outcome above.
- Actions are numbered `<area id>-NN` in row order, unless an "Id" column gives their ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


# The column headings known without a mapping file (compared with heading_key).
PLAN_COLUMNS: dict[str, tuple[str, ...]] = {
    "outcome": ("outcomes for children and families", "outcomes for children and young people",
                "outcome", "outcomes"),
    "action": ("action needed", "actions needed", "action", "actions"),
    "owner": ("responsible", "responsible officer", "owner", "lead officer"),
    "due": ("due date", "due", "deadline", "target date"),
    "due_note": ("due note",),
    "progress": ("progress", "progress update", "update"),
    "impact": ("impact",),
    "rag": ("rag", "rag rating", "rag status", "status"),
    "revised_due": ("revised due date", "revised date", "revised deadline"),
    "delay_reason": ("reason for delay", "delay reason", "cause of delay",
                     "brief summary of cause for delay"),
    "mitigation": ("mitigation", "mitigations",
                   "brief summary of mitigations in place and/or planned"),
    "measures": ("measures", "measure ids"),
    "id": ("id", "action id"),
    "audience": ("audience",),
    "area": ("area", "area for improvement", "improvement area"),
    "reviewed": ("reviewed", "status reviewed", "last reviewed", "review date"),
}
FIELDS = (*PLAN_COLUMNS, "skip")

# RAG words (compared with word_key) → status. Colours as the action plan prints them, the
# site's own labels, and the schema's values, so an exported workbook reads back unchanged.
STATUS_WORDS: dict[str, str | None] = {
    **dict.fromkeys(["green", "g", "complete", "completed", "done"], "complete"),
    **dict.fromkeys(["yellow", "y", "in progress", "on schedule", "on track",
                     "in progress and on schedule"], "on_track"),
    **dict.fromkeys(["red", "r", "amber", "a", "delayed", "not on schedule", "off track",
                     "delayed not on schedule"], "delayed"),
    **dict.fromkeys(["blue", "b", "grey", "gray", "planning", "not yet commenced",
                     "not started", "planning not yet commenced"], "not_started"),
    "not yet rated": None,
    "rag": None,  # the plan's first row prints "RAG" in a coloured cell: the colour is the rating
}
STATUS_HELP = ('use Green/Completed, Yellow/In progress, Red/Amber/Delayed, Blue/Planning, or '
               'leave it blank for "not yet rated" (or add the word under statuses: in the '
               'mapping file)')

HEADING = re.compile(r"^(?:area\s+)?(\d{1,3})\s*[.):\u2013\u2014-]\s+(\S.*)$", re.I | re.S)
DETAIL = re.compile(r"^(area id|lead|measures|summary|audience|reviewed)\s*:\s*(.*)$",
                    re.I | re.S)
DETAIL_FIELDS = {"area id": "id", "lead": "lead", "measures": "measures", "summary": "summary",
                 "audience": "audience", "reviewed": "reviewed"}
TEXT_FIELDS = ("progress", "impact", "delay_reason", "mitigation")


@dataclass
class Source:
    sheet: str | None
    row: int

    def __str__(self) -> str:
        return f'sheet "{self.sheet}", row {self.row}' if self.sheet else f"row {self.row}"


@dataclass
class Action:
    values: dict[str, Any]
    source: Source
    columns: dict[str, str]  # field → the heading as written, for messages


@dataclass
class Outcome:
    text: str
    actions: list[Action] = field(default_factory=list)


@dataclass
class Area:
    number: int
    title: str
    source: Source
    details: dict[str, Any] = field(default_factory=dict)
    detail_rows: dict[str, Source] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)
    id: str = ""
