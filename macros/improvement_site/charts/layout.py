"""Where things go inside a panel, worked out before it is drawn.

A panel is small (theme.WIDTH px), so its scales, ticks and labels are chosen here rather than
left to the renderer: the y scale and its ticks are fixed, so the plot's size is known to within
a few pixels, and labels are put where they cannot cover the data — visit labels in rows above
the plot, comparator labels beside their line at whichever end is clear of every line and dot.
A label with no clear place is left out of the drawing (the key names it in words).

Text widths come from Arial's advance widths (Liberation Sans, which the renderer and most
browsers here use, has the same metrics); a margin absorbs what kerning and hinting change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from improvement_site.charts import theme

# Arial's advance widths in thousandths of an em, for the characters labels use.
_WIDTHS = {
    **dict.fromkeys(" !,./:;I[\\]ft", 278), **dict.fromkeys("ijl", 222), "'": 191, "|": 260,
    **dict.fromkeys("()-`r", 333), **dict.fromkeys("{}", 334), "*": 389, "^": 469,
    **dict.fromkeys("Jckvxyzs", 500), **dict.fromkeys("0123456789#$?_abdeghnopqu–", 556),
    **dict.fromkeys("+<=>~", 584), **dict.fromkeys("FTZ", 611), "L": 556,
    **dict.fromkeys("ABEKPSVXY&", 667), **dict.fromkeys("CDHNRUw", 722),
    **dict.fromkeys("GOQ", 778), **dict.fromkeys("Mm", 833), "%": 889, "W": 944, "@": 1015,
}
DEFAULT_WIDTH = 667  # any other character: as wide as a capital
MARGIN = 3  # px kept clear around a label
LABEL_INSET = 4  # a label at the left end starts clear of the y axis
AXIS_GAP = 8  # tick, label padding and domain line beside the y labels
X_AXIS_HEIGHT = 24  # tick, padding and one line of labels below the plot


def text_width(text: str, size: int = theme.FONT_SIZE) -> float:
    """The width of a line of text in px, with 5 % to spare."""
    return sum(_WIDTHS.get(c, DEFAULT_WIDTH) for c in text) * size / 1000 * 1.05


def nice_scale(high: float, low: float = 0.0, ticks: int = 4) -> tuple[float, float, list[float]]:
    """A zero-based (or `low`-based, if negative) domain ending on a round number, and 3–5
    ticks on it: (low, high, ticks)."""
    low = min(0.0, low)
    high = max(high, low + 1e-9)
    raw = (high - low) / ticks
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if step < 1 and all(float(v).is_integer() for v in (high, low)):
        step = 1.0
    start = math.floor(low / step) * step
    end = math.ceil(high / step) * step
    count = round((end - start) / step)
    return start, end, [round(start + i * step, 10) for i in range(count + 1)]


def month_step(start: date, end: date, plot_width: float, label: str = "Mmm 0000") -> int:
    """Months between x-axis labels, so that the labels never crowd (1, 2, 3, 4, 6, 12, 24)."""
    span = max(1, (end.year - start.year) * 12 + end.month - start.month)
    room = max(1, int(plot_width // (text_width(label) + 14)))
    return next((s for s in (1, 2, 3, 4, 6, 12, 24) if math.ceil(span / s) + 1 <= room), 60)


@dataclass(frozen=True)
class Plot:
    """The plot area of a panel, in px, and its scales (x: dates, y: numbers)."""

    width: float
    height: float
    start: date
    end: date
    low: float
    high: float

    def x(self, d: date) -> float:
        days = max(1, (self.end - self.start).days)
        return (d - self.start).days / days * self.width

    def y(self, value: float) -> float:
        return self.height * (1 - (value - self.low) / ((self.high - self.low) or 1))


def plot_area(tick_labels: list[str], start: date, end: date, low: float, high: float,
              height: int, rows_above: int = 0) -> Plot:
    """The plot a panel `theme.WIDTH` wide and `height` high leaves, given its y labels."""
    left = max(text_width(t) for t in tick_labels) + AXIS_GAP
    pad = 2 * 4 + 5  # the theme's padding, and half a dot at the right edge
    return Plot(width=theme.WIDTH - left - pad, height=height - X_AXIS_HEIGHT - pad
                - rows_above * theme.LINE_HEIGHT, start=start, end=end, low=low, high=high)


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def hits_segment(self, a: tuple[float, float], b: tuple[float, float]) -> bool:
        """Whether the segment a–b passes through the box (grown by MARGIN)."""
        left, top = self.left - MARGIN, self.top - MARGIN
        right, bottom = self.right + MARGIN, self.bottom + MARGIN
        steps = max(1, int(math.hypot(b[0] - a[0], b[1] - a[1]) // 2))
        return any(left <= a[0] + (b[0] - a[0]) * i / steps <= right
                   and top <= a[1] + (b[1] - a[1]) * i / steps <= bottom
                   for i in range(steps + 1))

    def hits_box(self, other: "Box") -> bool:
        return not (self.right + MARGIN < other.left or other.right + MARGIN < self.left
                    or self.bottom + MARGIN < other.top or other.bottom + MARGIN < self.top)


Segment = tuple[tuple[float, float], tuple[float, float]]


def line_segments(plot: Plot, points: list[tuple[date, float | None]],
                  step: bool = False) -> list[Segment]:
    """The segments a line through the points draws (none across a gap), in px; a step line
    holds each value until the next."""
    out: list[Segment] = []
    xy = [(plot.x(d), plot.y(v)) if v is not None else None for d, v in points]
    for a, b in zip(xy, xy[1:]):
        if a is None or b is None:
            continue
        if step:
            out += [(a, (b[0], a[1])), ((b[0], a[1]), b)]
        else:
            out.append((a, b))
    out += [(p, p) for p in xy if p is not None]  # the dots themselves
    return out


@dataclass(frozen=True)
class Placed:
    """A label's place: which end of its line (`align` left or right) and which side (`dy`)."""

    align: str
    dy: int
    box: Box


def place_rule_label(plot: Plot, value: float, text: str, data: list[Segment],
                     taken: list[Box]) -> Placed | None:
    """A place for a horizontal line's label, above or below it at either end of the plot,
    that touches no data segment and no label already placed; None if there is none."""
    y = plot.y(value)
    width, height = text_width(text), theme.FONT_SIZE + 2
    for align, side in (("right", -1), ("left", -1), ("right", 1), ("left", 1)):
        left = plot.width - 1 - width if align == "right" else LABEL_INSET
        top = y - 2 - height if side < 0 else y + 2
        box = Box(left, top, left + width, top + height)
        if box.top < 0 or box.bottom > plot.height:
            continue
        if any(box.hits_segment(a, b) for a, b in data) or any(box.hits_box(t) for t in taken):
            continue
        return Placed(align=align, dy=-2 if side < 0 else 2, box=box)
    return None


def label_rows(plot: Plot, marks: list[tuple[date, str]], y_label_room: float = 0
               ) -> list[tuple[int, str]]:
    """Rows (0 nearest the plot) and alignment for labels above the plot, one per upright line
    at a date: each label starts just right of its line, or ends just left of it near the
    right edge, and no two labels in a row touch."""
    ends: list[float] = []  # the right edge of the last label in each row
    out = []
    for d, text in marks:
        x, width = plot.x(d), text_width(text)
        align = "left" if x + 3 + width <= plot.width + 4 else "right"
        left = x + 3 if align == "left" else max(-y_label_room, x - 3 - width)
        row = next((i for i, end in enumerate(ends) if left > end + 2 * MARGIN), len(ends))
        if row == len(ends):
            ends.append(0.0)
        ends[row] = left + width
        out.append((row, align))
    return out
