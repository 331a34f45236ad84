"""Cross-record rules (improvement_site/data/checks.py) on small sites written for each rule: the exact
message, file and line a comms officer is shown. Fast enough for mutation testing.

A rule that is silent when it should speak, speaks about the wrong record, or points at the
wrong line fails here. The bad_* fixtures in tests/fixtures cover one case of several rules
through the command line; these cover each rule's edges.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from improvement_site.data.load import load_site
from improvement_site.data.problems import DataError

SITE = """\
council: C
service: S
title: T
reporting_date: 2024-03-31
"""
AREA = """\
id: front-door
number: 1
title: Front door
outcomes:
  - text: Help early
    actions:
      - id: front-door-01
        action: Audit
"""
MEASURES = """\
- id: cp-rate
  name: CP rate
- id: visits
  name: Visits
"""


def _problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    """The problems load_site reports for a site made of `files` (path under data/: text),
    added to a valid one-area, two-measure site; [] when it loads."""
    data = tmp_path / "data"
    written = {"site.yaml": SITE, "plan/01-front-door.yaml": AREA, "measures.yaml": MEASURES,
               **files}
    for name, text in written.items():
        if text is None:
            continue
        path = data / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    try:
        load_site(data)
    except DataError as error:
        return [str(p) for p in error.problems]
    return []


def test_the_base_site_is_valid(tmp_path):
    assert _problems(tmp_path, {}) == []


def test_a_delayed_action_needs_a_reason_and_a_mitigation_and_a_due_note_needs_words(tmp_path):
    assert _problems(tmp_path, {"plan/01-front-door.yaml": """\
        id: front-door
        number: 1
        title: Front door
        outcomes:
          - text: Help early
            actions:
              - id: front-door-01
                action: Audit
                status: delayed
                delay_reason: "   "
              - id: front-door-02
                action: Train
                status: delayed
                delay_reason: Staff.
                mitigation: Agency.
              - id: front-door-03
                action: Plan
                due_note: "  "
              - id: front-door-04
                action: Plan more
                due_note: Ongoing
        """}) == [
        "data/plan/01-front-door.yaml:9: action front-door-01: delay_reason is required when "
        "status is delayed; say why it is delayed and what is being done",
        "data/plan/01-front-door.yaml:9: action front-door-01: mitigation is required when "
        "status is delayed; say why it is delayed and what is being done",
        "data/plan/01-front-door.yaml:18: action front-door-03: due_note is empty",
    ]


def test_a_visit_cannot_end_before_it_starts(tmp_path):
    assert _problems(tmp_path, {"visits.yaml": """\
        - id: mv-1
          kind: monitoring_visit
          start: 2024-02-05
          end: 2024-02-01
          focus: F
        - id: mv-2
          kind: monitoring_visit
          start: 2024-02-05
          end: 2024-02-05
          focus: One day on site
        - id: mv-3
          kind: monitoring_visit
          start: 2024-02
          end: 2024-01-31
          focus: Only the month is known
        """}) == [
        "data/visits.yaml:4: visit mv-1: end 2024-02-01 is before start 2024-02-05",
        "data/visits.yaml:14: visit mv-3: end 2024-01-31 is before start 2024-02",
    ]


def test_commentary_needs_some_text(tmp_path):
    assert _problems(tmp_path, {"commentary.yaml": """\
        - measure: cp-rate
          period: 2024-03
        - measure: cp-rate
          period: 2024-02
          doing: Something.
        """}) == [
        "data/commentary.yaml:1: commentary for cp-rate 2024-03: has no text; give at least "
        "one of working_well, worried, doing",
    ]


def test_targets_and_tolerances_must_make_sense_together(tmp_path):
    assert _problems(tmp_path, {"measures.yaml": """\
        - id: both
          name: Both
          target: 5
          targets:
            - {by: 2024-03, value: 4}
        - id: band
          name: Band
          tolerance: {low: 90, high: 80.5}
        - id: flat
          name: Flat
          tolerance: {low: 80, high: 80}
        - id: range-no-band
          name: Range
          polarity: in_range
          target: 5
          tolerance: {low: 3}
        - id: range-milestones
          name: Range 2
          polarity: in_range
          targets:
            - {by: 2024-03, value: 4}
        - id: range-no-target
          name: Range 3
          polarity: in_range
        - id: range-ok
          name: Range 4
          polarity: in_range
          target: 5
          tolerance: {low: 3, high: 7}
        - id: range-half
          name: Range 5
          polarity: in_range
          target: 5
          tolerance: {high: 7}
        """}) == [
        "data/measures.yaml:4: measure both: has both target and targets; use target for one "
        "value or targets for milestones, not both",
        "data/measures.yaml:8: measure band: tolerance low 90 is above high 80.5",
        "data/measures.yaml:16: measure range-no-band: an in_range measure with a target needs "
        "tolerance low and high (the range)",
        # No tolerance written: the message points at the measure.
        "data/measures.yaml:17: measure range-milestones: an in_range measure with a target "
        "needs tolerance low and high (the range)",
        "data/measures.yaml:34: measure range-half: an in_range measure with a target needs "
        "tolerance low and high (the range)",
    ]


def test_ids_are_unique_not_reserved_and_every_reference_is_to_a_record(tmp_path):
    site = SITE + "judgements:\n  inspection: ilacs\n  grades:\n" \
        "    - {area: Overall effectiveness, grade: good}\n"
    assert _problems(tmp_path, {"site.yaml": site, "plan/02-second.yaml": """\
        id: index
        number: 1
        title: Second
        measures: [cp-rate, cp-rte, nothing-like-it]
        outcomes:
          - text: O
            actions:
              - id: front-door-01
                action: Again
                measures: [visits, visit]
              - id: index
                action: An action may be called index
        """, "measures.yaml": """\
        - id: cp-rate
          name: CP rate
        - id: visits
          name: Visits
        - id: visits
          name: Visits again
        - id: downloads
          name: Downloads
        """, "visits.yaml": """\
        - id: glossary
          kind: monitoring_visit
          start: 2024-02-05
          focus: F
          areas: [front-door, front-dor, index]
          measures: [visits, cp-rat]
        - id: glossary
          kind: focused_visit
          start: 2024-03-05
          focus: G
        """, "commentary.yaml": """\
        - measure: cp-rates
          period: 2024-03
          worried: W.
        """}) == [
        'data/commentary.yaml:1: commentary for cp-rates 2024-03: measure "cp-rates" is not a '
        'measure id in data/measures.yaml; did you mean "cp-rate"?',
        'data/measures.yaml:5: measure visits: id "visits" is used twice (first at '
        'data/measures.yaml:3); ids must be unique',
        'data/measures.yaml:7: measure downloads: id "downloads" is reserved for a site page; '
        'choose another, e.g. downloads-measure',
        'data/plan/02-second.yaml:1: area index: id "index" is reserved for a site page; '
        'choose another, e.g. index-area',
        "data/plan/02-second.yaml:2: area index: number 1 is also used by area front-door; "
        "each area needs its own number",
        'data/plan/02-second.yaml:4: area index: measures "cp-rte" is not a measure id in '
        'data/measures.yaml; did you mean "cp-rate"?',
        'data/plan/02-second.yaml:4: area index: measures "nothing-like-it" is not a measure id '
        'in data/measures.yaml',
        'data/plan/02-second.yaml:8: action front-door-01: id "front-door-01" is used twice '
        '(first at data/plan/01-front-door.yaml:7); ids must be unique',
        'data/plan/02-second.yaml:10: action front-door-01: measures "visit" is not a measure '
        'id in data/measures.yaml; did you mean "visits"?',
        'data/site.yaml:6: site: judgements.inspection "ilacs" is not a visit id in '
        'data/visits.yaml',
        'data/visits.yaml:1: visit glossary: id "glossary" is reserved for a site page; choose '
        'another, e.g. glossary-visit',
        'data/visits.yaml:5: visit glossary: areas "front-dor" is not an area id in data/plan/; '
        'did you mean "front-door"?',
        'data/visits.yaml:6: visit glossary: measures "cp-rat" is not a measure id in '
        'data/measures.yaml; did you mean "cp-rate"?',
        'data/visits.yaml:7: visit glossary: id "glossary" is reserved for a site page; choose '
        'another, e.g. glossary-visit',
        'data/visits.yaml:7: visit glossary: id "glossary" is used twice (first at '
        'data/visits.yaml:1); ids must be unique',
    ]


# -- records that failed their own validation are still checked against the others ---------


def test_a_broken_area_still_has_its_ids_numbers_and_references_checked(tmp_path):
    assert _problems(tmp_path, {"plan/02-second.yaml": """\
        id: second
        number: 1
        title: Second
        colour: red
        measures: [cp-rte, Not An Id, 5]
        outcomes:
          - text: O
            actions:
              - id: front-door-01
                action: Again
                measures: [visit]
              - action: No id here
                measures: [nothing]
              - Not a mapping
              - id: Bad Id
                action: X
          - Not an outcome
        """}) == [
        "data/plan/02-second.yaml:2: area second: number 1 is also used by area front-door; "
        "each area needs its own number",
        "data/plan/02-second.yaml:4: area second: colour is not a known field; allowed fields "
        "are id, number, title, summary, lead, measures, outcomes, audience, reviewed, updates",
        'data/plan/02-second.yaml:5: area second: measures "cp-rte" is not a measure id in '
        'data/measures.yaml; did you mean "cp-rate"?',
        # Not ids at all: their own field errors say so, and no "is not a measure id" follows.
        'data/plan/02-second.yaml:5: area second: measures[2] "Not An Id" is not a valid id; '
        "use lowercase letters, digits and single hyphens, e.g. front-door",
        'data/plan/02-second.yaml:5: area second: measures[3] should be text, found "5"',
        'data/plan/02-second.yaml:9: action front-door-01: id "front-door-01" is used twice '
        "(first at data/plan/01-front-door.yaml:7); ids must be unique",
        'data/plan/02-second.yaml:11: action front-door-01: measures "visit" is not a measure '
        'id in data/measures.yaml; did you mean "visits"?',
        "data/plan/02-second.yaml:12: action 2: id is required",
        "data/plan/02-second.yaml:14: area second: outcomes[1].actions[3] should be a set of "
        'fields (a mapping), found "Not a mapping"',
        'data/plan/02-second.yaml:15: action Bad Id: id "Bad Id" is not a valid id; use '
        "lowercase letters, digits and single hyphens, e.g. front-door",
        "data/plan/02-second.yaml:17: area second: outcomes[2] should be a set of fields (a "
        'mapping), found "Not an outcome"',
    ]


def test_a_broken_area_without_an_id_is_named_by_its_file(tmp_path):
    assert _problems(tmp_path, {"plan/02-second.yaml": """\
        number: 2
        title: Second
        measures: [cp-rte]
        outcomes:
          - text: O
            actions:
              - id: second-01
                action: A
                measures: [visit]
        """, "plan/03-third.yaml": """\
        id: third
        number: true
        title: Third
        """}) == [
        "data/plan/02-second.yaml:1: area in 02-second.yaml: id is required",
        'data/plan/02-second.yaml:3: area in 02-second.yaml: measures "cp-rte" is not a measure '
        'id in data/measures.yaml; did you mean "cp-rate"?',
        'data/plan/02-second.yaml:9: action second-01: measures "visit" is not a measure id in '
        'data/measures.yaml; did you mean "visits"?',
        # true is not the number 1: no clash with front-door is claimed.
        "data/plan/03-third.yaml:2: area third: number should be a whole number, found true",
    ]


@pytest.mark.parametrize("text, expected", [
    ("- id: second\n- number: 1\n",
     ["data/plan/02-second.yaml:1: area: should be a set of fields (a mapping), found a list"]),
    ("id: second\nnumber: 2\ntitle: Second\nmeasures: cp-rte\noutcomes: many\n",
     ['data/plan/02-second.yaml:4: area second: measures should be a list, found "cp-rte"',
      'data/plan/02-second.yaml:5: area second: outcomes should be a list, found "many"']),
])
def test_a_broken_area_of_the_wrong_shape_gives_only_its_own_errors(tmp_path, text, expected):
    assert _problems(tmp_path, {"plan/02-second.yaml": text}) == expected


def test_a_broken_visit_still_has_its_references_checked(tmp_path):
    assert _problems(tmp_path, {"visits.yaml": """\
        - id: mv-1
          kind: monitoring
          start: 2024-02-05
          focus: F
          areas: [front-dor]
          measures: [cp-rat]
        - kind: monitoring
          start: 2024-02-05
          focus: F
          areas: [front-dor]
        """}) == [
        'data/visits.yaml:2: visit mv-1: kind "monitoring" is not one of full_inspection, '
        "monitoring_visit, focused_visit, jtai",
        'data/visits.yaml:5: visit mv-1: areas "front-dor" is not an area id in data/plan/; '
        'did you mean "front-door"?',
        'data/visits.yaml:6: visit mv-1: measures "cp-rat" is not a measure id in '
        'data/measures.yaml; did you mean "cp-rate"?',
        "data/visits.yaml:7: visit 2: id is required",
        'data/visits.yaml:7: visit 2: kind "monitoring" is not one of full_inspection, '
        "monitoring_visit, focused_visit, jtai",
        'data/visits.yaml:10: visit: areas "front-dor" is not an area id in data/plan/; '
        'did you mean "front-door"?',
    ]


def test_broken_commentary_still_has_its_measure_checked(tmp_path):
    assert _problems(tmp_path, {"commentary.yaml": """\
        - measure: cp-rates
          period: 2024-03
          colour: red
        - measure: cp-rates
          colour: red
        - measure: Not An Id
          colour: red
        """}) == [
        'data/commentary.yaml:1: commentary for cp-rates 2024-03: measure "cp-rates" is not a '
        'measure id in data/measures.yaml; did you mean "cp-rate"?',
        "data/commentary.yaml:3: commentary for cp-rates 2024-03: colour is not a known field; "
        "allowed fields are measure, period, working_well, worried, doing, audience",
        'data/commentary.yaml:4: commentary for cp-rates ?: measure "cp-rates" is not a measure '
        'id in data/measures.yaml; did you mean "cp-rate"?',
        "data/commentary.yaml:4: commentary for cp-rates ?: period is required",
        "data/commentary.yaml:5: commentary for cp-rates ?: colour is not a known field; "
        "allowed fields are measure, period, working_well, worried, doing, audience",
        'data/commentary.yaml:6: commentary for Not An Id ?: measure "Not An Id" is not a valid '
        "id; use lowercase letters, digits and single hyphens, e.g. front-door",
        "data/commentary.yaml:6: commentary for Not An Id ?: period is required",
        "data/commentary.yaml:7: commentary for Not An Id ?: colour is not a known field; "
        "allowed fields are measure, period, working_well, worried, doing, audience",
    ]


@pytest.mark.parametrize("judgements, last", [
    ("judgements:\n  inspection: ilacs\n  grades: []\n",
     'data/site.yaml:7: site: judgements.inspection "ilacs" is not a visit id in '
     "data/visits.yaml"),
    ("judgements:\n  inspection: Not An Id\n  grades: []\n",
     'data/site.yaml:7: site: judgements.inspection "Not An Id" is not a valid id; use '
     "lowercase letters, digits and single hyphens, e.g. front-door"),
])
def test_a_broken_site_yaml_still_has_its_inspection_checked(tmp_path, judgements, last):
    assert _problems(tmp_path, {"site.yaml": SITE + "colour: red\n" + judgements}) == [
        "data/site.yaml:5: site: colour is not a known field; allowed fields are council, "
        "service, title, reporting_date, meeting, judgements, contact, stale_after_days, "
        "rag_rules, logo, brand_colour",
        last,
    ]


def test_a_broken_measure_still_counts_as_a_second_use_of_its_id(tmp_path):
    assert _problems(tmp_path, {"measures.yaml": """\
        - id: cp-rate
          name: CP rate
        - id: visits
          name: Visits
        - id: cp-rate
          unit: furlongs
        """}) == [
        'data/measures.yaml:5: measure cp-rate: id "cp-rate" is used twice (first at '
        "data/measures.yaml:1); ids must be unique",
        "data/measures.yaml:5: measure cp-rate: name is required",
        'data/measures.yaml:6: measure cp-rate: unit "furlongs" is not one of count, percent, '
        "rate_per_10000, days",
    ]


# -- the line is the line of the field, wherever it sits in the record ---------------------


def test_problems_point_at_the_id_or_reference_line_not_the_record_start(tmp_path):
    site = SITE + "judgements:\n  grades: []\n  inspection: ilacs\n"
    assert _problems(tmp_path, {"site.yaml": site, "plan/01-front-door.yaml": """\
        number: 1
        id: front-door
        title: Front door
        outcomes:
          - text: Help early
            actions:
              - action: Audit
                id: front-door-01
              - action: Audit again
                id: front-door-01
        """, "measures.yaml": """\
        - name: CP rate
          id: cp-rate
        - name: CP rate again
          id: cp-rate
        """, "commentary.yaml": """\
        - period: 2024-03
          worried: W.
          measure: cp-rte
        """}) == [
        'data/commentary.yaml:3: commentary for cp-rte 2024-03: measure "cp-rte" is not a '
        'measure id in data/measures.yaml; did you mean "cp-rate"?',
        'data/measures.yaml:4: measure cp-rate: id "cp-rate" is used twice (first at '
        "data/measures.yaml:2); ids must be unique",
        'data/plan/01-front-door.yaml:10: action front-door-01: id "front-door-01" is used '
        "twice (first at data/plan/01-front-door.yaml:8); ids must be unique",
        'data/site.yaml:7: site: judgements.inspection "ilacs" is not a visit id in '
        "data/visits.yaml",
    ]


def test_broken_records_point_at_the_id_or_reference_line_too(tmp_path):
    site = SITE + "colour: red\njudgements:\n  grades: []\n  inspection: ilacs\n"
    assert _problems(tmp_path, {"site.yaml": site, "plan/02-second.yaml": """\
        number: 2
        title: Second
        colour: red
        id: front-door
        outcomes:
          - text: O
            actions:
              - action: Again
                id: front-door-01
        """, "commentary.yaml": """\
        - period: 2024-03
          colour: red
          measure: cp-rte
        """}) == [
        'data/commentary.yaml:2: commentary for cp-rte 2024-03: colour is not a known field; '
        "allowed fields are measure, period, working_well, worried, doing, audience",
        'data/commentary.yaml:3: commentary for cp-rte 2024-03: measure "cp-rte" is not a '
        'measure id in data/measures.yaml; did you mean "cp-rate"?',
        "data/plan/02-second.yaml:3: area front-door: colour is not a known field; allowed "
        "fields are id, number, title, summary, lead, measures, outcomes, audience, reviewed, updates",
        'data/plan/02-second.yaml:4: area front-door: id "front-door" is used twice (first at '
        "data/plan/01-front-door.yaml:1); ids must be unique",
        'data/plan/02-second.yaml:9: action front-door-01: id "front-door-01" is used twice '
        "(first at data/plan/01-front-door.yaml:7); ids must be unique",
        "data/site.yaml:5: site: colour is not a known field; allowed fields are council, "
        "service, title, reporting_date, meeting, judgements, contact, stale_after_days, "
        "rag_rules, logo, brand_colour",
        'data/site.yaml:8: site: judgements.inspection "ilacs" is not a visit id in '
        "data/visits.yaml",
    ]


def test_a_broken_visit_or_measure_still_counts_as_a_second_use_of_its_id(tmp_path):
    assert _problems(tmp_path, {"visits.yaml": """\
        - id: mv-1
          kind: monitoring_visit
          start: 2024-02-05
          focus: F
        - id: mv-1
          kind: monitoring
          start: 2024-02-05
          focus: F
        """}) == [
        'data/visits.yaml:5: visit mv-1: id "mv-1" is used twice (first at data/visits.yaml:1); '
        "ids must be unique",
        'data/visits.yaml:6: visit mv-1: kind "monitoring" is not one of full_inspection, '
        "monitoring_visit, focused_visit, jtai",
    ]


def test_only_areas_measures_and_visits_have_ids_to_clash(tmp_path):
    # An id written on commentary is an unknown field there, not a second use of an id.
    assert _problems(tmp_path, {"commentary.yaml": """\
        - id: same
          measure: cp-rate
          period: 2024-03
          worried: W.
        - id: same
          measure: cp-rate
          period: 2024-02
          worried: W.
        """}) == [
        "data/commentary.yaml:1: commentary for cp-rate 2024-03: id is not a known field; "
        "allowed fields are measure, period, working_well, worried, doing, audience",
        "data/commentary.yaml:5: commentary for cp-rate 2024-02: id is not a known field; "
        "allowed fields are measure, period, working_well, worried, doing, audience",
    ]


def test_a_broken_area_with_a_malformed_id_is_named_by_its_file(tmp_path):
    long_id = "m" * 100  # the longest id allowed: still an id
    assert _problems(tmp_path, {"plan/02-second.yaml": f"""\
        id: Second Area
        number: 2
        title: Second
        measures: [cp-rte, {long_id}]
        outcomes:
          - text: O
            actions:
              - action: No id
              - id: second-01
                action: A
                measures: [visit]
        """}) == [
        # The field error names the area as written; the cross-file checks by its file, since
        # "Second Area" is not an id they can use.
        'data/plan/02-second.yaml:1: area Second Area: id "Second Area" is not a valid id; use '
        "lowercase letters, digits and single hyphens, e.g. front-door",
        'data/plan/02-second.yaml:4: area in 02-second.yaml: measures "cp-rte" is not a measure '
        'id in data/measures.yaml; did you mean "cp-rate"?',
        f'data/plan/02-second.yaml:4: area in 02-second.yaml: measures "{long_id}" is not a '
        "measure id in data/measures.yaml",
        "data/plan/02-second.yaml:8: action 1: id is required",
        'data/plan/02-second.yaml:11: action second-01: measures "visit" is not a measure id '
        'in data/measures.yaml; did you mean "visits"?',
    ]


def test_the_later_of_two_areas_with_one_number_is_the_one_told(tmp_path):
    # By place in the files, not by id: "aardvark" sorts first but was written second.
    assert _problems(tmp_path, {"plan/02-second.yaml": """\
        id: aardvark
        number: 1
        title: Second
        """}) == [
        "data/plan/02-second.yaml:2: area aardvark: number 1 is also used by area front-door; "
        "each area needs its own number",
    ]


def test_every_area_and_visit_has_its_own_references_checked(tmp_path):
    # References of an earlier area stay checked when a later area has its own.
    assert _problems(tmp_path, {"plan/01-front-door.yaml": AREA + "        measures: [cp-rte]\n",
                                "plan/02-second.yaml": """\
        id: second
        number: 2
        title: Second
        measures: [visit]
        outcomes:
          - text: O
            actions:
              - id: second-01
                action: Delayed
                status: delayed
        """}) == [
        'data/plan/01-front-door.yaml:9: action front-door-01: measures "cp-rte" is not a '
        'measure id in data/measures.yaml; did you mean "cp-rate"?',
        'data/plan/02-second.yaml:4: area second: measures "visit" is not a measure id in '
        'data/measures.yaml; did you mean "visits"?',
        "data/plan/02-second.yaml:10: action second-01: delay_reason is required when status is "
        "delayed; say why it is delayed and what is being done",
        "data/plan/02-second.yaml:10: action second-01: mitigation is required when status is "
        "delayed; say why it is delayed and what is being done",
    ]


# -- check_site on a model made in memory, without the loader's list of written ids --------


def _model(areas=(), measures=(), visits=(), judgements=None):
    from improvement_site.model.sitedata import SiteData
    from improvement_site.model.schema import Area, Measure, Site, Visit
    return SiteData.create(
        root=Path("."),
        site=Site(council="C", service="S", title="T", reporting_date="2024-03-31",
                  judgements=judgements),
        areas=[Area(id=a, number=n, title=a) for n, a in enumerate(areas, 1)],
        measures=[Measure(id=m, name=m) for m in measures],
        values=[], commentary=[],
        visits=[Visit(id=v, kind="monitoring_visit", start="2024-02-01", focus="F", areas=a,
                      measures=m) for v, a, m in visits],
        glossary={})


@pytest.mark.parametrize("model, told", [
    (dict(areas=["front-door"], measures=["cp-rate"],
          visits=[("mv-1", ["front-door"], ["cp-rate"])]), []),
    (dict(visits=[("mv-1", ["front-door"], ["cp-rate"])]),
     [("visit mv-1", 'areas "front-door" is not an area id in data/plan/'),
      ("visit mv-1", 'measures "cp-rate" is not a measure id in data/measures.yaml')]),
    (dict(judgements={"inspection": "ilacs", "grades": []}),
     [("site", 'judgements.inspection "ilacs" is not a visit id in data/visits.yaml')]),
])
def test_check_site_checks_references_on_the_model_alone(model, told):
    from improvement_site.data.checks import check_site
    assert [(p.record, p.message) for p in check_site(_model(**model))] == told


def test_a_commentary_period_is_a_month_or_a_date_in_the_digits_0_to_9(tmp_path):
    """Pages sort commentary by its period: one that is no period (or is written in other
    digits) passed validation and stopped the build (issue 20, item 10)."""
    assert _problems(tmp_path, {"commentary.yaml": """\
        - measure: cp-rate
          period: 2024-03
          doing: A month.
        - measure: cp-rate
          period: 2024-03-17
          doing: A snapshot date.
        - measure: cp-rate
          period: last month
          doing: Words.
        - measure: cp-rate
          period: ٢٠٢٤-٠٣
          doing: Arabic-Indic digits.
        - measure: cp-rate
          period: 2024-13
          doing: No such month.
        - measure: cp-rate
          period: 2024
          doing: A year.
        """}) == [
        'data/commentary.yaml:8: commentary for cp-rate last month: period "last month" is '
        "not a period; write a month as YYYY-MM, e.g. 2023-06, or a snapshot date as YYYY-MM-DD",
        'data/commentary.yaml:11: commentary for cp-rate ٢٠٢٤-٠٣: period "٢٠٢٤-٠٣" has a digit '
        'other than 0-9 ("٢"); a period must be written with the digits 0-9, such as 2024-04 '
        "(a month) or 2024-04-17 (a snapshot date)",
        'data/commentary.yaml:14: commentary for cp-rate 2024-13: period "2024-13" is not a '
        "real month: there is no month 13",
        'data/commentary.yaml:17: commentary for cp-rate 2024: period "2024" is not a period; '
        "write a month as YYYY-MM, e.g. 2023-06, or a snapshot date as YYYY-MM-DD",
    ]


def test_a_value_after_the_reporting_date_is_refused_with_its_line(tmp_path):
    """Contract v3: a value whose period starts after reporting_date (31 March 2024 here)
    cannot be this report's latest; the month still running on that date, or a snapshot on
    it, can. Each is told with its own line, whatever the measure."""
    assert _problems(tmp_path, {"measures.csv": """\
        measure,period,value,note
        cp-rate,2024-03,90,
        cp-rate,2024-03-31,91,
        cp-rate,2024-04,92,
        visits,2024-04-01,80,
        visits,2024-02,70,
        """}) == [
        "data/measures.csv:4: measure cp-rate: period 2024-04 is after reporting_date "
        "2024-03-31 (data/site.yaml); a value after the reporting date cannot be this "
        "report's latest: leave the row out until the report that covers it, or move "
        "reporting_date",
        "data/measures.csv:5: measure visits: period 2024-04-01 is after reporting_date "
        "2024-03-31 (data/site.yaml); a value after the reporting date cannot be this "
        "report's latest: leave the row out until the report that covers it, or move "
        "reporting_date",
    ]


def test_a_logo_must_be_a_file_in_the_data_folder(tmp_path):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>'
    assert _problems(tmp_path / "missing", {"site.yaml": SITE + "logo: crest.svg\n"}) == [
        "data/site.yaml:5: site: logo crest.svg is not a file in the data/ folder; put the file "
        "there or remove logo"]
    assert _problems(tmp_path / "there", {"site.yaml": SITE + "logo: crest.svg\n",
                                          "crest.svg": svg}) == []


def test_a_broken_site_yaml_leaves_values_unjudged_not_crashed(tmp_path):
    """With site.yaml broken there is no reporting date to judge values against: only
    site.yaml's own problem is told, never an error from the missing date."""
    assert _problems(tmp_path, {"site.yaml": SITE + "colour: red\n",
                                "measures.csv": "measure,period,value,note\ncp-rate,2030-01,1,\n"}) == [
        "data/site.yaml:5: site: colour is not a known field; allowed fields are council, "
        "service, title, reporting_date, meeting, judgements, contact, stale_after_days, "
        "rag_rules, logo, brand_colour"]


def test_each_action_is_checked_once_whatever_the_number_of_areas(tmp_path):
    second = AREA.replace("front-door", "second").replace("number: 1", "number: 2").replace(
        "      - id: second-01\n        action: Audit\n",
        "      - id: second-01\n        action: Audit\n        status: delayed\n")
    assert _problems(tmp_path, {"plan/02-second.yaml": second}) == [
        "data/plan/02-second.yaml:9: action second-01: delay_reason is required when status is "
        "delayed; say why it is delayed and what is being done",
        "data/plan/02-second.yaml:9: action second-01: mitigation is required when status is "
        "delayed; say why it is delayed and what is being done"]
