"""Checks that need more than one record: unique ids, references between files, and rules
that tie fields together (a delayed action needs its reason and mitigation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .problems import Problem
from .schema import Record

if TYPE_CHECKING:
    from .model import SiteData

# Page addresses that a record id would collide with (plan/exceptions/, performance/index...).
RESERVED_IDS = {"index", "exceptions", "changes", "releases", "downloads", "glossary",
                "accessibility", "assets"}


def _at(record: Record, field: str | None, name: str, message: str) -> Problem:
    path, line = record.where(field)
    return Problem(path, line, name, message)


def _unique(kind: str, records: list[tuple[str, Record]], problems: list[Problem]) -> None:
    first: dict[str, Record] = {}
    for record_id, record in records:
        if record_id in first:
            path, line = first[record_id].where("id")
            problems.append(_at(record, "id", f"{kind} {record_id}",
                                f'id "{record_id}" is used twice (first at {path}:{line}); '
                                f"ids must be unique"))
        else:
            first[record_id] = record
        if record_id in RESERVED_IDS and kind in ("area", "measure", "visit"):
            problems.append(_at(record, "id", f"{kind} {record_id}",
                                f'id "{record_id}" is reserved for a site page; choose another, '
                                f"e.g. {record_id}-{kind}"))


def _refs(record: Record, name: str, field: str, ids: list[str], known: set[str], kind: str,
          file: str, problems: list[Problem]) -> None:
    for ref in ids:
        if ref not in known:
            article = "an" if kind[0] in "aeiou" else "a"
            problems.append(_at(record, field, name,
                                f'{field} "{ref}" is not {article} {kind} id in {file}'))


def check_site(data: "SiteData", written_ids: dict[str, set[str]] | None = None) -> list[Problem]:
    """Problems across records. `written_ids` are ids present in the files even where their
    record failed validation, so one mistake is reported once, not again at every reference."""
    problems: list[Problem] = []
    known = {kind: {r.id for r in records} for kind, records in
             (("area", data.areas), ("measure", data.measures), ("visit", data.visits))}
    for kind, ids in (written_ids or {}).items():
        known[kind] |= ids
    _unique("area", [(a.id, a) for a in data.areas], problems)
    _unique("action", [(act.id, act) for _, _, act in data.actions()], problems)
    _unique("measure", [(m.id, m) for m in data.measures], problems)
    _unique("visit", [(v.id, v) for v in data.visits], problems)
    numbers: dict[int, str] = {}
    for area in data.areas:
        if area.number in numbers:
            problems.append(_at(area, "number", f"area {area.id}",
                                f"number {area.number} is also used by area "
                                f"{numbers[area.number]}; each area needs its own number"))
        numbers.setdefault(area.number, area.id)

    measures_file, visits_file, plan = "data/measures.yaml", "data/visits.yaml", "data/plan/"
    for area in data.areas:
        _refs(area, f"area {area.id}", "measures", area.measures, known["measure"], "measure",
              measures_file, problems)
        for _, _, action in data.actions(area):
            name = f"action {action.id}"
            _refs(action, name, "measures", action.measures, known["measure"], "measure", measures_file,
                  problems)
            if action.status == "delayed":
                for field in ("delay_reason", "mitigation"):
                    if not (getattr(action, field) or "").strip():
                        problems.append(_at(action, "status", name,
                                            f"{field} is required when status is delayed; say "
                                            f"why it is delayed and what is being done"))
            if action.due_note is not None and not action.due_note.strip():
                problems.append(_at(action, "due_note", name, "due_note is empty"))
    for visit in data.visits:
        name = f"visit {visit.id}"
        _refs(visit, name, "areas", visit.areas, known["area"], "area", plan, problems)
        _refs(visit, name, "measures", visit.measures, known["measure"], "measure", measures_file,
              problems)
        if visit.end and visit.end < visit.start_date:
            problems.append(_at(visit, "end", name, f"end {visit.end} is before start "
                                f"{visit.start}"))
    for item in data.commentary:
        name = f"commentary for {item.measure} {item.period}"
        if item.measure not in known["measure"]:
            problems.append(_at(item, "measure", name,
                                f'measure "{item.measure}" is not a measure id in {measures_file}'))
        if not any((item.working_well, item.worried, item.doing)):
            problems.append(_at(item, None, name, "has no text; give at least one of "
                                "working_well, worried, doing"))
    for measure in data.measures:
        name = f"measure {measure.id}"
        if measure.target is not None and measure.targets:
            problems.append(_at(measure, "targets", name, "has both target and targets; use "
                                "target for one value or targets for milestones, not both"))
        tol = measure.tolerance
        if tol and tol.low is not None and tol.high is not None and tol.low > tol.high:
            problems.append(_at(measure, "tolerance", name,
                                f"tolerance low {tol.low:g} is above high {tol.high:g}"))
        if measure.polarity == "in_range" and not (tol and tol.low is not None
                                                   and tol.high is not None):
            if measure.target is not None or measure.targets:
                problems.append(_at(measure, "tolerance", name, "an in_range measure with a "
                                    "target needs tolerance low and high (the range)"))
    judgements = data.site.judgements
    if judgements and judgements.inspection not in known["visit"]:
        problems.append(_at(judgements, "inspection", "site",
                            f'judgements.inspection "{judgements.inspection}" is not a visit id '
                            f"in {visits_file}"))
    return problems
