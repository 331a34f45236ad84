"""improvement-site: a children's services improvement site from structured data.

This module only wires: mkdocs-macros calls `define_env`, which registers one macro per view
in `views` (page bodies, and pieces for hand-written pages). Each macro is a one-line call
into its view with the page's context.
"""

from __future__ import annotations

from functools import wraps

from improvement_site.pages import views
from improvement_site.pages.render import PageContext

# Every macro a page can call, generated or hand-written (see docs/new-site.md, docs/charts.md).
MACROS = (
    views.home_page, views.plan_page, views.area_page, views.exceptions_page,
    views.scorecard_page, views.measure_page, views.visits_page, views.visit_page,
    views.changes_page, views.releases_page, views.downloads_page, views.glossary_page,
    views.accessibility_page, views.breakdown_page, views.providers_page,
    views.status_summary, views.measure_summary, views.measure_chart, views.status_chart,
    views.measures_chart,
)


def define_env(env) -> None:
    config = env.conf

    def ctx() -> PageContext:
        # The data was loaded and checked once for this build by the improvement-site
        # plugin; every page reads that copy.
        site = config.plugins["improvement-site"]
        page = env.page
        return PageContext(
            data=site.data,
            page_url=page.url if page else "",
            use_directory_urls=config.use_directory_urls,
            audience=site.audience,
            hidden=site.hidden,
            history_loader=site.history,
        )

    def bind(view):
        @wraps(view)
        def macro(*args, **kwargs) -> str:
            return view(ctx(), *args, **kwargs)
        return macro

    for view in MACROS:
        env.macro(bind(view), view.__name__)

