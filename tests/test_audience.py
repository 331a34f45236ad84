"""Public and committee builds: committee-only material never reaches the public site."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from macros import commands
from macros.audience import AudienceError, chosen_audience
from sitegen import RECORDS, write_site


def scan(out: Path, canaries: dict[str, list]) -> list[str]:
    """Every canary found in every output file (sitemaps unzipped)."""
    needles = list(canaries["text"])
    for n in canaries["numbers"]:
        needles += [str(n), f"{n:,}"]
    found = []
    for path in out.rglob("*"):
        if not path.is_file():
            continue
        raw = path.read_bytes()  # every file, whatever its kind
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8", errors="replace")
        found += [f"{path.relative_to(out)}: {n}" for n in needles if n in text]
    return found


def build(tmp: Path, committee: set[str], audience: str | None) -> tuple[Path, dict]:
    site = tmp / "site"
    canaries = write_site(site, committee)
    out = commands.build(site, tmp / f"out-{audience}", audience=audience)
    return out, canaries


ALL = set(RECORDS)


def test_public_build_has_no_trace_of_committee_material(tmp_path):
    out, canaries = build(tmp_path, ALL - {"a1", "m1", "v1", "c-m1", "a1-01"}, None)
    assert canaries["text"] and canaries["numbers"]
    assert scan(out, canaries) == []


def test_committee_build_shows_and_marks_committee_material(tmp_path):
    out, canaries = build(tmp_path, {"a2", "m3", "v2", "c-m1", "a1-02"}, "committee")
    found = scan(out, canaries)
    # The canaries are findable, so the public scan above could fail.
    assert any("CANARYa2titleZ" in f for f in found)
    assert any("zqxm3" in f for f in found) and any(str(n) in " ".join(found)
                                                     for n in canaries["numbers"])
    plan = (out / "plan" / "index.html").read_text(encoding="utf-8")
    assert "Committee only" in plan and "left out of the public site" in plan


def test_public_counts_and_links_leave_no_gap(tmp_path):
    out, _ = build(tmp_path, {"a1-01", "m2"}, None)
    from bs4 import BeautifulSoup
    page = BeautifulSoup((out / "plan" / "a1.html").read_text(encoding="utf-8"), "html.parser")
    text = " ".join(page.select_one("article").get_text(" ").split())
    # a1 has one public action left; nothing says that another exists.
    assert "Actions 1:" in text
    assert "Committee only" not in text and "left out of the public site" not in text
    assert page.find(id="a1-02") is not None and page.find(id="zqxa101") is None
    # m2 is committee-only: the public action that tracks it links only to m1.
    links = [a["href"] for a in page.find_all("a", href=True)]
    assert "../performance/m1.html" in links and not any("zqxm2" in h for h in links)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sets(st.sampled_from(sorted(RECORDS)), min_size=1))
def test_no_leak_whichever_records_are_committee_only(tmp_path_factory, committee):
    tmp = tmp_path_factory.mktemp("leak")
    out, canaries = build(tmp, set(committee), "public")
    assert scan(out, canaries) == []


def test_public_is_the_default_and_bad_values_are_refused(monkeypatch):
    monkeypatch.delenv("IMPROVEMENT_SITE_AUDIENCE", raising=False)
    assert chosen_audience() == "public"
    monkeypatch.setenv("IMPROVEMENT_SITE_AUDIENCE", "Committee")
    assert chosen_audience() == "committee"
    assert chosen_audience("public") == "public"  # the CLI option wins
    with pytest.raises(AudienceError):
        chosen_audience("everyone")
