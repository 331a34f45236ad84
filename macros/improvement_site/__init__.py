"""improvement-site: a children's services improvement site from structured data.

This module only wires: mkdocs-macros calls `define_env`, which registers one macro per view
in `views` (page bodies, and pieces for hand-written pages; the list is `pages.macros.MACROS`).
Each macro is a one-line call into its view with the page's context.

Importing the package imports nothing else (MkDocs included), so the command line can choose
between MkDocs and ProperDocs before either is loaded.
"""

from __future__ import annotations

from functools import wraps


def define_env(env) -> None:
    from improvement_site.pages.macros import MACROS
    from improvement_site.pages.render import PageContext

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
            release=site.config.release,
            reports=site.reports,
            charts=site.charts,
            figures=site.figures,
        )

    def bind(view):
        @wraps(view)
        def macro(*args, **kwargs) -> str:
            return view(ctx(), *args, **kwargs)
        return macro

    for view in MACROS:
        env.macro(bind(view), view.__name__)

