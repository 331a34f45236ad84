""""What changed" lists edited text as well as new records.

Two copies of the minimal fixture are loaded: the second with deliberate edits. Each test
asserts exactly which records are listed, so a comparison that missed an edit (or listed an
unedited record) fails.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from improvement_site.publish.changes import compare
from improvement_site.data.load import load_site

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
    from improvement_site.publish.changes import ActionChange
    change = ActionChange(None, None, fields=("action", "progress", "impact"))  # type: ignore
    assert change.fields_text == "wording, progress and impact"


# -- every kind of change, in one pair of releases made in memory ----------------------------
# The "what changed" page is read by councillors looking for what moved since the last
# meeting. Each list below is asserted whole: an action under the wrong heading, listed twice,
# missing, or listed with the wrong area, dates or statuses fails.


def _release(reporting_date, areas, measures, values, visits=(), commentary=()):
    from improvement_site.model.sitedata import SiteData
    from improvement_site.model.schema import Area, Commentary, Measure, Site, Value, Visit
    return SiteData.create(
        root=FIXTURE, site=Site(council="C", service="S", title="T",
                                reporting_date=reporting_date),
        areas=[Area(id=i, number=n, title=i.title(), outcomes=[{"text": "O", "actions": acts}])
               for i, n, acts in areas],
        measures=[Measure(id=m, name=m.upper(), polarity="higher_is_better", target=80)
                  for m in measures],
        values=[Value(measure=m, period=p, value=v) for m, p, v in values],
        commentary=[Commentary(measure=m, period=p, worried=w) for m, p, w in commentary],
        visits=[Visit(id=i, kind="monitoring_visit", start="2024-02-01", focus="F", summary=s)
                for i, s in visits],
        glossary={})


def _act(id, status=None, due=None, **fields):
    return {"id": id, "action": f"Action {id}", "status": status, "due": due, **fields}


DELAY = {"delay_reason": "Recruitment.", "mitigation": "Agency cover."}
OLD_ACTIONS = [
    _act("one-01", "on_track", "2024-09-30"),
    _act("one-02", "on_track", "2024-09-30"),
    _act("one-03", "not_started", "2024-09-30"),
    _act("one-04", "on_track", "2024-05-31"),
    _act("one-05", "delayed", "2024-04-30", **DELAY),
    _act("one-06", "on_track", "2024-09-30"),
    _act("one-07", "on_track", "2024-01-31"),  # overdue already: not newly overdue
    _act("one-08", "on_track", due_note="Ongoing"),
    _act("one-10", "on_track", "2024-09-30", progress=None),
]
NEW_ACTIONS = [
    _act("one-09", "on_track", "2024-01-31"),  # added, and overdue: listed as added only
    _act("one-01", "complete", "2024-09-30"),
    _act("one-02", "delayed", "2024-09-30", progress="Two posts filled.", **DELAY),
    _act("one-03", "on_track", "2024-09-30"),
    _act("one-04", "on_track", "2024-05-31"),
    _act("one-05", "delayed", "2024-04-30", revised_due="2024-07-31",
         delay_reason="Recruitment, again.", mitigation="Agency cover. "),
    _act("one-07", "on_track", "2024-01-31"),
    _act("one-08", "on_track", "2024-09-30"),
    _act("one-10", "on_track", "2024-09-30", progress="  "),  # blank is not new text
]


@pytest.fixture  # per test, not per module: mutmut maps a mutant to the tests that call it
def releases():
    old = _release(
        "2024-03-31",
        [("one", 1, OLD_ACTIONS), ("gone", 2, [_act("gone-01", "on_track", "2024-09-30")])],
        ["rag", "dir", "first", "same", "withdrawn"],
        [("rag", "2024-02", 60), ("rag", "2024-03", 70), ("withdrawn", "2024-03", 85),
         ("dir", "2024-02", 82), ("dir", "2024-03", 85),
         ("same", "2024-02", 90), ("same", "2024-03", 90)],
        visits=[("mv-1", "As published."), ("mv-2", "Leaders know the service.")],
        commentary=[("rag", "2024-03", "Falling."), ("same", "2024-03", "Flat.")])
    new = _release(
        "2024-06-30",
        [("one", 1, NEW_ACTIONS)],
        ["added", "rag", "dir", "first", "same", "withdrawn"],
        [("added", "2024-06", 1), ("withdrawn", "2024-03", None),
         ("rag", "2024-02", 60), ("rag", "2024-03", 70), ("rag", "2024-06", 85),
         ("dir", "2024-02", 82), ("dir", "2024-03", 85), ("dir", "2024-06", 84),
         ("first", "2024-06", 90),
         ("same", "2024-02", 90), ("same", "2024-03", 90)],
        visits=[("mv-1", "As published."), ("mv-2", "Leaders know the service well."),
                ("mv-3", "New.")],
        commentary=[("dropped", "2024-06", "A measure no longer in the data."),
                    ("rag", "2024-03", "Falling, then rising."), ("same", "2024-03", "Flat."),
                    ("rag", "2024-06", "Rising.")])
    return compare(old, new)


def _listed(items):
    return [(c.area.id if c.area else None, c.action.id, c.old, c.new, c.fields) for c in items]


def test_each_action_change_is_listed_once_under_its_own_heading(releases):
    assert _listed(releases.added) == [("one", "one-09", None, None, ())]
    assert _listed(releases.completed) == [("one", "one-01", "on_track", "complete", ())]
    assert _listed(releases.newly_delayed) == [("one", "one-02", "on_track", "delayed", ())]
    assert _listed(releases.status_changed) == [("one", "one-03", "not_started", "on_track",
                                                 ())]
    assert _listed(releases.newly_overdue) == [("one", "one-04", None, None, ())]


def test_moved_due_dates_are_listed_with_both_dates(releases):
    assert _listed(releases.due_moved) == [
        ("one", "one-05", "2024-04-30", "2024-07-31", ()),  # the revised date is the one judged
        ("one", "one-08", None, "2024-09-30", ()),  # "Ongoing" became a date
    ]


def test_rewritten_text_is_listed_but_not_the_reasons_a_newly_delayed_action_must_give(releases):
    # one-02's delay reason and mitigation are new because it became delayed: not "edited";
    # its progress is.
    # one-05 was delayed already, so its rewritten reason is news; its mitigation only gained
    # a trailing space. one-08 lost its due-date note for a date. one-10's progress went from
    # absent to blank: nothing to re-read.
    assert _listed(releases.text_edited) == [("one", "one-02", None, None, ("progress",)),
                                             ("one", "one-05", None, None, ("delay_reason",)),
                                             ("one", "one-08", None, None, ("due_note",))]
    assert [c.fields_text for c in releases.text_edited] == ["progress", "reason for delay",
                                                             "due-date note"]


def test_removed_actions_keep_their_area_while_it_exists(releases):
    # one-06 left area one, which is still there; gone-01 went with its whole area.
    assert _listed(releases.removed) == [("one", "one-06", None, None, ()),
                                         (None, "gone-01", None, None, ())]


def test_measures_whose_rag_or_direction_changed_are_listed_with_before_and_after(releases):
    listed = [(m.measure.id, m.old_rag, m.new_rag, m.old_direction, m.new_direction,
               m.old_value, m.new_value, m.old_period, m.new_period) for m in releases.measures]
    assert listed == [
        ("rag", "red", "green", "improving", "improving", 70, 85, "2024-03", "2024-06"),
        ("dir", "green", "green", "improving", "worsening", 85, 84, "2024-03", "2024-06"),
        ("first", None, "green", None, None, None, 90, None, "2024-06"),
        ("withdrawn", "green", None, None, None, 85, None, "2024-03", None),
    ]


def test_new_and_updated_visits_are_listed_apart(releases):
    assert [v.id for v in releases.new_visits] == ["mv-3"]
    assert [v.id for v in releases.updated_visits] == ["mv-2"]


def test_new_and_edited_commentary_are_listed_apart(releases):
    assert [(m.id, p) for m, p in releases.new_commentary] == [("rag", "2024-06")]
    assert [(m.id, p) for m, p in releases.edited_commentary] == [("rag", "2024-03")]
    assert releases.count == 20  # everything above, once


# -- contract v2: progress reports, providers' grades, breakdowns -----------------------------


def _v2_release(reporting_date, updates, providers, breakdowns):
    from improvement_site.model.sitedata import SiteData
    from improvement_site.model.schema import Area, Breakdown, Provider, Site
    return SiteData.create(
        root=FIXTURE, site=Site(council="C", service="S", title="T",
                                reporting_date=reporting_date),
        areas=[Area(id=i, number=n, title=i.title(), updates=us)
               for n, (i, us) in enumerate(updates.items(), start=1)],
        measures=[], values=[], commentary=[], visits=[], glossary={},
        providers=[Provider(id=i, name=i.title(), inspections=ins) for i, ins in providers],
        breakdowns=[Breakdown(id=i, title=i.title(), period=p,
                              categories=[{"name": "A", "value": v}]) for i, p, v in breakdowns])


def test_new_reports_changed_grades_and_new_breakdowns_are_listed():
    from improvement_site.publish.changes import compare
    good = {"date": "2023-01-10", "grade": "good"}
    old = _v2_release("2024-01-31",
                      {"one": [{"as_at": "2024-01-31", "taken": "A."}], "two": []},
                      [("maple", [good]), ("oak", [good]), ("elm", [])],
                      [("types", "2024-01", 5), ("times", "2024-01", 3)])
    new = _v2_release("2024-06-30",
                      {"one": [{"as_at": "2024-01-31", "taken": "A, edited."},
                               {"as_at": "2024-06-30", "taken": "B."}],
                       "two": [{"as_at": "2024-05-31", "taken": "C."},
                               {"as_at": "2024-06-30", "taken": "D."}],
                       "three": [{"as_at": "2024-06-01", "taken": "E."}]},
                      [("maple", [good, {"date": "2024-03-05", "grade": "inadequate"}]),
                       ("oak", [good]),  # unchanged
                       ("elm", [{"date": "2024-02-01", "grade": "good"}]),  # first inspection
                       ("ash", [{"date": "2024-04-01", "grade": "outstanding"}]),  # new
                       ("yew", [])],  # new, not inspected: nothing to say
                      [("types", "2024-01", 5), ("times", "2024-06", 4), ("reasons", "2024-06", 2)])
    changes = compare(old, new)
    # A report with a date the area did not have is new (an edited one is not), oldest first.
    assert [(a.id, u.as_at.isoformat()) for a, u in changes.new_updates] == [
        ("one", "2024-06-30"), ("two", "2024-05-31"), ("two", "2024-06-30"),
        ("three", "2024-06-01")]
    assert [(c.provider.id, c.old.grade if c.old else None, c.new.grade, c.added)
            for c in changes.provider_grades] == [
        ("maple", "good", "inadequate", False), ("elm", None, "good", False),
        ("ash", None, "outstanding", True)]
    assert [b.id for b in changes.new_breakdowns] == ["reasons"]
    assert [b.id for b in changes.updated_breakdowns] == ["times"]
    assert changes.count == 4 + 3 + 1 + 1
    assert compare(new, new).count == 0


def test_a_report_dated_after_the_old_releases_date_but_already_there_is_not_new():
    from improvement_site.publish.changes import compare
    same = {"one": [{"as_at": "2024-01-15", "taken": "A."}]}
    changes = compare(_v2_release("2024-01-31", same, [], []),
                      _v2_release("2024-06-30", same, [], []))
    assert changes.new_updates == [] and changes.provider_grades == []
