"""Whether an SVG from the chart cache is one the renderer could have drawn.

Cached SVGs (`SITE/.cache/charts/`) are copied into the published site as they are, and the
cache folder is in the site, where anyone who can commit can put a file (`git add -f .cache`).
The renderer (vl-convert drawing our own Vega-Lite specs) writes a plain drawing: a handful of
elements, no script, no event attribute, no reference outside the file. So an entry with
anything else in it was not drawn by us: it is a cache miss, and the chart is drawn again.
A scan of the bytes, not a parse: a warm build reads hundreds of these, and it must stay fast.
It errs on the side of drawing again: a chart whose words say `onload=` or `href` (escaped,
as text) fails it, and is drawn afresh at every build, which costs time, never safety.
"""

from __future__ import annotations

import re

# The elements vl-convert draws our charts with (marks, axes, legends, clipping, text).
DRAWN = ("svg g path rect line text tspan circle ellipse polygon polyline defs clipPath title "
         "desc linearGradient radialGradient stop").split()
# What a drawing of ours never has: any other element (script, foreignObject, a, use, image,
# style, animate), a declaration or instruction (<!DOCTYPE, <!ENTITY, <![CDATA[, <?), an event
# attribute (onload=), a reference to anything but a part of the file (href, url() not to
# #id), a script address, a CSS import, or an entity other than XML's own five (one could
# spell any of these inside an attribute).
# Searched one at a time in the lower-cased bytes: each has a literal start the regex engine
# finds quickly, where one alternation of them all is ten times slower on a large site.
_REFUSED = tuple(re.compile(pattern.encode()) for pattern in (
    "<(?!/?(?:" + "|".join(DRAWN).lower() + r")[\s/>])", r"\son[a-z]+\s*=", "href",
    r"""url\s*\(\s*['"]?\s*(?!#)""", "javascript:", "@import", "&(?!lt;|gt;|amp;|quot;|apos;)"))


def drawn_by_renderer(svg: bytes) -> bool:
    """True when `svg` holds only what the renderer draws (see the module's note)."""
    if not svg.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"'):
        return False  # not an SVG, or something (a declaration, a BOM) before the drawing
    low = svg.lower()
    return not any(pattern.search(low) for pattern in _REFUSED)
