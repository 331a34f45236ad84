"""Which pages a site has, where they live and what each one's Markdown source is.

Every page generated from data is a tiny Markdown stub that calls a macro, so a council can
replace any of them with a hand-written page at the same path that calls the same macro.
Addresses are keyed by record id and never change between releases.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from improvement_site.model.sitedata import SiteData
from improvement_site.model.labels import providers_title, visit_title
from improvement_site.pages.text import escape_markdown, inert_html

HOME = "index.md"
PLAN = "plan/index.md"
EXCEPTIONS = "plan/exceptions.md"
SCORECARD = "performance/index.md"
VISITS = "inspections/index.md"
GLOSSARY = "glossary.md"
ACCESSIBILITY = "accessibility.md"
CHANGES = "changes.md"
RELEASES = "releases.md"
DOWNLOADS = "downloads.md"
PROVIDERS = "performance/providers.md"


def area_path(area_id: str) -> str:
    return f"plan/{area_id}.md"


def measure_path(measure_id: str) -> str:
    return f"performance/{measure_id}.md"


def visit_path(visit_id: str) -> str:
    return f"inspections/{visit_id}.md"


def breakdown_path(breakdown_id: str) -> str:
    return f"performance/breakdowns/{breakdown_id}.md"


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    call: str  # the macro call that renders the body
    section: str  # navigation section

    def markdown(self) -> str:
        # The page title comes from this heading, escaped so that text from data can be
        # neither Markdown nor a template: no front matter, which mkdocs-macros would render.
        return f"# {escape_markdown(self.title)}\n\n{{{{ {self.call} }}}}\n"


def page_specs(data: SiteData) -> list[PageSpec]:
    """Every generated page, in navigation order."""
    specs = [PageSpec(HOME, data.site.title, "home_page()", "")]
    specs.append(PageSpec(PLAN, "Improvement plan", "plan_page()", "Plan"))
    for area in data.areas:
        specs.append(PageSpec(area_path(area.id), f"{area.number}. {area.title}",
                              f"area_page({json.dumps(area.id)})", "Plan"))
    specs.append(PageSpec(EXCEPTIONS, "Exceptions: delayed and overdue actions",
                          "exceptions_page()", "Plan"))
    specs.append(PageSpec(SCORECARD, "Performance scorecard", "scorecard_page()", "Performance"))
    for measure in data.measures:
        specs.append(PageSpec(measure_path(measure.id), measure.name,
                              f"measure_page({json.dumps(measure.id)})", "Performance"))
    for breakdown in data.breakdowns:
        specs.append(PageSpec(breakdown_path(breakdown.id), breakdown.title,
                              f"breakdown_page({json.dumps(breakdown.id)})", "Performance"))
    if data.providers:
        specs.append(PageSpec(PROVIDERS, providers_title(data.providers), "providers_page()",
                              "Performance"))
    specs.append(PageSpec(VISITS, "Inspections and visits", "visits_page()", "Inspections"))
    for visit in reversed(data.visits):
        specs.append(PageSpec(visit_path(visit.id), visit_title(visit),
                              f"visit_page({json.dumps(visit.id)})", "Inspections"))
    specs.append(PageSpec(CHANGES, "What changed since the last meeting", "changes_page()",
                          "Meetings"))
    specs.append(PageSpec(RELEASES, "Meetings and releases", "releases_page()", "Meetings"))
    specs.append(PageSpec(DOWNLOADS, "Download the data", "downloads_page()", ""))
    specs.append(PageSpec(GLOSSARY, "Glossary", "glossary_page()", ""))
    specs.append(PageSpec(ACCESSIBILITY, "Accessibility statement", "accessibility_page()", ""))
    return specs


def navigation(specs: list[PageSpec], extra_pages: list[str]) -> list:
    """MkDocs `nav` from the generated pages plus the site's own hand-written pages."""
    nav: list = []
    sections: dict[str, list] = {}
    # Titles are given here, not left to each page, so that a dirty rebuild (serve), which
    # does not read unchanged pages, still shows every title in the menu.
    for spec in specs:
        if spec.path == HOME:
            nav.append({"Home": spec.path})
        elif spec.section:
            if spec.section not in sections:
                sections[spec.section] = []
                nav.append({spec.section: sections[spec.section]})
            sections[spec.section].append({inert_html(spec.title): spec.path})
    nav.extend(extra_pages)  # hand-written pages, titled by their own first heading
    nav.extend([{"Download the data": DOWNLOADS}, {"Glossary": GLOSSARY},
                {"Accessibility statement": ACCESSIBILITY}])
    return nav
