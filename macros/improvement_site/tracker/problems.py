"""An import problem names the file, sheet, row and column; the importers collect them all
and fail once, writing nothing."""

from __future__ import annotations

from dataclasses import dataclass

LISTED = 100  # problems listed at most; the rest are counted
LONGEST = 1_000  # characters of one listed problem


@dataclass(frozen=True)
class ImportProblem:
    """One cell (or row, or sheet) that cannot be imported, worded as the project does:
    `plan.xlsx: sheet "Area 1", row 14, column "Due Date": "31/02/23" is not a date ...`."""

    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    line: int | None = None  # for YAML files (the mapping file), where lines are the unit

    def __str__(self) -> str:
        head = f"{self.file}:{self.line}" if self.line else self.file
        where = []
        if self.sheet is not None:
            where.append(f'sheet "{self.sheet}"')
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f'column "{self.column}"')
        return f"{head}: {', '.join(where)}: {self.message}" if where else f"{head}: {self.message}"


class ImportFailed(Exception):
    """Raised with every problem found in one run; nothing has been written."""

    def __init__(self, source: str, problems: list[ImportProblem]):
        self.source = source
        self.problems = list(problems)  # reading order: sheet by sheet, row by row
        super().__init__(self.report())

    def report(self) -> str:
        """Every problem counted, the first LISTED listed: a broken file can have a problem in
        each of its cells, and tens of thousands of lines help no one."""
        count = len(self.problems)
        head = (f"{count} problem{'s' if count != 1 else ''} importing {self.source}; "
                f"nothing was written:")
        lines = [head, *(f"  {_shortened(str(p))}" for p in self.problems[:LISTED])]
        if count > LISTED:
            lines.append(f"  … and {count - LISTED:,} more, not listed: fix these and import "
                         f"again to see the rest")
        return "\n".join(lines)


def _shortened(line: str) -> str:
    """A problem quoting a very long cell, with the middle of the cell left out: its start says
    where the cell is, and its end what to do."""
    if len(line) <= LONGEST:
        return line
    return f"{line[:LONGEST // 2]} […{len(line) - LONGEST:,} characters left out…] " \
           f"{line[-LONGEST // 2:]}"
