"""measures.csv as the measures import writes it, and the rows of one it merges into."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from improvement_site.data.reader import CSV_COLUMNS
from improvement_site.data.sitefiles import refusal
from improvement_site.tracker.problems import ImportProblem


def existing_rows(path: Path, problems: list[ImportProblem]) -> list[list[str]]:
    """The rows of the measures.csv being merged into (for --merge)."""
    said = refusal(path, path.parent)  # a link is never followed, so never merged and written
    if said:
        problems.append(ImportProblem(path.name, said))
        return []
    if not path.is_file():
        return []
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    if not rows or [h.strip() for h in rows[0]][:3] != ["measure", "period", "value"]:
        problems.append(ImportProblem(path.name, "cannot be merged into: its first row is not "
                                                 "measure,period,value,note"))
        return []
    return [(row + ["", "", "", ""])[:4] for row in rows[1:] if any(c.strip() for c in row)]


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()
