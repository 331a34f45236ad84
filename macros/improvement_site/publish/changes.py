"""What changed between two releases, computed from their data, never written by hand.

Each kind of change is listed once: an action that became complete is under "completed", not
also under "status changes"; a new action is "added", not also "newly overdue". Edited text is
its own kind: an action whose progress was rewritten is listed with the fields that changed,
and a commentary block rewritten for the same measure and period is "edited", not "new".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from improvement_site.model.sitedata import SiteData
from improvement_site.model.schema import (Action, Area, Breakdown, Measure, Provider,
                                           ProviderInspection, Update, Visit)
from improvement_site.model.status import (due_date, is_overdue, latest_inspection,
                                           measure_status, status_of)


@dataclass(frozen=True)
class ActionChange:
    area: Area | None  # the area now (None when the action was removed with its area)
    action: Action
    old: str | None = None  # old status, or old due date as ISO text
    new: str | None = None
    fields: tuple[str, ...] = ()  # for edited text: the fields whose text changed

    @property
    def fields_text(self) -> str:
        """The edited fields in words: "progress and impact"."""
        words = [FIELD_WORDS.get(name, name) for name in self.fields]
        return " and ".join(filter(None, [", ".join(words[:-1]), words[-1]])) if words else ""


@dataclass(frozen=True)
class MeasureChange:
    measure: Measure
    old_rag: str | None
    new_rag: str | None
    old_direction: str | None
    new_direction: str | None
    old_value: float | None
    new_value: float | None
    old_period: str | None
    new_period: str | None


@dataclass(frozen=True)
class ProviderChange:
    """A provider whose latest inspection is not the one the last release showed."""

    provider: Provider
    old: ProviderInspection | None  # None: not inspected then, or not on the site then
    new: ProviderInspection
    added: bool = False  # the provider is new to the site


@dataclass(frozen=True)
class Changes:
    added: list[ActionChange] = field(default_factory=list)
    removed: list[ActionChange] = field(default_factory=list)
    completed: list[ActionChange] = field(default_factory=list)
    newly_delayed: list[ActionChange] = field(default_factory=list)
    newly_overdue: list[ActionChange] = field(default_factory=list)
    status_changed: list[ActionChange] = field(default_factory=list)
    due_moved: list[ActionChange] = field(default_factory=list)
    measures: list[MeasureChange] = field(default_factory=list)
    new_visits: list[Visit] = field(default_factory=list)
    updated_visits: list[Visit] = field(default_factory=list)
    new_commentary: list[tuple[Measure, str]] = field(default_factory=list)
    text_edited: list[ActionChange] = field(default_factory=list)
    edited_commentary: list[tuple[Measure, str]] = field(default_factory=list)
    new_updates: list[tuple[Area, Update]] = field(default_factory=list)
    provider_grades: list[ProviderChange] = field(default_factory=list)
    new_breakdowns: list[Breakdown] = field(default_factory=list)
    updated_breakdowns: list[Breakdown] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(getattr(self, name)) for name in self.__dataclass_fields__)


def _actions(data: SiteData) -> dict[str, tuple[Area, Action]]:
    return {a.id: (area, a) for area, _, a in data.actions()}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


# The text fields of an action a reader would want to re-read when they change. Status, dates
# and links have their own lists above.
ACTION_TEXT = ("action", "owner", "due_note", "progress", "impact", "delay_reason",
               "mitigation")
COMMENTARY_TEXT = ("working_well", "worried", "doing")
FIELD_WORDS = {"action": "wording", "owner": "owner", "due_note": "due-date note",
               "progress": "progress", "impact": "impact", "delay_reason": "reason for delay",
               "mitigation": "mitigation"}


def _edited(was, now, names: tuple[str, ...]) -> tuple[str, ...]:
    """The named fields whose text differs, ignoring white space at the ends."""
    def norm(value):
        return (value or "").strip()
    return tuple(n for n in names if norm(getattr(was, n)) != norm(getattr(now, n)))


def compare(old: SiteData, new: SiteData) -> Changes:
    changes = Changes()
    before, after = _actions(old), _actions(new)
    for action_id, (area, action) in after.items():
        if action_id not in before:
            changes.added.append(ActionChange(area, action))
            continue
        _, was = before[action_id]
        old_status, new_status = status_of(was), status_of(action)
        if old_status != new_status:
            change = ActionChange(area, action, old_status, new_status)
            if new_status == "complete":
                changes.completed.append(change)
            elif new_status == "delayed":
                changes.newly_delayed.append(change)
            else:
                changes.status_changed.append(change)
        if (is_overdue(action, new.site.reporting_date)
                and not is_overdue(was, old.site.reporting_date)):
            changes.newly_overdue.append(ActionChange(area, action))
        if due_date(was) != due_date(action):
            changes.due_moved.append(ActionChange(area, action, _iso(due_date(was)),
                                                  _iso(due_date(action))))
        edited = _edited(was, action, ACTION_TEXT)
        if new_status == "delayed" and old_status != "delayed":
            # A newly delayed action must give its reason and mitigation: already said.
            edited = tuple(n for n in edited if n not in ("delay_reason", "mitigation"))
        if edited:
            changes.text_edited.append(ActionChange(area, action, fields=edited))
    for action_id, (area, action) in before.items():
        if action_id not in after:
            current_area = new.area(area.id) if new.has("area", area.id) else None
            changes.removed.append(ActionChange(current_area, action))

    old_measures = {m.id: m for m in old.measures}
    for measure in new.measures:
        if measure.id not in old_measures:
            continue
        a = measure_status(old, old_measures[measure.id])
        b = measure_status(new, measure)
        if a.rag != b.rag or a.direction != b.direction:
            changes.measures.append(MeasureChange(
                measure, a.rag, b.rag, a.direction, b.direction,
                a.latest.value if a.latest else None, b.latest.value if b.latest else None,
                a.latest.period if a.latest else None, b.latest.period if b.latest else None))

    added, changed = _added_and_changed(old.visits, new.visits)
    changes.new_visits.extend(added)
    changes.updated_visits.extend(changed)

    seen = {(c.measure, str(c.period)): c for c in old.commentary}
    for item in new.commentary:
        if not new.has("measure", item.measure):
            continue
        key = (item.measure, str(item.period))
        if key not in seen:
            changes.new_commentary.append((new.measure(item.measure), str(item.period)))
        elif _edited(seen[key], item, COMMENTARY_TEXT):
            changes.edited_commentary.append((new.measure(item.measure), str(item.period)))
    _contract_v2_changes(old, new, changes)
    return changes


def _contract_v2_changes(old: SiteData, new: SiteData, changes: Changes) -> None:
    """Updates added since the last release (a report with a date the area did not have),
    providers whose latest inspection changed, and breakdowns added or changed."""
    for area in new.areas:
        before = ({u.as_at for u in old.area(area.id).updates}
                  if old.has("area", area.id) else set())
        changes.new_updates.extend((area, u) for u in reversed(new.updates_of(area))
                                   if u.as_at not in before)
    old_providers = {p.id: p for p in old.providers}
    for provider in new.providers:
        now = latest_inspection(new, provider)
        if now is None:
            continue
        was_provider = old_providers.get(provider.id)
        then = latest_inspection(old, was_provider) if was_provider else None
        if then is None or (then.date, then.grade) != (now.date, now.grade):
            changes.provider_grades.append(ProviderChange(provider, then, now,
                                                          added=was_provider is None))
    added, changed = _added_and_changed(old.breakdowns, new.breakdowns)
    changes.new_breakdowns.extend(added)
    changes.updated_breakdowns.extend(changed)


def _added_and_changed(old: list, new: list) -> tuple[list, list]:
    """The records of `new` (visits, breakdowns) whose id `old` lacks, and those whose
    content differs from the record with their id in `old`."""
    before = {r.id: r for r in old}
    added = [r for r in new if r.id not in before]
    changed = [r for r in new if r.id in before and r.model_dump() != before[r.id].model_dump()]
    return added, changed
