"""Chart descriptions state the numbers a sighted reader takes from the chart, and the right ones.

The cases are built so that a description reading the wrong value (the first period's target
instead of the one in force, the first value instead of the last) says something false and
fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from macros.describe import measure_description, status_description
from macros.load import load_site
from macros.schema import Measure, Value
from macros.status import StatusCounts

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "minimal"


@pytest.fixture(scope="module")
def data():
    return load_site(FIXTURE / "data")


def _measure(**fields) -> Measure:
    base = dict(id="m", name="Visits on time", unit="percent", polarity="higher_is_better")
    return Measure(**{**base, **fields})


def _values(*pairs) -> list[Value]:
    return [Value(measure="m", period=p, value=v) for p, v in pairs]


def test_the_target_in_force_at_the_last_value_is_described(data):
    # The first milestone (60 by March) is met by the last value; the one in force in
    # September (90) is not. Describing against the first would say "above the target of 60".
    measure = _measure(targets=[{"by": "2024-03", "value": 60}, {"by": "2024-09", "value": 90}])
    text = measure_description(data, measure, _values(("2024-01", 50), ("2024-08", 70)))
    assert "below the target of 90%" in text
    assert "60" not in text


def test_rise_and_fall_are_from_first_to_last(data):
    measure = _measure()
    rose = measure_description(data, measure, _values(("2024-01", 50), ("2024-02", 40),
                                                       ("2024-03", 70)))
    assert rose.startswith("Visits on time rose from 50% in January 2024 to 70% in March 2024")
    fell = measure_description(data, measure, _values(("2024-01", 70), ("2024-03", 50)))
    assert fell.startswith("Visits on time fell from 70% in January 2024 to 50% in March 2024")


def test_tolerance_band_is_judged_on_the_last_value(data):
    measure = _measure(target=80, tolerance={"low": 75, "high": 95})
    inside = measure_description(data, measure, _values(("2024-01", 50), ("2024-02", 78)))
    assert "below the target of 80% and inside the tolerance of 75%–95%" in inside
    outside = measure_description(data, measure, _values(("2024-01", 78), ("2024-02", 50)))
    assert "outside the tolerance of 75%–95%" in outside


def test_gaps_are_named(data):
    measure = _measure()
    text = measure_description(data, measure, _values(("2024-01", 50), ("2024-02", None),
                                                       ("2024-03", 60)))
    assert "No value for February 2024 (shown as a gap)." in text


def test_status_description_counts():
    counts = StatusCounts(counts={"complete": 2, "on_track": 1}, overdue=1)
    assert status_description(counts, "the plan") == \
        "The plan has 3 actions: 2 completed, 1 in progress and on schedule. 1 overdue."
    assert status_description(StatusCounts({}, 0), "area 2") == "Area 2 has no actions yet."
