"""Chart builders: assert on the Vega-Lite specs they produce, not on images."""

from __future__ import annotations

import json

import altair as alt
import pytest

from improvement_site.charts import theme as chart_theme

from improvement_site.charts import figures as charts
from improvement_site.charts.output import ChartRegistry, figure_csv, script_safe_json
from improvement_site.model.status import plan_counts


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [])


def _marks(spec: dict) -> list[str]:
    return [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
            for layer in _layers(spec)]


def test_measure_chart_layers(built):
    data = built("minimal").data
    figure = charts.measure_figure(data, data.measure("cp-rate"))
    spec = figure.chart.to_dict()  # validates against the Vega-Lite schema
    assert _marks(spec)[:3] == ["area", "line", "line"]  # tolerance band and its edges
    assert "rule" in _marks(spec) and "text" in _marks(spec)  # comparators, visit
    line = next(l for l in _layers(spec) if l["mark"]["type"] == "line"
                and "strokeDash" in l.get("encoding", {}))
    assert line["encoding"]["x"]["timeUnit"] == "utcyearmonth"
    assert line["encoding"]["strokeDash"]["scale"]["domain"] == ["Value", "Target"]
    # Values are blue and targets orange, told apart by dash as well as colour.
    assert line["encoding"]["color"]["scale"]["range"] == [chart_theme.BLUE, chart_theme.ORANGE]
    assert spec["description"] == figure.description
    values = [row for row in spec["data"]["values"] if row["series"] == "Target"]
    assert [row["value"] for row in values] == [83, 83, 83]  # January to March 2024
    # Values and targets are given once, for every layer that draws them.
    assert sum("data" not in layer for layer in _layers(spec)) == 3


def test_missing_values_are_gaps_not_zeros(built):
    data = built("minimal").data
    spec = charts.measure_figure(data, data.measure("visits-in-time")).chart.to_dict()
    rows = [r for r in spec["data"]["values"] if r["series"] == "Value"]
    assert [r["value"] for r in rows] == [91, None, 87]
    lines = [l for l in _layers(spec) if l["mark"]["type"] == "line"
             and l["mark"].get("invalid")]
    assert all(l["mark"]["invalid"] == "break-paths-show-domains" for l in lines)


def test_measure_description_states_the_numbers(built):
    data = built("minimal").data
    text = charts.measure_figure(data, data.measure("cp-rate")).description
    assert text.startswith("Rate of children subject to a child protection plan per 10,000 "
                           "rose from 86 in January 2024 to 97 in March 2024, above the target "
                           "of 83 and outside the tolerance of 76–91; worsening.")
    assert "Statistical neighbours 62 (2022-23); England 43.2 (2022-23)." in text
    assert "Monitoring visit 1: The front door (20 February 2024)" in text
    gap = charts.measure_figure(data, data.measure("visits-in-time")).description
    assert "No value for February 2024 (shown as a gap)." in gap


def test_nel_description_matches_the_issue_example(built):
    data = built("nel").data
    text = charts.measure_figure(data, data.measure("cp-rate")).description
    assert "rose from 86 in April 2023 to 97 in June 2023, above the target of 83 and outside " \
           "the tolerance of 76–91; worsening." in text


def test_status_chart_labels_every_status_in_words(built):
    data = built("nottingham").data
    figure = charts.status_figure(plan_counts(data), "the whole plan", "plan")
    spec = figure.chart.to_dict()
    rows = spec["layer"][0]["data"]["values"] if "data" in spec["layer"][0] else spec["data"]["values"]
    assert [r["status"] for r in rows] == ["Completed", "In progress and on schedule",
                                           "Delayed / not on schedule",
                                           "Planning: not yet commenced", "Not yet rated"]
    assert "text" in _marks(spec)  # counts written on the bars
    assert "color" not in spec["layer"][0].get("encoding", {})  # status is never a colour
    assert figure.description == ("The whole plan has 75 actions: 10 completed, 16 in progress "
                                  "and on schedule, 49 not yet rated. 44 overdue, on statuses "
                                  "last reviewed 12 December 2022.")


def test_visit_without_measures_gets_the_timeline(built):
    data = built("nottingham").data
    visit = data.visit("mv-2024-07")
    assert charts.visit_measures_figure(data, visit) is None  # no values near it
    figure = charts.visits_timeline_figure(data, visit)
    spec = figure.chart.to_dict()
    shape = spec["layer"][0]["encoding"]["shape"]
    assert shape["scale"]["range"] == ["diamond", "circle"]
    assert "marked with a diamond" in figure.description


def test_every_bundled_chart_is_a_valid_spec(built):
    """Production skips schema validation for speed; this is where it is done."""
    for name in ("nottingham", "nel"):
        data = built(name).data
        for measure in data.measures:
            figure = charts.measure_figure(data, measure)
            if figure:
                figure.chart.to_dict(validate=True)
        for visit in data.visits:
            strip = charts.visit_measures_figure(data, visit)
            if strip:
                alt.VConcatChart.from_dict(strip.spec, validate=True)
            charts.visits_timeline_figure(data, visit).chart.to_dict(validate=True)
        measures = list(data.measures)[:5]
        strip = charts.measures_strip(data, measures, title="Strip", name="strip")
        alt.VConcatChart.from_dict(strip.spec, validate=True)


def _contrast(a: str, b: str) -> float:
    def lum(hex_colour: str) -> float:
        c = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    high, low = sorted((lum(a), lum(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("pair", chart_theme.CONTRASTING)
def test_chart_colours_have_3_to_1_contrast(pair):
    assert _contrast(*pair) >= 3.0


def test_theme_is_registered_once_and_active():
    assert alt.theme.active == chart_theme.THEME_NAME
    assert chart_theme.THEME_NAME in alt.theme.names()


def test_spec_json_cannot_close_its_script_element():
    payload = '</script><script>alert(1)</script>'
    safe = script_safe_json(json.dumps({"title": payload}))
    assert "</script>" not in safe and json.loads(safe)["title"] == payload


def test_registry_hashes_by_content(built):
    data = built("minimal").data
    registry = ChartRegistry()
    a = registry.add(charts.measure_figure(data, data.measure("cp-rate")))
    b = registry.add(charts.measure_figure(data, data.measure("cp-rate")))
    assert a.key == b.key and len(registry) == 1
    assert figure_csv(charts.measure_figure(data, data.measure("cp-rate"))).startswith(
        "Period,Value,Target in force,Note\nJanuary 2024,86,83,\n")


def test_figure_cache_builds_once_and_survives_a_new_process(built, tmp_path):
    from improvement_site.charts.output import FigureCache
    data = built("minimal").data
    calls = []

    def build():
        calls.append(1)
        return charts.measure_figure(data, data.measure("cp-rate"))

    cache = FigureCache()
    cache.folder = tmp_path
    first = cache.get(("measure", "cp-rate", 1), build)
    assert cache.get(("measure", "cp-rate", 1), build) is first and len(calls) == 1
    fresh = FigureCache()  # as in the next build
    fresh.folder = tmp_path
    again = fresh.get(("measure", "cp-rate", 1), build)
    assert len(calls) == 1 and again == first
    assert again.spec == build().to_spec()
    fresh.get(("measure", "cp-rate", 2), build)  # other inputs: built afresh
    assert len(calls) == 3


def test_breakdown_chart_is_horizontal_bars_in_the_sources_order_labelled_with_figures():
    from improvement_site.charts.bars import breakdown_figure
    from improvement_site.model.schema import Breakdown
    b = Breakdown(id="types", title="Children in care by placement type", period="2023-06",
                  unit="percent", categories=[{"name": "Residential", "value": 10},
                                              {"name": "Foster care", "value": 62.5},
                                              {"name": "With parents", "value": 27.5}],
                  total=100)
    figure = breakdown_figure(b)
    spec = figure.chart.to_dict()  # validates against the Vega-Lite schema
    assert _marks(spec) == ["bar", "text"]
    y = spec["encoding"]["y"] if "encoding" in spec else _layers(spec)[0]["encoding"]["y"]
    assert y["field"] == "category" and y["sort"] == ["Residential", "Foster care",
                                                      "With parents"]
    rows = spec["data"]["values"] if "data" in spec else _layers(spec)[0]["data"]["values"]
    assert [r["label"] for r in rows] == ["10%", "62.5%", "27.5%"]
    assert figure.columns == ("Category", "Percentage")  # no notes, no empty Note column
    assert figure.rows == (("Residential", "10%"), ("Foster care", "62.5%"),
                           ("With parents", "27.5%"))
    assert figure.name == "types"
    assert figure.description == (
        "Children in care by placement type, June 2023, in 3 categories totalling 100%. The "
        "largest is Foster care (62.5%), then With parents (27.5%) and Residential (10%). "
        "Bars are in the source's order.")


def test_linear_targets_are_drawn_as_a_straight_trajectory(built):
    data = built("nel").data
    step = charts.measure_figure(data, data.measure("cp-rate")).chart.to_dict()
    linear = charts.measure_figure(data, data.measure("cla-starts-number")).chart.to_dict()

    def target_line(spec):
        return next(l for l in _layers(spec) if l["mark"]["type"] == "line"
                    and "Target" in json.dumps(l.get("transform", [])))
    assert target_line(step)["mark"]["interpolate"] == "step-after"
    assert target_line(linear)["mark"]["interpolate"] == "linear"
    targets = [r["value"] for r in linear["data"]["values"] if r["series"] == "Target"]
    assert targets == [10, 20, 30]  # April to June 2023 (July is after the reporting date)
