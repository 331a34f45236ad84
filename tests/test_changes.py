""""What changed" lists edited text as well as new records.

Two copies of the minimal fixture are loaded: the second with deliberate edits. Each test
asserts exactly which records are listed, so a comparison that missed an edit (or listed an
unedited record) fails.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from macros.changes import compare
from macros.load import load_site

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "minimal"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} no longer holds {old!r}: update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    root = tmp_path_factory.mktemp("changes")
    shutil.copytree(FIXTURE, root / "old")
    shutil.copytree(FIXTURE, root / "new")
    data = root / "new" / "data"
    plan = data / "plan" / "01-front-door.yaml"
    _edit(plan, "progress: All eight posts filled.",
          "progress: All eight posts filled; two are agency workers.")
    _edit(plan, "impact: Fewer repeat contacts.", "impact: Repeat contacts fell by a fifth.")
    _edit(plan, "action: Partner training", "action: Partner training on thresholds")
    _edit(data / "commentary.yaml", "worried: The rate is rising.",
          "worried: The rate rose again in March.")
    return load_site(root / "old" / "data"), load_site(data)


def test_edited_action_text_is_listed_with_its_fields(both):
    changes = compare(*both)
    edited = {c.action.id: c.fields_text for c in changes.text_edited}
    assert edited == {"front-door-01": "progress", "front-door-02": "impact",
                      "front-door-04": "wording"}


def test_edited_commentary_is_listed_and_not_as_new(both):
    changes = compare(*both)
    assert [(m.id, period) for m, period in changes.edited_commentary] == [("cp-rate", "2024-03")]
    assert changes.new_commentary == []


def test_unchanged_data_lists_nothing(both):
    old, _ = both
    assert compare(old, old).count == 0


def test_several_fields_are_worded_as_a_list():
    from macros.changes import ActionChange
    change = ActionChange(None, None, fields=("action", "progress", "impact"))  # type: ignore
    assert change.fields_text == "wording, progress and impact"
