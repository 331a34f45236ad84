"""Checks that need more than one record: unique ids, references between files, and rules
that tie fields together (a delayed action needs its reason and mitigation).

Ids and references are checked on every record that was read, including records that failed
their own validation (the loader salvages their ids and references from the parsed YAML), so a
duplicate id or a dangling reference is reported in the same run as a field error beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from improvement_site.data.problems import Problem, did_you_mean
from improvement_site.model.fields import period_problem
from improvement_site.model.schema import ID, ID_PATTERN, Record
from improvement_site.model.sitedata import period_start
from improvement_site.data.yamlfile import LineDict

if TYPE_CHECKING:
    from improvement_site.model.sitedata import SiteData

# Page addresses that a record id would collide with (plan/exceptions/, performance/index...).
RESERVED_IDS = {"index", "exceptions", "changes", "releases", "downloads", "glossary",
                "accessibility", "assets", "providers", "breakdowns"}
FILES = {"measure": "data/measures.yaml", "area": "data/plan/", "visit": "data/visits.yaml"}
_ID = re.compile(ID_PATTERN)


@dataclass(frozen=True)
class Mention:
    """An id a record defines, or one it refers to, where it is written."""

    kind: str  # what the id names: area, action, measure or visit
    id: str
    record: str  # the record it is written in, as messages name it: "action front-door-01"
    field: str
    where: tuple[str, int]


@dataclass
class Salvage:
    """Ids, references and area numbers of records that failed validation."""

    ids: list[Mention] = field(default_factory=list)
    refs: list[Mention] = field(default_factory=list)
    numbers: list[tuple[int, str, tuple[str, int]]] = field(default_factory=list)

    def extend(self, other: "Salvage") -> None:
        self.ids += other.ids
        self.refs += other.refs
        self.numbers += other.numbers


def _at(record: Record, field: str | None, name: str, message: str) -> Problem:
    path, line = record.where(field)
    return Problem(path, line, name, message)


# -- ids and references, from validated records and from raw ones -----------------------------


def _model_mentions(data: "SiteData") -> Salvage:
    out = Salvage()
    for kind, records in (("area", data.areas), ("measure", data.measures),
                          ("visit", data.visits), ("breakdown", data.breakdowns),
                          ("provider", data.providers)):
        out.ids += [Mention(kind, r.id, f"{kind} {r.id}", "id", r.where("id")) for r in records]
    for area in data.areas:
        name = f"area {area.id}"
        out.numbers.append((area.number, area.id, area.where("number")))
        out.refs += [Mention("measure", m, name, "measures", area.where("measures"))
                     for m in area.measures]
        for _, _, action in data.actions(area):
            name = f"action {action.id}"
            out.ids.append(Mention("action", action.id, name, "id", action.where("id")))
            out.refs += [Mention("measure", m, name, "measures", action.where("measures"))
                         for m in action.measures]
    for visit in data.visits:
        name = f"visit {visit.id}"
        out.refs += [Mention("area", a, name, "areas", visit.where("areas")) for a in visit.areas]
        out.refs += [Mention("measure", m, name, "measures", visit.where("measures"))
                     for m in visit.measures]
    for breakdown in data.breakdowns:
        name = f"breakdown {breakdown.id}"
        out.refs += [Mention("area", a, name, "areas", breakdown.where("areas"))
                     for a in breakdown.areas]
        out.refs += [Mention("measure", m, name, "measures", breakdown.where("measures"))
                     for m in breakdown.measures]
    for item in data.commentary:
        out.refs.append(Mention("measure", item.measure,
                                f"commentary for {item.measure} {item.period}", "measure",
                                item.where("measure")))
    judgements = data.site.judgements if data.site is not None else None
    if judgements:
        out.refs.append(Mention("visit", judgements.inspection, "site", "judgements.inspection",
                                judgements.where("inspection")))
    return out


def _an_id(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= ID.limit and bool(_ID.match(value))


def _line(raw: Any, key: str) -> int:
    return raw.lines.get(key, raw.line) if isinstance(raw, LineDict) else 0


def salvage(kind: str, raw: Any, file: str) -> Salvage:
    """The ids and references written in a record that failed validation (`kind` is area,
    measure, visit, commentary or site), as far as they can be read. Values that are not
    well-formed ids are left out: their own field error says what is wrong with them."""
    out = Salvage()
    if not isinstance(raw, dict):
        return out

    def ref_list(target: str, record: str, key: str, holder: dict) -> None:
        values = holder.get(key)
        if isinstance(values, list):
            out.refs += [Mention(target, v, record, key, (file, _line(holder, key)))
                         for v in values if _an_id(v)]

    own_id = raw.get("id") if _an_id(raw.get("id")) else None
    if kind in ("area", "measure", "visit", "breakdown", "provider") and own_id:
        out.ids.append(Mention(kind, own_id, f"{kind} {own_id}", "id", (file, _line(raw, "id"))))
    if kind == "area":
        name = f"area {own_id}" if own_id else f"area in {file.rsplit('/', 1)[-1]}"
        number = raw.get("number")
        if isinstance(number, int) and not isinstance(number, bool) and own_id:
            out.numbers.append((number, own_id, (file, _line(raw, "number"))))
        ref_list("measure", name, "measures", raw)
        outcomes = raw.get("outcomes")
        for outcome in outcomes if isinstance(outcomes, list) else []:
            actions = outcome.get("actions") if isinstance(outcome, dict) else None
            for action in actions if isinstance(actions, list) else []:
                if not isinstance(action, dict) or not _an_id(action.get("id")):
                    continue
                action_name = f"action {action['id']}"
                out.ids.append(Mention("action", action["id"], action_name, "id",
                                       (file, _line(action, "id"))))
                ref_list("measure", action_name, "measures", action)
    elif kind in ("visit", "breakdown"):
        name = f"{kind} {own_id}" if own_id else kind
        ref_list("area", name, "areas", raw)
        ref_list("measure", name, "measures", raw)
    elif kind == "commentary" and _an_id(raw.get("measure")):
        out.refs.append(Mention("measure", raw["measure"],
                                f"commentary for {raw['measure']} {raw.get('period', '?')}",
                                "measure", (file, _line(raw, "measure"))))
    elif kind == "site":
        judgements = raw.get("judgements")
        if isinstance(judgements, dict) and _an_id(judgements.get("inspection")):
            out.refs.append(Mention("visit", judgements["inspection"], "site",
                                    "judgements.inspection",
                                    (file, _line(judgements, "inspection"))))
    return out


def _unique(ids: list[Mention], problems: list[Problem]) -> None:
    first: dict[tuple[str, str], Mention] = {}
    for mention in sorted(ids, key=lambda m: (m.where, m.kind, m.id)):
        key = (mention.kind, mention.id)
        name = f"{mention.kind} {mention.id}"
        if key in first:
            path, line = first[key].where
            problems.append(Problem(*mention.where, name, f'id "{mention.id}" is used twice '
                                    f"(first at {path}:{line}); ids must be unique"))
        else:
            first[key] = mention
        if mention.id in RESERVED_IDS and mention.kind in ("area", "measure", "visit",
                                                           "breakdown"):
            problems.append(Problem(*mention.where, name,
                                    f'id "{mention.id}" is reserved for a site page; choose '
                                    f"another, e.g. {mention.id}-{mention.kind}"))


def _dangling(refs: list[Mention], known: dict[str, set[str]], problems: list[Problem]) -> None:
    for ref in refs:
        if ref.id not in known[ref.kind]:
            article = "an" if ref.kind[0] in "aeiou" else "a"
            problems.append(Problem(*ref.where, ref.record,
                                    f'{ref.field} "{ref.id}" is not {article} {ref.kind} id in '
                                    f"{FILES[ref.kind]}{did_you_mean(ref.id, known[ref.kind])}"))


def check_site(data: "SiteData", written_ids: dict[str, set[str]] | None = None,
               salvaged: Salvage | None = None) -> list[Problem]:
    """Problems across records. `written_ids` are ids present in the files even where their
    record failed validation, so one mistake is reported once, not again at every reference;
    `salvaged` holds the ids and references of records that failed validation, which are
    checked like the others."""
    problems: list[Problem] = []
    mentions = _model_mentions(data)
    if salvaged:
        mentions.extend(salvaged)
    known: dict[str, set[str]] = {"area": set(), "measure": set(), "visit": set()}
    for mention in mentions.ids:
        known.setdefault(mention.kind, set()).add(mention.id)
    for kind, ids in (written_ids or {}).items():
        known.setdefault(kind, set()).update(ids)
    _unique(mentions.ids, problems)
    _dangling(mentions.refs, known, problems)
    numbers: dict[int, str] = {}
    for number, area_id, where in sorted(mentions.numbers, key=lambda n: n[2]):
        if number in numbers and numbers[number] != area_id:
            problems.append(Problem(*where, f"area {area_id}",
                                    f"number {number} is also used by area {numbers[number]}; "
                                    f"each area needs its own number"))
        numbers.setdefault(number, area_id)

    for area in data.areas:
        for _, _, action in data.actions(area):
            name = f"action {action.id}"
            if action.status == "delayed":
                for field_name in ("delay_reason", "mitigation"):
                    if not (getattr(action, field_name) or "").strip():
                        problems.append(_at(action, "status", name,
                                            f"{field_name} is required when status is delayed; "
                                            f"say why it is delayed and what is being done"))
            if action.due_note is not None and not action.due_note.strip():
                problems.append(_at(action, "due_note", name, "due_note is empty"))
    logo = data.site.logo if data.site else None  # None: site.yaml itself failed
    if logo and not (data.root / "data" / logo).is_file():
        problems.append(_at(data.site, "logo", "site", f"logo {logo} is not a file in the "
                            f"data/ folder; put the file there or remove logo"))
    for visit in data.visits:
        if visit.end and visit.end < visit.start_date:
            problems.append(_at(visit, "end", f"visit {visit.id}", f"end {visit.end} is before "
                                f"start {visit.start}"))
        if visit.published and visit.published_undated:
            problems.append(_at(visit, "published_undated", f"visit {visit.id}",
                                "has both published and published_undated; give the date as "
                                "published, or published_undated: true when the source gives "
                                "no date, not both"))
    problems += contract_v2_problems(data)
    problems += values_after_reporting_date(data)
    for item in data.commentary:
        if not any((item.working_well, item.worried, item.doing)):
            problems.append(_at(item, None, f"commentary for {item.measure} {item.period}",
                                "has no text; give at least one of working_well, worried, doing"))
        # A period pages sort by and match with values: "last month" or ٢٠٢٤-٠٣ passed as
        # text and stopped the build.
        wrong_period = period_problem(item.period)
        if wrong_period:
            problems.append(_at(item, "period", f"commentary for {item.measure} {item.period}",
                                f"period {wrong_period}"))
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
    return problems


# -- the contract's version 2 additions --------------------------------------------------------


def _same(a: float, b: float) -> bool:
    """Equal as written: 0.1 + 0.2 is 0.3 here."""
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _number(value: float) -> str:
    return f"{value:,.10g}"


def contract_v2_problems(data: "SiteData") -> list[Problem]:
    """Rules of the fields and files the contract's version 2 adds."""
    problems: list[Problem] = []
    reporting_date = data.site.reporting_date if data.site is not None else None
    for area in data.areas:
        name = f"area {area.id}"
        seen: dict = {}
        for index, update in enumerate(area.updates, start=1):
            field = f"updates[{index}]"
            if reporting_date and update.as_at > reporting_date:
                problems.append(_at(update, "as_at", name, f"{field}.as_at {update.as_at} is "
                                    f"after reporting_date {reporting_date} (data/site.yaml); "
                                    f"an update cannot speak for a later date"))
            if update.as_at in seen:
                problems.append(_at(update, "as_at", name, f"{field}.as_at {update.as_at} is "
                                    f"also the date of updates[{seen[update.as_at]}]; give one "
                                    f"update per report"))
            seen.setdefault(update.as_at, index)
            if not any((update.taken, update.planned, update.impact)):
                problems.append(_at(update, None, name, f"{field} has no text; give at least "
                                    f"one of taken, planned, impact"))
    for measure in data.measures:
        name = f"measure {measure.id}"
        if measure.targets_mode == "linear" and not measure.targets:
            problems.append(_at(measure, "targets_mode", name, "targets_mode linear needs "
                                "targets (milestones) to draw the trajectory between"))
        if measure.baseline is not None:
            if measure.targets_mode != "linear":
                problems.append(_at(measure, "baseline", name, "has a baseline but targets_mode "
                                    "is not linear; add targets_mode: linear, or remove the "
                                    "baseline"))
            elif measure.targets:
                first = min(t.by for t in measure.targets)
                if measure.baseline.period >= first:
                    problems.append(_at(measure, "baseline", name, f"baseline.period "
                                        f"{measure.baseline.period} is not before the first "
                                        f"milestone ({first}); a trajectory starts before its "
                                        f"milestones"))
        months = [t.by for t in measure.targets]
        for month in sorted({m for m in months if months.count(m) > 1}):
            problems.append(_at(measure, "targets", name, f"targets has two milestones for "
                                f"{month}; keep one"))
    for breakdown in data.breakdowns:
        name = f"breakdown {breakdown.id}"
        names: dict[str, int] = {}
        for index, category in enumerate(breakdown.categories, start=1):
            key = " ".join(category.name.split()).casefold()
            if key in names:
                problems.append(_at(category, "name", name, f'categories[{index}].name '
                                    f'"{category.name}" is also categories[{names[key]}]; each '
                                    f"category is one bar, so names must differ"))
            names.setdefault(key, index)
        total = sum(c.value for c in breakdown.categories)
        if breakdown.total is not None and not _same(total, breakdown.total):
            problems.append(_at(breakdown, "total", name, f"total {_number(breakdown.total)} is "
                                f"not the sum of its categories, {_number(total)}; correct "
                                f"the figures, or remove total (and say why in note)"))
    for provider in data.providers:
        name = f"provider {provider.id}"
        dates: dict = {}
        for index, inspection in enumerate(provider.inspections, start=1):
            if inspection.date in dates:
                first = dates[inspection.date]
                problems.append(_at(inspection, "date", name, f"inspections[{index}].date "
                                    f"{inspection.date} is also inspections[{first}]; give "
                                    f"each inspection once"))
            dates.setdefault(inspection.date, index)
    return problems


# -- the contract's version 3: no value after the reporting date ------------------------------


def values_after_reporting_date(data: "SiteData") -> list[Problem]:
    """A value whose period starts after reporting_date. Shown in its table, it would contradict
    the latest value above it, which is chosen on or before that date (status.known_values):
    North East Lincolnshire's 17 July refresh of a June report. A month still running on the
    reporting date (September 2024 in a report as at 11 September) is its latest, not after it."""
    reporting_date = data.site.reporting_date if data.site is not None else None
    if reporting_date is None:
        return []
    return [_at(value, None, f"measure {value.measure}", f"period {value.period} is after "
                f"reporting_date {reporting_date} (data/site.yaml); a value after the reporting "
                f"date cannot be this report's latest: leave the row out until the report that "
                f"covers it, or move reporting_date")
            for values in data.values.values() for value in values
            if period_start(value.period) > reporting_date]
