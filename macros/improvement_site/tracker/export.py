"""`improvement-site export plan`: the plan as a workbook in the action plan's own layout.

One sheet per area: the heading "N. Title", the area's details ("Area id:", "Lead:", ...),
then the seed's columns "Outcomes for Children and Families | Action needed | Responsible |
Due Date | Progress | Impact | RAG", then the columns the plan needs beyond those (an Id column
always, so ids survive a round trip; revised dates, delay reasons and the like only when some
action has them). `import plan` reads the workbook back to the same data, which is what lets a
council keep working in Excel after its first import.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable

from improvement_site.lifecycle import MADE_BY
from improvement_site.tracker.importing import uk_date
from improvement_site.data.load import load_site
from improvement_site.model.schema import Action, Area

# status → (the word the action plan prints, its fill colour, its text colour)
RAG_CELLS: dict[str, tuple[str, str, str]] = {
    "complete": ("Green", "00B050", "FFFFFF"),
    "on_track": ("Yellow", "FFFF00", "000000"),
    "delayed": ("Red", "FF0000", "FFFFFF"),
    "not_started": ("Blue", "0070C0", "FFFFFF"),
}
BASE_COLUMNS = ("Outcomes for Children and Families", "Action needed", "Responsible", "Due Date",
                "Progress", "Impact", "RAG")
# Extra columns: heading, whether the plan needs it, and the cell value for an action.
EXTRA_COLUMNS: tuple[tuple[str, Callable[[Action], bool], Callable[[Action], Any]], ...] = (
    ("Revised due date", lambda a: a.revised_due is not None, lambda a: a.revised_due),
    ("Reason for delay", lambda a: bool(a.delay_reason), lambda a: a.delay_reason),
    ("Mitigation", lambda a: bool(a.mitigation), lambda a: a.mitigation),
    ("Measures", lambda a: bool(a.measures), lambda a: ", ".join(a.measures)),
    ("Due note", lambda a: _note_apart(a), lambda a: a.due_note if _note_apart(a) else None),
    ("Audience", lambda a: a.audience != "public",
     lambda a: a.audience if a.audience != "public" else None),
    ("Reviewed", lambda a: a.reviewed is not None, lambda a: a.reviewed),
)
WIDTHS = {"Outcomes for Children and Families": 40, "Action needed": 45, "Responsible": 22,
          "Due Date": 13, "Progress": 55, "Impact": 55, "RAG": 9, "Id": 22}


@dataclass(frozen=True)
class PlanExport:
    path: Path
    areas: int
    actions: int


class ExportFailed(Exception):
    """The plan holds something a workbook cannot; the message names it."""


def export_plan(site: Path, dest: Path) -> PlanExport:
    """Write SITE's plan to the workbook `dest` (replacing it only when complete)."""
    import openpyxl

    data = load_site(Path(site) / "data")
    if not data.areas:
        raise ExportFailed(f"{Path(site) / 'data' / 'plan'} has no areas; there is no plan to "
                           f"export")
    actions = [a for area in data.areas for o in area.outcomes for a in o.actions]
    extras = [(h, value) for h, needed, value in EXTRA_COLUMNS if any(map(needed, actions))]
    headings = [*BASE_COLUMNS, *(h for h, _ in extras), "Id"]
    book = openpyxl.Workbook()
    book.properties.creator = MADE_BY  # how the next export knows the file is its to replace
    book.remove(book.active)
    for area in data.areas:
        _area_sheet(book.create_sheet(f"Area {area.number}"[:31]), area, headings, extras)
    _updates_sheet(book, list(data.areas))
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".xlsx", dir=dest.parent)
    os.close(handle)
    try:
        book.save(temp)
        os.replace(temp, dest)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return PlanExport(dest, len(data.areas), len(actions))


def _area_sheet(sheet: Any, area: Area, headings: list[str],
                extras: list[tuple[str, Callable[[Action], Any]]]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    top = Alignment(wrap_text=True, vertical="top")
    _put(sheet, 1, 1, f"{area.number}. {area.title}").font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headings))
    row = 2
    details = [("Area id:", area.id), ("Lead:", area.lead),
               ("Measures:", ", ".join(area.measures) or None), ("Summary:", area.summary),
               ("Audience:", area.audience if area.audience != "public" else None),
               ("Reviewed:", area.reviewed)]
    for label, value in details:
        if value:
            _put(sheet, row, 1, label).font = Font(bold=True)
            cell = _put(sheet, row, 2, value)
            cell.alignment = top
            if isinstance(value, date):
                cell.number_format = "dd/mm/yyyy"
            row += 1
    row += 1  # a blank row before the table, as in the printed plan
    header_fill = PatternFill("solid", fgColor="D9E1F2")
    for col, heading in enumerate(headings, start=1):
        cell = _put(sheet, row, col, heading)
        cell.font, cell.fill, cell.alignment = Font(bold=True), header_fill, top
    sheet.freeze_panes = sheet.cell(row + 1, 1)
    revised = headings.index("Revised due date") + 1 if "Revised due date" in headings else 0
    for outcome in area.outcomes:
        row += 1
        _put(sheet, row, 1, outcome.text).alignment = top  # later rows leave it blank
        for index, action in enumerate(outcome.actions):
            if index:
                row += 1
            values: list[Any] = [None, action.action, action.owner,
                                 action.due_note if action.due is None and not
                                 _note_apart(action) else action.due,
                                 action.progress, action.impact, None,
                                 *(value(action) for _, value in extras), action.id]
            for col, value in enumerate(values, start=1):
                if col > 1 and value is not None:
                    cell = _put(sheet, row, col, value)
                    cell.alignment = top
                    if isinstance(value, date):  # due, revised and review dates
                        cell.number_format = "dd/mm/yyyy"
            if revised and action.revised_due is not None:
                sheet.cell(row, revised).number_format = "dd/mm/yyyy"
            if action.status:
                word, fill, ink = RAG_CELLS[action.status]
                cell = _put(sheet, row, 7, word)
                cell.fill = PatternFill("solid", fgColor=fill)
                cell.font = Font(bold=True, color=ink)
                cell.alignment = Alignment(horizontal="center", vertical="top")
    for col, heading in enumerate(headings, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = WIDTHS.get(heading, 30)


def _updates_sheet(book: Any, areas: list) -> None:
    """The "Progress reports" sheet (only when some area has a report): the tracker has no
    place for the narrative, so it gets a sheet of its own, which `import plan` reads back."""
    from openpyxl.styles import Alignment, Font, PatternFill

    from improvement_site.tracker.plan_updates import HEADINGS, SHEET

    rows = [(area, u) for area in areas for u in sorted(area.updates, key=lambda u: u.as_at)]
    if not rows:
        return
    committee = any(u.audience != "public" for _, u in rows)
    names = ["area", "as_at", "taken", "planned", "impact"] + (["audience"] if committee else [])
    sheet = book.create_sheet(SHEET)
    top = Alignment(wrap_text=True, vertical="top")
    for col, name in enumerate(names, start=1):
        cell = _put(sheet, 1, col, HEADINGS[name])
        cell.font, cell.alignment = Font(bold=True), top
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
    for r, (area, u) in enumerate(rows, start=2):
        values = [area.id, u.as_at, u.taken, u.planned, u.impact] + (
            [u.audience] if committee else [])
        for col, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = _put(sheet, r, col, value)  # text stays text, never a formula
            cell.alignment = top
            if not isinstance(value, str):
                cell.number_format = "dd/mm/yyyy"
    for col, width in zip("ABCDEF", (22, 13, 70, 70, 70, 12)):
        sheet.column_dimensions[col].width = width
    sheet.freeze_panes = "A2"


def _note_apart(action: Action) -> bool:
    """Whether a due note needs its own "Due note" column: beside a due date, or when on its
    own it would read back as a date (the importer takes a cell of only a date as `due`)."""
    note = action.due_note
    if note is None:
        return False
    return action.due is not None or uk_date(note.strip()) != (None, None) \
        or not re.search(r"[A-Za-z]", note)


def _put(sheet: Any, row: int, col: int, value: Any) -> Any:
    """Set a cell; text is always stored as text, so a plan sentence beginning with "=" is
    never run as a formula when the workbook is opened."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell = sheet.cell(row, col)
    if isinstance(value, str):
        if ILLEGAL_CHARACTERS_RE.search(value):
            raise ExportFailed(f'sheet "{sheet.title}", row {row}: the text "{value[:40]}" holds '
                               f"a control character a workbook cannot store; remove it from the "
                               f"data")
        cell.value = value
        cell.data_type = "s"
    else:
        cell.value = value
    return cell
