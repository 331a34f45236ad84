"""Reading a tracker: an .xlsx workbook (one table per sheet, with fill colours) or a .csv file
(one table) as rows of cells, each row numbered as Excel shows it."""

from __future__ import annotations

import csv
import io
import itertools
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from improvement_site.tracker.problems import ImportProblem

if TYPE_CHECKING:  # openpyxl (which workbook_check uses) is imported only to read a workbook
    from improvement_site.tracker.workbook_check import SheetFacts


@dataclass(frozen=True)
class Cell:
    value: Any = None  # str, int, float, date, datetime or None
    fill: str | None = None  # "RRGGBB", "theme" when only a theme colour is set, or None
    number_format: str = "General"


@dataclass
class Table:
    """One sheet (or the one table of a CSV): rows as (row number as the reader sees it, cells),
    every row padded to the same width."""

    name: str | None
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)


def read_tables(path: Path, problems: list[ImportProblem]) -> list[Table]:
    """Read an .xlsx workbook (one Table per worksheet) or a .csv file (one Table)."""
    name = path.name
    if not path.is_file():
        problems.append(ImportProblem(name, "is not a file that exists; check the name and folder"))
        return []
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, problems)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, problems)
    problems.append(ImportProblem(name, f'is a "{suffix or "no extension"}" file; the import '
                                        f"reads Excel workbooks (.xlsx) and CSV files (.csv); in "
                                        f"Excel use File > Save As > Excel Workbook (.xlsx)"))
    return []


def _read_csv(path: Path, problems: list[ImportProblem]) -> list[Table]:
    # The limits of a sheet hold for a CSV file too: a short row padded to the longest, in a
    # file of many rows, would otherwise ask for gigabytes.
    from improvement_site.tracker.limits import (MAX_CELLS_TEXT, MAX_CSV_BYTES, size_passed,
                                                 text_passed)

    if (size := path.stat().st_size) > MAX_CSV_BYTES:
        problems.append(ImportProblem(path.name, f"is {size / 2**20:,.0f} MB; the import reads "
                                                 f"CSV files of at most {MAX_CSV_BYTES >> 20} "
                                                 f"MB: check that this is the right file"))
        return []
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError:
        try:
            # Excel's plain "CSV (Comma delimited)" on UK Windows saves Windows-1252, where an
            # en dash or a curly quote is one byte that is not valid UTF-8.
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            byte = raw[exc.start]
            problems.append(ImportProblem(path.name, f"is not a text file (byte 0x{byte:02x}); "
                                                     f"save it as CSV UTF-8"))
            return []
    table = Table(None)
    reader = csv.reader(io.StringIO(text, newline=""))
    width = used = 0
    try:
        # The row number is the record's number, which is the row Excel shows when the CSV is
        # opened, even when a cell holds several lines.
        for number, row in enumerate(reader, start=1):
            width, used = max(width, len(row)), used + sum(map(len, row))
            if passed := size_passed(number, width) or (
                    text_passed("this row") if used > MAX_CELLS_TEXT else None):
                problems.append(ImportProblem(path.name, passed, row=number))
                return []
            table.rows.append((number, [Cell(value) for value in row]))
    except csv.Error as exc:
        problems.append(ImportProblem(path.name, f"cannot be read as CSV: {exc}",
                                      row=len(table.rows) + 1))
        return []
    _pad(table)
    return [table]


def _read_xlsx(path: Path, problems: list[ImportProblem]) -> list[Table]:
    import openpyxl  # imported here so the rest of the project does not need it to start

    from improvement_site.tracker.workbook_check import Refused, check_workbook

    # Checked first, streaming, against the limits in workbook_check: openpyxl trusts the file,
    # and a few KB can ask it for gigabytes.
    try:
        facts, names = check_workbook(path)
    except Refused as exc:
        problems.append(ImportProblem(path.name, str(exc), sheet=exc.sheet, row=exc.row))
        return []
    sheet = None
    with warnings.catch_warnings():
        # openpyxl warns about workbook features it ignores (data validation, slicers);
        # they do not affect the cell values we read.
        warnings.simplefilter("ignore")
        try:
            # Read-only mode streams each sheet once, in time linear in its cells; the rest of
            # the workbook (styles, names) is read whole, but its size was checked.
            book = openpyxl.load_workbook(path, read_only=True, data_only=True,
                                          keep_links=False)
            try:
                tables = []
                for sheet in book.worksheets:
                    # The part openpyxl reads the sheet from: its facts were gathered there.
                    found = facts.get(getattr(sheet, "_worksheet_path", None))
                    if found is None:
                        problems.append(ImportProblem(path.name, "cannot be checked before it "
                                                      "is read; save it again from Excel",
                                                      sheet=sheet.title))
                        return []
                    tables.append(_sheet_table(path.name, sheet, found, problems))
                return tables
            finally:
                book.close()
        except (zipfile.BadZipFile, KeyError, IndexError, OSError, ValueError, TypeError,
                SyntaxError, EOFError) as exc:
            # SyntaxError: XML that expat or lxml cannot parse (both errors derive from it);
            # IndexError: a cell naming a style or a shared text the workbook does not have.
            problems.append(ImportProblem(path.name, f"cannot be opened as an Excel workbook "
                                                     f"({exc.__class__.__name__}); save it again "
                                                     f"from Excel as .xlsx",
                                          sheet=getattr(sheet, "title", None)))
            return []


def _sheet_table(file: str, sheet: Any, facts: SheetFacts,
                 problems: list[ImportProblem]) -> Table:
    # A cell merged down several rows (an outcome spanning its actions, one "Responsible" for
    # three actions) shows its value on each of those rows, so each row gets it. Merges across
    # columns only (a heading spanning the table) keep the value in their first cell; the other
    # cells of a merged range are blank, as Excel shows them.
    from openpyxl.utils import get_column_letter

    starts: dict[int, list[tuple[int, int, int, int]]] = {}
    for merged in facts.merges:
        starts.setdefault(merged[1], []).append(merged)
    unsaved: dict[int, list[int]] = {}
    for row, col in sorted(facts.unsaved_formulas):
        unsaved.setdefault(row, []).append(col)
    height, width = max(facts.rows, 1), max(facts.columns, 1)
    # openpyxl stops at the last row in the file; rows that only a merge reaches follow.
    stream = itertools.chain(sheet.iter_rows(min_row=1, max_row=height, min_col=1,
                                             max_col=width), itertools.repeat(()))
    active: list[tuple[int, int, int, int]] = []
    tops: dict[tuple[int, int], Cell] = {}
    table = Table(sheet.title)
    for row, raw in zip(range(1, height + 1), stream):
        cells = [_cell(cell) for cell in raw]
        cells.extend(Cell() for _ in range(width - len(cells)))
        active = [m for m in active if m[3] >= row] + starts.get(row, [])
        covered: dict[int, tuple[int, int] | None] = {}
        for min_col, min_row, max_col, max_row in active:
            if row == min_row and max_row > min_row:
                tops[(min_row, min_col)] = cells[min_col - 1]
            for col in range(min_col, max_col + 1):
                if (row, col) != (min_row, min_col):
                    covered[col] = (min_row, min_col) if col == min_col else None
        for col, at in covered.items():
            cells[col - 1] = tops.get(at, Cell()) if at else Cell()
        checks = [(col, (row, col)) for col in unsaved.get(row, []) if col not in covered]
        checks += [(col, at) for col, at in covered.items() if at in facts.unsaved_formulas]
        for col, at in sorted(checks):
            if cells[col - 1].value is None:
                # A formula Excel never calculated (a file written by another program) has no
                # saved value; reading it as blank would drop its text without a word.
                problems.append(ImportProblem(file, f"cell {get_column_letter(at[1])}{at[0]} "
                                              f"holds a formula with no saved value; open the "
                                              f"file in Excel and save it", sheet=sheet.title,
                                              row=row))
        table.rows.append((row, cells))
    return table


def _cell(cell: Any) -> Cell:
    value = cell.value
    if isinstance(value, str) and not value.strip():
        value = None
    return Cell(value, _fill(cell), cell.number_format or "General")


def _fill(cell: Any) -> str | None:
    """The cell's fill colour as RRGGBB, "theme" if it is a theme colour, or None."""
    fill = cell.fill
    if fill is None or getattr(fill, "fill_type", None) in (None, "none"):
        return None
    color = fill.fgColor
    if color is None:
        return None
    if color.type == "rgb" and isinstance(color.rgb, str) and len(color.rgb) >= 6:
        return color.rgb[-6:].upper()
    if color.type == "indexed" and isinstance(color.indexed, int):
        from openpyxl.styles.colors import COLOR_INDEX
        if 0 <= color.indexed < 64:  # 64 and 65 are the system colours: "automatic"
            return COLOR_INDEX[color.indexed][-6:].upper()
        return None
    if color.type == "theme":
        return "theme"
    return None


def _pad(table: Table) -> None:
    width = max((len(cells) for _, cells in table.rows), default=0)
    for _, cells in table.rows:
        cells.extend(Cell() for _ in range(width - len(cells)))


def colour_status(rgb: str) -> str | None:
    """A fill colour → a status by its hue: green, yellow, red/amber, blue/grey. White (no
    real fill) → None; any other colour → "?" (reported)."""
    red, green, blue = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    high, low = max(red, green, blue), min(red, green, blue)
    if high - low < 0.12:  # no colour: white, grey or black
        if high > 0.93:
            return None
        return "not_started" if high > 0.25 else "?"
    if high == red:
        hue = (60 * (green - blue) / (high - low)) % 360
    elif high == green:
        hue = 60 * (blue - red) / (high - low) + 120
    else:
        hue = 60 * (red - green) / (high - low) + 240
    if hue < 52 or hue >= 330:  # red, orange, amber (#FFC000 is 45°)
        return "delayed"
    if hue < 70:  # yellow (#FFFF00 is 60°)
        return "on_track"
    if hue < 170:  # greens (#00B050, #92D050)
        return "complete"
    if hue < 260:  # blues (#0070C0, #00B0F0)
        return "not_started"
    return "?"
