"""The validated, frozen model of one site: what every builder reads.

Periods are kept as the text the council wrote (`2023-06` or `2023-07-17`) and ordered by
`period_key`, so a month sorts before a snapshot date later in the same month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Iterator, Mapping

from improvement_site.model.schema import (Action, Area, Breakdown, Commentary, Measure, Outcome,
                                           Provider, Site, Update, Value, Visit)


def period_start(period: str) -> date:
    """The first day a period covers: 2023-06 → 2023-06-01; 2023-07-17 → itself."""
    return date.fromisoformat(period + "-01" if len(period) == 7 else period)


def period_key(period: str) -> tuple[date, int]:
    return (period_start(period), len(period))


def period_month(period: str) -> str:
    return period[:7]


@dataclass(frozen=True)
class SiteData:
    root: Path
    site: Site
    areas: tuple[Area, ...]
    measures: tuple[Measure, ...]
    values: Mapping[str, tuple[Value, ...]]  # by measure id, in period order
    commentary: tuple[Commentary, ...]
    visits: tuple[Visit, ...]  # in date order
    glossary: Mapping[str, str]
    _index: Mapping[str, Mapping[str, object]] = field(repr=False, default_factory=dict)
    breakdowns: tuple[Breakdown, ...] = ()  # in the file's order
    providers: tuple[Provider, ...] = ()  # in the file's order

    @classmethod
    def create(cls, *, root: Path, site: Site, areas, measures, values, commentary, visits,
               glossary: dict[str, str], breakdowns=(), providers=()) -> "SiteData":
        by_measure: dict[str, list[Value]] = {}
        for value in values:
            by_measure.setdefault(value.measure, []).append(value)
        ordered = {k: tuple(sorted(v, key=lambda x: period_key(x.period)))
                   for k, v in by_measure.items()}
        areas = tuple(sorted(areas, key=lambda a: (a.number, a.id)))
        visits = tuple(sorted(visits, key=lambda v: (v.start_date, v.id)))
        index = {
            "area": {a.id: a for a in areas},
            "measure": {m.id: m for m in measures},
            "visit": {v.id: v for v in visits},
            "action": {act.id: act for a in areas for o in a.outcomes for act in o.actions},
            "action_area": {act.id: a for a in areas for o in a.outcomes for act in o.actions},
            "breakdown": {b.id: b for b in breakdowns},
            "provider": {p.id: p for p in providers},
        }
        return cls(root=root, site=site, areas=areas, measures=tuple(measures),
                   values=MappingProxyType(ordered), commentary=tuple(commentary),
                   visits=visits, glossary=MappingProxyType(dict(glossary)),
                   _index=MappingProxyType({k: MappingProxyType(v) for k, v in index.items()}),
                   breakdowns=tuple(breakdowns), providers=tuple(providers))

    # -- look-ups ------------------------------------------------------------------------

    def area(self, area_id: str) -> Area:
        return self._index["area"][area_id]  # type: ignore[return-value]

    def measure(self, measure_id: str) -> Measure:
        return self._index["measure"][measure_id]  # type: ignore[return-value]

    def visit(self, visit_id: str) -> Visit:
        return self._index["visit"][visit_id]  # type: ignore[return-value]

    def breakdown(self, breakdown_id: str) -> Breakdown:
        return self._index["breakdown"][breakdown_id]  # type: ignore[return-value]

    def has(self, kind: str, record_id: str) -> bool:
        return record_id in self._index[kind]

    def area_of(self, action_id: str) -> Area:
        return self._index["action_area"][action_id]  # type: ignore[return-value]

    def actions(self, area: Area | None = None) -> Iterator[tuple[Area, Outcome, Action]]:
        for a in (area,) if area else self.areas:
            for outcome in a.outcomes:
                for action in outcome.actions:
                    yield a, outcome, action

    def values_of(self, measure_id: str) -> tuple[Value, ...]:
        return self.values.get(measure_id, ())

    def commentary_of(self, measure_id: str) -> list[Commentary]:
        items = [c for c in self.commentary if c.measure == measure_id]
        return sorted(items, key=lambda c: period_key(str(c.period)), reverse=True)

    def visits_for_area(self, area_id: str) -> list[Visit]:
        return [v for v in self.visits if area_id in v.areas]

    def visits_for_measure(self, measure_id: str) -> list[Visit]:
        return [v for v in self.visits if measure_id in v.measures]

    def areas_for_measure(self, measure_id: str) -> list[Area]:
        return [a for a in self.areas if measure_id in a.measures
                or any(measure_id in act.measures for _, _, act in self.actions(a))]

    def breakdowns_for_area(self, area_id: str) -> list[Breakdown]:
        return [b for b in self.breakdowns if area_id in b.areas]

    def breakdowns_for_measure(self, measure_id: str) -> list[Breakdown]:
        return [b for b in self.breakdowns if measure_id in b.measures]

    def updates_of(self, area: Area) -> list[Update]:
        """The area's reports as at or before the reporting date, newest first."""
        rd = self.site.reporting_date
        return sorted((u for u in area.updates if u.as_at <= rd), key=lambda u: u.as_at,
                      reverse=True)

    def latest_update(self, area: Area) -> Update | None:
        """The area's newest report as at or before the reporting date."""
        updates = self.updates_of(area)
        return updates[0] if updates else None

    def groups(self) -> list[tuple[str, list[Measure]]]:
        """Measures by scorecard group, groups in the order they first appear."""
        out: dict[str, list[Measure]] = {}
        for m in self.measures:
            out.setdefault(m.group or "Other measures", []).append(m)
        return list(out.items())

    @property
    def inspection(self) -> Visit | None:
        j = self.site.judgements
        if j and self.has("visit", j.inspection):
            return self.visit(j.inspection)
        return None

    @property
    def latest_visit(self) -> Visit | None:
        past = [v for v in self.visits if v.start_date <= self.site.reporting_date]
        return past[-1] if past else None
