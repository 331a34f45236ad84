"""Which engine builds the site: MkDocs (the default) or ProperDocs, its maintained drop-in
continuation by MkDocs' former maintainers.

ProperDocs serves `import mkdocs...` from its own modules once `properdocs.replacement` is
imported, so MkDocs itself must not have been imported first: nothing in this package imports
either at import time, and the command line chooses before it builds.
"""

from __future__ import annotations

import sys

ENGINES = ("mkdocs", "properdocs")
DEFAULT = "mkdocs"


class EngineError(Exception):
    """The chosen engine cannot be used; the message says what to install."""


def use(engine: str | None) -> str:
    """Make `engine` the one that `import mkdocs` reaches in this process; returns its name."""
    engine = engine or DEFAULT
    if engine == "properdocs":
        if _running() == "mkdocs":
            raise EngineError("MkDocs is already loaded in this process; ProperDocs can only "
                              "be chosen before a build starts")
        try:
            import properdocs.replacement  # noqa: F401 - redirects mkdocs.* to properdocs.*
        except ImportError:
            raise EngineError('ProperDocs is not installed; install it with '
                              '"pip install properdocs" (or "improvement-site[properdocs]"), '
                              "or build with --engine mkdocs") from None
    elif _running() == "properdocs":
        raise EngineError("ProperDocs is already loaded in this process; MkDocs can only be "
                          "chosen before a build starts")
    return engine


def _running() -> str | None:
    module = sys.modules.get("mkdocs")
    if module is None:
        return None
    return "properdocs" if module.__name__ == "properdocs" else "mkdocs"


def version() -> str:
    """The running engine and its version, e.g. "mkdocs 1.6.1"."""
    import mkdocs
    name = "properdocs" if mkdocs.__name__ == "properdocs" else "mkdocs"
    return f"{name} {mkdocs.__version__}"
