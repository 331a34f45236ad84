"""Load a site's `data/` folder into the validated model, or report every problem at once.

Files → parsed with lines (yamlfile) → validated per record (schema) → checked across files
(checks) → a frozen SiteData. Nothing here knows about pages or charts.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from . import schema
from .checks import Salvage, check_site, salvage
from .glossary import merged_glossary
from .model import SiteData
from .problems import DataError, Problem, describe, did_you_mean, pydantic_message
from .yamlfile import AliasError, DuplicateKeyError, LineDict, LineList, line_of, parse

# A data file larger than this is almost certainly a mistake (a pasted export, a binary);
# reading it would only produce a slow, confusing failure.
MAX_FILE_BYTES = 20 * 1024 * 1024

CSV_COLUMNS = ("measure", "period", "value", "note")
_PERIOD = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
# A file full of control characters is reported with a few of them, not thousands of lines.
MAX_CHARACTER_PROBLEMS = 5


class _Reader:
    """Collects problems while reading one site's data folder."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.site_dir = data_dir.parent
        self.problems: list[Problem] = []
        # Ids written in the files, valid or not: a reference to a record that failed its own
        # validation is not reported again as dangling.
        self.written_ids: dict[str, set[str]] = {"area": set(), "measure": set(), "visit": set()}
        # Ids and references of records that failed validation, for the cross-file checks.
        self.salvaged = Salvage()

    def salvage(self, kind: str, raw: Any, path: Path) -> None:
        self.salvaged.extend(salvage(kind, raw, self.rel(path)))

    def note_ids(self, kind: str, raw: Any, text: str | None = None) -> None:
        items = raw if isinstance(raw, list) else [raw]
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                self.written_ids[kind].add(item["id"])
        if raw is None and text:  # unreadable YAML: find the ids as text
            self.written_ids[kind].update(re.findall(r"^(?:- )?\s*id:\s*([a-z0-9-]+)\s*$",
                                                     text, re.M))

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.site_dir).as_posix()
        except ValueError:
            return path.as_posix()

    def problem(self, path: Path | str, line: int, record: str, message: str) -> None:
        name = path if isinstance(path, str) else self.rel(path)
        self.problems.append(Problem(name, line, record, message))

    # -- raw text ------------------------------------------------------------------------

    def read_text(self, path: Path) -> str | None:
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                self.problem(path, 0, "", f"the file is {size // (1024 * 1024)} MB; data files "
                             f"are limited to {MAX_FILE_BYTES // (1024 * 1024)} MB, so this is "
                             f"probably not the file you meant")
                return None
            raw = path.read_bytes()
        except OSError as exc:
            self.problem(path, 0, "", f"cannot be read: {exc.strerror}")
            return None
        try:
            # utf-8-sig: Excel and Notepad put a byte-order mark at the start; it is harmless.
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.problem(path, line, "", f"is not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                         f"save the file as UTF-8")
            return None
        if "\x00" in text:
            self.problem(path, text[: text.index("\x00")].count("\n") + 1, "",
                         "contains a NUL character; this is not a text file")
            return None
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def read_yaml(self, path: Path, kind: str | None = None) -> Any:
        text = self.read_text(path)
        if text is None:
            if kind and path.is_file():  # still learn its ids, so references are not blamed
                self.note_ids(kind, None, path.read_bytes()[:MAX_FILE_BYTES].decode(
                    "utf-8", errors="replace"))
            return None
        if not text.strip() or all(not line.strip() or line.lstrip().startswith("#")
                                   for line in text.splitlines()):
            self.problem(path, 0, "", "is empty; fill it in (see docs/data-contract.md) or "
                         "delete the file")
            return None
        text = self.refuse_characters(path, text)
        try:
            raw = parse(text)
            if kind:
                self.note_ids(kind, raw)
            return raw
        except DuplicateKeyError as exc:
            self.problem(path, exc.line, "", str(exc) + "; keep one of them")
        except AliasError as exc:
            self.problem(path, exc.line, "", str(exc))
        except RecursionError:
            self.problem(path, 0, "", "is nested too deeply to be data; check the brackets")
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 0
            what = exc.problem or exc.context or "it cannot be read"
            self.problem(path, line, "", f"YAML syntax: {what}; check the indentation, colons "
                         f"and quotes on this line and the one before")
        except yaml.reader.ReaderError as exc:
            line = text[: exc.position].count("\n") + 1
            char = exc.character
            code = ord(char) if isinstance(char, str) else int(char)
            self.problem(path, line, "", f"contains a control character (U+{code:04X}) that "
                         f"a text file cannot hold; delete it")
        except yaml.YAMLError as exc:
            self.problem(path, 0, "", "YAML syntax: " + " ".join(str(exc).split()))
        if kind:
            self.note_ids(kind, None, text)
        return None

    def refuse_characters(self, path: Path, text: str) -> str:
        """Report every control character written in the file itself, and go on reading with
        each replaced by U+FFFD (one character for one, so lines and positions stay), so the
        file's other problems are found in the same run."""
        found = list(schema.FORBIDDEN_CHARACTERS.finditer(text))
        for match in found[:MAX_CHARACTER_PROBLEMS]:
            start = match.start()
            line = text.count("\n", 0, start) + 1
            column = start - (text.rfind("\n", 0, start) + 1) + 1
            self.problem(path, line, "", f"contains a control character "
                         f"(U+{ord(match.group()):04X}) at column {column} that a text file "
                         f"cannot hold; delete it")
        if len(found) > MAX_CHARACTER_PROBLEMS:
            self.problem(path, 0, "", f"contains {len(found) - MAX_CHARACTER_PROBLEMS:,} more "
                         f"control characters; delete them")
        return schema.FORBIDDEN_CHARACTERS.sub("\ufffd", text) if found else text

    # -- records -------------------------------------------------------------------------

    def validate(self, model: type[schema.Record], raw: Any, path: Path, record: str,
                 namer=None) -> Any:
        """Validate one record; on failure report each error with its line and return None.

        `namer(loc)` may name a nested record (an action inside an area) from an error's loc
        and return (record name, loc relative to it).
        """
        if not isinstance(raw, dict):
            self.problem(path, getattr(raw, "line", 0), record,
                         f"should be a set of fields (a mapping), found {describe(raw)}")
            return None
        try:
            obj = model.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(error["loc"])
                name, rel_loc, allowed = record, loc, list(model.model_fields)
                if namer:
                    name, rel_loc, allowed = namer(loc)
                error = {**error, "loc": rel_loc}
                self.problem(path, line_of(raw, loc), name, pydantic_message(error, allowed))
            return None
        _attach(obj, raw, self.rel(path))
        return obj


def _attach(obj: schema.Record, raw: Any, rel_path: str) -> None:
    """Give a validated record (and its nested records) their file and lines."""
    if isinstance(raw, LineDict):
        obj._where = (rel_path, raw.line)
        obj._lines = dict(raw.lines)
    for name, value in obj:
        sub = raw.get(name) if isinstance(raw, dict) else None
        if isinstance(value, schema.Record):
            _attach(value, sub, rel_path)
        elif isinstance(value, list) and isinstance(sub, list):
            for item, sub_raw in zip(value, sub):
                if isinstance(item, schema.Record):
                    _attach(item, sub_raw, rel_path)


def _id_of(raw: Any, kind: str, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return f"{kind} {raw['id']}"
    return f"{kind} {index + 1}"


def _read_site(reader: _Reader) -> schema.Site | None:
    path = reader.data_dir / "site.yaml"
    if not path.is_file():
        reader.problem(path, 0, "", "is missing; every site needs data/site.yaml with at least "
                       "council, service, title and reporting_date")
        return None
    raw = reader.read_yaml(path)
    if raw is None:
        return None
    site = reader.validate(schema.Site, raw, path, "site")
    if site is None:
        reader.salvage("site", raw, path)
    return site


def _read_area(reader: _Reader, path: Path) -> schema.Area | None:
    raw = reader.read_yaml(path, "area")
    if raw is None:
        return None
    area_name = _id_of(raw, "area", 0) if isinstance(raw, dict) else "area"
    if isinstance(raw, dict) and "id" not in raw:
        area_name = f"area in {path.name}"

    def namer(loc: tuple):
        # ('outcomes', i, 'actions', j, field...) belongs to an action, named by its id.
        if len(loc) >= 5 and loc[0] == "outcomes" and loc[2] == "actions":
            try:
                action_raw = raw["outcomes"][loc[1]]["actions"][loc[3]]
            except (KeyError, IndexError, TypeError):
                action_raw = None
            name = _id_of(action_raw, "action", loc[3])
            return name, loc[4:], list(schema.Action.model_fields)
        if len(loc) >= 3 and loc[0] == "outcomes":
            return area_name, loc, list(schema.Outcome.model_fields)
        return area_name, loc, list(schema.Area.model_fields)

    area = reader.validate(schema.Area, raw, path, area_name, namer)
    if area is None:
        reader.salvage("area", raw, path)
    return area


def _read_list(reader: _Reader, name: str, model: type[schema.Record], kind: str,
               required: bool = False) -> list:
    path = reader.data_dir / name
    if not path.is_file():
        if required:
            reader.problem(path, 0, "", "is missing")
        return []
    raw = reader.read_yaml(path, kind if kind in reader.written_ids else None)
    if raw is None:
        return []
    if not isinstance(raw, list):
        reader.problem(path, getattr(raw, "line", 1), "",
                       f"should be a list of {kind} records (each starting with '- '), "
                       f"found {describe(raw)}")
        return []
    out = []
    for index, item in enumerate(raw):
        record = (f"commentary {index + 1}" if kind == "commentary"
                  else _id_of(item, kind, index))
        if kind == "commentary" and isinstance(item, dict):
            record = f"commentary for {item.get('measure', '?')} {item.get('period', '?')}"
        obj = reader.validate(model, item, path, record)
        if obj is not None:
            out.append(obj)
        else:
            reader.salvage(kind, item, path)
    return out


def _read_values(reader: _Reader, known_measures: set[str]) -> list[schema.Value]:
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
    try:
        for row in rows:
            line = rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                reader.problem(path, line, "", f"has {len(row)} cells but the header has "
                               f"{len(header)}; quote text containing commas")
                continue
            ok = True
            raw_cells = dict(zip(header, row))
            cells = {column: cell.strip() for column, cell in raw_cells.items()}
            measure, period = cells.get("measure", ""), cells.get("period", "")
            record = f"measure {_short(measure) or '(blank)'}"
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
            if not _PERIOD.match(period):
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


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(text: str) -> tuple[float | None, str | None]:
    """A value cell as a number, or what is wrong with it. The range is the schema's rule for
    every number (schema.number_problem)."""
    cleaned = text.replace(",", "").strip()
    if cleaned.endswith("%"):  # a percentage typed with its sign means the same number
        cleaned = cleaned[:-1]
    not_a_number = 'is not a number; leave it empty for "not available" (put words in note)'
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


def _read_glossary(reader: _Reader) -> dict[str, str]:
    path = reader.data_dir / "glossary.yaml"
    if not path.is_file():
        return {}
    raw = reader.read_yaml(path)
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        reader.problem(path, getattr(raw, "line", 1), "", "should be a mapping of term: meaning, "
                       f"e.g. 'MASH: Multi-Agency Safeguarding Hub', found {describe(raw)}")
        return {}
    out = {}
    for key, value in raw.items():
        line = raw.lines.get(key, 0)
        name = f"glossary entry {_short(str(key))}"
        if not isinstance(value, str) or not value.strip():
            reader.problem(path, line, name, f"meaning should be text, found {describe(value)}")
            continue
        ok = True
        for what, adapter, item in (("term", _TERM, str(key)), ("meaning", _MEANING, value)):
            try:
                adapter.validate_python(item)
            except ValidationError as exc:
                for error in exc.errors():
                    reader.problem(path, line, name, pydantic_message({**error, "loc": (what,)}))
                ok = False
        if ok:
            out[str(key)] = value.strip()
    return out


_TERM = TypeAdapter(schema.Name)
_MEANING = TypeAdapter(schema.Text)


# Files already read and validated, by path, modification time and size: `serve` reloads the
# data after every edit, and an edit touches one file, so the others are not parsed and
# validated again. Records are frozen, so sharing them between loads is safe.
_read_cache: dict[str, tuple[tuple, Any, list[Problem], dict[str, set[str]], Salvage]] = {}


def _cached(reader: _Reader, path: Path, extra: Any, read):
    """`read()`, or what it gave last time for this unchanged file (problems, ids and the
    salvaged ids and references too)."""
    try:
        stat = path.stat()
    except OSError:
        return read()
    stamp = (stat.st_mtime_ns, stat.st_size, extra)
    hit = _read_cache.get(str(path))
    if hit and hit[0] == stamp:
        _, result, problems, ids, salvaged = hit
        reader.problems.extend(problems)
        for kind, found in ids.items():
            reader.written_ids[kind] |= found
        reader.salvaged.extend(salvaged)
        return result
    count = len(reader.problems)
    before = {kind: set(found) for kind, found in reader.written_ids.items()}
    mark = reader.salvaged
    counts = (len(mark.ids), len(mark.refs), len(mark.numbers))
    result = read()
    ids = {kind: found - before[kind] for kind, found in reader.written_ids.items()}
    salvaged = Salvage(mark.ids[counts[0]:], mark.refs[counts[1]:], mark.numbers[counts[2]:])
    _read_cache[str(path)] = (stamp, result, reader.problems[count:], ids, salvaged)
    return result


def load_site(data_dir: Path | str) -> SiteData:
    """Read and validate a data folder. Raises DataError listing every problem found."""
    data_dir = Path(data_dir).resolve()
    reader = _Reader(data_dir)
    if not data_dir.is_dir():
        raise DataError([Problem(str(data_dir), 0, "", "is not a folder; a site needs data/ "
                                 "with site.yaml in it")])
    site = _read_site(reader)
    areas = []
    plan_dir = data_dir / "plan"
    for path in sorted(plan_dir.glob("*.yaml")) + sorted(plan_dir.glob("*.yml")):
        area = _cached(reader, path, None, lambda: _read_area(reader, path))
        if area is not None:
            areas.append(area)
    measures = _cached(reader, data_dir / "measures.yaml", None, lambda: _read_list(
        reader, "measures.yaml", schema.Measure, "measure"))
    known = frozenset(reader.written_ids["measure"])
    values = _cached(reader, data_dir / "measures.csv", known,
                     lambda: _read_values(reader, known))
    commentary = _cached(reader, data_dir / "commentary.yaml", None, lambda: _read_list(
        reader, "commentary.yaml", schema.Commentary, "commentary"))
    visits = _cached(reader, data_dir / "visits.yaml", None, lambda: _read_list(
        reader, "visits.yaml", schema.Visit, "visit"))
    glossary = _read_glossary(reader)

    if site is None and not reader.problems:
        reader.problem("data/site.yaml", 0, "", "could not be read")
    # The cross-file checks run even when site.yaml failed (the model is then only theirs to
    # see), so a duplicate id elsewhere is reported in the same run.
    data = SiteData.create(
        root=data_dir.parent, site=site, areas=areas, measures=measures, values=values,
        commentary=commentary, visits=visits, glossary=merged_glossary(glossary),
    )
    reader.problems.extend(check_site(data, reader.written_ids, reader.salvaged))
    if reader.problems or site is None:
        raise DataError(reader.problems)
    return data

