"""A pytest plugin loaded only by mutation testing (`pytest_add_cli_args` in pyproject.toml's
[tool.mutmut]); the ordinary test run never loads it.

The text renderer memoises what it renders (`lru_cache`) and the loader keeps every data file
it has read and validated (for `serve`), which a build needs and a test run does not notice.
mutmut does notice: it records which tests call each function, and a test whose text was
already rendered, or whose fixture was already read, by an earlier test never calls the code
under it, so it is not run against that code's mutants. Emptying the memos before each test
makes every test compute what it checks, as it would alone.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_memos():
    from improvement_site.data import load
    from improvement_site.pages import text
    from improvement_site.publish import current
    load._read_cache.clear()
    current.LOADED.clear()  # the validated model of each data folder, by its files' stamps
    for memo in (text._render_block, text._glossary, text.safe_url):
        memo.cache_clear()
    text._terms_cache.clear()
    yield
