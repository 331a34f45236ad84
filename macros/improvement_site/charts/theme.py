"""The one Altair theme every chart uses, registered once, and the size every panel is drawn at.

Colours come from the Government Analysis Function's accessible palette. Values are dark blue
and targets orange: each has at least 3:1 contrast with the white background and with the
other. Every other series (comparators, visits, the tolerance band's edges) is dark grey and
told apart by its dash pattern and by words, never by colour alone.

Narrow first: every panel is drawn `WIDTH` px wide in all (axes included), with no text under
`FONT_SIZE`. A page shows a panel at about its natural size — one to a row on a phone, two on a
desktop — and never shrinks it much below (pages/assets/improvement-site.css), so its text stays
at least 12 CSS px wherever it is read. A chart too big for that is split into panels, never
drawn wider.
"""

from __future__ import annotations

import altair as alt

BLUE = "#12436D"  # values
ORANGE = "#F46A25"  # targets
GREY = "#3D3D3D"  # comparators, visits, labels
BAND = "#BFD0E0"  # the tolerance band's fill: decoration; its edges carry the contrast
BAND_EDGE = "#505A5F"  # the band's edges: 3:1 against the page and the fill (tested)
BACKGROUND = "#FFFFFF"
FONT = "Arial, Helvetica, 'Liberation Sans', sans-serif"

# Pairs that sit next to each other in a chart and must be told apart at 3:1 (tested).
CONTRASTING = [(BLUE, BACKGROUND), (ORANGE, BACKGROUND), (GREY, BACKGROUND), (BLUE, ORANGE),
               (GREY, ORANGE), (BAND_EDGE, BACKGROUND), (BAND_EDGE, BAND), (BLUE, BAND)]

WIDTH = 340  # a panel's whole width in px, axes included: fits a 360 px phone's column
HEIGHT = 210  # a measure panel's whole height, without visit labels
FONT_SIZE = 13  # the smallest text in a chart: 12 px or more down to a 314 px wide column
LINE_HEIGHT = 16  # a row of labels above the plot (visits)

THEME_NAME = "improvement_site"

# The whole drawing is the size given: Vega fits the plot inside it, axes and labels included,
# so a page knows a panel's size before the SVG is drawn.
FIT = {"type": "fit", "contains": "padding"}


def sized(chart, height: int = HEIGHT):
    """A chart as a panel: `WIDTH` wide, `height` high, everything inside. Call this on any new
    kind of chart (it returns the chart), then wrap it in `Panel`/`Figure` (charts/figure.py)."""
    return chart.properties(width=WIDTH, height=height, autosize=FIT)


@alt.theme.register(THEME_NAME, enable=True)
def theme() -> alt.theme.ThemeConfig:
    text = {"labelColor": GREY, "titleColor": GREY, "labelFontSize": FONT_SIZE,
            "titleFontSize": FONT_SIZE, "labelFont": FONT, "titleFont": FONT}
    return {
        "config": {
            "background": BACKGROUND,
            "font": FONT,
            "padding": 4,
            "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": HEIGHT},
            "title": {"anchor": "start", "fontSize": FONT_SIZE + 2, "fontWeight": 700,
                      "color": GREY, "subtitleColor": GREY, "subtitleFontSize": FONT_SIZE},
            "axis": {**text, "domainColor": GREY, "tickColor": GREY, "gridColor": "#DDDDDD",
                     "labelAngle": 0, "titleFontWeight": 400},
            "legend": {**text, "orient": "bottom"},
            "header": {**text},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 60, "filled": True},
            "bar": {"color": BLUE},
            "text": {"color": GREY, "fontSize": FONT_SIZE, "font": FONT},
        }
    }


def enable(check_specs: bool = False) -> None:
    """Make sure our theme is the active one (another library may have changed it).

    Altair checks every object against the Vega-Lite schema as it is made; over hundreds of
    charts that is several seconds a build. The builders' output is validated by the test
    suite instead (tests/test_charts.py), so builds switch the checks off."""
    if alt.theme.active != THEME_NAME:
        alt.theme.enable(THEME_NAME)
    if not check_specs:
        alt.utils.schemapi.disable_debug_mode()
