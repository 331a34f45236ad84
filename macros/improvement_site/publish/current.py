"""Find a site's data folder and load it once per change.

MkDocs calls our plugin and mkdocs-macros separately, and `mkdocs serve` rebuilds on every
edit; both ask here, so the data is read and validated once per build and again only when a
file in `data/` changes.
"""

from __future__ import annotations

import os
from pathlib import Path

from improvement_site.publish.audience import chosen_audience, for_audience
from improvement_site.publish.history import History, load_history
from improvement_site.data.load import load_site
from improvement_site.model.sitedata import SiteData

DATA_ENV = "IMPROVEMENT_SITE_DATA"

_cache: dict[Path, tuple[tuple, SiteData]] = {}


def data_dir_for(config, override: str | None = None) -> Path:
    """The data folder of the site MkDocs is building.

    In order: the environment variable (set by the CLI), the plugin's `data_dir` option, else
    `data/` beside the docs folder — a site is a folder holding `data/` and `content/`.
    """
    chosen = os.environ.get(DATA_ENV) or override
    if chosen:
        base = Path(config.config_file_path or ".").parent
        return (base / chosen).resolve()
    return (Path(config.docs_dir).parent / "data").resolve()


def _fingerprint(data_dir: Path) -> tuple:
    if not data_dir.is_dir():
        return ()
    entries = []
    for path in sorted(data_dir.rglob("*")):
        if path.is_file():
            stat = path.stat()
            entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


def full_data(data_dir: Path) -> SiteData:
    """The validated model for `data_dir` with every record, reloaded only on change."""
    data_dir = Path(data_dir).resolve()
    stamp = _fingerprint(data_dir)
    cached = _cache.get(data_dir)
    if cached and cached[0] == stamp:
        return cached[1]
    data = load_site(data_dir)
    _cache[data_dir] = (stamp, data)
    return data


_filtered: dict[tuple[int, str], SiteData] = {}


def current_data(data_dir: Path, audience: str | None = None) -> SiteData:
    """The model as the build's audience may see it (public unless told otherwise)."""
    full = full_data(data_dir)
    audience = chosen_audience(audience)
    key = (id(full), audience)
    if key not in _filtered:
        _filtered.clear()
        _filtered[key] = for_audience(full, audience)
    return _filtered[key]


_histories: dict[tuple[int, str], History] = {}


def current_history(data_dir: Path, audience: str | None = None) -> History:
    """This build's data with every earlier release (read from git once per build)."""
    audience = chosen_audience(audience)
    data = current_data(data_dir, audience)
    key = (id(data), audience)
    if key not in _histories:
        _histories.clear()
        _histories[key] = load_history(data, Path(data_dir).resolve(), audience)
    return _histories[key]
