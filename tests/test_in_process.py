"""Two sites built in one process, one after the other and side by side (two threads), give
the same bytes as each built alone: every build keeps its own state (its data, charts, figure
cache, plugins and build date), none of it in the process or its environment."""

from __future__ import annotations

import os
import threading
from datetime import datetime, time, timezone
from pathlib import Path

from conftest import SITES
from improvement_site.cli import commands


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _differences(a: Path, b: Path) -> list[str]:
    ta, tb = _tree(a), _tree(b)
    return sorted(set(ta) ^ set(tb)) + [name for name in ta if name in tb and ta[name] != tb[name]]


def test_two_sites_side_by_side_match_each_built_alone(built, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    alone = {name: built(name).out for name in ("nottingham", "nel")}  # one after the other
    results: dict[str, Path | BaseException] = {}
    start = threading.Barrier(2)

    def build(name: str) -> None:
        try:
            start.wait()
            results[name] = commands.build(SITES[name], tmp_path / name)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            results[name] = exc

    threads = [threading.Thread(target=build, args=(name,)) for name in alone]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=900)
    for name, out in alone.items():
        assert isinstance(results[name], Path), f"{name}: {results[name]!r}"
        assert _differences(out, results[name]) == [], name
    # Each build's date is its own reporting date (the sitemap's gzip header carries it):
    # the two differ, and neither leaked into the other or into the environment.
    for name, out in results.items():
        day = built(name).data.site.reporting_date
        midnight = datetime.combine(day, time(), tzinfo=timezone.utc)
        assert _gzip_mtime(out / "sitemap.xml.gz") == int(midnight.timestamp()), name
    assert built("nottingham").data.site.reporting_date != built("nel").data.site.reporting_date
    assert "SOURCE_DATE_EPOCH" not in os.environ


def _gzip_mtime(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[4:8], "little")
