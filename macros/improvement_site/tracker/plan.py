"""`improvement-site import plan`: an action plan tracker (xlsx or csv) → data/plan/*.yaml.

The layout it reads, and its rules, are described in `plan_layout` and docs/import.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from improvement_site.model import schema
from improvement_site.tracker.tables import Cell, Table, colour_status, read_tables
from improvement_site.tracker.output import FlowList, check_site_with, replace_yaml_files
from improvement_site.tracker.importing import (ImportFailed, ImportProblem, Mapping, cell_text, heading_key,
                        load_mapping, one_line, paragraphs, site_problems, slug, uk_date,
                        word_key)
from improvement_site.tracker.plan_layout import (DETAIL, DETAIL_FIELDS, FIELDS, HEADING, PLAN_COLUMNS, STATUS_HELP,
                          STATUS_WORDS, TEXT_FIELDS, Action, Area, Outcome, Source)
from improvement_site.tracker.plan_updates import UpdatesReader, area_yaml, is_updates_table
from improvement_site.data.problems import pydantic_message

@dataclass(frozen=True)
class PlanImport:
    areas: int
    actions: int
    written: dict[str, str]  # file name → YAML text
    changed: int = 0
    removed: tuple[str, ...] = ()


class _PlanReader:
    def __init__(self, file: str, mapping: Mapping, problems: list[ImportProblem]):
        self.file = file
        self.mapping = mapping
        self.problems = problems
        self.areas: dict[int, Area] = {}
        self.headings = {heading_key(h): f for f, hs in PLAN_COLUMNS.items() for h in hs}
        self.headings.update(mapping.columns)  # the council's own headings win
        self.statuses = {**STATUS_WORDS, **mapping.statuses}

    def problem(self, source: Source | None, message: str, column: str | None = None) -> None:
        self.problems.append(ImportProblem(
            self.file, message, sheet=source.sheet if source else None,
            row=source.row if source else None, column=column))

    # -- one sheet -----------------------------------------------------------------------

    def read(self, table: Table) -> None:
        if table.name is not None and heading_key(table.name) in self.mapping.skip_sheets:
            return
        header: dict[int, str] | None = None
        titles: list[str] = []
        area: Area | None = None
        outcome: Outcome | None = None
        details_open = False
        for number, cells in table.rows:
            source = Source(table.name, number)
            texts = [cell_text(c) for c in cells]
            filled = [i for i, text in enumerate(texts) if text]
            if not filled:
                continue
            first = min(header) if header else None
            if len(filled) == 1 and (header is None or filled[0] == first
                                     and header[first] != "action"):
                if match := HEADING.match(texts[filled[0]]):
                    area = self.start_area(int(match.group(1)), one_line(match.group(2)), source)
                    outcome, details_open = None, True
                    continue
            if details_open and area is not None and self.detail(area, texts, filled, cells,
                                                                 source):
                continue
            if header is None:
                header = self.header(texts, source)
                if header is not None:
                    titles = texts
                    details_open = False
                # Other text above the column headings is the document's title: not data.
                continue
            if [heading_key(t) for t in texts] == [heading_key(t) for t in titles]:
                continue  # the headings repeated on a later page
            details_open = False
            area, outcome = self.row(header, titles, cells, texts, source, area, outcome)
        if header is None and (table.name is None or any(
                cell_text(c) for _, cells in table.rows for c in cells)):
            self.problems.append(ImportProblem(
                self.file, 'has no row of column headings with "Action needed" in it; add the '
                "headings above the table, name your column in the mapping file (columns:), "
                "or list the sheet under skip_sheets:", sheet=table.name))

    def start_area(self, number: int, title: str, source: Source) -> Area:
        existing = self.areas.get(number)
        if existing is None:
            existing = self.areas[number] = Area(number, title, source)
        elif existing.title != title:
            self.problem(source, f'area {number} is already "{existing.title}" ({existing.source}'
                                 f'), so "{title}" cannot be area {number} too; each area needs '
                                 f"its own number")
        return existing

    def detail(self, area: Area, texts: list[str], filled: list[int], cells: list[Cell],
               source: Source) -> bool:
        """An area detail row: "Lead:" and the value in the next cell, or both in one cell."""
        match = DETAIL.match(texts[filled[0]])
        if not match or len(filled) > 2 or (len(filled) == 2) == bool(match.group(2)):
            return False
        name = DETAIL_FIELDS[heading_key(match.group(1))]
        value = texts[filled[1]] if len(filled) == 2 else match.group(2).strip()
        if name == "summary":
            area.details[name] = paragraphs(value)
        elif name == "measures":
            area.details[name] = FlowList(re.split(r"[\s,;]+", value.strip()))
        elif name == "audience":
            area.details[name] = one_line(value).lower()
        elif name == "reviewed":
            cell = cells[filled[1]] if len(filled) == 2 else Cell(value)
            area.details[name], note = self.due(cell, source, "Reviewed:")
            if note:
                self.problem(source, f'"{note}" is not a date; write the review date as '
                                     f"DD/MM/YYYY")
        else:
            area.details[name] = one_line(value)
        area.detail_rows[name] = source
        return True

    def header(self, texts: list[str], source: Source) -> dict[int, str] | None:
        fields = {i: self.headings.get(heading_key(t)) for i, t in enumerate(texts) if t}
        if "action" not in fields.values() or sum(1 for f in fields.values() if f) < 2:
            return None
        seen: dict[str, str] = {}
        for i, name in fields.items():
            if name is None:
                self.problem(source, "is not a column the import knows; rename it to one of "
                                     "Outcomes for Children and Families, Action needed, "
                                     "Responsible, Due Date, Progress, Impact, RAG, Revised due "
                                     "date, Reason for delay, Mitigation, Measures, Id, Area, "
                                     "Reviewed, or "
                                     'map it in the mapping file (use "skip" to leave it out)',
                             column=texts[i])
            elif name in seen and name != "skip":
                self.problem(source, f'is a second column for {name} (the first is "{seen[name]}");'
                                     f" keep one", column=texts[i])
            else:
                seen[name] = texts[i]
        if "outcome" not in seen:
            self.problem(source, 'has no "Outcomes for Children and Families" column; every '
                                 "action belongs to an outcome")
        return {i: f for i, f in fields.items() if f}

    # -- one action row ------------------------------------------------------------------

    def row(self, header: dict[int, str], titles: list[str], cells: list[Cell], texts: list[str],
            source: Source, area: Area | None, outcome: Outcome | None
            ) -> tuple[Area | None, Outcome | None]:
        for i, text in enumerate(texts):
            if text and i not in header:
                from openpyxl.utils import get_column_letter
                self.problem(source, f'column {get_column_letter(i + 1)} has no heading but this '
                                     f'row has "{one_line(text)[:40]}" in it; give the column a '
                                     f"heading or clear the cell")
        cell = {f: cells[i] for i, f in header.items() if f != "skip"}
        text = {f: texts[i] for i, f in header.items() if f != "skip"}
        columns = {f: titles[i] for i, f in header.items()}
        if not any(text.values()):
            return area, outcome  # only skipped columns are filled
        if text.get("area"):
            match = HEADING.match(text["area"])
            if match:
                new = self.start_area(int(match.group(1)), one_line(match.group(2)), source)
                if new is not area:
                    area, outcome = new, None
            else:
                self.problem(source, f'"{one_line(text["area"])}" is not an area heading; write '
                                     f'the number and title, e.g. "1. Front door"',
                             column=columns["area"])
                return area, outcome
        if area is None and source.sheet and (match := HEADING.match(source.sheet)):
            area = self.start_area(int(match.group(1)), one_line(match.group(2)), source)
        if area is None:
            self.problem(source, 'comes before any area heading; put a row such as "1. Title '
                                 'of the area" above the column headings')
            return area, outcome
        if text.get("outcome"):
            outcome_text = paragraphs(text["outcome"])
            if outcome is None or outcome.text != outcome_text:
                outcome = Outcome(outcome_text)
                area.outcomes.append(outcome)
        if not text.get("action"):
            others = [columns[f] for f, t in text.items() if t and f not in ("outcome", "area")]
            if others:
                self.problem(source, f"is empty, but this row has {', '.join(others)}; every "
                                     f"action needs its text (if the row continues the one above, "
                                     f"as in a table split across pages, move its text up)",
                             column=columns["action"])
            return area, outcome  # an outcome with no actions yet
        if outcome is None:
            self.problem(source, "is empty and there is no outcome above it in this area; write "
                                 "the outcome for children and families",
                         column=columns.get("outcome"))
            return area, outcome
        values = self.action_values(cell, text, columns, source)
        if values is not None:
            outcome.actions.append(Action(values, source, columns))
        return area, outcome

    def action_values(self, cell: dict[str, Cell], text: dict[str, str], columns: dict[str, str],
                      source: Source) -> dict[str, Any] | None:
        before = len(self.problems)
        values: dict[str, Any] = {"id": one_line(text.get("id", "")) or None,
                                  "action": paragraphs(text["action"]),
                                  "owner": one_line(text.get("owner", "")) or None}
        if "due" in cell:
            values["due"], values["due_note"] = self.due(cell["due"], source, columns["due"])
        if text.get("due_note"):
            if values.get("due_note"):
                self.problem(source, f'has a due note and "{columns["due"]}" has words too; keep '
                                     f"the words in one of them", column=columns["due_note"])
            values["due_note"] = one_line(text["due_note"])
        if "rag" in cell:
            values["status"] = self.status(cell["rag"], source, columns["rag"])
        for name in TEXT_FIELDS:
            values[name] = paragraphs(text.get(name, "")) or None
        if text.get("measures"):
            values["measures"] = FlowList(re.split(r"[\s,;]+", text["measures"].strip()))
        if text.get("audience"):
            values["audience"] = one_line(text["audience"]).lower()
        if "revised_due" in cell:
            revised, note = self.due(cell["revised_due"], source, columns["revised_due"])
            if note:
                self.problem(source, f'"{note}" is not a date; a revised due date must be one '
                                     f"date, DD/MM/YYYY", column=columns["revised_due"])
            values["revised_due"] = revised
        if "reviewed" in cell:
            values["reviewed"], note = self.due(cell["reviewed"], source, columns["reviewed"])
            if note:
                self.problem(source, f'"{note}" is not a date; write the review date as '
                                     f"DD/MM/YYYY", column=columns["reviewed"])
        if values.get("status") == "delayed":
            missing = [f'"{columns[name]}" is empty' if name in columns
                       else f'there is no "{label}" column'
                       for name, label in (("delay_reason", "Reason for delay"),
                                           ("mitigation", "Mitigation"))
                       if not values.get(name)]
            if missing:
                self.problem(source, f'"{text["rag"] or "(fill colour)"}" means delayed, and a '
                                     f"delayed action must say why and what is being done, but "
                                     f"{' and '.join(missing)}; fill in Reason for delay and "
                                     f"Mitigation for this row", column=columns["rag"])
        values = {k: v for k, v in values.items() if v is not None}
        try:
            schema.Action.model_validate({**values, "id": values.get("id", "x")})
        except ValidationError as exc:
            for error in exc.errors():
                name = str(error["loc"][0])
                column = columns.get({"status": "rag"}.get(name, name))
                # The column names the field, so the message starts at the value.
                self.problem(source, pydantic_message({**error, "loc": ("",)}).strip(),
                             column=column)
        return values if len(self.problems) == before else None

    def due(self, cell: Cell, source: Source, column: str) -> tuple[date | None, str | None]:
        """A due date cell → (date, None) or (None, note); a mistyped date is a problem."""
        value = cell.value
        if isinstance(value, datetime):
            return value.date(), None
        if isinstance(value, date):
            return value, None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.problem(source, f'"{cell_text(cell)}" is a number, not a date; format the cell '
                                 f"as a date or type the date as DD/MM/YYYY", column=column)
            return None, None
        text = one_line(cell_text(cell))
        if not text:
            return None, None
        found, error = uk_date(text)
        if found or error:
            if error:
                self.problem(source, error, column=column)
            return found, None
        if not re.search(r"[A-Za-z]", text):
            # Digits and separators only ("31/02", "16/09/222", "16/09/22 - 30/09/22"): a
            # mistyped date rather than a note; as a note it would never show as overdue.
            self.problem(source, f'"{text}" is not a date; write one date as DD/MM/YYYY, e.g. '
                                 f"16/09/2022, or words with it for a due note, e.g. "
                                 f'"Review 30/09/23"', column=column)
            return None, None
        return None, text  # "w/c 5.12.22", "Review 30/09/23", "March 2023", "Ongoing"

    def status(self, cell: Cell, source: Source, column: str) -> str | None:
        text = one_line(cell_text(cell))
        key = word_key(text)
        if key and key != "rag":
            if key in self.statuses:
                return self.statuses[key]
            self.problem(source, f'"{text}" is not a RAG rating the import knows; {STATUS_HELP}',
                         column=column)
            return None
        if cell.fill is None:
            return None
        if cell.fill == "theme":
            self.problem(source, "has a theme fill colour, which cannot be read as a rating; "
                                 "type the rating (Green, Yellow, Red, Blue) in the cell, or "
                                 "choose the colour under More Colours", column=column)
            return None
        status = colour_status(cell.fill)
        if status == "?":
            self.problem(source, f"has the fill colour #{cell.fill}, which is not a RAG colour; "
                                 f"type the rating in the cell ({STATUS_HELP})", column=column)
            return None
        return status

    # -- the whole plan ------------------------------------------------------------------

    def finish(self, updates: UpdatesReader) -> tuple[dict[str, str], dict[str, str]]:
        """Ids, cross-row checks and the YAML text of each area: ({file name: text},
        {record name: where it came from})."""
        files: dict[str, str] = {}
        origin: dict[str, str] = {}
        area_ids: dict[str, Area] = {}
        action_ids: dict[str, Action] = {}
        for area in sorted(self.areas.values(), key=lambda a: a.number):
            mapped = (self.mapping.areas.get(str(area.number))
                      or self.mapping.areas.get(heading_key(area.title)))
            area.id = area.details.get("id") or mapped or slug(area.title)
            where = area.detail_rows.get("id", area.source)
            if not re.match(schema.ID_PATTERN, area.id):
                self.problem(where, f'area id "{area.id}" is not a valid id; use lowercase '
                                    f"letters, digits and single hyphens, e.g. front-door")
                continue
            if area.id in area_ids:
                self.problem(where, f'area id "{area.id}" is also the id of area '
                                    f"{area_ids[area.id].number} ({area_ids[area.id].source}); "
                                    f"give one of them its own id (Area id: row, or areas: in "
                                    f"the mapping file)")
            area_ids[area.id] = area
            origin[f"area {area.id}"] = str(area.source)
            number = 0
            for outcome in area.outcomes:
                for action in outcome.actions:
                    number += 1
                    action_id = action.values.setdefault("id", f"{area.id}-{number:02d}")
                    if action_id in action_ids:
                        self.problem(action.source, f'id "{action_id}" is also used at '
                                                    f"{action_ids[action_id].source}; ids must be "
                                                    f"unique", column=action.columns.get("id"))
                    action_ids[action_id] = action
                    origin[f"action {action_id}"] = str(action.source)
            text = area_yaml(area, [[_ordered(a.values) for a in o.actions] for o in area.outcomes],
                             [u for u, _ in updates.updates.get(area.id, [])], self.problem)
            if text is not None:
                files[f"{area.number:02d}-{area.id}.yaml"] = text
        for area_id, rows in updates.updates.items():
            if area_id not in area_ids:
                self.problem(rows[0][1], f'"{area_id}" is not the id of an area in this workbook; '
                                         f"the areas are {', '.join(sorted(area_ids)) or 'none'}",
                             column="Area id")
        if not self.areas and not self.problems:
            self.problems.append(ImportProblem(self.file, "has no actions to import; see "
                                                          "docs/import.md for the layout"))
        return files, origin


def _ordered(values: dict[str, Any]) -> dict[str, Any]:
    """An action's fields in the schema's order, so the YAML reads the same every time."""
    return {name: values[name] for name in schema.Action.model_fields if name in values}


def import_plan(source: Path, site: Path = Path("."), out: Path | None = None,
                mapping: Path | None = None) -> PlanImport:
    """Read the tracker, check it, and write one YAML file per area into `out` (default
    SITE/data/plan), replacing the YAML files there. Raises ImportFailed listing every
    problem; then nothing is written."""
    source, site = Path(source), Path(site)
    problems: list[ImportProblem] = []
    allowed: dict[str, tuple[str, ...] | None] = {
        "columns": FIELDS, "areas": None, "statuses": schema.STATUSES, "skip_sheets": None}
    rules = load_mapping(mapping, allowed, problems)
    tables = read_tables(source, problems) if not problems else []
    reader = _PlanReader(source.name, rules, problems)
    updates = UpdatesReader(lambda where, message, column: reader.problem(where, message, column))
    for table in tables:
        (updates.read if is_updates_table(table) else reader.read)(table)
    files, origin = reader.finish(updates) if tables else ({}, {})
    if problems:
        raise ImportFailed(source.name, problems)
    found = check_site_with(site, {f"plan/{name}": text for name, text in files.items()}, "plan")
    if found:
        raise ImportFailed(source.name, site_problems(source.name, found, origin))
    own = site / "data" / "plan"
    target = Path(out) if out is not None else own
    changed, removed = replace_yaml_files(target, files, own=target.resolve() == own.resolve())
    actions = sum(len(o.actions) for a in reader.areas.values() for o in a.outcomes)
    return PlanImport(len(files), actions, files, changed, tuple(removed))
