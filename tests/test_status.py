"""Derived facts: overdue, counts, target in force, RAG and direction of travel."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from improvement_site.model import status
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
