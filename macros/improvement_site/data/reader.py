"""Reading one data file: its text (size, encoding, characters refused), its YAML with lines,
and each record validated against the schema with every problem noted, file and line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from improvement_site.model import schema
from improvement_site.model.fields import MAX_RECORDS_PER_FILE
from improvement_site.data.checks import Salvage, salvage
from improvement_site.data.problems import Problem, describe, field_path, pydantic_message
from improvement_site.data.sitefiles import read_bytes, refusal, site_rel
from improvement_site.data.yamlfile import (AliasError, DuplicateKeyError, LineDict, NumberFormError,
                                             line_of, parse)

# A data file larger than this is almost certainly a mistake (a pasted export, a binary);
# reading it would only produce a slow, confusing failure.
MAX_FILE_BYTES = 20 * 1024 * 1024

CSV_COLUMNS = ("measure", "period", "value", "note")
PERIOD = re.compile(r"^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$")  # not \d: only the digits 0-9
# A file full of control characters is reported with a few of them, not thousands of lines.
MAX_CHARACTER_PROBLEMS = 5


class Reader:
    """Collects problems while reading one site's data folder."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.site_dir = data_dir.parent
        self.problems: list[Problem] = []
        # Ids written in the files, valid or not: a reference to a record that failed its own
        # validation is not reported again as dangling.
        self.written_ids: dict[str, set[str]] = {"area": set(), "measure": set(), "visit": set(),
                                                 "breakdown": set(), "provider": set()}
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
        return site_rel(path, self.site_dir)

    def problem(self, path: Path | str, line: int, record: str, message: str) -> None:
        name = path if isinstance(path, str) else self.rel(path)
        self.problems.append(Problem(name, line, record, message))

    # -- raw text ------------------------------------------------------------------------

    def read_text(self, path: Path) -> str | None:
        raw = read_bytes(path, self.site_dir, MAX_FILE_BYTES)
        if isinstance(raw, str):  # a link, a special file: refused, never read or quoted
            self.problem(path, 0, "", raw)
            return None
        if len(raw) > MAX_FILE_BYTES:
            size = path.stat().st_size
            self.problem(path, 0, "", f"the file is {size // (1024 * 1024)} MB; data files "
                         f"are limited to {MAX_FILE_BYTES // (1024 * 1024)} MB, so this is "
                         f"probably not the file you meant")
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
            # Still learn its ids, so references are not blamed; never from a refused file.
            if kind and path.is_file() and refusal(path, self.site_dir) is None:
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
            glossary = path.name == "glossary.yaml"
            if _records(raw, glossary) > MAX_RECORDS_PER_FILE:
                what = "terms" if glossary else "records"
                self.problem(path, 0, "", f"holds more than {MAX_RECORDS_PER_FILE:,} {what}; "
                             f"a data file may hold at most {MAX_RECORDS_PER_FILE:,}, so this is "
                             f"probably not the file you meant")
                return None
            return raw
        except DuplicateKeyError as exc:
            self.problem(path, exc.line, "", str(exc) + "; keep one of them")
        except AliasError as exc:
            self.problem(path, exc.line, "", str(exc))
        except NumberFormError as exc:  # every one in the file, each with its field
            for line, loc, message in exc.found:
                field = field_path(loc[1:] if loc and isinstance(loc[0], int) else loc)
                self.problem(path, line, "", f"{field} {message}" if field else message)
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
                name, rel_loc, allowed = record, loc, allowed_fields(model, loc)
                if namer:
                    name, rel_loc, allowed = namer(loc)
                error = {**error, "loc": rel_loc}
                self.problem(path, line_of(raw, loc), name, pydantic_message(error, allowed))
            return None
        attach(obj, raw, self.rel(path))
        return obj


def _records(raw: Any, glossary: bool) -> int:
    """The records (sets of fields) in a parsed file, or the terms of the glossary: counted
    before any is validated, so a file of a million is refused before the work."""
    if glossary and isinstance(raw, dict):
        return len(raw)
    count, todo = 0, [raw]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            count += 1
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return count


def allowed_fields(model: type[schema.Record], loc: tuple) -> list[str]:
    """The fields of the record an error's loc ends in (a category inside a breakdown, a
    baseline inside a measure), for "allowed fields are ..."."""
    for step in loc[:-1]:
        if isinstance(step, int):
            continue
        info = model.model_fields.get(step)
        inner = _record_type(info.annotation) if info else None
        if inner is None:
            break
        model = inner
    return list(model.model_fields)


def _record_type(annotation: Any) -> type[schema.Record] | None:
    import typing
    if isinstance(annotation, type) and issubclass(annotation, schema.Record):
        return annotation
    for arg in typing.get_args(annotation):
        found = _record_type(arg)
        if found is not None:
            return found
    return None


def attach(obj: schema.Record, raw: Any, rel_path: str) -> None:
    """Give a validated record (and its nested records) their file and lines."""
    if isinstance(raw, LineDict):
        obj._where = (rel_path, raw.line)
        obj._lines = dict(raw.lines)
    for name, value in obj:
        sub = raw.get(name) if isinstance(raw, dict) else None
        if isinstance(value, schema.Record):
            attach(value, sub, rel_path)
        elif isinstance(value, list) and isinstance(sub, list):
            for item, sub_raw in zip(value, sub):
                if isinstance(item, schema.Record):
                    attach(item, sub_raw, rel_path)


def id_of(raw: Any, kind: str, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return f"{kind} {raw['id']}"
    return f"{kind} {index + 1}"
