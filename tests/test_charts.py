"""Chart builders: assert on the Vega-Lite specs they produce, and on the SVGs drawn from them
where only the drawing can tell (text sizes, sizes in px, labels that cover data)."""

from __future__ import annotations

import html
import json
import re

import altair as alt
import pytest

from improvement_site.charts import layout, timeline
from improvement_site.charts.bars import breakdown_figure
from improvement_site.charts.counts import status_figure
from improvement_site.charts import figures as charts
from improvement_site.charts import theme as chart_theme
from improvement_site.charts.output import ChartRegistry, FigureCache, figure_csv
from improvement_site.model.labels import UNIT_LABELS, long_date
from improvement_site.model.status import plan_counts


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [])


def _mark(layer: dict) -> str:
    return layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]


def _spec(figure, i: int = 0) -> dict:
    """A panel's spec, checked against the Vega-Lite schema."""
    panel = figure.all_panels()[i]
    return panel.chart.to_dict() if panel.chart is not None else panel.spec


def _contrast(a: str, b: str) -> float:
    def lum(hex_colour: str) -> float:
        c = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    high, low = sorted((lum(a), lum(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _over(colour: str, opacity: float, background: str = chart_theme.BACKGROUND) -> str:
    """The colour a fill at `opacity` shows over the background."""
    mixed = [round(int(colour[i:i + 2], 16) * opacity + int(background[i:i + 2], 16)
                   * (1 - opacity)) for i in (1, 3, 5)]
    return "#" + "".join(f"{c:02X}" for c in mixed)


def _all_figures(data):
    """Every figure a site's pages show."""
    out = [charts.measure_figure(data, m) for m in data.measures]
    out += [charts.visit_measures_figure(data, v) for v in data.visits]
    out += [status_figure(plan_counts(data), "the whole plan", "plan", "1 May 2024")]
    out += [timeline.visits_timeline_figure(data, v) for v in data.visits[-1:]]
    out.append(charts.measures_strip(data, list(data.measures), title="Measures", name="m"))
    out += [breakdown_figure(b) for b in data.breakdowns]
    return [f for f in out if f is not None]


# -- the measure chart -----------------------------------------------------------------------


def test_measure_chart_layers(built):
    data = built("minimal").data
    figure = charts.measure_figure(data, data.measure("cp-rate"))
    spec = _spec(figure)
    marks = [_mark(layer) for layer in _layers(spec)]
    assert marks[:2] == ["area", "rule"]  # the tolerance band and its edges
    # The target's casing, the values, the target's dashes over them, the dots.
    assert marks[-4:] == ["line", "line", "line", "point"]
    x = _layers(spec)[-3]["encoding"]["x"]
    assert x["timeUnit"] == "utcyearmonth" and x["axis"]["formatType"] == "utc"
    assert [t["month"] for t in x["axis"]["values"]] == [1, 2, 3]  # every month labelled
    value, target = _layers(spec)[-3], _layers(spec)[-2]
    assert _layers(spec)[-4]["mark"]["color"] == chart_theme.BACKGROUND  # the target's casing
    assert target["mark"]["color"] == chart_theme.ORANGE and target["mark"]["strokeDash"]
    assert target["mark"]["interpolate"] == "step-after"
    assert value["mark"]["color"] == chart_theme.BLUE and "strokeDash" not in value["mark"]
    assert [r["value"] for r in target["data"]["values"]] == [83, 83, 83]  # Jan to Mar 2024
    assert [k for k, _ in figure.key] == ["value", "target", "band", "comparator",
                                          "comparator", "visit"]
    assert dict(figure.key)["band"] == "Tolerance, 76 to 91"
    # Everything drawn is in words too, listed with the table.
    assert figure.lines == ("Tolerance band 76 to 91", "Statistical neighbours 62 (2022-23)",
                            "England 43.2 (2022-23)",
                            "Monitoring visit 1 (20 February 2024), labelled Visit 1")
    assert figure.subtitle == "January 2024 to March 2024. Unit: rate per 10,000 children."
    assert figure.title == ("Rate of children subject to a child protection plan per 10,000 "
                            "rose to 97")


def test_a_target_the_values_run_along_is_drawn_over_them(built):
    """NEL's Rate of CLA: target 166, values 164 to 169. Drawn under the value line, the
    target was hidden (issue 21); its dashes now lie over the values, its white casing under."""
    data = built("nel").data
    layers = _layers(_spec(charts.measure_figure(data, data.measure("cla-rate"))))
    colours = [layer["mark"].get("color") for layer in layers if _mark(layer) == "line"]
    assert colours == [chart_theme.BACKGROUND, chart_theme.BLUE, chart_theme.ORANGE]


def test_each_panel_of_a_small_multiple_gives_its_rag_in_words(built):
    """The visit's 12 panels showed no RAG (issue 21): each panel says its latest value,
    the period and the RAG in words under its heading, beside any unlabelled line's note."""
    from improvement_site.model.status import RAG_LABELS, measure_status

    data = built("nel").data
    visit = max(data.visits, key=lambda v: len(v.measures))
    strip = charts.visit_measures_figure(data, visit)
    assert len(strip.panels) >= 12
    for panel, measure in zip(strip.panels, _strip_measures(data, strip)):
        st = measure_status(data, measure)
        assert panel.note.startswith("Latest: "), panel
        assert f"), {RAG_LABELS[st.rag]}." in panel.note, panel.note
    every = charts.measures_strip(data, list(data.measures), title="All", name="all")
    cin = every.panels[[m.id for m in _strip_measures(data, every)].index("cin-rate")]
    assert cin.note.startswith("Latest: ")
    assert cin.note.endswith("Dotted line: Statistical neighbours 250.")


def test_missing_values_are_gaps_not_zeros(built):
    data = built("minimal").data
    spec = _spec(charts.measure_figure(data, data.measure("visits-in-time")))
    line = _layers(spec)[-3]
    assert [r["value"] for r in line["data"]["values"]] == [91, None, 87]
    assert all(layer["mark"]["invalid"] == "break-paths-show-domains"
               for layer in _layers(spec) if _mark(layer) == "line")


def test_percent_axis_stops_at_100_and_says_per_cent(built):
    data = built("minimal").data
    y = _layers(_spec(charts.measure_figure(data, data.measure("visits-in-time"))))[-2][
        "encoding"]["y"]
    assert y["scale"]["domain"] == [0, 100] and y["axis"]["values"][-1] == 100
    assert "'%'" in y["axis"]["labelExpr"]


# -- legible: size, text, units --------------------------------------------------------------


def _fonts(spec: dict) -> list[float]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if re.fullmatch(r"(label|title|subtitle)?[fF]ontSize", k) and isinstance(v, (int, float)):
                    found.append(v)
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(spec)
    return found


@pytest.mark.parametrize("site", ["nottingham", "nel"])
def test_every_panel_is_drawn_narrow_with_no_text_under_13_px(site, built):
    for figure in _all_figures(built(site).data):
        for i in range(len(figure.all_panels())):
            spec = _spec(figure, i)
            assert spec["width"] == chart_theme.WIDTH == 340, figure.name
            assert spec["autosize"] == {"type": "fit", "contains": "padding"}
            assert min(_fonts(spec)) >= chart_theme.FONT_SIZE == 13, figure.name
            assert "title" not in spec  # the page gives the title, in HTML


def test_drawn_svg_is_the_panel_size_and_its_text_13_px():
    """What the renderer makes of it: a panel exactly 340 px wide, no text under 13 px."""
    import vl_convert as vlc

    from conftest import SITES
    from improvement_site.data.load import load_site
    data = load_site(SITES["minimal"] / "data")
    for figure in _all_figures(data)[:3] + _all_figures(data)[-2:]:
        svg = vlc.vegalite_to_svg(_spec(figure), vl_version="6.4")
        assert re.match(r'<svg[^>]* width="340" height="(\d+)"', svg), svg[:200]
        sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)px"', svg)]
        assert sizes and min(sizes) >= 13, (figure.name, sorted(set(sizes)))


def test_every_month_tick_asked_for_is_drawn(built):
    """Vega-Lite's own 31-day minimum step for months dropped the tick after a 30-day month."""
    import vl_convert as vlc
    data = built("nel").data  # April, May and June 2023: April has 30 days
    svg = vlc.vegalite_to_svg(_spec(charts.measure_figure(data, data.measure("cp-rate"))),
                              vl_version="6.4")
    assert re.findall(r">(\w{3} 20\d\d)</text>", svg) == ["Apr 2023", "May 2023", "Jun 2023"]


@pytest.mark.parametrize("site", ["nottingham", "nel"])
def test_every_panel_of_a_small_multiple_states_its_unit(site, built):
    data = built(site).data
    strips = [charts.visit_measures_figure(data, v) for v in data.visits]
    strips.append(charts.measures_strip(data, list(data.measures), title="All", name="all"))
    for strip in [s for s in strips if s]:
        assert len(strip.panels) > 1 or strip.panels[0].heading
        for panel, measure in zip(strip.panels, _strip_measures(data, strip)):
            assert panel.heading == f"{measure.name} ({UNIT_LABELS[measure.unit]})"
        assert all(line.split(": ")[0] in [m.name for m in data.measures]
                   for line in strip.lines)  # each line drawn named with its measure
    for m in data.measures:  # a single chart says its unit in its subtitle
        figure = charts.measure_figure(data, m)
        if figure:
            assert f"Unit: {UNIT_LABELS[m.unit]}." in figure.subtitle


def _strip_measures(data, strip):
    names = list(dict.fromkeys(row[0] for row in strip.rows))
    return [next(m for m in data.measures if m.name == n) for n in names]


def test_a_measure_is_one_panel_wherever_it_is_shown(built):
    """Its own page, an area's and a visit's strip: the same spec, so one SVG."""
    data = built("nel").data
    visit = data.visits[0]
    strip = charts.visit_measures_figure(data, visit)
    alone = charts.measure_figure(data, data.measure(visit.measures[0]))
    assert _spec(strip, 0) == _spec(alone)
    registry = ChartRegistry()
    first = registry.add(strip)
    second = registry.add(alone)
    assert second.panels[0].key == first.panels[0].key
    assert len(registry) == len(strip.panels)


# -- contrast: never colour alone, and 3:1 ---------------------------------------------------


@pytest.mark.parametrize("pair", chart_theme.CONTRASTING)
def test_chart_colours_have_3_to_1_contrast(pair):
    assert _contrast(*pair) >= 3.0


def test_tolerance_band_and_target_meet_3_to_1_and_are_named_in_words(built):
    data = built("minimal").data
    figure = charts.measure_figure(data, data.measure("cp-rate"))
    layers = _layers(_spec(figure))
    band, edges = layers[0], layers[1]
    fill = _over(band["mark"]["color"], band["mark"]["opacity"])
    # The band's edges are what must be seen (WCAG 1.4.11): 3:1 against the page and the fill.
    assert _contrast(edges["mark"]["color"], chart_theme.BACKGROUND) >= 3
    assert _contrast(edges["mark"]["color"], fill) >= 3
    assert edges["mark"]["strokeWidth"] >= 1.5
    # The fill shows (it was 10 % blue: 1.1:1), and the value line reads on it.
    assert _contrast(fill, chart_theme.BACKGROUND) >= 1.4
    assert _contrast(chart_theme.BLUE, fill) >= 4.5
    # The target (mostly inside the band) is drawn on a white casing, so its orange always
    # meets white: 3:1.
    casing, _, target = [l for l in layers if _mark(l) == "line"][:3]
    assert target["mark"]["color"] == chart_theme.ORANGE and target["mark"]["strokeDash"]
    assert casing["mark"]["color"] == chart_theme.BACKGROUND
    assert casing["mark"]["strokeWidth"] >= target["mark"]["strokeWidth"] + 2
    assert casing["encoding"] == target["encoding"] and casing["data"] == target["data"]
    assert _contrast(target["mark"]["color"], chart_theme.BACKGROUND) >= 3
    assert ("band", "Tolerance, 76 to 91") in figure.key and ("target", "Target") in figure.key


# -- labels never cover data -----------------------------------------------------------------


def test_visit_labels_sit_above_the_plot_in_rows(built):
    data = built("minimal").data
    layers = _layers(_spec(charts.measure_figure(data, data.measure("cp-rate"))))
    labels = [l for l in layers if _mark(l) == "text" and "py" in json.dumps(l["encoding"])]
    assert labels and all(row["py"] < 0 for l in labels for row in l["data"]["values"])
    assert all(l["encoding"]["y"]["scale"] is None for l in labels)  # px, above the plot


def test_visit_labels_that_would_touch_take_another_row():
    from datetime import date
    plot = layout.Plot(width=300, height=150, start=date(2023, 1, 1), end=date(2024, 1, 1),
                       low=0, high=100)
    rows = layout.label_rows(plot, [(date(2023, 3, 1), "Visit 1"), (date(2023, 4, 1), "Visit 2"),
                                    (date(2023, 9, 1), "Visit 3"), (date(2023, 12, 1), "Visit 4")])
    assert [r for r, _ in rows] == [0, 1, 0, 1]
    assert rows[-1][1] == "right"  # near the right edge it ends at its line


def _svg_geometry(svg: str):
    """Text boxes of the chart's own labels and the points of its value and target lines, in
    the plot's px (both sit in the same group)."""
    boxes, points = [], []
    for m in re.finditer(r'<g class="mark-(text|line|symbol) role-mark[^"]*"[^>]*>(.*?)</g>',
                         svg):
        kind, body = m.groups()
        if kind == "text":
            for t in re.finditer(r'<text[^>]*text-anchor="(\w+)"[^>]*translate\(([-\d.]+),'
                                 r'([-\d.]+)\)[^>]*font-size="([\d.]+)px"[^>]*>([^<]*)<', body):
                anchor, x, y, size, text = t.groups()
                x, y, size = float(x), float(y), float(size)
                width = layout.text_width(text, size) / 1.05
                left = {"start": x, "end": x - width, "middle": x - width / 2}[anchor]
                boxes.append((text, layout.Box(left, y - size * 0.75, left + width, y + size * 0.2)))
        elif kind == "line":
            for d in re.findall(r' d="([^"]+)"', body):
                xy = [tuple(map(float, p.split(","))) for p in re.findall(r"[-\d.]+,[-\d.]+", d)]
                points += list(zip(xy, xy[1:]))
        else:
            points += [((float(a), float(b)),) * 2 for a, b in
                       re.findall(r'translate\(([-\d.]+),([-\d.]+)\)', body)]
    return boxes, points


@pytest.mark.parametrize("site", ["minimal", "nottingham", "nel"])
def test_no_label_covers_a_value_or_the_target_in_the_drawing(site, built):
    """Render every measure with labels and look: no label's box meets the value line, its
    dots or the target line."""
    import vl_convert as vlc
    data = built(site).data
    checked = 0
    for m in data.measures:
        figure = charts.measure_figure(data, m)
        if figure is None or not (m.comparators or any(k == "visit" for k, _ in figure.key)):
            continue
        svg = vlc.vegalite_to_svg(_spec(figure), vl_version="6.4")
        boxes, segments = _svg_geometry(svg)
        for text, box in boxes:
            hits = [s for s in segments if box.hits_segment(*s)]
            assert not hits, f"{m.id}: label {text!r} covers data at {hits[:2]}"
        checked += 1
    assert checked


def _one_measure_site(measure: dict, values: list[tuple[str, float]], visits=()):
    from conftest import FIXTURES
    from improvement_site.model.schema import Measure, Site, Value, Visit
    from improvement_site.model.sitedata import SiteData
    m = Measure(**{"id": "m", "name": "Visits on time", "unit": "percent", **measure})
    return SiteData.create(
        root=FIXTURES / "minimal", site=Site(council="C", service="S", title="T",
                                             reporting_date="2024-12-31"),
        areas=[], measures=[m], values=[Value(measure="m", period=p, value=v) for p, v in values],
        commentary=[], visits=[Visit(**v) for v in visits], glossary={}), m


@pytest.mark.parametrize("values", [
    [("2024-01", 90), ("2024-02", 80), ("2024-03", 63)],  # ends just above the line: not right
    [("2024-01", 63), ("2024-02", 80), ("2024-03", 90)],  # starts just above it: not left
    [("2024-01", 63), ("2024-02", 80), ("2024-03", 58)],  # hugs it at both ends
])
def test_a_comparator_label_moves_off_the_line_the_values_take(values):
    import vl_convert as vlc
    data, measure = _one_measure_site(
        {"comparators": [{"name": "England", "value": 60}]}, values)
    figure = charts.measure_figure(data, measure)
    svg = vlc.vegalite_to_svg(_spec(figure), vl_version="6.4")
    boxes, segments = _svg_geometry(svg)
    placed = [b for t, b in boxes if t == "England 60%"]
    for box in placed:
        assert not [s for s in segments if box.hits_segment(*s)], values
    assert placed or figure.panels[0].note == "Dotted line: England 60%."


def test_markup_in_a_label_stays_text_in_the_svg():
    import vl_convert as vlc
    data, measure = _one_measure_site(
        {"comparators": [{"name": '"><svg onload=alert(1)>&', "value": 20}]},
        [("2024-01", 90), ("2024-02", 80)])
    svg = vlc.vegalite_to_svg(_spec(charts.measure_figure(data, measure)), vl_version="6.4")
    assert "&gt;&lt;svg onload=alert(1)&gt;&amp; 20%</text>" in svg and "<svg onload" not in svg


def test_a_comparator_label_with_no_clear_place_is_named_under_the_heading(built):
    data = built("nel").data
    figure = charts.measure_figure(data, data.measure("cin-rate"))  # 250, inside the band
    spec = _spec(figure)
    assert not [l for l in _layers(spec) if _mark(l) == "text"
                and "Statistical neighbours" in json.dumps(l.get("data", {}))]
    assert figure.panels[0].note == "Dotted line: Statistical neighbours 250."
    assert ("comparator", "Statistical neighbours, 250") in figure.key


# -- the other charts ------------------------------------------------------------------------


def test_status_chart_labels_every_status_in_words(built):
    data = built("nottingham").data
    figure = status_figure(plan_counts(data), "the whole plan", "plan", "11 September 2024")
    spec = _spec(figure)
    rows = (spec.get("data") or spec["layer"][0]["data"])["values"]
    assert [r["name"] for r in rows] == ["Completed", "In progress and on schedule",
                                         "Delayed / not on schedule",
                                         "Planning: not yet commenced", "Not yet rated"]
    assert [_mark(l) for l in _layers(spec)] == ["text", "bar", "text"]  # name, bar, count
    assert [r["text"] for r in rows] == ["10", "16", "0", "0", "49"]
    assert all("color" not in l.get("encoding", {}) for l in _layers(spec))  # never colour
    assert figure.title == "10 of 75 actions completed; 44 past their due date"
    assert figure.description == ("The whole plan has 75 actions: 10 completed, 16 in progress "
                                  "and on schedule, 49 not yet rated. 44 past their due date: 14 "
                                  "reported in progress and on schedule and 30 never rated, on "
                                  "statuses as at 12 December 2022.")


def test_timeline_marks_this_visit_with_a_diamond(built):
    data = built("nottingham").data
    visit = data.visit("mv-2024-07")
    figure = timeline.visits_timeline_figure(data, visit)
    spec = _spec(figure)
    shape = spec["layer"][0]["encoding"]["shape"]
    assert shape["scale"]["range"] == ["diamond", "circle"]
    assert "Monitoring visit 5 (31 July 2024), is a diamond" in figure.description
    assert [k for k, _ in figure.key] == ["diamond", "point"]


def test_a_visit_after_its_measures_values_says_so(built):
    data = built("nottingham").data
    figure = charts.visit_measures_figure(data, data.visit("mv-2024-07"))
    assert len(figure.panels) == 4
    assert "Monitoring visit 5 (31 July 2024), falls outside the period these charts show." \
        in figure.description


@pytest.mark.parametrize("site", ["minimal", "nottingham", "nel"])
def test_every_description_is_at_most_60_words(site, built):
    for figure in _all_figures(built(site).data):
        # 60: the cap readers were promised (describe.WORDS), never that constant itself
        assert len(figure.description.split()) <= 60, figure.description


def test_every_bundled_chart_is_a_valid_spec(built):
    """Production skips schema validation for speed; this is where it is done."""
    for name in ("nottingham", "nel"):
        for figure in _all_figures(built(name).data):
            for i in range(len(figure.all_panels())):
                alt.LayerChart.from_dict(_spec(figure, i), validate=True)


def test_theme_is_registered_once_and_active():
    assert alt.theme.active == chart_theme.THEME_NAME
    assert chart_theme.THEME_NAME in alt.theme.names()


# -- files and caches ------------------------------------------------------------------------


def test_registry_hashes_by_content(built):
    data = built("minimal").data
    registry = ChartRegistry()
    a = registry.add(charts.measure_figure(data, data.measure("cp-rate")))
    b = registry.add(charts.measure_figure(data, data.measure("cp-rate")))
    assert a == b and len(registry) == 1
    assert figure_csv(charts.measure_figure(data, data.measure("cp-rate"))).startswith(
        "Period,Value,Target in force,Note\nJanuary 2024,86,83,\n")


def test_figure_cache_builds_once_and_survives_a_new_process(built, tmp_path):
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
    assert again.panels[0].spec == build().to_spec()
    fresh.get(("measure", "cp-rate", 2), build)  # other inputs: built afresh
    assert len(calls) == 3


def test_breakdown_chart_is_horizontal_bars_in_the_sources_order_labelled_with_figures():
    from improvement_site.model.schema import Breakdown
    b = Breakdown(id="types", title="Children in care by placement type", period="2023-06",
                  unit="percent", categories=[{"name": "Residential", "value": 10},
                                              {"name": "Foster care", "value": 62.5},
                                              {"name": "With parents", "value": 27.5}],
                  total=100)
    figure = breakdown_figure(b)
    spec = _spec(figure)
    # Drawn as every chart is: 340 px wide, 13 px text, its title in the page's HTML.
    assert spec["width"] == chart_theme.WIDTH and "title" not in spec
    assert min(_fonts(spec)) >= 13
    assert [_mark(l) for l in _layers(spec)] == ["text", "bar", "text"]  # name, bar, figure
    rows = (spec.get("data") or _layers(spec)[0]["data"])["values"]
    assert [r["name"] for r in rows] == ["Residential", "Foster care", "With parents"]
    assert _layers(spec)[0]["encoding"]["y"]["sort"] == ["Residential", "Foster care",
                                                         "With parents"]
    assert [r["text"] for r in rows] == ["10%", "62.5%", "27.5%"]
    assert all("color" not in l.get("encoding", {}) for l in _layers(spec))
    assert figure.title == "Children in care by placement type"
    assert figure.subtitle == "June 2023. Unit: percentage. Bars are in the source's order."
    assert figure.columns == ("Category", "Percentage")  # no notes, no empty Note column
    assert figure.rows == (("Residential", "10%"), ("Foster care", "62.5%"),
                           ("With parents", "27.5%"))
    assert figure.name == "types"
    assert figure.description == (
        "Bars for 3 categories totalling 100%, June 2023. The largest is Foster care (62.5%), "
        "then With parents (27.5%) and Residential (10%).")


def test_the_bundled_breakdowns_draw_narrow_with_every_name_and_figure():
    """North East Lincolnshire's longest: 14 categories, names of up to 44 characters."""
    import vl_convert as vlc

    from conftest import SITES
    from improvement_site.data.load import load_site
    data = load_site(SITES["nel"] / "data")
    assert data.breakdowns
    for b in data.breakdowns:
        svg = vlc.vegalite_to_svg(_spec(breakdown_figure(b)), vl_version="6.4")
        assert re.match(r'<svg[^>]* width="340"', svg), svg[:200]
        sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)px"', svg)]
        assert sizes and min(sizes) >= 13, (b.id, sorted(set(sizes)))
        texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
        for c in b.categories:
            assert c.name in texts, (b.id, c.name)
        assert len(b.categories) * 2 == len(texts)  # a name and a figure each; no axis


def _target_layers(figure) -> list[dict]:
    return [l for l in _layers(_spec(figure)) if _mark(l) == "line"
            and l["mark"]["color"] in (chart_theme.ORANGE, chart_theme.BACKGROUND)]


def test_linear_targets_are_drawn_as_a_straight_trajectory(built):
    data = built("nel").data
    step = charts.measure_figure(data, data.measure("cp-rate"))
    linear = charts.measure_figure(data, data.measure("cla-starts-number"))
    assert [l["mark"]["interpolate"] for l in _target_layers(step)] == ["step-after"] * 2
    # The target and its white casing both follow the trajectory.
    assert [l["mark"]["interpolate"] for l in _target_layers(linear)] == ["linear"] * 2
    targets = [r["value"] for r in _target_layers(linear)[1]["data"]["values"]]
    assert targets == [10, 20, 30]  # April to June 2023 (July is after the reporting date)
    assert "The target follows a straight-line trajectory between milestones." in \
        linear.description
    assert "trajectory" not in step.description


def test_a_label_keeps_clear_of_a_linear_target_as_drawn():
    """Labels are placed against the target line as it is drawn. A straight trajectory from 30
    in January to 60 in February crosses the place above England's 40 at the left end that a
    step line (30 until February) would leave clear; the values take the places at the right
    end, so the line is named under the heading instead."""
    import vl_convert as vlc
    data, measure = _one_measure_site(
        {"targets_mode": "linear", "baseline": {"period": "2023-12", "value": 0},
         "targets": [{"by": "2024-03", "value": 90}],
         "comparators": [{"name": "England", "value": 40}]},
        [("2024-01", 10), ("2024-02", 10), ("2024-03", 45)])
    figure = charts.measure_figure(data, measure)
    assert [l["mark"]["interpolate"] for l in _target_layers(figure)] == ["linear"] * 2
    svg = vlc.vegalite_to_svg(_spec(figure), vl_version="6.4")
    boxes, segments = _svg_geometry(svg)
    placed = [b for t, b in boxes if t == "England 40%"]
    for box in placed:
        assert not [s for s in segments if box.hits_segment(*s)]
    assert placed or figure.panels[0].note == "Dotted line: England 40%."


def test_a_timelines_span_is_the_days_its_visits_cover(built):
    """North East Lincolnshire's one visit, 16 and 17 May 2023, read "16 May 2023 to 16 May
    2023": one visit alone spans its own days on site."""
    nel = built("nel").data
    (visit,) = nel.visits
    assert (str(visit.start), str(visit.end)) == ("2023-05-16", "2023-05-17")
    assert timeline.visits_timeline_figure(nel).subtitle.startswith(
        "16 May 2023 to 17 May 2023. One row per visit")
    nottingham = built("nottingham").data
    first, last = nottingham.visits[0], nottingham.visits[-1]
    assert timeline.visits_timeline_figure(nottingham).subtitle.startswith(
        f"{long_date(first.start)} to {long_date(last.start)}. One row per visit")
