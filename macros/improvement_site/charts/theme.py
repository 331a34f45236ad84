"""The one Altair theme every chart uses, registered once.

Colours come from the Government Analysis Function's accessible palette. Values are dark blue
and targets orange: each has at least 3:1 contrast with the white background and with the
other. Every other series (comparators, visits, tolerance) is dark grey and told apart by its
dash pattern and a text label, never by colour alone.
"""

from __future__ import annotations

import altair as alt

BLUE = "#12436D"  # values
ORANGE = "#F46A25"  # targets
GREY = "#3D3D3D"  # comparators, visits, labels
BAND = "#12436D"  # tolerance band, drawn faint and edged with dashed lines
BACKGROUND = "#FFFFFF"
FONT = "Roboto, Helvetica, Arial, sans-serif"

# Pairs that sit next to each other in a chart and must be told apart at 3:1 (tested).
CONTRASTING = [(BLUE, BACKGROUND), (ORANGE, BACKGROUND), (GREY, BACKGROUND), (BLUE, ORANGE),
               (GREY, ORANGE)]

WIDTH = 640
HEIGHT = 260

THEME_NAME = "improvement_site"


@alt.theme.register(THEME_NAME, enable=True)
def theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "background": BACKGROUND,
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": HEIGHT},
            "title": {"anchor": "start", "fontSize": 15, "fontWeight": 700, "color": GREY,
                      "subtitleColor": GREY, "subtitleFontSize": 12},
            "axis": {"labelColor": GREY, "titleColor": GREY, "labelFontSize": 12,
                     "titleFontSize": 12, "domainColor": GREY, "tickColor": GREY,
                     "gridColor": "#DDDDDD", "labelAngle": 0},
            "legend": {"labelColor": GREY, "titleColor": GREY, "labelFontSize": 12,
                       "orient": "bottom"},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 60, "filled": True},
            "bar": {"color": BLUE},
            "text": {"color": GREY, "fontSize": 12},
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
