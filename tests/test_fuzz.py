"""Broken input: mutated data files always end in a clean, specific error (or a good build),
never a Python traceback, and never a half-written site."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from improvement_site.cli.main import main

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal"
FILES = sorted(p.relative_to(MINIMAL).as_posix() for p in (MINIMAL / "data").rglob("*")
               if p.is_file())
# A problem names its file from the site folder as typed (here the absolute path of a copy).
PROBLEM_LINE = re.compile(r"^  (?:\S+/)?data/[\w./-]+(:\d+)?: ")
# validate builds nothing, so only a build says nothing was built.
HEAD = re.compile(r"^\d+ problems? in the site's data(; nothing was built)?:$")


def mutate(raw: bytes, kind: str, where: float, junk: bytes) -> bytes:
    at = int(len(raw) * where)
    lines = raw.split(b"\n")
    line = min(int(len(lines) * where), len(lines) - 1)
    if kind == "truncate":
        return raw[:at]
    if kind == "bad_encoding":
        return raw[:at] + b"\xff\xfe\xc3" + raw[at:]
    if kind == "bom":
        return b"\xef\xbb\xbf" + raw
    if kind == "crlf":
        return raw.replace(b"\n", b"\r\n")
    if kind == "duplicate_line":
        return b"\n".join(lines[:line + 1] + lines[line:])
    if kind == "delete_line":
        return b"\n".join(lines[:line] + lines[line + 1:])
    if kind == "empty":
        return b""
    if kind == "unknown_field":
        indent = re.match(rb"^[ -]*", lines[line]).group(0).replace(b"-", b" ")
        return b"\n".join(lines[:line + 1] + [indent + b"zz_unknown: 1"] + lines[line + 1:])
    if kind == "wrong_type":
        return re.sub(rb": [^\n\[{|]+", b": [1, {a: b}]", raw, count=1 + line % 5)
    if kind == "junk":
        return raw[:at] + junk + raw[at:]
    if kind == "alias_bomb":
        return b"a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n" + raw
    if kind == "deep":
        return b"[" * 5000 + b"]" * 5000
    raise AssertionError(kind)


KINDS = ["truncate", "bad_encoding", "bom", "crlf", "duplicate_line", "delete_line", "empty",
         "unknown_field", "wrong_type", "junk", "alias_bomb", "deep"]


def _site(tmp: Path, file: str, data: bytes) -> Path:
    site = tmp / "site"
    shutil.copytree(MINIMAL, site)
    (site / file).write_bytes(data)
    return site


def _check(result, out: Path | None = None) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"crashed: {result.exception!r}\n{result.output}"
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        lines = result.output.splitlines()
        assert HEAD.match(lines[0]) or lines[0].startswith("Build failed"), result.output
        assert all(PROBLEM_LINE.match(line) for line in lines[1:]), result.output
        if out is not None:
            assert not out.exists() and not list(out.parent.glob(".out*")), "partial output"


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(file=st.sampled_from(FILES), kind=st.sampled_from(KINDS),
       where=st.floats(0, 1), junk=st.binary(min_size=1, max_size=12))
def test_mutated_data_is_validated_cleanly(tmp_path_factory, file, kind, where, junk):
    tmp = tmp_path_factory.mktemp("fuzz")
    site = _site(tmp, file, mutate((MINIMAL / file).read_bytes(), kind, where, junk))
    _check(CliRunner().invoke(main, ["validate", str(site)]))


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(file=st.sampled_from(FILES), kind=st.sampled_from(KINDS), where=st.floats(0, 1))
def test_mutated_data_never_leaves_a_partial_site(tmp_path_factory, file, kind, where):
    tmp = tmp_path_factory.mktemp("fuzzbuild")
    site = _site(tmp, file, mutate((MINIMAL / file).read_bytes(), kind, where, b"\x00"))
    out = tmp / "out"
    result = CliRunner().invoke(main, ["build", str(site), "--out", str(out)])
    _check(result, out)
    if result.exit_code == 0:
        assert (out / "index.html").is_file()


@pytest.mark.parametrize("kind, expected", [
    ("empty", "data/plan/01-front-door.yaml: is empty"),
    ("alias_bomb", "data/plan/01-front-door.yaml:2: anchors and aliases"),
    ("deep", "data/plan/01-front-door.yaml: is nested too deeply"),
])
def test_specific_messages(tmp_path, kind, expected):
    file = "data/plan/01-front-door.yaml"
    site = _site(tmp_path, file, mutate((MINIMAL / file).read_bytes(), kind, 0.5, b""))
    result = CliRunner().invoke(main, ["validate", str(site)])
    assert result.exit_code == 1 and expected in result.output


def test_huge_file_is_refused_quickly(tmp_path):
    site = _site(tmp_path, "data/measures.csv", b"measure,period,value\n")
    with open(site / "data" / "measures.csv", "ab") as f:
        f.write(b"cp-rate,2024-01,1\n" * 1_300_000)  # about 23 MB
    result = CliRunner().invoke(main, ["validate", str(site)])
    assert result.exit_code == 1
    assert "data/measures.csv: the file is 22 MB; data files are limited to 20 MB" in result.output


def test_bom_and_crlf_everywhere_still_build(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(MINIMAL, site)
    for file in FILES:
        path = site / file
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    result = CliRunner().invoke(main, ["validate", str(site)])
    assert result.exit_code == 0, result.output


def test_control_character_names_its_line(tmp_path):
    file = "data/visits.yaml"
    raw = (MINIMAL / file).read_bytes().replace(b"The front door", b"The front\x01 door")
    site = _site(tmp_path, file, raw)
    result = CliRunner().invoke(main, ["validate", str(site)])
    assert result.exit_code == 1
    assert "data/visits.yaml:13: contains a control character (U+0001)" in result.output
