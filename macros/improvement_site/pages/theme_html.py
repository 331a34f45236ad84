"""Small repairs to the HTML Material writes, applied in pages/theme/main.html's block
overrides as Jinja filters (registered by the plugin's on_env). Each one fixes something a
keyboard or screen-reader user meets on every page, with the smallest change to Material's
markup; the reason is given with each.
"""

from __future__ import annotations

import html
import re

# The sidebar's expand toggles: `<label class="md-nav__link" for="__nav_2" id="__nav_2_label"
# tabindex="0">` holds only an icon, so it has no name, and the section's <nav> is labelled by
# it (aria-labelledby), so every section's landmark has an empty name (axe: landmark-unique).
_SECTION = re.compile(
    r'(<a href="[^"]*" class="md-nav__link[^"]*">\s*<span class="md-ellipsis">\s*)([^<]*?)'
    r'(\s*</span>\s*</a>\s*)<label class="md-nav__link([^"]*)" for="(__nav_[0-9_]+)" '
    r'id="(__nav_[0-9_]+_label)" tabindex="0">', re.S)
_TAGS = re.compile(r"<[^>]+>")


def name_nav_toggles(markup: str) -> str:
    """Give each section toggle a name ("Plan: show or hide its pages") and each section's
    <nav> the section's own name."""
    names: dict[str, str] = {}

    def named(match: re.Match) -> str:
        title = " ".join(html.unescape(_TAGS.sub("", match.group(2))).split())
        label_id = match.group(6)
        names[label_id] = title
        label = html.escape(f"{title}: show or hide its pages")
        # Words inside the label, not aria-label: a <label> has no role that may carry one.
        return (f'{match.group(1)}{match.group(2)}{match.group(3)}<label class="md-nav__link'
                f'{match.group(4)}" for="{match.group(5)}" id="{label_id}" tabindex="0">'
                f'<span class="ims-visually-hidden">{label}</span>')

    markup = _SECTION.sub(named, markup)
    # A section without an index page has its title inside the toggle: it is named already.
    for label_id, title in names.items():
        markup = markup.replace(f'aria-labelledby="{label_id}"',
                                f'aria-label="{html.escape(title)}"')
    return markup


def repair_header(markup: str, council: str) -> str:
    """The header: the council's name above the site's; the search dialog named (axe:
    aria-dialog-name). (The empty search-results box, a 0-pixel Tab stop, is hidden by the
    stylesheet until the search is open.)"""
    markup = markup.replace('data-md-component="search" role="dialog">',
                            'data-md-component="search" role="dialog" aria-label="Search">', 1)
    if council:
        markup = markup.replace(
            '<div class="md-header__topic">',
            '<div class="md-header__topic ims-header__topic">'
            f'<span class="ims-header__council">{html.escape(council)}</span>', 1)
    return markup


_PERMALINK = re.compile(r'<a class="headerlink" href="([^"]*)" title="Permanent link">')


def quiet_permalinks(markup: str) -> str:
    """Heading permalinks ("¶") out of the Tab order and out of the heading's spoken name:
    six of the first twelve Tab stops were "¶". A mouse user still finds them on hover."""
    return _PERMALINK.sub(r'<a class="headerlink" href="\1" title="Permanent link" '
                          r'tabindex="-1" aria-hidden="true">', markup)


def credit_free_footer(markup: str, ours: str) -> str:
    """Our footer (who publishes the site) inside Material's <footer> landmark, so all of the
    page's content is in a landmark (axe: region)."""
    return markup.replace('<footer class="md-footer">', '<footer class="md-footer">' + ours, 1)


def css_string(text: str) -> str:
    """Text for a CSS string in a <style> element: quotes and backslashes escaped, and no "<"
    (so no "</style>" can end the element early)."""
    text = " ".join(str(text).split())
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
            .replace(">", "\\3e "))


FILTERS = {
    "ims_css_string": css_string,
    "ims_nav": name_nav_toggles,
    "ims_header": repair_header,
    "ims_permalinks": quiet_permalinks,
    "ims_footer": credit_free_footer,
}
