"""Public and committee builds: committee-only material never reaches the public site."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from improvement_site.cli import commands
from improvement_site.publish.audience import AudienceError, chosen_audience
from sitegen import RECORDS, canary, write_site


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


def test_public_build_leaves_out_committee_updates_breakdowns_and_providers(tmp_path):
    """A committee-only progress report, breakdown or provider, with everything else public:
    no trace in any file (pages, charts, CSVs, data.json, search index), and nothing counted."""
    from bs4 import BeautifulSoup
    out, canaries = build(tmp_path, {"u-a1-new", "b2", "p2"}, None)
    assert scan(out, canaries) == []
    page = BeautifulSoup((out / "plan" / "a1.html").read_text(encoding="utf-8"), "html.parser")
    text = " ".join(page.select_one("article").get_text(" ").split())
    # The newest public report is the one shown first; nothing says a later one exists.
    assert "Progress report as at 15 April 2024" in text and "15 May 2024" not in text
    assert not (out / "performance" / "breakdowns" / "zqxb2.html").exists()
    assert (out / "performance" / "breakdowns" / "b1.html").is_file()
    providers = (out / "performance" / "providers.html").read_text(encoding="utf-8")
    assert "Inadequate" not in providers  # only the committee home's latest grade is that
    home = " ".join(BeautifulSoup((out / "index.html").read_text(encoding="utf-8"),
                                  "html.parser").select_one("article").get_text(" ").split())
    assert "1 children's home, by their latest inspection grade" in home
    assert "1 requires improvement to be good" in home


def test_committee_build_shows_and_marks_committee_material(tmp_path):
    out, canaries = build(tmp_path, {"a2", "m3", "v2", "c-m1", "a1-02", "u-a1-new", "b2", "p2"},
                          "committee")
    found = scan(out, canaries)
    # The canaries are findable, so the public scan above could fail.
    assert any("CANARYa2titleZ" in f for f in found)
    assert any("zqxm3" in f for f in found) and any(str(n) in " ".join(found)
                                                     for n in canaries["numbers"])
    plan = (out / "plan" / "index.html").read_text(encoding="utf-8")
    assert "Committee only" in plan and "left out of the public site" in plan
    for kind, path in (("u-a1-new", "plan/a1.html"), ("b2", "performance/breakdowns/zqxb2.html"),
                       ("p2", "performance/providers.html")):
        assert any(f.startswith(path) and canary(kind, "taken" if kind[0] == "u" else
                                                 "title" if kind[0] == "b" else "name") in f
                   for f in found), kind
        assert "Committee only" in (out / path).read_text(encoding="utf-8"), kind


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


def test_public_is_the_default_and_bad_values_are_refused(monkeypatch, tmp_path):
    """The audience reaches the build through the configuration: the base configuration
    reads $IMPROVEMENT_SITE_AUDIENCE (for plain `mkdocs build`), the command line's
    --audience is set over it; the code itself reads no environment variable."""
    from improvement_site.cli.commands import configured_audience
    site = tmp_path / "site"
    write_site(site, set())
    monkeypatch.delenv("IMPROVEMENT_SITE_AUDIENCE", raising=False)
    assert configured_audience(site) == "public"
    monkeypatch.setenv("IMPROVEMENT_SITE_AUDIENCE", "Committee")
    assert configured_audience(site) == "committee"
    assert chosen_audience() == "public"
    assert chosen_audience("public") == "public"  # the CLI option wins
    with pytest.raises(AudienceError):
        chosen_audience("everyone")


def test_committee_build_labels_committee_material_wherever_it_is_listed(tmp_path):
    """The exceptions page listed a committee-only action with no "Committee only" label
    (its area page had one). Every list that names such a record labels it, and an action
    in a committee-only area counts as committee-only."""
    from bs4 import BeautifulSoup

    site = tmp_path / "site"
    write_site(site, {"a1-01", "a2", "m2", "v2"})
    import yaml
    plan = site / "data" / "plan" / "01-a1.yaml"
    area = yaml.safe_load(plan.read_text(encoding="utf-8"))
    first, second = area["outcomes"][0]["actions"]
    first.update(status="delayed", delay_reason="Staff.", mitigation="Agency cover.")  # zqxa101
    second.update(due="2024-01-31")  # a1-02 is overdue too
    plan.write_text(yaml.safe_dump(area, sort_keys=False), encoding="utf-8")
    out = commands.build(site, tmp_path / "out", audience="committee")

    def page(path: str) -> BeautifulSoup:
        return BeautifulSoup((out / path).read_text(encoding="utf-8"), "html.parser")

    def labelled(element) -> bool:
        return "Committee only" in element.get_text()

    exceptions = page("plan/exceptions.html")
    block = exceptions.find(id="zqxa101")  # the delayed action's block
    area_row = block.find("dt", string="Area").find_next_sibling("dd")
    assert labelled(block.select_one(".ims-action__ref")) and not labelled(area_row)  # a1: public
    overdue = {li.find("a")["href"].rsplit("#", 1)[1]: labelled(li)
               for li in exceptions.select("ol.ims-overdue-list li")}
    # a2-01 is public but its area is committee-only; a1-02 is public in a public area.
    assert overdue == {"zqxa101": True, "a2-01": True, "a1-02": False}

    def links(path: str, label: str) -> dict[str, bool]:
        """Each link in the facts list `label` of a page, and whether it is labelled."""
        facts = page(path).find("dt", string=label).find_next_sibling("dd")
        out = {}
        for a in facts.find_all("a"):
            after = a.next_sibling
            while isinstance(after, str) and not after.strip():
                after = after.next_sibling
            out[a["href"].rsplit("/", 1)[-1].removesuffix(".html")] = bool(
                getattr(after, "name", None) == "strong" and labelled(after))
        return out

    assert links("performance/m1.html", "Improvement areas") == {"a1": False, "zqxa2": True}
    assert links("performance/m1.html", "Inspections and visits") == {"v1": False, "zqxv2": True}
    assert links("inspections/v1.html", "Measures") == {"m1": False, "zqxm2": True, "m3": False}
    area = page("plan/a1.html")
    visits = {li.find("a")["href"].rsplit("/", 1)[-1]: labelled(li)
              for li in area.find(id="inspection-findings-for-this-area").find_next("ul")("li")}
    assert visits == {"v1.html": False, "zqxv2.html": True}
    assert "Committee only" in page("index.html").find(
        "dt", string="Latest visit").find_next_sibling("dd").get_text()
