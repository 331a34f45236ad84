"""`improvement-site import measures`: a scorecard (xlsx or csv) → data/measures.csv.

Two layouts are read, sheet by sheet (see docs/import.md):

- wide, as scorecards are printed: one row per measure, its name in the first column, one
  column per month ("Apr-23", "Apr 2023", "2023-04", or an Excel date), and perhaps a
  "Latest"/"Current" column whose date is given with --latest-date;
- long, as measures.csv itself: columns measure, period, value and optionally note.

Measure names become ids through data/measures.yaml (the name, exactly, then the id, then the
name ignoring case) or the mapping file's `measures:` section.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from improvement_site.tracker.tables import Cell, Table, read_tables
from improvement_site.tracker.output import check_site_with, write_file
from improvement_site.tracker.importing import (ImportFailed, ImportProblem, Mapping, cell_text, format_number,
                        heading_key, load_mapping, one_line, parse_number, site_problems,
                        uk_date)
from improvement_site.data.yamlfile import AliasError, DuplicateKeyError, parse

LONG_COLUMNS: dict[str, tuple[str, ...]] = {
    "measure": ("measure", "measure id", "measure name", "kpi", "indicator"),
    "period": ("period", "month", "date"),
    "value": ("value", "actual", "figure"),
    "note": ("note", "notes", "comment", "comments"),
}
FIELDS = (*LONG_COLUMNS, "skip")
LATEST = "latest"
_LATEST = re.compile(r"^(latest|current)\b", re.I)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")


@dataclass(frozen=True)
class MeasuresImport:
    values: int
    measures: int
    path: Path
    text: str
    changed: bool


@dataclass
class _Row:
    measure: str
    period: str
    value: float | None
    note: str
    source: str


def period_of(cell: Cell) -> tuple[str | None, str | None]:
    """A column heading or period cell → ("2023-04" | "2023-07-17" | "latest", None),
    (None, error) for a mistyped date, or (None, None) when it is not a period at all."""
    value = cell.value
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        # A period is what the cell shows: a cell formatted "Apr-23" holds 1 April 2023 but
        # means the month; one formatted with the day (17/07/2023) is a snapshot date.
        shows_day = "d" in re.sub(r"\[[^\]]*\]", "", cell.number_format.lower())
        return (value.isoformat() if shows_day else value.strftime("%Y-%m")), None
    text = one_line(cell_text(cell))
    if _LATEST.match(text):
        return LATEST, None
    if match := re.match(r"^(\d{4})-(\d{1,2})$", text):
        year, month = int(match.group(1)), int(match.group(2))
    elif match := re.match(r"^(\d{1,2})[/.](\d{4})$", text):
        month, year = int(match.group(1)), int(match.group(2))
    elif match := re.match(r"^([A-Za-z]{3,9})\.?[\s\-/']*(\d{4}|\d{2})$", text):
        word = match.group(1).lower()
        months = [i + 1 for i, name in enumerate(_MONTHS) if name.startswith(word)]
        month = 9 if word == "sept" else (months[0] if len(months) == 1 else 0)
        if not month:
            return None, None
        year = int(match.group(2)) + (2000 if len(match.group(2)) == 2 else 0)
    else:
        found, error = uk_date(text)
        return (found.isoformat() if found else None), error
    if not 1 <= month <= 12:
        return None, f'"{text}" is not a month: there is no month {month}'
    return f"{year:04d}-{month:02d}", None


def _measure_names(site: Path, problems: list[ImportProblem]) -> dict[str, Any]:
    """{name or id as written: id} from data/measures.yaml."""
    path = site / "data" / "measures.yaml"
    try:
        raw = parse(path.read_text(encoding="utf-8-sig")) if path.is_file() else None
    except (yaml.YAMLError, DuplicateKeyError, AliasError, UnicodeDecodeError):
        problems.append(ImportProblem("data/measures.yaml", "cannot be read, so measure names "
                                      "cannot be matched; run improvement-site validate"))
        return {}
    names: dict[str, Any] = {}
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            if isinstance(item.get("name"), str) and item["name"].strip():
                names.setdefault(item["name"].strip(), item["id"])
            names.setdefault(item["id"], item["id"])
    return names


class _MeasuresReader:
    def __init__(self, file: str, mapping: Mapping, names: dict[str, Any],
                 latest: date | None, latest_note: str, problems: list[ImportProblem]):
        self.file, self.mapping, self.problems = file, mapping, problems
        self.names = names
        folded: dict[str, set[str]] = {}
        for name, measure_id in names.items():
            folded.setdefault(heading_key(name), set()).add(measure_id)
        self.folded = folded
        self.latest, self.latest_note = latest, latest_note
        self.headings = {heading_key(h): f for f, hs in LONG_COLUMNS.items() for h in hs}
        self.headings.update(mapping.columns)
        self.rows: list[_Row] = []
        self.latest_reported: set[tuple[str | None, str]] = set()

    def problem(self, sheet: str | None, row: int | None, message: str,
                column: str | None = None) -> None:
        self.problems.append(ImportProblem(self.file, message, sheet=sheet, row=row,
                                           column=column))

    def read(self, table: Table) -> None:
        if table.name is not None and heading_key(table.name) in self.mapping.skip_sheets:
            return
        used = [i for _, cells in table.rows for i, c in enumerate(cells) if cell_text(c)]
        if not used:
            return
        name_col = min(used)  # the measure names are in the table's first column
        wide: dict[int, str] | None = None
        long: dict[int, str] | None = None
        titles: list[str] = []
        for number, cells in table.rows:
            texts = [cell_text(c) for c in cells]
            if not any(texts):
                continue
            if wide is None and long is None:
                long = self.long_header(texts, table.name, number)
                if long is None:
                    wide = self.wide_header(cells, texts, name_col, table.name, number, first=True)
                if long is not None or wide is not None:
                    titles = self.titles(cells, texts)
                # Text above the headings (the report's title) is not data.
                continue
            if long is not None:
                if [heading_key(t) for t in texts] != [heading_key(t) for t in titles]:
                    self.long_row(long, cells, texts, titles, table.name, number)
                continue
            again = self.wide_header(cells, texts, name_col, table.name, number, first=False)
            if again is not None:  # a second block of months further down the sheet
                wide, titles = again, self.titles(cells, texts)
                continue
            self.wide_row(wide or {}, name_col, cells, texts, titles, table.name, number)
        if wide is None and long is None:
            self.problem(table.name, None, "has no row of month headings (such as Apr-23 or "
                         "2023-04) and no measure, period, value headings; list the sheet "
                         "under skip_sheets: in the mapping file if it holds no figures")

    def titles(self, cells: list[Cell], texts: list[str]) -> list[str]:
        # A heading cell holding an Excel date is named by its period, as the reader sees it.
        return [period_of(c)[0] if isinstance(c.value, (date, datetime)) else t
                for c, t in zip(cells, texts)]

    def long_header(self, texts: list[str], sheet: str | None, row: int) -> dict[int, str] | None:
        fields = {i: self.headings.get(heading_key(t)) for i, t in enumerate(texts) if t}
        if not {"measure", "period", "value"} <= set(fields.values()):
            return None
        for i, name in fields.items():
            if name is None:
                self.problem(sheet, row, 'is not a column the import knows; the columns are '
                             'measure, period, value and note (or map it in the mapping file, '
                             '"skip" to leave it out)', column=texts[i])
        return {i: f for i, f in fields.items() if f and f != "skip"}

    def wide_header(self, cells: list[Cell], texts: list[str], name_col: int,
                    sheet: str | None, row: int, first: bool) -> dict[int, str] | None:
        found = {i: period_of(cells[i]) for i, t in enumerate(texts) if t and i != name_col}
        if not any(p or e for p, e in found.values()):
            return None
        # Further down a sheet, only a row of nothing but periods starts a new block, so a
        # row of figures is never mistaken for headings.
        if not first and not all(p or e for p, e in found.values()):
            return None
        header: dict[int, str] = {}
        seen: dict[str, str] = {}
        for i, (period, error) in found.items():
            if self.mapping.columns.get(heading_key(texts[i])) == "skip":
                continue
            header[i] = ""  # a column reported here; its cells are not read (or reported)
            if error:
                self.problem(sheet, row, error, column=texts[i])
            elif period is None:
                self.problem(sheet, row, "is not a month heading; write months as Apr-23, "
                             "April 2023 or 2023-04, a snapshot date as 17/07/2023, or Latest; "
                             'or map the column to "skip" in the mapping file', column=texts[i])
            elif period in seen:
                self.problem(sheet, row, f'is the same period as column "{seen[period]}"; keep '
                             f"one", column=texts[i])
            else:
                seen[period] = texts[i]
                header[i] = period
        return header

    def measure_id(self, name: str, sheet: str | None, row: int, column: str) -> str | None:
        key = heading_key(name)
        if key in self.mapping.measures:
            return self.mapping.measures[key]
        if name in self.names:
            return str(self.names[name])
        ids = self.folded.get(key, set())
        if len(ids) == 1:
            return next(iter(ids))
        if ids:
            self.problem(sheet, row, f'"{name}" matches the names of {", ".join(sorted(ids))} '
                         f"when case is ignored; name the one meant under measures: in the "
                         f"mapping file", column=column)
            return None
        self.problem(sheet, row, f'measure "{name}" is not a name or id in data/measures.yaml; '
                     f"add the measure there, or map the name to an id under measures: in the "
                     f"mapping file (skip_rows: to leave the row out)", column=column)
        return None

    def period(self, period: str, sheet: str | None, row: int, column: str) -> str | None:
        if period != LATEST:
            return period
        if self.latest is None:
            if (sheet, column) not in self.latest_reported:
                self.latest_reported.add((sheet, column))
                self.problem(sheet, row, f'"{column}" needs the date its figures are for; run '
                             f"again with --latest-date YYYY-MM-DD (the day the data was "
                             f"refreshed)", column=column)
            return None
        return self.latest.isoformat()

    def add(self, measure: str | None, period: str | None, value: float | None, note: str,
            ok: bool, source: str) -> None:
        if ok and measure and period:
            self.rows.append(_Row(measure, period, value, note, source))

    def wide_row(self, header: dict[int, str], name_col: int, cells: list[Cell],
                 texts: list[str], titles: list[str], sheet: str | None, row: int) -> None:
        name = one_line(texts[name_col])
        if name and heading_key(name) in self.mapping.skip_rows:
            return
        for i, text in enumerate(texts):
            if text and i != name_col and i not in header and \
                    self.mapping.columns.get(heading_key(titles[i])) != "skip":
                self.problem(sheet, row, f'"{one_line(text)}" is in a column without a month '
                             f"heading; give the column one, or clear the cell",
                             column=titles[i] or _letter(i))
        figures = [i for i, period in header.items() if period and texts[i]]
        if not name:
            if figures:
                self.problem(sheet, row, "has figures but no measure name in its first column")
            return
        measure = self.measure_id(name, sheet, row, titles[name_col] or _letter(name_col))
        for i in figures:
            value, error = parse_number(cells[i])
            if error:
                self.problem(sheet, row, f"{name}: {error}", column=titles[i])
            period = self.period(header[i], sheet, row, titles[i])
            note = self.latest_note if header[i] == LATEST else ""
            self.add(measure, period, value, note, not error, self.where(sheet, row, titles[i]))

    def long_row(self, header: dict[int, str], cells: list[Cell], texts: list[str],
                 titles: list[str], sheet: str | None, row: int) -> None:
        column = {f: i for i, f in header.items()}
        name = one_line(texts[column["measure"]])
        if name and heading_key(name) in self.mapping.skip_rows:
            return
        if not name:
            self.problem(sheet, row, "is empty; every row needs its measure",
                         column=titles[column["measure"]])
            return
        measure = self.measure_id(name, sheet, row, titles[column["measure"]])
        period_title = titles[column["period"]]
        period, error = period_of(cells[column["period"]])
        if error or period is None:
            shown = one_line(texts[column["period"]])
            self.problem(sheet, row, error or (f'"{shown}" is not a period; write a month as '
                                               f"2023-04 or Apr-23, or a date as 17/07/2023"
                                               if shown else "is empty; every row needs its "
                                                             "period"), column=period_title)
        else:
            period = self.period(period, sheet, row, period_title)
        value, value_error = parse_number(cells[column["value"]])
        if value_error:
            self.problem(sheet, row, value_error, column=titles[column["value"]])
        note = one_line(texts[column["note"]]) if "note" in column else ""
        self.add(measure, period, value, note, not (error or value_error),
                 self.where(sheet, row, period_title))

    @staticmethod
    def where(sheet: str | None, row: int, column: str) -> str:
        prefix = f'sheet "{sheet}", ' if sheet else ""
        return f'{prefix}row {row}, column "{column}"'


def _letter(index: int) -> str:
    """A column without a heading is named by its letter, as Excel shows it."""
    from openpyxl.utils import get_column_letter
    return get_column_letter(index + 1)


def _existing_rows(path: Path, problems: list[ImportProblem]) -> list[list[str]]:
    """The rows of the measures.csv being merged into (for --merge)."""
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
    writer.writerow(["measure", "period", "value", "note"])
    writer.writerows(rows)
    return out.getvalue()


def import_measures(source: Path, site: Path = Path("."), out: Path | None = None,
                    mapping: Path | None = None, latest_date: date | None = None,
                    latest_note: str = "", merge: bool = False) -> MeasuresImport:
    """Read the scorecard and write measures.csv (default SITE/data/measures.csv). With
    `merge`, rows already in the file are kept and those imported replace or follow them.
    Raises ImportFailed listing every problem; then nothing is written."""
    source, site = Path(source), Path(site)
    target = Path(out) if out is not None else site / "data" / "measures.csv"
    problems: list[ImportProblem] = []
    allowed: dict[str, tuple[str, ...] | None] = {
        "columns": FIELDS, "measures": None, "skip_sheets": None, "skip_rows": None}
    rules = load_mapping(mapping, allowed, problems)
    names = _measure_names(site, problems)
    tables = read_tables(source, problems) if not problems else []
    reader = _MeasuresReader(source.name, rules, names, latest_date, latest_note, problems)
    for table in tables:
        reader.read(table)
    first: dict[tuple[str, str], str] = {}
    for row in reader.rows:
        key = (row.measure, row.period)
        if key in first:
            problems.append(ImportProblem(source.name, f"{row.source}: {row.measure} for "
                                          f"{row.period} is also given at {first[key]}; keep one"))
        first.setdefault(key, row.source)
    if tables and not reader.rows and not problems:
        problems.append(ImportProblem(source.name, "has no figures to import; see "
                                                   "docs/import.md for the layouts read"))
    if problems:
        raise ImportFailed(source.name, problems)

    imported = {(r.measure, r.period): [r.measure, r.period,
                                        "" if r.value is None else format_number(r.value), r.note]
                for r in reader.rows}
    rows: list[list[str]] = []
    if merge:
        for row in _existing_rows(target, problems):
            key = (row[0].strip(), row[1].strip())
            rows.append(imported.pop(key, row))
        if problems:
            raise ImportFailed(source.name, problems)
    rows.extend(imported.values())
    text = csv_text(rows)
    found = check_site_with(site, {"measures.csv": text})
    if found:
        raise ImportFailed(source.name, site_problems(source.name, found))
    changed = write_file(target, text)
    return MeasuresImport(len(reader.rows), len({r.measure for r in reader.rows}), target,
                          text, changed)
