"""improvement-site: a children's services improvement site from structured data.

This module only wires: mkdocs-macros calls `define_env`, which registers one macro per page
type (and a few for hand-written pages); each is a one-line call into `views`.
"""

from __future__ import annotations

from .render import PageContext
from .audience import hidden_counts
from .site import current_data, current_history, data_dir_for, full_data
from . import views


def define_env(env) -> None:
    config = env.conf

    def ctx() -> PageContext:
        page = env.page
        data_dir = data_dir_for(config, _plugin_data_dir(config))
        audience = config.extra["improvement_site"]["audience"]
        return PageContext(
            data=current_data(data_dir, audience),
            page_url=page.url if page else "",
            use_directory_urls=config.use_directory_urls,
            audience=audience,
            hidden=hidden_counts(full_data(data_dir)) if audience == "committee" else {},
            history_loader=lambda: current_history(data_dir, audience),
        )

    @env.macro
    def home_page() -> str:
        return views.home_page(ctx())

    @env.macro
    def plan_page() -> str:
        return views.plan_page(ctx())

    @env.macro
    def area_page(area_id: str) -> str:
        return views.area_page(ctx(), area_id)

    @env.macro
    def exceptions_page() -> str:
        return views.exceptions_page(ctx())

    @env.macro
    def scorecard_page() -> str:
        return views.scorecard_page(ctx())

    @env.macro
    def measure_page(measure_id: str) -> str:
        return views.measure_page(ctx(), measure_id)

    @env.macro
    def visits_page() -> str:
        return views.visits_page(ctx())

    @env.macro
    def visit_page(visit_id: str) -> str:
        return views.visit_page(ctx(), visit_id)

    @env.macro
    def changes_page() -> str:
        return views.changes_page(ctx())

    @env.macro
    def releases_page() -> str:
        return views.releases_page(ctx())

    @env.macro
    def downloads_page() -> str:
        return views.downloads_page(ctx())

    @env.macro
    def glossary_page() -> str:
        return views.glossary_page(ctx())

    @env.macro
    def accessibility_page() -> str:
        return views.accessibility_page(ctx())

    @env.macro
    def status_summary(area_id: str | None = None) -> str:
        """Actions by status for the whole plan, or for one area."""
        return views.status_summary(ctx(), area_id)

    @env.macro
    def measure_summary(*measure_ids: str) -> str:
        """Latest value, target, RAG and direction of the named measures (default: all)."""
        return views.measure_summary(ctx(), *measure_ids)

    @env.macro
    def measure_chart(measure_id: str) -> str:
        """A measure's chart with its description, data table and CSV."""
        return views.measure_chart(ctx(), measure_id)

    @env.macro
    def status_chart(area_id: str | None = None) -> str:
        """Actions by status as a chart, for the whole plan or one area."""
        return views.status_chart(ctx(), area_id)

    @env.macro
    def measures_chart(*measure_ids: str) -> str:
        """Small multiples of the named measures (default: all)."""
        return views.measures_chart(ctx(), *measure_ids)


def _plugin_data_dir(config) -> str | None:
    plugin = config.plugins.get("improvement-site")
    return plugin.config.data_dir if plugin else None
