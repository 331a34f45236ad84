"""Load a site's `data/` folder into the validated model, or report every problem at once.

Files → parsed with lines (yamlfile) → validated per record (schema) → checked across files
(checks) → a frozen SiteData. Nothing here knows about pages or charts.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from improvement_site.model import schema
from improvement_site.data.checks import Salvage, check_site
from improvement_site.data.files import IMAGE_SUFFIXES, unknown_files
from improvement_site.data.logo import LogoRefused, read_logo
from improvement_site.data.sitefiles import refused_in
from improvement_site.model.glossary import merged_glossary
from improvement_site.model.sitedata import SiteData
from improvement_site.data.problems import DataError, Problem, describe, pydantic_message
from improvement_site.data.reader import Reader, allowed_fields, id_of
from improvement_site.data.values import read_values, short

def _read_site(reader: Reader) -> schema.Site | None:
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


def _read_area(reader: Reader, path: Path) -> schema.Area | None:
    raw = reader.read_yaml(path, "area")
    if raw is None:
        return None
    area_name = id_of(raw, "area", 0) if isinstance(raw, dict) else "area"
    if isinstance(raw, dict) and "id" not in raw:
        area_name = f"area in {path.name}"

    def namer(loc: tuple):
        # ('outcomes', i, 'actions', j, field...) belongs to an action, named by its id.
        if len(loc) >= 5 and loc[0] == "outcomes" and loc[2] == "actions":
            try:
                action_raw = raw["outcomes"][loc[1]]["actions"][loc[3]]
            except (KeyError, IndexError, TypeError):
                action_raw = None
            name = id_of(action_raw, "action", loc[3])
            return name, loc[4:], allowed_fields(schema.Action, loc[4:])
        return area_name, loc, allowed_fields(schema.Area, loc)

    area = reader.validate(schema.Area, raw, path, area_name, namer)
    if area is None:
        reader.salvage("area", raw, path)
    return area


def _read_list(reader: Reader, name: str, model: type[schema.Record], kind: str,
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
                  else id_of(item, kind, index))
        if kind == "commentary" and isinstance(item, dict):
            record = f"commentary for {item.get('measure', '?')} {item.get('period', '?')}"
        obj = reader.validate(model, item, path, record)
        if obj is not None:
            out.append(obj)
        else:
            reader.salvage(kind, item, path)
    return out


def _read_glossary(reader: Reader) -> dict[str, str]:
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
        name = f"glossary entry {short(str(key))}"
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


def _cached(reader: Reader, path: Path, extra: Any, read):
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
    # Not resolved: a data/ that is itself a link must be seen as one, and refused.
    data_dir = Path(os.path.abspath(data_dir))
    reader = Reader(data_dir)
    if not data_dir.is_dir() and not data_dir.is_symlink():
        raise DataError([Problem(reader.rel(data_dir), 0, "", "is not a folder; a site "
                                 "needs data/ with site.yaml in it")])
    # Links and special files, anywhere in data/, before anything is read: never followed.
    refused = refused_in(data_dir, reader.site_dir)
    if refused and refused[0].file == reader.rel(data_dir):
        raise DataError(refused)
    reader.problems.extend(refused)
    site = _read_site(reader)
    # The logo named in site.yaml is a file the site reads; if site.yaml could not be read,
    # any image stays unremarked rather than reported on a guess.
    named = {p.file for p in refused}
    reader.problems.extend(p for p in unknown_files(
        data_dir, reader.rel, named=(site.logo,) if site and site.logo else (),
        suffixes=() if site else IMAGE_SUFFIXES) if p.file not in named)
    _check_logo(reader, site, named)
    areas = []
    plan_dir = data_dir / "plan"
    linked = reader.rel(plan_dir) in named  # refused as a folder: its files are not looked at
    for path in [] if linked else sorted(plan_dir.glob("*.yaml")) + sorted(plan_dir.glob("*.yml")):
        area = _cached(reader, path, None, lambda: _read_area(reader, path))
        if area is not None:
            areas.append(area)
    measures = _cached(reader, data_dir / "measures.yaml", None, lambda: _read_list(
        reader, "measures.yaml", schema.Measure, "measure"))
    known = frozenset(reader.written_ids["measure"])
    values = _cached(reader, data_dir / "measures.csv", known,
                     lambda: read_values(reader, known))
    commentary = _cached(reader, data_dir / "commentary.yaml", None, lambda: _read_list(
        reader, "commentary.yaml", schema.Commentary, "commentary"))
    visits = _cached(reader, data_dir / "visits.yaml", None, lambda: _read_list(
        reader, "visits.yaml", schema.Visit, "visit"))
    breakdowns = _cached(reader, data_dir / "breakdowns.yaml", None, lambda: _read_list(
        reader, "breakdowns.yaml", schema.Breakdown, "breakdown"))
    providers = _cached(reader, data_dir / "providers.yaml", None, lambda: _read_list(
        reader, "providers.yaml", schema.Provider, "provider"))
    glossary = _read_glossary(reader)

    if site is None and not reader.problems:
        reader.problem("data/site.yaml", 0, "", "could not be read")
    # The cross-file checks run even when site.yaml failed (the model is then only theirs to
    # see), so a duplicate id elsewhere is reported in the same run.
    data = SiteData.create(
        root=data_dir.parent, site=site, areas=areas, measures=measures, values=values,
        commentary=commentary, visits=visits, glossary=merged_glossary(glossary),
        breakdowns=breakdowns, providers=providers,
    )
    reader.problems.extend(check_site(data, reader.written_ids, reader.salvaged))
    if reader.problems or site is None:
        # A refused file is named once, however many readers came to it.
        raise DataError(list(dict.fromkeys(reader.problems)))
    return data


def _check_logo(reader: Reader, site: schema.Site | None, refused: set[str]) -> None:
    """The logo as it would be published (data/logo.py); a missing one is checks.py's."""
    path = reader.data_dir / site.logo if site and site.logo else None
    if path is None or reader.rel(path) in refused or not os.path.lexists(path):
        return
    try:
        read_logo(path, reader.site_dir)
    except LogoRefused as exc:
        reader.problem(path, 0, "", str(exc))

