"""Chart descriptions state the numbers a sighted reader takes from the chart, and the right ones,
in at most 60 words; chart titles say the message.

The cases are built so that a description reading the wrong value (the first period's target
instead of the one in force, the first value instead of the last) says something false and
fails here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from improvement_site.charts.describe import (measure_description, measure_title, progress_title,
                                              status_description, status_title,
                                              visits_description, within)
from improvement_site.data.load import load_site
from improvement_site.model.schema import Measure, Value
from improvement_site.model.status import StatusCounts

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
        "The plan has 3 actions: 2 completed, 1 in progress and on schedule. 1 past its due date."
    assert status_description(StatusCounts({}, 0), "area 2") == "Area 2 has no actions yet."


# -- whole sentences ------------------------------------------------------------------------
# A screen-reader user hears the description instead of seeing the chart, so each case below
# is the whole sentence: a wrong word, a lost clause or a missing full stop fails.


def _site(measure: Measure, values: list[Value], reporting_date: str = "2024-03-31"):
    from improvement_site.model.sitedata import SiteData
    from improvement_site.model.schema import Site
    return SiteData.create(
        root=FIXTURE, site=Site(council="C", service="S", title="T",
                                reporting_date=reporting_date),
        areas=[], measures=[measure], values=values, commentary=[], visits=[], glossary={})


def test_a_single_value_is_stated_with_its_month(data):
    assert measure_description(data, _measure(), _values(("2024-01", 70))) == \
        "Visits on time was 70% in January 2024."


def test_no_values_says_there_is_nothing_to_plot(data):
    assert measure_description(data, _measure(), _values(("2024-01", None))) == \
        "Visits on time: no values have been published, so there is nothing to plot."


def test_the_same_value_at_both_ends_is_neither_a_rise_nor_a_fall(data):
    text = measure_description(data, _measure(target=70),
                               _values(("2024-01", 70), ("2024-02", 90), ("2024-03", 70)))
    assert text == "Visits on time was 70% in both January 2024 and March 2024, " \
        "on the target of 70%."


@pytest.mark.parametrize("periods, text", [
    (("2024-01-17", "2024-02-17"), "was 70% on both 17 January 2024 and 17 February 2024."),
    (("2024-01-17", "2024-03-05"), "was 70% on both 17 January 2024 and 5 March 2024."),
    (("2024-01", "2024-02-17"), "was 70% both in January 2024 and on 17 February 2024."),
    (("2024-01-17", "2024-02"), "was 70% both on 17 January 2024 and in February 2024."),
])
def test_a_value_is_in_a_month_and_on_a_day(data, periods, text):
    values = _values(*((p, 70) for p in periods))
    assert measure_description(data, _measure(), values) == "Visits on time " + text
    one = measure_description(data, _measure(), _values((periods[1], 70)))
    assert one.startswith("Visits on time was 70% " + ("on " if len(periods[1]) > 7 else "in "))


@pytest.mark.parametrize("last, clause", [
    (71, "above the target of 70%"), (70, "on the target of 70%"), (69, "below the target of 70%"),
])
def test_above_on_or_below_the_target(data, last, clause):
    text = measure_description(data, _measure(target=70), _values(("2024-01", 50),
                                                                  ("2024-02", last)))
    assert text == f"Visits on time rose from 50% in January 2024 to {last}% in February 2024, " \
        f"{clause}."


@pytest.mark.parametrize("last, inside", [(74, "outside"), (75, "inside"), (95, "inside"),
                                          (96, "outside")])
def test_the_edges_of_the_tolerance_are_inside_it(data, last, inside):
    measure = _measure(tolerance={"low": 75, "high": 95})
    text = measure_description(data, measure, _values(("2024-01", last)))
    assert text == f"Visits on time was {last}% in January 2024, {inside} the tolerance of 75%–95%."


@pytest.mark.parametrize("tolerance, last, clause", [
    ({"low": 60}, 59, "below the lower tolerance of 60%"),
    ({"low": 60}, 60, "above the lower tolerance of 60%"),  # on the edge is acceptable
    ({"high": 40}, 40, "below the upper tolerance of 40%"),
    ({"high": 40}, 41, "above the upper tolerance of 40%"),
])
def test_a_one_sided_tolerance_is_named_as_lower_or_upper(data, tolerance, last, clause):
    text = measure_description(data, _measure(tolerance=tolerance), _values(("2024-01", last)))
    assert text == f"Visits on time was {last}% in January 2024, {clause}."


def test_target_and_tolerance_are_joined_with_and(data):
    text = measure_description(data, _measure(target=80, tolerance={"low": 75}),
                               _values(("2024-01", 78)))
    assert text == "Visits on time was 78% in January 2024, below the target of 80% and " \
        "above the lower tolerance of 75%."


def test_gaps_and_comparators_follow_the_sentence(data):
    measure = _measure(comparators=[{"name": "England", "value": 43.2, "period": "2022-23"},
                                    {"name": "Neighbours", "value": 50}])
    text = measure_description(data, measure, _values(("2024-01", 60), ("2024-02", None),
                                                      ("2024-03", None), ("2024-04", 61)))
    assert text == ("Visits on time rose from 60% in January 2024 to 61% in April 2024. "
                    "No value for February 2024, March 2024 (shown as gaps). "
                    "Comparators: England 43.2% (2022-23); Neighbours 50%.")


def test_rating_and_direction_are_said_when_the_chart_ends_at_the_latest_value():
    measure = _measure(target=80)
    values = _values(("2024-02", 85), ("2024-03", 82))
    text = measure_description(_site(measure, values), measure, values)
    assert text == "Visits on time fell from 85% in February 2024 to 82% in March 2024, " \
        "above the target of 80%; rated Green, worsening."


def test_no_rating_or_direction_when_the_chart_stops_before_the_latest_value():
    # The chart shows January to February; the latest value (March) is not on it, so its
    # rating and the direction of travel (March against February) are not this chart's.
    measure = _measure(target=80)
    values = _values(("2024-01", 85), ("2024-02", 82), ("2024-03", 90))
    text = measure_description(_site(measure, values), measure, values[:2])
    assert text == "Visits on time fell from 85% in January 2024 to 82% in February 2024, " \
        "above the target of 80%."


def test_no_direction_is_claimed_from_a_single_value():
    measure = _measure(target=80)
    values = _values(("2024-03", 82))
    assert measure_description(_site(measure, values), measure, values) == \
        "Visits on time was 82% in March 2024, above the target of 80%; rated Green."


@pytest.mark.parametrize("counts, text", [
    ({"delayed": 1}, "Area 1 has 1 action: 1 delayed / not on schedule. None past its due date."),
    ({"complete": 1, "not_started": 1},
     "Area 1 has 2 actions: 1 completed, 1 planning: not yet commenced. None past its due date."),
])
def test_status_description_says_action_or_actions(counts, text):
    assert status_description(StatusCounts(counts, 0), "area 1") == text


def test_visits_description_counts_kinds_and_names_the_latest_and_this_pages(data):
    assert visits_description(data.visits, data.visits[1]) == (
        "A timeline, one row per visit, 8 May 2023 to 20 February 2024: 1 full inspection, "
        "1 monitoring visit. The latest is Monitoring visit 1 (20 February 2024). This page's "
        "visit, Monitoring visit 1 (20 February 2024), is a diamond.")
    # Never the visit's (often long) focus: NEL's is 40 words.
    assert "front door" not in visits_description(data.visits, data.visits[1])


def test_one_visit_is_a_timeline_with_one_row(data):
    assert visits_description(data.visits[:1]) == \
        "A timeline with one row: the only inspection or visit recorded."


# -- titles say the message; descriptions stop at 60 words -----------------------------------


@pytest.mark.parametrize("pairs, title", [
    ((("2024-01", 50), ("2024-03", 70)), "Visits on time rose to 70%"),
    ((("2024-01", 70), ("2024-03", 50)), "Visits on time fell to 50%"),
    ((("2024-01", 70), ("2024-03", 70)), "Visits on time was 70% in March 2024"),
    ((("2024-01", 70),), "Visits on time was 70% in January 2024"),
    ((("2024-01", None),), "Visits on time"),
])
def test_a_measure_title_says_what_happened(pairs, title):
    assert measure_title(_measure(), _values(*pairs)) == title


def test_status_title_says_completed_and_overdue():
    assert status_title(StatusCounts({"complete": 2, "on_track": 1}, 1)) == \
        "2 of 3 actions completed; 1 past its due date"
    assert status_title(StatusCounts({}, 0)) == "No actions yet"
    assert status_title(StatusCounts({"complete": 1, "not_rated": 3}, 2)) == \
        "1 of 4 actions completed; 2 past their due date"
    assert status_title(StatusCounts({"not_rated": 1}, 0)) == \
        "0 of 1 action completed; none past its due date"
    # The count only: what the overdue actions are is the description's to say.
    assert status_title(StatusCounts({"on_track": 2}, 2, overdue_by={"on_track": 2})) == \
        "0 of 2 actions completed; 2 past their due date"


def test_status_description_says_when_the_statuses_are_from():
    counts = StatusCounts({"on_track": 2}, 0, stale=2, reviewed=(date(2022, 12, 12),))
    assert status_description(counts, "area 1") == (
        "Area 1 has 2 actions: 2 in progress and on schedule. None past its due date, on "
        "statuses as at 12 December 2022.")


def test_status_description_says_what_the_overdue_actions_are():
    counts = StatusCounts({"on_track": 2, "not_rated": 1}, 3,
                          overdue_by={"on_track": 2, "not_rated": 1})
    assert status_description(counts, "the whole plan") == (
        "The whole plan has 3 actions: 2 in progress and on schedule, 1 not yet rated. 3 past "
        "their due date: 2 reported in progress and on schedule and 1 never rated.")


def test_within_keeps_whole_sentences_in_order_up_to_the_cap():
    assert within("One two.", "Three four five.", "Six.", limit=4) == "One two. Six."
    assert within("One two three four five.", "Six.", limit=4) == "One two three four five."


def test_the_longest_description_stays_within_60_words(data):
    """A long name, a tolerance, three comparators with periods, five gaps and three visits:
    the lesser parts give way, the main sentence stays whole."""
    measure = _measure(name="Percentage of children subject to a child protection plan for a "
                            "second or subsequent time within two years",
                       target=80, tolerance={"low": 75, "high": 95},
                       comparators=[{"name": n, "value": 50, "period": "2022-23"}
                                    for n in ("England", "Statistical neighbours", "Region")])
    values = _values(*[(f"2024-{m:02d}", None if m % 2 else 70) for m in range(1, 12)])
    text = measure_description(data, measure, values, visits=list(data.visits) * 2)
    assert len(text.split()) <= 60  # the cap readers were promised (describe.WORDS)
    assert text.startswith("Percentage of children subject to a child protection plan for a "
                           "second or subsequent time within two years was 70% in both")
    assert "No value for 6 periods (shown as gaps)." in text


def test_progress_title_says_how_completed_actions_moved():
    def at(*done):
        return [(f"meeting {i}", StatusCounts({"complete": n, "on_track": 3}, 0))
                for i, n in enumerate(done)]
    assert progress_title(at(2, 9, 6)) == "Completed actions rose from 2 to 6"
    assert progress_title(at(6, 2)) == "Completed actions fell from 6 to 2"
    assert progress_title(at(4, 4)) == "Completed actions stayed at 4"


# -- not recent, linear targets, breakdowns (contract v2) -------------------------------------


def test_a_latest_value_that_is_not_recent_is_said_after_the_main_sentence():
    measure = _measure(target=80)
    values = _values(("2024-02", 85), ("2024-03", 82))
    text = measure_description(_site(measure, values, "2025-03-31"), measure, values)
    assert text == "Visits on time fell from 85% in February 2024 to 82% in March 2024, " \
        "above the target of 80%; rated Green, worsening. Not recent: the latest value is " \
        "from March 2024."
    recent = measure_description(_site(measure, values), measure, values)
    assert "Not recent" not in recent


def test_not_recent_outranks_the_direction_when_both_do_not_fit():
    """A long name, a target and a tolerance: the sentence (52 words) and the not-recent words
    (9) would pass 60 words with the direction, so the direction goes and 'Not recent' stays."""
    measure = _measure(name="Percentage of children subject to a child protection plan for a "
                            "second or subsequent time within two years, of all children who "
                            "became subject to a plan",
                       target=80, tolerance={"low": 75, "high": 95})
    values = _values(("2024-02", 85), ("2024-03", 82))
    text = measure_description(_site(measure, values, "2025-03-31"), measure, values)
    assert len(text.split()) <= 60
    assert text.endswith("; rated Green. Not recent: the latest value is from March 2024.")
    recent = measure_description(_site(measure, values), measure, values)
    assert recent.endswith("; rated Green, worsening.")  # room for it when nothing is old


def test_a_linear_target_is_said_to_follow_a_trajectory():
    measure = _measure(targets_mode="linear", baseline={"period": "2023-12", "value": 0},
                       targets=[{"by": "2024-03", "value": 90}])
    values = _values(("2024-01", 20), ("2024-02", 50))
    text = measure_description(_site(measure, values), measure, values)
    assert "above the target of 60%" not in text and "below the target of 60%" in text
    assert text.endswith(" The target follows a straight-line trajectory between milestones.")
    stepped = _measure(targets=[{"by": "2024-03", "value": 90}])
    assert "trajectory" not in measure_description(_site(stepped, values), stepped, values)


def _breakdown(count: int, name: str = "Category", **fields):
    from improvement_site.model.schema import Breakdown
    return Breakdown(**{"id": "b", "title": "Children in care by placement type",
                        "period": "2023-06", "categories": [
                            {"name": f"{name} {i}", "value": count - i} for i in range(count)],
                        **fields})


def test_a_breakdown_description_names_the_total_and_the_largest_and_smallest():
    from improvement_site.charts.describe import breakdown_description
    assert breakdown_description(_breakdown(5)) == (
        "Bars for 5 categories adding up to 15 (no total is given), June 2023. The largest is "
        "Category 0 (5), then Category 1 (4) and Category 2 (3). The smallest is Category 4 (1).")
    assert breakdown_description(_breakdown(1, total=1)) == \
        "One bar: Category 0, 1, June 2023."


def test_a_breakdown_description_of_long_names_stays_within_60_words():
    from improvement_site.charts.describe import breakdown_description
    text = breakdown_description(_breakdown(
        14, name="U3: Foster placement with a relative or friend - not long term or FFA"))
    assert len(text.split()) <= 60  # the cap readers were promised (describe.WORDS)
    assert text.startswith("Bars for 14 categories adding up to 105 (no total is given), "
                           "June 2023. The largest is")


def test_a_small_multiple_says_when_its_latest_values_are_not_recent():
    from improvement_site.charts.describe import strip_description
    from improvement_site.model.schema import Site
    from improvement_site.model.sitedata import SiteData
    a, b = _measure(id="a", target=80), _measure(id="b", name="Plans on time", target=80)
    values = [Value(measure="a", period="2024-08", value=82),
              Value(measure="b", period="2024-09", value=82)]

    def described(reporting_date):
        data = SiteData.create(root=FIXTURE, site=Site(council="C", service="S", title="T",
                                                       reporting_date=reporting_date),
                               areas=[], measures=[a, b], values=values, commentary=[],
                               visits=[], glossary={})
        return strip_description(data, [a, b], ("2024-08", "2024-09"))
    assert "Not recent" not in described("2024-09-30")
    assert "Not recent: 1 of these measures' latest values are more than 120 days old." in \
        described("2024-12-31")
    assert "Not recent: every measure's latest value is more than 120 days old." in \
        described("2025-06-30")
