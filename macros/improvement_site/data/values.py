"""data/measures.csv: the values in long format, one problem per bad cell with its line."""

from __future__ import annotations

import csv
import io

from improvement_site.model import schema
from improvement_site.data.problems import describe, did_you_mean, pydantic_message
from improvement_site.data.reader import CSV_COLUMNS, PERIOD, Reader
from improvement_site.model.fields import (MAX_VALUE_ROWS, MAX_VALUES_PER_MEASURE, PERIOD_EXAMPLE,
                                           digits_problem)

def read_values(reader: Reader, known_measures: set[str]) -> list[schema.Value]:
    path = reader.data_dir / "measures.csv"
    if not path.is_file():
        return []
    text = reader.read_text(path)
    if text is None:
        return []
    rows = csv.reader(io.StringIO(text))
    try:
        header = next(rows)
    except StopIteration:
        reader.problem(path, 1, "", "is empty; it needs the header row measure,period,value,note")
        return []
    except csv.Error as exc:
        reader.problem(path, 1, "", f"cannot be read as CSV: {exc}")
        return []
    header = [h.strip() for h in header]
    required = CSV_COLUMNS[:3]
    if header[:3] != list(required) or any(h not in CSV_COLUMNS for h in header):
        reader.problem(path, 1, "", f"header {','.join(header)!r} is not allowed; the columns "
                       f"are measure,period,value and optionally note, in that order")
        return []
    values: list[schema.Value] = []
    seen: dict[tuple[str, str], int] = {}
    rel_path = reader.rel(path)
    line = 1
    # Counted before a row's cells are checked, so 850,000 rows are refused in the time it
    # takes to read them (fields.MAX_VALUE_ROWS).
    rows_read, per_measure = 0, {}
    try:
        for row in rows:
            line = rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            rows_read += 1
            if rows_read > MAX_VALUE_ROWS:
                reader.problem(path, line, "", f"has more than {MAX_VALUE_ROWS:,} rows; "
                               f"measures.csv may hold at most {MAX_VALUE_ROWS:,} values, so "
                               f"this is probably not the file you meant")
                break
            if _too_many(reader, path, line, row[0].strip(), per_measure):
                continue
            if len(row) > len(header):
                reader.problem(path, line, "", f"has {len(row)} cells but the header has "
                               f"{len(header)}; quote text containing commas")
                continue
            ok = True
            raw_cells = dict(zip(header, row))
            cells = {column: cell.strip() for column, cell in raw_cells.items()}
            measure, period = cells.get("measure", ""), cells.get("period", "")
            record = f"measure {short(measure) or '(blank)'}"
            for column, cell in raw_cells.items():
                problem = schema.character_problem(cell)
                if problem:
                    reader.problem(path, line, record, f"{column} {problem}")
                    ok = False
            if not ok:
                continue
            if measure not in known_measures:
                reader.problem(path, line, record, f"measure {describe(measure)} is not an id in "
                               f"data/measures.yaml{did_you_mean(measure, known_measures)}")
                ok = False
            other_digits = digits_problem(period, "a period", PERIOD_EXAMPLE)
            if other_digits:
                reader.problem(path, line, record, f"period {other_digits}")
                ok = False
            elif not PERIOD.match(period):
                reader.problem(path, line, record, f"period {describe(period)} is not YYYY-MM "
                               f"(a month) or YYYY-MM-DD (a snapshot date)")
                ok = False
            elif schema.date_problem(period):
                reader.problem(path, line, record, f"period {schema.date_problem(period)}")
                ok = False
            raw_value = cells.get("value", "")
            number = None
            if raw_value:
                number, problem = _number(raw_value)
                if problem:
                    reader.problem(path, line, record, f"value {describe(raw_value)} {problem}")
                    ok = False
            note = cells.get("note") or None
            if note and len(note) > schema.TEXT.limit:
                reader.problem(path, line, record, pydantic_message({
                    "type": "string_too_long", "loc": ("note",), "input": note,
                    "ctx": {"max_length": schema.TEXT.limit}}))
                ok = False
            if ok and (measure, period) in seen:
                reader.problem(path, line, record, f"period {period} is given twice (also at "
                               f"line {seen[(measure, period)]}); keep one row")
                ok = False
            if ok:
                seen[(measure, period)] = line
                # Every cell was checked above; skipping pydantic's own pass matters with tens
                # of thousands of rows.
                value = schema.Value.model_construct(measure=measure, period=period,
                                                     value=number, note=note)
                value._where = (rel_path, line)
                values.append(value)
    except csv.Error as exc:
        reader.problem(path, line + 1, "", f"cannot be read as CSV: {exc}")
    return values


def _too_many(reader: Reader, path, line: int, measure: str, per_measure: dict) -> bool:
    """Count a row of `measure`; past the limit, say so once and skip the rest of its rows."""
    count = per_measure[measure] = per_measure.get(measure, 0) + 1
    if count == MAX_VALUES_PER_MEASURE + 1:
        reader.problem(path, line, f"measure {short(measure) or '(blank)'}", f"has more than "
                       f"{MAX_VALUES_PER_MEASURE:,} values; a measure may have at most "
                       f"{MAX_VALUES_PER_MEASURE:,} (80 years of months), so keep the ones the "
                       f"site should show")
    return count > MAX_VALUES_PER_MEASURE


def short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(text: str) -> tuple[float | None, str | None]:
    """A value cell as a number, or what is wrong with it. The range is the schema's rule for
    every number (schema.number_problem)."""
    cleaned = text.replace(",", "").strip()
    if cleaned.endswith("%"):  # a percentage typed with its sign means the same number
        cleaned = cleaned[:-1]
    not_a_number = 'is not a number; leave it empty for "not available" (put words in note)'
    if digits_problem(cleaned, "", ""):  # float() would read ٩٠ or ９０ as 90
        return None, "has a digit other than 0-9; write numbers with the digits 0-9, such as 90"
    try:
        value = float(cleaned)
    except ValueError:
        return None, not_a_number
    problem = schema.number_problem(value)
    if problem == "is too large" or (problem == "is infinite" and any(
            c.isdigit() for c in cleaned)):  # digits too many for a float: not "inf" written
        return None, f"is too large; {schema.NUMBER_ADVICE}"
    if problem:
        return None, not_a_number
    return value, None
