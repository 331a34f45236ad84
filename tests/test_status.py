"""Derived facts: overdue, counts, target in force, RAG and direction of travel."""

from __future__ import annotations

from datetime import date

import pytest

from macros import status
from macros.schema import Action, Measure


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


def test_measure_status_skips_missing_values_and_applies_override(built):
    data = built("minimal").data
    st = status.measure_status(data, data.measure("visits-in-time"))
    # February is "not available": the latest known value is March, compared with January.
    assert st.latest.period == "2024-03" and st.previous.period == "2024-01"
    assert st.rag == "amber" and st.direction == "worsening"
    cp = status.measure_status(data, data.measure("cp-rate"))
    assert (cp.target, cp.rag, cp.direction) == (83, "red", "worsening")

