"""A council's own look, from site.yaml: its brand colour (checked for contrast when the data is
read) and its logo (a file in data/). The colour is the header's background, under white text,
and the colour of links on the white page, so one check covers both: white on it, and it on
white, are the same ratio.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

from improvement_site.model.fields import Kind, _characters

MIN_CONTRAST = 4.5  # WCAG 2.2 1.4.3, normal-size text
LOGO_TYPES = (".svg", ".png")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_LOGO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

COLOUR = Kind("colour (#rrggbb)")
LOGO = Kind("file name in data/ (.svg or .png)")


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance of `#rrggbb` (WCAG 2.2's definition)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_with_white(colour: str) -> float:
    return 1.05 / (luminance(colour) + 0.05)


def _brand_colour(value: str) -> str:
    text = value.strip()
    if not _HEX.match(text):
        raise ValueError(f'"{value}" is not a colour; write it as # and six hex digits, '
                         f"e.g. #1d4f91")
    ratio = contrast_with_white(text)
    if ratio < MIN_CONTRAST:
        raise ValueError(f"{text} with white text has a contrast of {ratio:.2f}:1, below the "
                         f"{MIN_CONTRAST}:1 that text needs (WCAG 2.2, 1.4.3); the header's "
                         f"white text and the links would be hard to read. Choose a darker "
                         f"shade of the colour")
    return text.lower()


def _logo(value: str) -> str:
    text = value.strip()
    if not _LOGO.match(text) or not text.lower().endswith(LOGO_TYPES):
        raise ValueError(f'"{value}" is not a logo file name; give the name of an .svg or .png '
                         f"file in the data/ folder, e.g. logo.svg (no folders)")
    return text


BrandColour = Annotated[str, BeforeValidator(_characters), Field(max_length=7 + 20),
                        AfterValidator(_brand_colour), COLOUR]
LogoFile = Annotated[str, BeforeValidator(_characters), Field(max_length=200),
                     AfterValidator(_logo), LOGO]
