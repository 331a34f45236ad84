"""The council's logo (site.yaml `logo`): read only if it is a real PNG or SVG of a sensible
size, and an SVG published only as a drawing.

A logo is copied into every site and shown on the site's own origin, so an SVG is a page in
disguise: a `<script>`, an `onload` or a link to elsewhere would run or load there when a reader
opens it. So the type is judged by the bytes, not the name, and an SVG is parsed safely (no
DTD subset, no entities, nothing fetched) and rebuilt from an allowlist of drawing elements and
attributes. What an editor's export adds beside the drawing (Inkscape's and Illustrator's
metadata, comments, their own namespaces) is left out quietly; what could only be an attack
or a mistake (scripts, event attributes, references outside the file) refuses the logo, in
words, so the person who put it there hears of it.
"""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

from lxml import etree

from improvement_site.data.sitefiles import read_bytes

MAX_LOGO_BYTES = 1024 * 1024  # a header logo is a few kilobytes; more is a photo or an export
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# Drawing elements (SVG 1.1 and 2), kept with their allowed children.
ELEMENTS = frozenset("""
svg g defs symbol use switch path rect circle ellipse line polyline polygon text tspan textPath
title desc style image linearGradient radialGradient stop clipPath mask pattern marker filter
feBlend feColorMatrix feComponentTransfer feComposite feDropShadow feFlood feFuncA feFuncB
feFuncG feFuncR feGaussianBlur feMerge feMergeNode feMorphology feOffset
""".split())
# Attributes of those elements that only draw: geometry, paint, text and filter settings.
ATTRIBUTES = frozenset("""
id class style transform viewBox preserveAspectRatio width height x y x1 y1 x2 y2 cx cy r rx
ry fx fy fr d points pathLength version baseProfile fill fill-opacity fill-rule stroke
stroke-width stroke-linecap stroke-linejoin stroke-miterlimit stroke-dasharray stroke-dashoffset
stroke-opacity opacity color display visibility overflow clip-path clip-rule clipPathUnits
mask maskUnits maskContentUnits offset stop-color stop-opacity gradientUnits gradientTransform
spreadMethod patternUnits patternContentUnits patternTransform font-family font-size
font-weight font-style font-variant font-stretch text-anchor dominant-baseline
alignment-baseline baseline-shift letter-spacing word-spacing text-decoration dx dy rotate
textLength lengthAdjust startOffset filter filterUnits primitiveUnits in in2 result
stdDeviation mode operator k1 k2 k3 k4 type values tableValues slope intercept amplitude
exponent flood-color flood-opacity lighting-color radius mix-blend-mode isolation paint-order
vector-effect shape-rendering color-interpolation color-interpolation-filters image-rendering
text-rendering enable-background marker-start marker-mid marker-end markerWidth markerHeight
markerUnits refX refY orient role aria-label aria-hidden focusable data-name href
""".split())
# References may only point inside the file, or be a raster image carried in it.
_LOCAL = re.compile(r"^\s*#[\w.:-]+\s*$")
_RASTER = re.compile(r"^\s*data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$")
_URL = re.compile(r"url\s*\(\s*+['\"]?+\s*+(?!#)", re.I)
# A backslash too: CSS escapes could spell url( or @import without those letters.
_CSS_REFUSED = re.compile(r"@import|@font-face|image-set|src\s*\(|expression\s*\(|"
                          r"javascript:|-moz-binding|behavior\s*:|\\", re.I)


class LogoRefused(ValueError):
    """Why a logo cannot be published, worded for the person who put it in data/."""


def read_logo(path: Path, site_dir: Path) -> bytes:
    """The logo's bytes as they may be published (a sanitised SVG, or the PNG as it is).
    Raises LogoRefused."""
    raw = read_bytes(path, site_dir, MAX_LOGO_BYTES)
    if isinstance(raw, str):
        raise LogoRefused(raw)
    if len(raw) > MAX_LOGO_BYTES:
        raise LogoRefused(f"the logo is larger than {MAX_LOGO_BYTES // 1024:,} KB, the most a "
                          f"logo may be; export it smaller (a plain SVG, or a PNG of the size "
                          f"it is shown at)")
    if path.suffix.lower() == ".png":
        said = png_problem(raw)
        if said:
            raise LogoRefused(f"is named .png but is not a PNG image, or not all of one "
                              f"({said}); export the logo as PNG or SVG")
        return raw
    return sanitised_svg(raw)


def png_problem(raw: bytes) -> str | None:
    """What makes `raw` not a whole PNG, or None. The signature alone proves nothing (HTML
    can follow it), so every chunk is walked: its length, type and CRC, IHDR first with a
    sensible size, IEND last, and nothing after it."""
    if not raw.startswith(PNG_SIGNATURE):
        return "it does not start as a PNG does"
    at, first = len(PNG_SIGNATURE), True
    while at + 12 <= len(raw):
        length, kind = struct.unpack(">I4s", raw[at:at + 8])
        body = raw[at + 8:at + 8 + length]
        if len(body) < length or at + 12 + length > len(raw):
            return "a chunk is cut short"
        if not kind.isalpha() or zlib.crc32(kind + body) != struct.unpack(
                ">I", raw[at + 8 + length:at + 12 + length])[0]:
            return "a chunk is damaged (its checksum does not match)"
        if first and (kind != b"IHDR" or length != 13
                      or not all(0 < n <= 20000 for n in struct.unpack(">II", body[:8]))):
            return "its header is missing or gives no sensible size"
        at, first = at + 12 + length, False
        if kind == b"IEND":
            return None if at == len(raw) else "something follows the end of the image"
    return "it has no end (IEND)"


def sanitised_svg(raw: bytes) -> bytes:
    """The drawing in `raw`, rebuilt from drawing elements and attributes only."""
    if raw.startswith(PNG_SIGNATURE) or b"<" not in raw[:1024]:
        raise LogoRefused("is named .svg but is not an SVG drawing; export the logo as SVG "
                          "or PNG")
    if re.search(rb"<!ENTITY|<!DOCTYPE[^>]*\[", raw):
        raise LogoRefused("declares entities or a DTD of its own, which a logo does not "
                          "need and the site does not read; export it as plain SVG")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             remove_comments=True, remove_pis=True, huge_tree=False)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise LogoRefused(f"is not a readable SVG drawing (line {exc.lineno}: the XML is "
                          f"broken); export it again as SVG") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise LogoRefused('is not an SVG drawing: its outermost element should be <svg '
                          'xmlns="http://www.w3.org/2000/svg">')
    _clean(root)
    if not any(el.tag != f"{{{SVG_NS}}}title" and el.tag != f"{{{SVG_NS}}}desc"
               for el in root.iterdescendants()):
        raise LogoRefused("has nothing left to draw once what is not a drawing is taken out; "
                          "export it again as plain SVG")
    etree.cleanup_namespaces(root, top_nsmap={None: SVG_NS})
    return etree.tostring(root, xml_declaration=True, encoding="utf-8") + b"\n"


def _local(tag) -> str | None:
    """An element's name in the SVG namespace, or None (an editor's own, a comment)."""
    if not isinstance(tag, str) or not tag.startswith(f"{{{SVG_NS}}}"):
        return None
    return tag[len(SVG_NS) + 2:]


def _clean(element) -> None:
    for child in list(element):
        name = _local(child.tag)
        if name == "script":
            raise LogoRefused("holds a <script>, which would run on the site; a logo must be "
                              "a drawing only: delete the script, or export the logo again")
        if name not in ELEMENTS:  # metadata, foreignObject, sodipodi:namedview, animation
            _remove(child)
            continue
        _clean_attributes(child, name)
        if name == "style":
            _check_css(child.text or "", "its <style>")
        _clean(child)
    if element.getparent() is None:
        _clean_attributes(element, "svg")


def _remove(element) -> None:
    """Remove an element but not the text after it (lxml keeps that with the element): the
    rest of a <text> stays."""
    tail, parent, before = element.tail, element.getparent(), element.getprevious()
    parent.remove(element)
    if tail and before is not None:
        before.tail = (before.tail or "") + tail
    elif tail:
        parent.text = (parent.text or "") + tail


def _clean_attributes(element, name: str) -> None:
    for attribute, value in list(element.attrib.items()):
        local = attribute.split("}")[-1]
        if local.lower().startswith("on"):
            raise LogoRefused(f'<{name}> has an event attribute ({local}="..."), which '
                              f"would run as a script on the site; delete it")
        if attribute == f"{{{XLINK_NS}}}href" or attribute == "href":
            if not (_LOCAL.match(value) or (name == "image" and _RASTER.match(value))):
                raise LogoRefused(f"<{name}> refers to something outside the file "
                                  f"({_shown(value)}); a logo may only refer to its own parts "
                                  f"(#id): put what it shows into the file")
            continue
        if attribute in (f"{{{XML_NS}}}space", f"{{{XML_NS}}}lang"):
            continue
        if attribute not in ATTRIBUTES:  # inkscape:label, sodipodi:docname, i:extraneous
            del element.attrib[attribute]
            continue
        _check_css(value, f'<{name}> {attribute}="..."')


def _check_css(text: str, where: str) -> None:
    if _URL.search(text) or _CSS_REFUSED.search(text):
        raise LogoRefused(f"{where} refers to something outside the file or runs code "
                          f"(url() of an address, @import); a logo may only refer to its own "
                          f"parts, url(#id)")


def _shown(value: str) -> str:
    value = " ".join(value.split())
    return f'"{value[:40]}…"' if len(value) > 40 else f'"{value}"'
