"""The limits of a table the import reads, a sheet of a workbook or a CSV file: far above any
real plan or scorecard (a plan has hundreds of rows, a scorecard a few hundred columns at most),
they keep a small file from asking for gigabytes or minutes. docs/import.md lists them; the
limits of a workbook's zip are in tracker.workbook_check."""

from __future__ import annotations

MAX_ROWS = 100_000  # rows with cells in one sheet
MAX_COLUMNS = 1_000  # column ALL
MAX_CELLS = 2_000_000  # rows x columns in use in one sheet, and the cells merged in it
MAX_CELL_TEXT = 32_767  # characters in one cell: Excel's own limit
# Characters of text in all the cells of a workbook (or a CSV file), a shared text counted once
# for each cell that uses it: reading takes about a second for each 20 million.
MAX_CELLS_TEXT = 20_000_000
MAX_CSV_BYTES = 100 * 2**20  # a CSV file, read whole


def size_passed(rows: int, columns: int) -> str | None:
    """Why a table of this many rows and columns is refused, or None (a sheet, or a CSV file)."""
    if rows > MAX_ROWS:
        return (f"has cells down to row {rows:,} or further; the import reads at most "
                f"{MAX_ROWS:,} rows a sheet: delete the empty formatted rows below the table")
    if columns > MAX_COLUMNS:
        from openpyxl.utils.cell import get_column_letter  # loaded by a refusal only
        return (f"has cells as far as column {get_column_letter(columns)}; the import reads at "
                f"most {MAX_COLUMNS:,} columns a sheet (to column "
                f"{get_column_letter(MAX_COLUMNS)}): delete the empty formatted columns to the "
                f"right of the table")
    if rows * columns > MAX_CELLS:
        return (f"has {rows:,} rows and {columns:,} columns in use, more than the "
                f"{MAX_CELLS:,} cells the import reads a sheet; delete the empty formatted rows "
                f"below the table")
    return None


def text_passed(where: str) -> str:
    """Why the text in a file's cells, counted up to `where`, is refused."""
    return (f"the cells up to {where} hold more than {MAX_CELLS_TEXT:,} characters of text (a "
            f"text in many cells counts once for each); the import reads at most that many in "
            f"a file: check that this is the right file")
