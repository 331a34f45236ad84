"""What a chart is on a page: one or more panels (each its own SVG), with words around them.

A `Figure` is what a page shows: a title that says the message, a subtitle (period and unit),
a short description (about 60 words: what the chart shows, the key numbers, the trend), a key
in words for the lines and marks, the panels, and the table behind it all (also the CSV
download). A `Panel` is one drawing, `theme.WIDTH` px wide: a small multiple is several
panels laid out by the page (one to a row on a phone), never one wide drawing that shrinks.

A panel is drawn from what it shows and nothing else, so the same measure's panel on its own
page, on an area page and on the home page is one SVG, rendered once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import altair as alt

from improvement_site.charts import theme

# What the key can show, each drawn as a small sample beside its words (improvement-site.css).
KEY_VALUE = "value"  # solid blue line with dots
KEY_TARGET = "target"  # dashed orange line
KEY_BAND = "band"  # shaded band with dashed edges
KEY_COMPARATOR = "comparator"  # dotted grey line
KEY_VISIT = "visit"  # dashed grey upright line
KEY_BAR = "bar"  # a blue bar
KEY_POINT = "point"  # a blue dot
KEY_DIAMOND = "diamond"  # a blue diamond


@dataclass(frozen=True)
class Panel:
    """One drawing: an Altair chart (or its spec) and its heading.

    `heading` names what the panel shows and its unit ("Rate of CP (rate per 10,000
    children)"); a figure with one panel shows its subtitle instead. `note` names a line the
    drawing could not label without covering data ("Dotted line: England 70.")."""

    chart: alt.TopLevelMixin | None = None
    heading: str = ""
    spec: dict | None = None
    note: str = ""  # what the drawing had no room to label, in words

    def to_spec(self) -> dict:
        """The Vega-Lite specification (not validated: tests validate the builders)."""
        return self.spec if self.spec is not None else self.chart.to_dict(validate=False)


def spec_size(spec: dict) -> tuple[int, int]:
    """A panel's size in px: drawn with `theme.sized`, the whole drawing is its width and height."""
    return int(spec.get("width", theme.WIDTH)), int(spec.get("height", theme.HEIGHT))


@dataclass(frozen=True)
class Figure:
    """A chart with everything needed to read it without seeing it.

    A figure built from one Altair `chart` (drawn with `theme.sized`) needs no `panels`: it is
    its own single panel."""

    chart: alt.TopLevelMixin | None
    title: str
    description: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...] = field(default_factory=tuple)
    name: str = "chart"  # used for the CSV file name readers download
    subtitle: str = ""
    key: tuple[tuple[str, str], ...] = ()  # (KEY_..., words)
    panels: tuple[Panel, ...] = ()
    # The reference lines drawn, in words, listed with the table: everything drawn is in text.
    lines: tuple[str, ...] = ()

    def all_panels(self) -> tuple[Panel, ...]:
        if self.panels:
            return self.panels
        return (Panel(chart=self.chart),)

    def to_spec(self) -> dict:
        """The first panel's specification (a single chart's whole drawing)."""
        return self.all_panels()[0].to_spec()
