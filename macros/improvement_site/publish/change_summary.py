"""What changed between two releases, counted in words: one sentence for the feed's entries
and the committee report, and a label for each kind of change.

Every field of `changes.Changes` is one kind here (a test checks), so a new kind of change
cannot be left out of the sentence.
"""

from __future__ import annotations

from improvement_site.publish.changes import Changes

# (field of Changes, heading, one, many)
KINDS = (
    ("completed", "Actions completed", "action completed", "actions completed"),
    ("newly_delayed", "Actions newly delayed", "action newly delayed", "actions newly delayed"),
    ("newly_overdue", "Actions newly overdue", "action newly overdue", "actions newly overdue"),
    ("status_changed", "Other status changes", "other status change", "other status changes"),
    ("due_moved", "Due dates moved", "due date moved", "due dates moved"),
    ("added", "Actions added", "action added", "actions added"),
    ("removed", "Actions removed", "action removed", "actions removed"),
    ("text_edited", "Actions whose text was edited", "action with edited text",
     "actions with edited text"),
    ("measures", "Measures whose rating or direction changed",
     "measure whose rating or direction changed", "measures whose rating or direction changed"),
    ("new_visits", "New inspections and visits", "new inspection or visit",
     "new inspections or visits"),
    ("updated_visits", "Inspections and visits updated", "inspection or visit updated",
     "inspections or visits updated"),
    ("new_commentary", "New commentary", "new commentary block", "new commentary blocks"),
    ("edited_commentary", "Commentary edited", "commentary block edited",
     "commentary blocks edited"),
    ("new_updates", "New progress reports", "new progress report", "new progress reports"),
    ("provider_grades", "Services with a new inspection grade", "service with a new grade",
     "services with a new grade"),
    ("new_breakdowns", "New breakdowns", "new breakdown", "new breakdowns"),
    ("updated_breakdowns", "Breakdowns updated", "breakdown updated", "breakdowns updated"),
)


def counts(changes: Changes) -> list[tuple[str, str, int]]:
    """(field, heading, number) for every kind, in the order above."""
    return [(name, heading, len(getattr(changes, name))) for name, heading, _, _ in KINDS]


def summary(changes: Changes) -> str:
    """'2 actions completed, 1 action newly delayed and 1 new inspection or visit: 4
    changes in all.' or 'Nothing changed.'"""
    parts = [f"{n} {one if n == 1 else many}" for name, _, one, many in KINDS
             if (n := len(getattr(changes, name)))]
    if not parts:
        return "Nothing changed."
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    total = changes.count
    return f"{listed[:1].upper()}{listed[1:]}: {total} change{'s' if total != 1 else ''} in all."
