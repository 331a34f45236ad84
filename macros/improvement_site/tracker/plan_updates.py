"""The areas' progress reports (`updates`) in a plan workbook, and each area's YAML.

An action plan tracker has no place for the committee report's narrative, so `export plan`
writes it on a sheet of its own, "Progress reports": one row per report, with the columns
"Area id | As at | What we have done | What we will do next | What difference it has made"
(and "Audience" when one is committee-only). `import plan` reads that sheet back, so a
workbook round trip keeps every report. The text is kept as written, line by line (nested
lists keep their indentation); Word's bullet characters become Markdown list markers.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Callable

from pydantic import ValidationError

from improvement_site.data.problems import pydantic_message
from improvement_site.model import schema
from improvement_site.tracker.importing import cell_text, heading_key, one_line, uk_date
from improvement_site.tracker.output import dump_yaml
from improvement_site.tracker.plan_layout import Area, Source
from improvement_site.tracker.tables import Cell, Table

SHEET = "Progress reports"
COLUMNS: dict[str, tuple[str, ...]] = {
    "area": ("area id", "area"),
    "as_at": ("as at", "as at date", "report date"),
    "taken": ("what we have done", "what actions have we taken?", "actions taken"),
    "planned": ("what we will do next", "what actions are planned?", "actions planned"),
    "impact": ("what difference it has made", "what difference has it made?"),
    "audience": ("audience",),
}
HEADINGS = {"area": "Area id", "as_at": "As at", "taken": "What we have done",
            "planned": "What we will do next", "impact": "What difference it has made",
            "audience": "Audience"}
_BULLET = re.compile(r"^(\s*)[•·▪◦●]\s*")


def is_updates_table(table: Table) -> bool:
    """A sheet named "Progress reports", or whose first filled row has the As at heading and
    one of the three report headings."""
    if table.name is not None and heading_key(table.name) == heading_key(SHEET):
        return True
    for _, cells in table.rows:
        keys = {heading_key(cell_text(c)) for c in cells if cell_text(c)}
        if keys:
            return bool(keys & set(COLUMNS["as_at"])) and bool(
                keys & set(COLUMNS["taken"] + COLUMNS["planned"] + COLUMNS["impact"]))
    return False


def markdown_cell(cell: Cell) -> str:
    """A report cell as Markdown, its lines and their indentation kept."""
    lines = [_BULLET.sub(r"\1- ", line).rstrip() for line in cell_text(cell).split("\n")]
    return "\n".join(lines).strip("\n")


class UpdatesReader:
    """Reads the "Progress reports" sheet: {area id: [update values]}."""

    def __init__(self, problem: Callable[[Source, str, str | None], None]):
        self.problem = problem
        self.updates: dict[str, list[tuple[dict[str, Any], Source]]] = {}

    def read(self, table: Table) -> None:
        header: dict[int, str] | None = None
        titles: list[str] = []
        for number, cells in table.rows:
            texts = [cell_text(c) for c in cells]
            if not any(texts):
                continue
            source = Source(table.name, number)
            if header is None:
                fields = {i: next((f for f, hs in COLUMNS.items() if heading_key(t) in hs),
                                  None) for i, t in enumerate(texts) if t}
                for i, name in fields.items():
                    if name is None:
                        self.problem(source, "is not a column of the progress reports sheet; "
                                     "the columns are " + ", ".join(HEADINGS.values()), texts[i])
                header, titles = {i: f for i, f in fields.items() if f}, texts
                if "area" not in header.values() or "as_at" not in header.values():
                    self.problem(source, 'needs an "Area id" and an "As at" column', None)
                    return
                continue
            self.row(header, titles, cells, source)

    def row(self, header: dict[int, str], titles: list[str], cells: list[Cell],
            source: Source) -> None:
        column = {f: i for i, f in header.items()}
        area_id = one_line(cell_text(cells[column["area"]]))
        if not area_id:
            self.problem(source, "is empty; every report needs its area's id",
                         titles[column["area"]])
            return
        as_at = self.date(cells[column["as_at"]], source, titles[column["as_at"]])
        values: dict[str, Any] = {"as_at": as_at}
        for name in ("taken", "planned", "impact"):
            if name in column and cell_text(cells[column[name]]):
                values[name] = markdown_cell(cells[column[name]])
        if "audience" in column and cell_text(cells[column["audience"]]):
            values["audience"] = one_line(cell_text(cells[column["audience"]])).lower()
        if as_at is None:
            return
        try:
            schema.Update.model_validate(values)
        except ValidationError as exc:
            for error in exc.errors():
                name = str(error["loc"][0])
                self.problem(source, pydantic_message({**error, "loc": ("",)}).strip(),
                             titles[column[name]] if name in column else None)
            return
        self.updates.setdefault(area_id, []).append((values, source))

    def date(self, cell: Cell, source: Source, column: str) -> date | None:
        value = cell.value
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        found, error = uk_date(one_line(cell_text(cell)))
        if found:
            return found
        self.problem(source, error or f'"{one_line(cell_text(cell))}" is not a date; write it '
                     f"as DD/MM/YYYY", column)
        return None


def area_yaml(area: Area, actions: list, updates: list[dict[str, Any]],
              problem: Callable[[Source, str], None]) -> str | None:
    """The area's YAML file, or None (with its problems reported) when it is not valid.
    `actions` are each outcome's action values, in order."""
    data: dict[str, Any] = {"id": area.id, "number": area.number, "title": area.title}
    for name in ("summary", "lead", "measures", "audience", "reviewed"):
        if area.details.get(name):
            data[name] = area.details[name]
    if updates:
        data["updates"] = updates
    data["outcomes"] = [{"text": o.text, **({"actions": acts} if acts else {})}
                        for o, acts in zip(area.outcomes, actions)]
    try:
        schema.Area.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0])
            problem(area.detail_rows.get(name, area.source),
                    f"area {area.id}: {pydantic_message(error)}")
        return None
    return dump_yaml(data, f"Imported by improvement-site import plan; area {area.number}.")
