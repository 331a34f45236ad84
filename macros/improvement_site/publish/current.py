"""Find a site's data folder, and load it once per change.

The command line validates a site before it builds it, and `mkdocs serve` rebuilds on every
edit; both ask here, so a data folder is read and validated once, and again only when a file
in it changes. This is a memo of a pure result (the frozen model of the files as they are),
shared by every build in the process and safe for builds side by side; what a build makes of
it (the audience's copy, the history) is kept on the build (the plugin instance).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from improvement_site.data.load import load_site
from improvement_site.model.sitedata import SiteData
from improvement_site.publish.audience import chosen_audience, for_audience


def data_dir_for(config, override: str | None = None) -> Path:
    """The data folder of the site MkDocs is building: the plugin's `data_dir` option (set by
    the command line; relative to the mkdocs.yml), else `data/` beside the docs folder — a site
    is a folder holding `data/` and `content/`."""
    if override:
        base = Path(config.config_file_path or ".").parent
        return _absolute(base / override)
    return _absolute(Path(config.docs_dir).parent / "data")


def _absolute(path: Path) -> Path:
    """Absolute but not resolved: a data/ that is a link stays one, for the loader to refuse
    (data/sitefiles.py) rather than read wherever it points."""
    return Path(os.path.abspath(path))


def _fingerprint(data_dir: Path) -> tuple:
    if not data_dir.is_dir():
        return ()
    entries = []
    for path in sorted(data_dir.rglob("*")):
        if path.is_file():
            stat = path.stat()
            entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


class _Loaded:
    """Validated models by data folder, each with the fingerprint of the files it came from."""

    def __init__(self):
        self._models: dict[Path, tuple[tuple, SiteData]] = {}
        self._lock = threading.Lock()

    def get(self, data_dir: Path) -> SiteData:
        data_dir = _absolute(data_dir)
        stamp = _fingerprint(data_dir)
        with self._lock:
            cached = self._models.get(data_dir)
        if cached and cached[0] == stamp:
            return cached[1]
        data = load_site(data_dir)  # outside the lock: another site may load meanwhile
        with self._lock:
            self._models[data_dir] = (stamp, data)
        return data

    def clear(self) -> None:
        with self._lock:
            self._models.clear()


LOADED = _Loaded()


def full_data(data_dir: Path) -> SiteData:
    """The validated model for `data_dir` with every record, reloaded only on change."""
    return LOADED.get(data_dir)


def current_data(data_dir: Path, audience: str | None = None) -> SiteData:
    """The model as the audience may see it (public unless told otherwise)."""
    return for_audience(full_data(data_dir), chosen_audience(audience))
