"""The audience rules on the model itself, without building a site.

A public build is made from `for_audience(data, "public")`: every `audience: committee` record
is gone, and so is every reference to one, while public records keep everything else. The
committee build sees the model as written. (tests/test_audience.py builds whole sites and
scans every output file; this file is fast enough to run under mutation testing.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from improvement_site.publish.audience import (AudienceError, chosen_audience, for_audience,
                             hidden_counts)
from improvement_site.model.sitedata import SiteData
from improvement_site.model.schema import (Area, Breakdown, Commentary, Measure, Provider, Site,
                                           Value, Visit)

ROOT = Path(__file__).resolve().parent / "fixtures" / "minimal"
COMMITTEE = {"audience": "committee"}


def _data(inspection: str = "ilacs") -> SiteData:
    """Two areas (one committee-only), actions and measures of both audiences, linked."""
    open_area = Area(id="open", number=2, title="Open", measures=["pub-m", "com-m"], updates=[
        {"as_at": "2024-01-31", "taken": "Public report."},
        {"as_at": "2024-02-29", "taken": "Committee report.", **COMMITTEE}], outcomes=[
        {"text": "First", "actions": [
            {"id": "open-01", "action": "Public", "measures": ["pub-m", "com-m"]},
            {"id": "open-02", "action": "Secret", **COMMITTEE}]},
        {"text": "Second", "actions": [
            {"id": "open-03", "action": "Also public", "measures": ["com-m"]}]},
    ])
    open_area._where = ("data/plan/01-open.yaml", 1)
    open_area._lines = {"title": 3}
    return SiteData.create(
        root=ROOT,
        site=Site(council="C", service="S", title="T", reporting_date="2024-03-31",
                  judgements={"inspection": inspection,
                              "grades": [{"area": "Overall effectiveness", "grade": "good"}]}),
        areas=[
            open_area,
            # Numbered first, so the public area comes after a hidden one.
            Area(id="closed", number=1, title="Closed", outcomes=[
                {"text": "O", "actions": [{"id": "closed-01", "action": "Hidden with its area"}]}],
                **COMMITTEE),
        ],
        measures=[Measure(id="pub-m", name="Public measure"),
                  Measure(id="com-m", name="Committee measure", **COMMITTEE)],
        values=[Value(measure="pub-m", period="2024-01", value=1),
                Value(measure="com-m", period="2024-01", value=2),
                Value(measure="pub-m", period="2024-02", value=3)],
        commentary=[
            Commentary(measure="pub-m", period="2024-01", worried="Public worry."),
            Commentary(measure="pub-m", period="2024-02", worried="Private worry.", **COMMITTEE),
            # Public itself, but about a committee-only measure: it goes with the measure.
            Commentary(measure="com-m", period="2024-01", worried="About the hidden one."),
        ],
        visits=[
            Visit(id="ilacs", kind="full_inspection", start="2023-05-08", focus="ILACS",
                  areas=["open", "closed"], measures=["pub-m", "com-m"]),
            Visit(id="mv-secret", kind="monitoring_visit", start="2024-02-01", focus="Secret",
                  areas=["open"], **COMMITTEE),
        ],
        glossary={"MASH": "Multi-Agency Safeguarding Hub"},
        breakdowns=[
            Breakdown(id="pub-b", title="Public table", period="2024-01",
                      categories=[{"name": "A", "value": 1}], areas=["open", "closed"],
                      measures=["pub-m", "com-m"]),
            Breakdown(id="com-b", title="Committee table", period="2024-01",
                      categories=[{"name": "B", "value": 2}], **COMMITTEE)],
        providers=[Provider(id="pub-p", name="Public home"),
                   Provider(id="com-p", name="Committee home", **COMMITTEE)])


def _shape(data: SiteData) -> dict:
    """Everything a page could show about which records exist and what links to what."""
    return {
        "areas": [(a.id, a.measures, [(o.text, [(x.id, x.measures) for x in o.actions])
                                      for o in a.outcomes]) for a in data.areas],
        "measures": [m.id for m in data.measures],
        "values": {k: [(v.period, v.value) for v in vs] for k, vs in data.values.items()},
        "commentary": [(c.measure, c.period, c.worried) for c in data.commentary],
        "visits": [(v.id, v.areas, v.measures) for v in data.visits],
        "inspection": data.site.judgements.inspection if data.site.judgements else None,
        "grades": [g.grade for g in data.site.judgements.grades] if data.site.judgements else [],
        "glossary": dict(data.glossary),
        "updates": {a.id: [u.taken for u in a.updates] for a in data.areas},
        "breakdowns": [(b.id, b.areas, b.measures) for b in data.breakdowns],
        "providers": [p.id for p in data.providers],
    }


def test_public_model_has_no_committee_record_and_no_link_to_one():
    public = for_audience(_data(), "public")
    assert _shape(public) == {
        "areas": [("open", ["pub-m"], [("First", [("open-01", ["pub-m"])]),
                                       ("Second", [("open-03", [])])])],
        "measures": ["pub-m"],
        "values": {"pub-m": [("2024-01", 1), ("2024-02", 3)]},
        "commentary": [("pub-m", "2024-01", "Public worry.")],
        "visits": [("ilacs", ["open"], ["pub-m"])],
        "inspection": "ilacs",
        "grades": ["good"],
        "glossary": {"MASH": "Multi-Agency Safeguarding Hub"},
        # A committee-only update, breakdown or provider is gone; a public breakdown keeps
        # only its links to public records.
        "updates": {"open": ["Public report."]},
        "breakdowns": [("pub-b", ["open"], ["pub-m"])],
        "providers": ["pub-p"],
    }
    # Look-ups agree with the lists: nothing hidden can be reached by id either.
    assert not public.has("area", "closed") and not public.has("measure", "com-m")
    assert not public.has("visit", "mv-secret") and not public.has("action", "open-02")
    assert not public.has("breakdown", "com-b") and not public.has("provider", "com-p")
    assert public.breakdowns_for_measure("com-m") == []
    assert public.root == ROOT and public.site.reporting_date.isoformat() == "2024-03-31"


def test_committee_model_is_the_data_as_written():
    data = _data()
    assert for_audience(data, "committee") is data
    assert len(list(data.actions())) == 4 and len(data.visits) == 2


def test_a_hidden_inspection_keeps_its_grades_but_loses_its_link():
    public = for_audience(_data(inspection="mv-secret"), "public")
    assert public.site.judgements.inspection == ""
    assert [g.area for g in public.site.judgements.grades] == ["Overall effectiveness"]
    assert public.inspection is None


def test_filtered_records_still_point_at_their_file_and_line():
    # Messages about a public record cite where the council wrote it.
    area = for_audience(_data(), "public").area("open")
    assert area.where() == ("data/plan/01-open.yaml", 1)
    assert area.where("title") == ("data/plan/01-open.yaml", 3)


def test_hidden_counts_count_the_records_marked_committee_only():
    # The committee build says "N actions marked committee only are ... left out of the public
    # site": records marked so. closed-01 is hidden with its area but not marked itself.
    assert hidden_counts(_data()) == {"areas": 1, "actions": 1, "measures": 1,
                                      "commentary": 1, "visits": 1, "updates": 1,
                                      "breakdowns": 1, "providers": 1}


@pytest.mark.parametrize("option, chosen", [
    (None, "public"),  # a forgotten flag can only hide material
    ("committee", "committee"),
    (" Committee\n", "committee"),
    ("", "public"),
    ("PUBLIC", "public"),
])
def test_the_audience_is_the_option_else_public(option, chosen):
    assert chosen_audience(option) == chosen


def test_an_unknown_audience_is_refused_with_the_choices():
    with pytest.raises(AudienceError) as error:
        chosen_audience("Councillors")
    assert str(error.value) == ('audience "councillors" is not one of public, committee; '
                                "a public build is the default")
    with pytest.raises(AudienceError):
        chosen_audience("everyone")
