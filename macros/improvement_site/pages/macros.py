"""Every macro a page can call, generated or hand-written (see docs/new-site.md and
docs/charts.md): `define_env` registers them, and `validate` checks hand-written pages'
calls against their signatures (pages/page_checks.py)."""

from __future__ import annotations

from improvement_site.pages import views

MACROS = (
    views.home_page, views.plan_page, views.area_page, views.exceptions_page,
    views.scorecard_page, views.measure_page, views.visits_page, views.visit_page,
    views.changes_page, views.releases_page, views.downloads_page, views.glossary_page,
    views.accessibility_page, views.breakdown_page, views.providers_page,
    views.status_summary, views.measure_summary, views.measure_chart, views.status_chart,
    views.measures_chart,
)
