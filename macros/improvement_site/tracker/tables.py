"""Reading a tracker: an .xlsx workbook (one table per sheet, with fill colours) or a .csv file
(one table) as rows of cells, each row numbered as Excel shows it."""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from improvement_site.tracker.problems import ImportProblem


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


MAX_CELLS = 2_000_000  # far beyond any tracker; guards against a sheet formatted to row 1048576


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
    try:
        # The row number is the record's number, which is the row Excel shows when the CSV is
        # opened, even when a cell holds several lines.
        for number, row in enumerate(reader, start=1):
            table.rows.append((number, [Cell(value) for value in row]))
    except csv.Error as exc:
        problems.append(ImportProblem(path.name, f"cannot be read as CSV: {exc}",
                                      row=len(table.rows) + 1))
        return []
    _pad(table)
    return [table]


def _read_xlsx(path: Path, problems: list[ImportProblem]) -> list[Table]:
    import openpyxl  # imported here so the rest of the project does not need it to start

    with warnings.catch_warnings():
        # openpyxl warns about workbook features it ignores (data validation, slicers);
        # they do not affect the cell values we read.
        warnings.simplefilter("ignore")
        try:
            values = openpyxl.load_workbook(path, data_only=True)
            formulas = openpyxl.load_workbook(path, data_only=False)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
            problems.append(ImportProblem(path.name, f"cannot be opened as an Excel workbook "
                                                     f"({exc.__class__.__name__}); save it again "
                                                     f"from Excel as .xlsx"))
            return []
    tables = []
    for sheet in values.worksheets:
        if sheet.max_row * sheet.max_column > MAX_CELLS:
            problems.append(ImportProblem(path.name, f"has {sheet.max_row} rows and "
                                          f"{sheet.max_column} columns in use; delete the empty "
                                          f"formatted rows below the table", sheet=sheet.title))
            continue
        tables.append(_sheet_table(path.name, sheet, formulas[sheet.title], problems))
    return tables


def _sheet_table(file: str, sheet: Any, formula_sheet: Any,
                 problems: list[ImportProblem]) -> Table:
    # A cell merged down several rows (an outcome spanning its actions, one "Responsible" for
    # three actions) shows its value on each of those rows, so each row gets it. Merges across
    # columns only (a heading spanning the table) keep the value in their first cell.
    source: dict[tuple[int, int], tuple[int, int]] = {}
    for merged in sheet.merged_cells.ranges:
        if merged.max_row > merged.min_row:
            for row in range(merged.min_row + 1, merged.max_row + 1):
                source[(row, merged.min_col)] = (merged.min_row, merged.min_col)
    table = Table(sheet.title)
    for row in range(1, sheet.max_row + 1):
        cells = []
        for col in range(1, sheet.max_column + 1):
            at = source.get((row, col), (row, col))
            cell = sheet.cell(*at)
            value = cell.value
            if value is None and formula_sheet.cell(*at).data_type == "f":
                # A formula Excel never calculated (a file written by another program) has no
                # saved value; reading it as blank would drop its text without a word.
                from openpyxl.utils import get_column_letter
                problems.append(ImportProblem(file, f"cell {get_column_letter(at[1])}{at[0]} "
                                              f"holds a formula with no saved value; open the "
                                              f"file in Excel and save it", sheet=sheet.title,
                                              row=row))
            if isinstance(value, str) and not value.strip():
                value = None
            cells.append(Cell(value, _fill(cell), cell.number_format or "General"))
        table.rows.append((row, cells))
    _pad(table)
    return table


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
