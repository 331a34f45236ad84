"""Derived facts: overdue, counts, target in force, RAG and direction of travel."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from improvement_site.model import labels, status
from improvement_site.data.load import load_site
from improvement_site.model.schema import Action, Measure

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal" / "data"


def measure(**fields) -> Measure:
    return Measure.model_validate({"id": "m", "name": "M", **fields})


def action(**fields) -> Action:
    return Action.model_validate({"id": "a-01", "action": "Do it", **fields})


REPORTING = date(2024, 9, 11)


@pytest.mark.parametrize("fields, overdue", [
    ({"due": "2024-09-10", "status": "on_track"}, True),
    ({"due": "2024-09-11", "status": "on_track"}, False),  # due on the day is not late yet
    ({"due": "2024-09-10", "status": "complete"}, False),
    ({"due": "2024-09-10"}, True),  # not rated and past due
    ({"due": "2024-01-01", "revised_due": "2024-12-31", "status": "delayed",
      "delay_reason": "x", "mitigation": "y"}, False),  # the revised date is what counts
    ({"due_note": "Ongoing"}, False),  # no date, cannot be overdue
])
def test_overdue_is_judged_against_reporting_date(fields, overdue):
    assert status.is_overdue(action(**fields), REPORTING) is overdue


def test_counts_by_status_include_zeros_and_not_rated():
    actions = [action(status="complete"), action(status="complete"), action(),
               action(status="on_track", due="2020-01-01")]
    counts = status.count_statuses(actions, REPORTING)
    assert counts.counts == {"complete": 2, "on_track": 1, "delayed": 0, "not_started": 0,
                             "not_rated": 1}
    assert counts.total == 4 and counts.overdue == 1
    assert [label for _, label, _ in counts.items()][0] == "Completed"


def test_overdue_actions_are_counted_by_the_status_the_council_reported():
    """Issue 21: "44 overdue" said nothing; the count says what the overdue actions are."""
    actions = [action(status="on_track", due="2020-01-01"), action(due="2020-01-01"),
               action(due="2020-02-01"), action(status="complete", due="2020-01-01"),
               action(status="on_track", due="2099-01-01")]
    counts = status.count_statuses(actions, REPORTING)
    assert counts.overdue == 3
    assert counts.overdue_by == {"on_track": 1, "not_rated": 2}
    assert labels.overdue_words(counts) == ("3 past their due date: 1 reported in progress and "
                                            "on schedule and 2 never rated")


MILESTONES = {"targets": [{"by": "2023-09", "value": 83}, {"by": "2024-03", "value": 68}]}


@pytest.mark.parametrize("period, target", [
    ("2023-04", 83), ("2023-09", 83), ("2023-09-30", 83), ("2023-10", 68), ("2024-03", 68),
    ("2024-07", 68),  # after the last milestone, the last one stays in force
])
def test_target_in_force_is_first_milestone_on_or_after(period, target):
    assert status.target_for(measure(**MILESTONES), period) == target


@pytest.mark.parametrize("polarity, value, rag", [
    ("higher_is_better", 90, "green"), ("higher_is_better", 86, "amber"),
    ("higher_is_better", 85, "amber"), ("higher_is_better", 84.9, "red"),
    ("lower_is_better", 83, "green"), ("lower_is_better", 91, "amber"),
    ("lower_is_better", 97, "red"),
])
def test_rag_by_polarity_and_tolerance(polarity, value, rag):
    tolerance = {"low": 85, "high": 91} if polarity == "higher_is_better" else {"low": 76, "high": 91}
    target = 90 if polarity == "higher_is_better" else 83
    m = measure(polarity=polarity, target=target, tolerance=tolerance)
    assert status.rag_of(m, value, target) == rag


def test_in_range_has_no_amber_and_no_target_means_no_rag():
    m = measure(polarity="in_range", target=800, tolerance={"low": 720, "high": 880})
    assert status.rag_of(m, 807, 800) == "green"
    assert status.rag_of(m, 900, 800) == "red"
    assert status.rag_of(measure(polarity="higher_is_better"), 50, None) is None
    # Without a tolerance there is no amber band: a miss is red.
    assert status.rag_of(measure(polarity="higher_is_better", target=70), 62, 70) == "red"


@pytest.mark.parametrize("polarity, before, after, direction", [
    ("higher_is_better", 80, 90, "improving"), ("higher_is_better", 90, 80, "worsening"),
    ("lower_is_better", 88, 97, "worsening"), ("lower_is_better", 97, 88, "improving"),
    ("lower_is_better", 5, 5, "no_change"),
    ("in_range", 860, 820, "improving"),  # closer to the target of 800
    ("in_range", 790, 760, "worsening"),
])
def test_direction_follows_polarity_not_up_or_down(polarity, before, after, direction):
    m = measure(polarity=polarity, target=800, tolerance={"low": 720, "high": 880})
    assert status.direction_of(m, after, before, 800) == direction


def test_measure_status_skips_missing_values_and_applies_override():
    data = load_site(MINIMAL)
    st = status.measure_status(data, data.measure("visits-in-time"))
    # February is "not available": the latest known value is March, compared with January.
    assert st.latest.period == "2024-03" and st.previous.period == "2024-01"
    assert st.rag == "amber" and st.direction == "worsening"
    cp = status.measure_status(data, data.measure("cp-rate"))
    assert (cp.target, cp.rag, cp.direction) == (83, "red", "worsening")



# -- rules that the cases above leave open -------------------------------------------------
# Each case below is one the contract decides and a plausible slip in the code gets wrong.


def _site(values, measures, areas=(), reporting_date="2024-03-31"):
    """A model made in memory: just the records a rule needs."""
    from improvement_site.model.sitedata import SiteData
    from improvement_site.model.schema import Site, Value
    return SiteData.create(
        root=Path("."),
        site=Site(council="C", service="S", title="T", reporting_date=reporting_date),
        areas=list(areas), measures=list(measures),
        values=[Value(measure=m, period=p, value=v) for m, p, v in values],
        commentary=[], visits=[], glossary={})


def test_counts_list_every_status_with_zero_when_none_are_given():
    # A count handed only the statuses present still lists the others as 0, not blank.
    items = status.StatusCounts({"delayed": 2}, 0).items()
    assert [(s, n) for s, _, n in items] == [("complete", 0), ("on_track", 0), ("delayed", 2),
                                             ("not_started", 0), ("not_rated", 0)]


def test_plan_and_area_counts_are_judged_at_the_reporting_date():
    from improvement_site.model.schema import Area
    late = {"due": "2024-03-01", "status": "on_track"}
    areas = [
        Area(id="one", number=1, title="One", outcomes=[{"text": "O", "actions": [
            {"id": "one-01", "action": "A", **late},
            {"id": "one-02", "action": "B", "due": "2024-03-01", "status": "complete"}]}]),
        Area(id="two", number=2, title="Two", outcomes=[{"text": "O", "actions": [
            {"id": "two-01", "action": "C", "due": "2024-04-30"}]}]),
    ]
    # 31 March: one-01 is a month late; two-01 is due in April, so not yet.
    data = _site([], [], areas, reporting_date="2024-03-31")
    plan = status.plan_counts(data)
    assert (plan.total, plan.overdue) == (3, 1)
    assert plan.counts == {"complete": 1, "on_track": 1, "delayed": 0, "not_started": 0,
                           "not_rated": 1}
    two = status.area_counts(data, data.area("two"))
    assert (two.total, two.overdue, two.counts["not_rated"]) == (1, 0, 1)
    # 1 May: two-01 is now overdue too, on the same data.
    later = _site([], [], areas, reporting_date="2024-05-01")
    assert status.plan_counts(later).overdue == 2
    assert status.area_counts(later, later.area("two")).overdue == 1
    assert status.area_counts(later, later.area("one")).overdue == 1


def test_after_the_last_of_several_milestones_the_last_stays_in_force():
    m = measure(targets=[{"by": "2023-03", "value": 50}, {"by": "2023-09", "value": 60},
                         {"by": "2024-03", "value": 70}])
    assert status.target_for(m, "2023-06") == 60
    assert status.target_for(m, "2025-01") == 70


def test_in_range_is_green_on_both_edges_of_the_tolerance():
    m = measure(polarity="in_range", target=800, tolerance={"low": 720, "high": 880})
    assert [status.rag_of(m, v, 800) for v in (719, 720, 880, 881)] == \
        ["red", "green", "green", "red"]


@pytest.mark.parametrize("tolerance", [{"low": 720}, {"high": 880}])
def test_in_range_with_half_a_band_has_no_rag(tolerance):
    # "green inside [low, high]": with one edge missing there is no range to be inside.
    m = measure(polarity="in_range", target=800, tolerance=tolerance)
    assert status.rag_of(m, 800, 800) is None


@pytest.mark.parametrize("latest, previous, polarity", [
    (90, None, "higher_is_better"), (None, 90, "higher_is_better"),
    (None, 90, "lower_is_better"), (90, None, "in_range"),
    (90, 80, None),  # no polarity: up or down means nothing
])
def test_direction_needs_two_values_and_a_polarity(latest, previous, polarity):
    m = measure(polarity=polarity, target=85, tolerance={"low": 70, "high": 95})
    assert status.direction_of(m, latest, previous, 85) is None


def test_higher_is_better_rising_is_improving_even_far_above_the_target():
    # Not "closer to the target": that is in_range's rule only.
    m = measure(polarity="higher_is_better", target=50)
    assert status.direction_of(m, 90, 80, 50) == "improving"
    assert status.direction_of(m, 80, 90, 50) == "worsening"
    m = measure(polarity="lower_is_better", target=50)
    assert status.direction_of(m, 20, 30, 50) == "improving"
    assert status.direction_of(m, 30, 20, 50) == "worsening"


def test_in_range_direction_is_towards_the_target_not_the_middle_of_the_band():
    # Target 750, band 700-900 (middle 800): from 770 to 760 is closer to the target.
    m = measure(polarity="in_range", target=750, tolerance={"low": 700, "high": 900})
    assert status.direction_of(m, 760, 770, 750) == "improving"
    assert status.direction_of(m, 790, 780, 750) == "worsening"


@pytest.mark.parametrize("previous, latest, direction", [
    (860, 820, "improving"), (790, 760, "worsening"), (700, 740, "improving"),
    (790, 810, "no_change"),  # as far from 800 on the other side
])
def test_in_range_without_a_target_is_judged_against_the_middle_of_the_band(
        previous, latest, direction):
    m = measure(polarity="in_range", tolerance={"low": 720, "high": 880})
    assert status.direction_of(m, latest, previous, None) == direction


@pytest.mark.parametrize("tolerance", [None, {"low": 720}, {"high": 880}])
def test_in_range_without_a_target_or_a_whole_band_has_no_direction(tolerance):
    m = measure(polarity="in_range", tolerance=tolerance)
    assert status.direction_of(m, 820, 860, None) is None


def test_in_range_the_same_distance_either_side_of_the_target_is_no_change():
    m = measure(polarity="in_range", target=800, tolerance={"low": 720, "high": 880})
    assert status.direction_of(m, 810, 790, 800) == "no_change"


def test_a_value_for_the_reporting_month_counts_as_latest():
    m = measure(id="m", polarity="higher_is_better", target=80)
    data = _site([("m", "2024-02", 70), ("m", "2024-03", 85), ("m", "2024-04", 60)], [m])
    # Reporting date 31 March: March counts; April is after it and does not.
    assert [v.period for v in status.known_values(data, m)] == ["2024-02", "2024-03"]
    snapshot = _site([("m", "2024-03-30", 70), ("m", "2024-03-31", 85)], [m])
    assert status.measure_status(snapshot, m).latest.period == "2024-03-31"


def test_one_value_has_no_previous_and_no_direction():
    m = measure(id="m", polarity="higher_is_better", target=80)
    st = status.measure_status(_site([("m", "2024-03", 85)], [m]), m)
    assert (st.latest.value, st.previous, st.rag, st.direction) == (85, None, "green", None)


def test_a_rag_set_by_hand_is_shown_with_its_reason_and_the_computed_rag_kept():
    m = measure(id="m", polarity="higher_is_better", target=80,
                rag_override={"rag": "amber", "reason": "Small numbers this month."})
    st = status.measure_status(_site([("m", "2024-02", 70), ("m", "2024-03", 85)], [m]), m)
    assert (st.rag, st.computed_rag, st.override_reason) == \
        ("amber", "green", "Small numbers this month.")
    plain = measure(id="m", polarity="higher_is_better", target=80)
    st = status.measure_status(_site([("m", "2024-03", 70)], [plain]), plain)
    assert (st.rag, st.computed_rag, st.override_reason) == ("red", "red", None)


def test_measure_status_judges_in_range_direction_against_the_target_in_force():
    m = measure(id="m", polarity="in_range", target=750, tolerance={"low": 700, "high": 900})
    st = status.measure_status(_site([("m", "2024-02", 770), ("m", "2024-03", 760)], [m]), m)
    assert (st.target, st.direction) == (750, "improving")


def test_a_value_is_rated_against_the_target_in_force_for_its_own_period():
    m = measure(polarity="higher_is_better",
                targets=[{"by": "2023-09", "value": 60}, {"by": "2024-03", "value": 90}])
    from improvement_site.model.schema import Value
    # 70 meets September's 60 but not March's 90.
    assert status.value_rag(m, Value(measure="m", period="2023-08", value=70)) == "green"
    assert status.value_rag(m, Value(measure="m", period="2024-01", value=70)) == "red"
    assert status.value_rag(m, Value(measure="m", period="2024-01", value=None)) is None


# -- contract v2: linear targets, off-target Amber, statuses and values that are not recent ---

LINEAR = {"targets_mode": "linear", "baseline": {"period": "2023-03", "value": 0},
          "targets": [{"by": "2023-09", "value": 60}, {"by": "2024-03", "value": 120}]}


@pytest.mark.parametrize("period, target", [
    ("2023-03", 0),  # the baseline itself
    ("2023-04", 10), ("2023-06", 30), ("2023-06-30", 30),  # a snapshot date uses its month
    ("2023-07-17", 40), ("2023-09", 60),  # on the milestone
    ("2023-10", 70), ("2024-02", 110), ("2024-03", 120),
    ("2024-04", 120), ("2026-01", 120),  # after the last milestone, the last
    ("2023-02", None),  # before the baseline the trajectory has not started
])
def test_a_linear_target_is_interpolated_month_by_month_from_the_baseline(period, target):
    # North East Lincolnshire's children entering care: 0 at the end of March rising to 60 in
    # September (30 in June) and 120 in March 2024.
    assert status.target_for(measure(**LINEAR), period) == target


def test_a_linear_target_without_a_baseline_starts_at_its_first_milestone():
    m = measure(targets_mode="linear", targets=[{"by": "2023-09", "value": 83},
                                               {"by": "2024-03", "value": 68}])
    assert status.target_for(m, "2023-04") == 83  # nothing to interpolate from
    assert status.target_for(m, "2023-12") == pytest.approx(75.5)  # halfway, 3 of 6 months
    assert status.target_for(m, "2024-01") == pytest.approx(73)
    # The same milestones as steps: the next milestone is in force all the way.
    assert status.target_for(measure(targets=m.model_dump()["targets"]), "2023-12") == 68


def test_a_value_is_rated_against_its_point_on_the_trajectory():
    from improvement_site.model.schema import Value
    # Children ceasing care: 0 at the end of March to 90 in September; June's 58 is above 45.
    up = measure(polarity="higher_is_better", targets_mode="linear",
                 baseline={"period": "2023-03", "value": 0},
                 targets=[{"by": "2023-09", "value": 90}, {"by": "2024-03", "value": 180}])
    assert status.target_for(up, "2023-06") == 45
    assert status.value_rag(up, Value(measure="m", period="2023-06", value=58)) == "green"
    assert status.value_rag(up, Value(measure="m", period="2023-06", value=44)) == "red"
    down = measure(polarity="lower_is_better", **LINEAR)
    assert status.value_rag(down, Value(measure="m", period="2023-06", value=30)) == "green"
    assert status.value_rag(down, Value(measure="m", period="2023-06", value=42)) == "red"


def test_the_values_table_gives_each_period_its_trajectory_target():
    m = measure(id="m", polarity="lower_is_better", **LINEAR)
    data = _site([("m", "2023-04", 7), ("m", "2023-05", 19), ("m", "2023-06", 42)], [m],
                 reporting_date="2023-06-30")
    assert [(v.period, t, r) for v, t, r in status.value_table(data, m)] == [
        ("2023-04", 10, "green"), ("2023-05", 20, "green"), ("2023-06", 30, "red")]
    assert status.measure_status(data, m).target == 30


IN_RANGE = {"polarity": "in_range", "target": 800, "tolerance": {"low": 720, "high": 880}}


@pytest.mark.parametrize("value, never, off_target", [
    (719, "red", "red"),  # outside the tolerance: red either way
    (720, "green", "amber"),  # on the tolerance edge: inside, but off the target
    (799.5, "green", "amber"),
    (800, "green", "green"),  # at the target
    (807, "green", "amber"),  # North East Lincolnshire's printed Amber for CiN
    (880, "green", "amber"), (881, "red", "red"),
])
def test_off_target_makes_an_in_range_value_amber_unless_it_is_at_the_target(
        value, never, off_target):
    m = measure(**IN_RANGE)
    assert status.rag_of(m, value, 800) == never  # the default rule
    assert status.rag_of(m, value, 800, "never") == never
    assert status.rag_of(m, value, 800, "off_target") == off_target


def test_off_target_leaves_other_polarities_and_measures_without_a_target_alone():
    higher = measure(polarity="higher_is_better", target=90, tolerance={"low": 85})
    assert [status.rag_of(higher, v, 90, "off_target") for v in (84, 85, 90, 95)] == [
        "red", "amber", "green", "green"]
    no_target = measure(polarity="in_range", tolerance={"low": 720, "high": 880})
    assert status.rag_of(no_target, 800, None, "off_target") is None


def test_the_site_rule_reaches_measure_status_and_the_values_table():
    m = measure(id="m", **IN_RANGE)
    data = _site([("m", "2024-02", 800), ("m", "2024-03", 807)], [m])
    assert status.in_range_amber(data) == "never"
    assert status.measure_status(data, m).rag == "green"
    ruled = _with_site(data, rag_rules={"in_range_amber": "off_target"})
    assert status.in_range_amber(ruled) == "off_target"
    assert status.measure_status(ruled, m).rag == "amber"
    assert [r for _, _, r in status.value_table(ruled, m)] == ["green", "amber"]


def _with_site(data, **fields):
    """The same model with site.yaml fields changed."""
    from improvement_site.model.schema import Site
    from improvement_site.model.sitedata import SiteData
    site = Site.model_validate({**data.site.model_dump(), **fields})
    return SiteData.create(root=data.root, site=site, areas=data.areas, measures=data.measures,
                           values=[v for vs in data.values.values() for v in vs],
                           commentary=data.commentary, visits=data.visits,
                           glossary=dict(data.glossary))


def _reviewed_plan(reporting_date: str, area_reviewed=None, action_reviewed=None,
                   stale_after_days=None):
    from improvement_site.model.schema import Area
    area = {"id": "one", "number": 1, "title": "One", "outcomes": [{"text": "O", "actions": [
        {"id": "one-01", "action": "A", "due": "2020-01-31", "status": "on_track",
         **({"reviewed": action_reviewed} if action_reviewed else {})},
        {"id": "one-02", "action": "B", "status": "complete"}]}]}
    if area_reviewed:
        area["reviewed"] = area_reviewed
    data = _site([], [], areas=[Area.model_validate(area)], reporting_date=reporting_date)
    return _with_site(data, **({"stale_after_days": stale_after_days}
                               if stale_after_days is not None else {}))


@pytest.mark.parametrize("reviewed, stale", [
    ("2023-12-02", False),  # exactly 120 days before 31 March 2024: still recent
    ("2023-12-01", True),  # 121 days: not recent
    ("2024-03-31", False), ("2024-04-15", False),  # on or after the reporting date
])
def test_a_status_is_not_recent_only_past_stale_after_days(reviewed, stale):
    data = _reviewed_plan("2024-03-31", area_reviewed=reviewed)
    area = data.area("one")
    for _, _, action in data.actions():
        assert status.review_date(area, action).isoformat() == reviewed
        assert status.is_stale(data, area, action) is stale


def test_the_action_review_date_wins_over_the_area_and_none_claims_nothing():
    data = _reviewed_plan("2024-03-31", area_reviewed="2022-12-12", action_reviewed="2024-03-01")
    area = data.area("one")
    first, second = [a for _, _, a in data.actions()]
    assert status.review_date(area, first).isoformat() == "2024-03-01"
    assert not status.is_stale(data, area, first)
    assert status.is_stale(data, area, second)  # the area's date
    bare = _reviewed_plan("2024-03-31")
    for _, _, action in bare.actions():
        assert status.review_date(bare.area("one"), action) is None
        assert not status.is_stale(bare, bare.area("one"), action)
    counts = status.plan_counts(bare)
    assert (counts.stale, counts.reviewed) == (0, ())
    assert labels.stale_caveat(counts) == ""


def test_stale_after_days_is_the_sites_own():
    data = _reviewed_plan("2024-03-31", area_reviewed="2024-03-01", stale_after_days=29)
    assert status.is_stale(data, data.area("one"), next(data.actions())[2])  # 30 days
    data = _reviewed_plan("2024-03-31", area_reviewed="2024-03-01", stale_after_days=30)
    assert not status.is_stale(data, data.area("one"), next(data.actions())[2])
    assert _reviewed_plan("2024-03-31").site.stale_after_days == 120  # the default


def test_counts_know_which_of_their_statuses_are_stale_and_say_so():
    data = _reviewed_plan("2024-03-31", area_reviewed="2022-12-12")
    counts = status.plan_counts(data)
    assert (counts.total, counts.overdue, counts.stale, counts.stale_overdue) == (2, 1, 2, 1)
    assert [d.isoformat() for d in counts.reviewed] == ["2022-12-12"]
    assert labels.stale_caveat(counts) == "on statuses as at 12 December 2022"
    assert status.area_counts(data, data.area("one")) == counts
    partly = status.plan_counts(_reviewed_plan("2024-03-31", area_reviewed="2022-12-12",
                                               action_reviewed="2024-03-01"))
    assert (partly.stale, partly.stale_overdue) == (1, 0)
    assert labels.stale_caveat(partly) == \
        "with 1 of the 2 statuses as at 12 December 2022"
    several = status.StatusCounts({"on_track": 3}, 0, stale=3,
                                  reviewed=(date(2022, 12, 12), date(2023, 3, 1)))
    assert labels.stale_caveat(several) == \
        "on statuses as at dates between 12 December 2022 and 1 March 2023"


@pytest.mark.parametrize("period, reporting_date, stale", [
    ("2023-11", "2024-03-29", False),  # November ended 30 November: 120 days before
    ("2023-11", "2024-03-30", True),  # 121 days
    ("2023-11-30", "2024-03-29", False), ("2023-11-29", "2024-03-29", True),  # snapshots
    ("2024-03", "2024-03-15", False),  # the reporting month itself
])
def test_a_latest_value_is_not_recent_when_its_period_ended_past_stale_after_days(
        period, reporting_date, stale):
    m = measure(id="m", polarity="higher_is_better", target=80)
    st = status.measure_status(_site([("m", period, 85)], [m], reporting_date=reporting_date),
                               m)
    assert st.stale is stale
    assert st.latest_month == labels.long_date(period[:7])


def test_a_measure_with_no_value_is_not_called_stale():
    m = measure(id="m")
    st = status.measure_status(_site([], [m]), m)
    assert (st.stale, st.latest_month) == (False, "")
    assert labels.stale_value("November 2022") == "latest value is from November 2022"


def test_providers_latest_grade_is_the_newest_inspection_by_the_reporting_date():
    from improvement_site.model.schema import Provider
    from improvement_site.model.sitedata import SiteData
    home = Provider(id="maple", name="Maple", inspections=[
        {"date": "2023-06-12", "grade": "good"}, {"date": "2021-01-05", "grade": "inadequate"},
        {"date": "2024-05-01", "grade": "outstanding"}])
    new = Provider(id="oak", name="Oak")
    data = SiteData.create(root=Path("."), site=_site([], []).site, areas=[], measures=[],
                           values=[], commentary=[], visits=[], glossary={},
                           providers=[home, new])
    assert [i.date.isoformat() for i in status.inspections_of(home)] == [
        "2024-05-01", "2023-06-12", "2021-01-05"]
    assert status.latest_inspection(data, home).grade == "good"  # May 2024 is after 31 March
    assert status.latest_inspection(data, new) is None
    assert status.provider_grade_counts(data) == [("good", 1), (None, 1)]
