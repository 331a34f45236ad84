"""Measure definitions from a scorecard into data/measures.yaml, and the scorecard's printed
RAG and direction of travel against the site's own.

Only what changes is rewritten: a measure the scorecard changes has its record rewritten in
place, a new one is added at the end, and every other line of the file (other records, the
council's comments, blank lines) stays byte for byte. Within a record the scorecard fills in
cell by cell: a milestone the sheet leaves blank keeps its value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from improvement_site.model import labels, status
from improvement_site.model.schema import Measure
from improvement_site.model.sitedata import SiteData
import yaml

from improvement_site.data.sitefiles import refusal
from improvement_site.data.yamlfile import AliasError, DuplicateKeyError, parse
from improvement_site.tracker.definitions import REMOVE, RowDefinition
from improvement_site.tracker.problems import ImportProblem
from improvement_site.tracker.output import FlowMap, dump_records

SCHEMA_ORDER = list(Measure.model_fields)
HEADER = "# Measures: what each one is (see docs/data-contract.md).\n"


@dataclass
class Merged:
    text: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    comments_dropped: list[str] = field(default_factory=list)  # ids of rewritten records


def _plain(value: Any) -> Any:
    """Parsed YAML (LineDict, LineList) as plain dicts and lists, small maps in flow style."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _flow(record: dict) -> dict:
    """Milestones, the tolerance, the baseline and comparators on one line each, as the
    bundled files write them."""
    for key in ("tolerance", "baseline"):
        if isinstance(record.get(key), dict):
            record[key] = FlowMap(record[key])
    for key in ("targets", "comparators"):
        if isinstance(record.get(key), list):
            record[key] = [FlowMap(v) if isinstance(v, dict) else v for v in record[key]]
    return record


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def apply(record: dict, d: RowDefinition) -> dict:
    """The record as the scorecard row defines it (a new dict; `record` is not changed)."""
    new = dict(record)
    if d.milestones:
        months = {t["by"]: t["value"] for t in new.get("targets") or []
                  if isinstance(t, dict) and "by" in t}
        for month, value in d.milestones.items():
            if value == REMOVE:
                months.pop(month, None)
            else:
                months[month] = _num(value)
        new.pop("target", None)
        if months:
            new["targets"] = [{"by": m, "value": v} for m, v in sorted(months.items())]
        else:
            new.pop("targets", None)
    if d.target is not None:
        if d.target == REMOVE:
            new.pop("target", None)
        else:
            new["target"] = _num(d.target)
            new.pop("targets", None)
    if d.tolerance is not None:
        if d.tolerance == REMOVE:
            new.pop("tolerance", None)
        else:
            low, high = d.tolerance
            new["tolerance"] = {k: _num(v) for k, v in (("low", low), ("high", high))
                                if v is not None}
    if d.polarity:
        new["polarity"] = d.polarity
        new.pop("polarity_assumed", None)  # the scorecard prints it: no longer assumed
    if d.group:
        new["group"] = d.group
    order = [k for k in record if k in new] + [k for k in SCHEMA_ORDER
                                               if k in new and k not in record]
    return {k: new[k] for k in order}


def _new_record(d: RowDefinition) -> dict:
    record = apply({"id": d.measure_id, "name": d.name}, d)
    record.setdefault("unit", "percent" if d.percent else "count")
    return {k: record[k] for k in SCHEMA_ORDER if k in record}


_COMMENT = re.compile(r"(^\s*#)|(\s#\s)")


def merge(text: str | None, raw: Any, definitions: list[RowDefinition]) -> Merged:
    """measures.yaml's new text. `raw` is `text` parsed (a LineList of records)."""
    text = text if text is not None else HEADER
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    records = list(raw) if isinstance(raw, list) else []
    starts = list(raw.lines) if isinstance(raw, list) else []
    by_id = {r.get("id"): i for i, r in enumerate(records) if isinstance(r, dict)}
    merged = Merged("")
    replacements: dict[int, str] = {}
    spans: dict[int, tuple[int, int]] = {}
    for d in definitions:
        if d.created or d.measure_id not in by_id:
            continue
        i = by_id[d.measure_id]
        old = _plain(records[i])
        new = apply(old, d)
        if new == old:
            continue
        start = starts[i] - 1
        end = starts[i + 1] - 1 if i + 1 < len(starts) else len(lines)
        while end > start + 1 and (not lines[end - 1].strip()
                                   or lines[end - 1].lstrip().startswith("#")):
            end -= 1  # blank lines and comments before the next record stay with it
        if any(_COMMENT.search(line) for line in lines[start:end]):
            merged.comments_dropped.append(d.measure_id)
        spans[i] = (start, end)
        replacements[i] = dump_records([_flow(new)])
        merged.updated.append(d.measure_id)
    out: list[str] = []
    position = 0
    for i in sorted(spans):
        start, end = spans[i]
        out += lines[position:start] + [replacements[i]]
        position = end
    out += lines[position:]
    created = [_flow(_new_record(d)) for d in definitions if d.created]
    if created:
        out.append(dump_records(created))
        merged.created = [d.measure_id for d in definitions if d.created]
    merged.text = "".join(out)
    return merged


def measure_names(site: Path, problems: list[ImportProblem]) -> tuple[dict[str, Any], str | None,
                                                                       Any]:
    """({name or id as written: id}, the text of data/measures.yaml, its parsed records)."""
    path = site / "data" / "measures.yaml"
    said = refusal(path, site)  # a link is never followed, so what it points at never merged
    if said:
        problems.append(ImportProblem("data/measures.yaml", said))
        return {}, None, None
    try:
        text = path.read_text(encoding="utf-8-sig") if path.is_file() else None
        raw = parse(text) if text is not None else None
    except (yaml.YAMLError, DuplicateKeyError, AliasError, UnicodeDecodeError):
        problems.append(ImportProblem("data/measures.yaml", "cannot be read, so measure names "
                                      "cannot be matched; run improvement-site validate"))
        return {}, None, None
    names: dict[str, Any] = {}
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            if isinstance(item.get("name"), str) and item["name"].strip():
                names.setdefault(item["name"].strip(), item["id"])
            names.setdefault(item["id"], item["id"])
    return names, text, raw


# -- printed against computed ---------------------------------------------------------------

_MOVES = {"up": "up", "down": "down", "no_change": "no change"}


def disagreements(data: SiteData, definitions: list[RowDefinition]) -> list[str]:
    """Every row whose printed RAG or direction of travel is not the one the site works out,
    with the figures behind the site's."""
    out = []
    for d in definitions:
        if (d.rag is None and d.direction is None) or not data.has("measure", d.measure_id):
            continue
        m = data.measure(d.measure_id)
        st = status.measure_status(data, m)
        where = f'{d.source} ("{d.name}")'
        if d.rag and d.rag != st.computed_rag:
            line = (f"{where}: printed RAG {status.RAG_LABELS[d.rag]}, the rules give "
                    f"{status.RAG_LABELS[st.computed_rag]}{_basis(m, st)}")
            if st.override_reason:
                line += f"; the site shows {status.RAG_LABELS[st.rag]}, set by hand"
            out.append(line)
        if d.direction:
            problem = _direction(m, st, d.direction)
            if problem:
                out.append(f"{where}: {problem}")
    return out


def _basis(m: Measure, st: status.MeasureStatus) -> str:
    if st.latest is None:
        return " (no value on or before the reporting date)"
    fmt = lambda v: labels.measure_number(m, v)  # noqa: E731
    parts = [f"{fmt(st.latest.value)} {labels.at_period(st.latest.period)}"]
    parts.append(f"target {fmt(st.target)}" if st.target is not None else "no target")
    tol = m.tolerance
    if tol and tol.low is not None and tol.high is not None:
        parts.append(f"tolerance {fmt(tol.low)}–{fmt(tol.high)}")
    elif tol and (tol.low is not None or tol.high is not None):
        edge = f"low {fmt(tol.low)}" if tol.low is not None else f"high {fmt(tol.high)}"
        parts.append(f"tolerance {edge}")
    parts.append(labels.POLARITY_LABELS[m.polarity].lower())
    return " (" + "; ".join(parts) + ")"


def _direction(m: Measure, st: status.MeasureStatus, printed: str) -> str | None:
    if st.latest is None or st.previous is None:
        return (f"printed direction {printed.replace('_', ' ')}, but there is no earlier value "
                f"to compare with")
    fmt = lambda v: labels.measure_number(m, v)  # noqa: E731
    moved = (f"{fmt(st.previous.value)} {labels.at_period(st.previous.period)} to "
             f"{fmt(st.latest.value)} {labels.at_period(st.latest.period)}")
    if printed in ("up", "down") or (printed == "no_change" and m.polarity is None):
        actual = ("up" if st.latest.value > st.previous.value else "down"
                  if st.latest.value < st.previous.value else "no_change")
        if actual != printed:
            return f"printed {_MOVES[printed]}, but the value went from {moved}"
        return None
    if printed != st.direction:
        computed = status.DIRECTION_LABELS[st.direction].lower()
        return (f"printed {status.DIRECTION_LABELS[printed].lower()}, the rules give {computed} "
                f"(from {moved}; {labels.POLARITY_LABELS[m.polarity].lower()})")
    return None
