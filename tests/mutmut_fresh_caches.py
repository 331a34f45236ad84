"""A pytest plugin loaded only by mutation testing (`pytest_add_cli_args` in pyproject.toml's
[tool.mutmut]); the ordinary test run never loads it.

The text renderer memoises what it renders (`lru_cache`), which a build needs and a test run
does not notice. mutmut does notice: it records which tests call each function, and a test
whose text was already rendered by an earlier test never calls the renderer, so it is not run
against the renderer's mutants. Emptying the memos before each test makes every test compute
what it checks, as it would alone.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_memos():
    from macros import text
    for memo in (text._render_block, text._glossary, text.safe_url):
        memo.cache_clear()
    text._terms_cache.clear()
    yield
