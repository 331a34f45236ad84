"""The same data and code give byte-identical output."""

from __future__ import annotations

from pathlib import Path

from improvement_site.cli import commands

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a = commands.build(MINIMAL, tmp_path / "a", cache_dir=tmp_path / "cache-a")
    b = commands.build(MINIMAL, tmp_path / "b", cache_dir=tmp_path / "cache-b")  # SVGs afresh
    ta, tb = _tree(a), _tree(b)
    assert sorted(ta) == sorted(tb)
    different = [name for name in ta if ta[name] != tb[name]]
    assert different == []


def _gzip_mtime(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[4:8], "little")


def test_build_date_is_the_reporting_date_not_the_clock(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = commands.build(MINIMAL, tmp_path / "out")
    assert _gzip_mtime(out / "sitemap.xml.gz") == 1711843200  # 31 March 2024, 00:00 UTC
    import os
    assert "SOURCE_DATE_EPOCH" not in os.environ  # not left behind for the next build


def test_source_date_epoch_is_honoured(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = commands.build(MINIMAL, tmp_path / "out")
    assert _gzip_mtime(out / "sitemap.xml.gz") == 1699920000  # that day, as MkDocs rounds
