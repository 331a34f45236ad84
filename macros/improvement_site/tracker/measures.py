"""`improvement-site import measures`: a scorecard (xlsx or csv) → data/measures.csv, and
the measures' definitions in it (targets, tolerance, polarity) → data/measures.yaml.

Two layouts are read, sheet by sheet (see docs/import.md):

- wide, as scorecards are printed: one row per measure, its name in the first column, one
  column per month ("Apr-23", "Apr 2023", "2023-04", or an Excel date), and perhaps a
  "Latest"/"Current" column whose date is given with --latest-date;
- long, as measures.csv itself: columns measure, period, value and optionally note.

Measure names become ids through data/measures.yaml (the name, exactly, then the id, then the
name ignoring case) or the mapping file's `measures:` section. A row with an unknown name that
defines its measure (a target, tolerance or polarity) creates it. The definition columns and
the printed RAG and DoT are read in `definitions`; measures.yaml is written in `measures_yaml`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from improvement_site.tracker import definitions as defs
from improvement_site.tracker.tables import Cell, Table, read_tables
from improvement_site.tracker.output import load_site_with, write_file
from improvement_site.tracker.importing import (ImportFailed, ImportProblem, Mapping, cell_text,
                                                format_number, heading_key, load_mapping,
                                                one_line, parse_number, site_problems)
from improvement_site.tracker.measures_yaml import (disagreements, measure_names,
                                                    merge as merge_definitions)
from improvement_site.tracker.periods import LATEST, period_of  # noqa: F401 - re-exported
from improvement_site.tracker.values_csv import csv_text, existing_rows

LONG_COLUMNS: dict[str, tuple[str, ...]] = {
    "measure": ("measure", "measure id", "measure name", "kpi", "indicator"),
    "period": ("period", "month", "date"),
    "value": ("value", "actual", "figure"),
    "note": ("note", "notes", "comment", "comments"),
}
FIELDS = (*LONG_COLUMNS, *[f for f in defs.FIELDS if f not in LONG_COLUMNS], "skip")


@dataclass(frozen=True)
class MeasuresImport:
    values: int
    measures: int
    path: Path
    text: str
    changed: bool
    created: tuple[str, ...] = ()  # measures added to measures.yaml
    updated: tuple[str, ...] = ()  # measures whose definition changed
    definitions_path: Path | None = None
    disagreements: tuple[str, ...] = ()  # printed RAG / DoT not the computed one
    notes: tuple[str, ...] = ()  # worth a look, not a problem


@dataclass
class _Row:
    measure: str
    period: str
    value: float | None
    note: str
    source: str


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
        self.def_columns: dict[int, tuple[str, str | None]] = {}
        self.definitions: list[defs.RowDefinition] = []
        self.notes: list[str] = []

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
        found, columns = {}, {}
        for i, text in enumerate(texts):
            if text and i != name_col:
                kind = defs.column_kind(text, self.mapping.columns.get(heading_key(text)))
                if isinstance(kind, tuple):
                    columns[i] = kind
                else:
                    found[i] = (None, kind) if kind else period_of(cells[i])
        if not any(p for p, _ in found.values()) and not (first and len(columns) > 1):
            return None
        # Further down a sheet, only a row of nothing but periods (and definition headings)
        # starts a new block, so a row of figures is never mistaken for headings.
        if not first and not all(p or e for p, e in found.values()):
            return None
        header: dict[int, str] = dict.fromkeys(columns, "")  # read as definitions
        self.def_columns = columns
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

    def measure_id(self, name: str, sheet: str | None, row: int, column: str,
                   d: defs.RowDefinition | None = None) -> str | None:
        key = heading_key(name)
        if d and d.given_id and d.given_id in self.names.values():
            return d.given_id
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
        if d and d.defines:
            return self.new_measure(name, d, sheet, row, column)
        self.problem(sheet, row, f'measure "{name}" is not a name or id in data/measures.yaml; '
                     f"add the measure there, or map the name to an id under measures: in the "
                     f"mapping file (skip_rows: to leave the row out)", column=column)
        return None

    def new_measure(self, name: str, d: defs.RowDefinition, sheet: str | None, row: int,
                    column: str) -> str | None:
        """A row that defines a measure measures.yaml does not have creates it."""
        measure_id, error, note = defs.new_measure_id(name, d, self.names)
        if error:
            self.problem(sheet, row, error, column=column)
            return None
        if note:
            self.notes.append(f"{self.where(sheet, row, column)}: {note}")
        self.folded.setdefault(heading_key(name), set()).add(measure_id)
        return measure_id

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
        d = self.definition(name, cells, titles, figures, sheet, row)
        measure = self.measure_id(name, sheet, row, titles[name_col] or _letter(name_col), d)
        if d and measure:
            d.measure_id = measure
            for other in self.definitions:
                if other.measure_id == measure and other.defines and d.defines:
                    self.problem(sheet, row, f"{name}: is defined again here (first at "
                                             f"{other.source}); keep one row per measure")
            self.definitions.append(d)
        for i in figures:
            value, error = parse_number(cells[i])
            if error:
                self.problem(sheet, row, f"{name}: {error}", column=titles[i])
            period = self.period(header[i], sheet, row, titles[i])
            note = self.latest_note if header[i] == LATEST else ""
            self.add(measure, period, value, note, not error, self.where(sheet, row, titles[i]))

    def definition(self, name: str, cells: list[Cell], titles: list[str], figures: list[int],
                   sheet: str | None, row: int) -> defs.RowDefinition | None:
        if not self.def_columns:
            return None
        return defs.row_definition(
            name, self.where(sheet, row, None), self.def_columns, cells, titles, figures,
            lambda message, column: self.problem(sheet, row, message, column=column))

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
    def where(sheet: str | None, row: int, column: str | None) -> str:
        prefix = f'sheet "{sheet}", ' if sheet else ""
        return f'{prefix}row {row}' + (f', column "{column}"' if column else "")


def _letter(index: int) -> str:
    """A column without a heading is named by its letter, as Excel shows it."""
    from openpyxl.utils import get_column_letter
    return get_column_letter(index + 1)


def import_measures(source: Path, site: Path = Path("."), out: Path | None = None,
                    mapping: Path | None = None, latest_date: date | None = None,
                    latest_note: str = "", merge: bool = False,
                    definitions_out: Path | None = None) -> MeasuresImport:
    """Read the scorecard and write measures.csv (default SITE/data/measures.csv), and the
    definitions it gives into measures.yaml (default SITE/data/measures.yaml). With `merge`,
    rows already in measures.csv are kept and those imported replace or follow them. Raises
    ImportFailed listing every problem; then nothing is written."""
    source, site = Path(source), Path(site)
    target = Path(out) if out is not None else site / "data" / "measures.csv"
    yaml_target = (Path(definitions_out) if definitions_out is not None
                   else site / "data" / "measures.yaml")
    problems: list[ImportProblem] = []
    allowed: dict[str, tuple[str, ...] | None] = {
        "columns": FIELDS, "measures": None, "skip_sheets": None, "skip_rows": None}
    rules = load_mapping(mapping, allowed, problems)
    names, yaml_text, yaml_raw = measure_names(site, problems)
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
    if tables and not reader.rows and not reader.definitions and not problems:
        problems.append(ImportProblem(source.name, "has no figures to import; see "
                                                   "docs/import.md for the layouts read"))
    if problems:
        raise ImportFailed(source.name, problems)

    imported = {(r.measure, r.period): [r.measure, r.period,
                                        "" if r.value is None else format_number(r.value), r.note]
                for r in reader.rows}
    rows: list[list[str]] = []
    if merge:
        for row in existing_rows(target, problems):
            key = (row[0].strip(), row[1].strip())
            rows.append(imported.pop(key, row))
        if problems:
            raise ImportFailed(source.name, problems)
    rows.extend(imported.values())
    text = csv_text(rows)
    files = {"measures.csv": text}
    defining = [d for d in reader.definitions if d.defines]
    merged = merge_definitions(yaml_text, yaml_raw, defining) if defining else None
    if merged and merged.text != (yaml_text or ""):
        files["measures.yaml"] = merged.text
    data, found = load_site_with(site, files)
    if found:
        origin = {f"measure {d.measure_id}": d.source for d in defining}
        raise ImportFailed(source.name, site_problems(source.name, found, origin))
    yaml_changed = write_file(yaml_target, files["measures.yaml"]) if "measures.yaml" in files \
        else False
    changed = write_file(target, text)
    notes = list(reader.notes)
    if merged and merged.comments_dropped:
        notes.append(f"the comments inside the rewritten records of "
                     f"{', '.join(merged.comments_dropped)} in measures.yaml were not kept")
    return MeasuresImport(
        len(reader.rows), len({r.measure for r in reader.rows}), target, text,
        changed or yaml_changed, created=tuple(merged.created if merged else ()),
        updated=tuple(merged.updated if merged else ()),
        definitions_path=yaml_target if merged else None,
        disagreements=tuple(disagreements(data, reader.definitions)), notes=tuple(notes))
