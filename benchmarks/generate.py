"""Write a synthetic improvement site (data/ + content/) of a given size, for benchmarks.

    python benchmarks/generate.py {small,large} OUT_DIR [--seed N]

The site follows docs/data-contract.md and passes `improvement-site validate`. Everything comes
from one `random.Random(seed)` and a fixed reporting date, never from the clock, and YAML is
written with a fixed key order, so the same preset and seed give byte-identical files: a
benchmark run is repeatable and two runs measure the same input.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Preset:
    areas: int
    actions: int
    measures: int
    months: int
    visits: int
    breakdowns: int = 0
    providers: int = 0
    updates: int = 0  # progress reports per area


PRESETS: dict[str, Preset] = {
    "small": Preset(areas=8, actions=80, measures=30, months=24, visits=6, breakdowns=3,
                    providers=4, updates=2),
    "large": Preset(areas=20, actions=1000, measures=200, months=60, visits=30, breakdowns=12,
                    providers=10, updates=4),
}

# A fixed "as at" date: due dates and the last month of values are placed around it.
REPORTING_DATE = date(2024, 9, 11)

AREA_THEMES = [
    ("front-door", "Responses when children's needs are first presented to the MASH"),
    ("management-oversight", "Management oversight and supervision of frontline practice"),
    ("workforce", "Workforce stability, capacity and caseloads"),
    ("placements", "Sufficiency and stability of placements for children in care"),
    ("care-leavers", "Support for care leavers aged 21 and over"),
    ("homeless-16-17", "Response to homeless 16- and 17-year-olds"),
    ("return-home", "Return home interviews for children who go missing"),
    ("education", "Children missing education and electively home educated"),
    ("child-protection", "The quality of child protection plans and CP conferences"),
    ("cin", "Planning and review for children in need (CIN)"),
    ("pre-proceedings", "Timeliness of pre-proceedings work under the PLO"),
    ("lado", "Management of allegations against adults through the LADO"),
    ("exploitation", "Response to children at risk of exploitation"),
    ("disabled-children", "Services for disabled children and their families"),
    ("early-help", "Early help and step-down from statutory services"),
    ("quality-assurance", "Quality assurance and the use of audit to improve practice"),
    ("voice-of-child", "Hearing and acting on the voice of the child"),
    ("edt", "The emergency duty team (EDT) out of hours"),
    ("permanence", "Permanence planning and adoption"),
    ("partnership", "Multi-agency partnership working and governance"),
]
VERBS = ["Review", "Introduce", "Embed", "Recruit to", "Audit", "Train staff on", "Develop",
         "Strengthen", "Launch", "Commission", "Evaluate", "Re-design"]
OBJECTS = ["the threshold document", "weekly performance clinics", "a practice standards guide",
           "the CIN review process", "supervision templates", "the MASH consultation line",
           "the dip-sampling framework", "return home interview arrangements",
           "the quality assurance framework", "the placement commissioning strategy",
           "the care leavers' local offer", "the EHE register", "strategy discussion recording",
           "the LADO referral pathway", "the PLO tracker", "an exploitation risk tool"]
OWNERS = ["Head of Service – First Response", "Head of Service – Safeguarding",
          "Service Manager – MASH", "Principal Social Worker", "Head of Quality Assurance",
          "Director of Children's Integrated Services", "Service Manager – Children in Care",
          "Head of Commissioning"]
PROGRESS = ["Agency cover has been secured whilst posts are recruited to.",
            "A task and finish group has met fortnightly since the last report.",
            "Dip samples show improved recording of **management decisions**.",
            "The revised guidance was signed off by the partnership board.",
            "Training has been delivered to *all* team managers.",
            "Performance is reviewed at the weekly MASH performance clinic."]
IMPACT = ["Timeliness of decisions has improved for children and families.",
          "Fewer children wait for an allocated social worker.",
          "Audits rated *good* have risen for three consecutive quarters.",
          "Repeat referrals within 12 months have fallen."]
DELAY = ["Recruitment to the posts has been slower than planned.",
         "The supplier's contract was delayed.",
         "Partner agencies asked for more time to consult their staff."]
MITIGATION = ["Interim arrangements are in place and monitored weekly.",
              "Agency staff cover the gap until permanent posts are filled.",
              "The Head of Service reports progress to the improvement board monthly."]
GROUPS = ["Front door", "Assessment", "Planning and safety", "Children in care",
          "Care leavers", "Workforce", "Quality of practice", "Early help"]
MEASURE_NAMES = ["Contacts open longer than 6 days", "Assessments completed within 45 days",
                 "Child protection visits within timescale", "Children subject to a CP plan",
                 "Re-referrals within 12 months", "Care leavers in suitable accommodation",
                 "Agency social workers", "Average caseload per social worker",
                 "Audits rated good or better", "Return home interviews offered within 72 hours",
                 "Days from strategy discussion to ICPC", "Children in care with three moves"]
# (unit, polarity, typical value, spread): values wander around a realistic level.
UNITS = [("percent", "higher_is_better", 80.0, 12.0), ("count", "lower_is_better", 300.0, 120.0),
         ("rate_per_10000", "lower_is_better", 70.0, 15.0), ("days", "lower_is_better", 30.0, 8.0),
         ("percent", "in_range", 50.0, 10.0)]
INSPECTORS = ["Alex Morgan", "Sam Patel", "Jo Williams", "Chris Okafor", "Pat Evans"]
GLOSSARY = {"MASH": "Multi-Agency Safeguarding Hub", "EDT": "Emergency Duty Team",
            "EHE": "Elective Home Education", "ICPC": "Initial Child Protection Conference",
            "TFST": "Targeted Family Support Team", "PSW": "Principal Social Worker"}


def month(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def add_months(d: date, n: int) -> date:
    total = d.year * 12 + d.month - 1 + n
    return date(total // 12, total % 12 + 1, 1)


def split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` shared into `parts` near-equal positive counts, in a seeded order."""
    counts = [total // parts + (1 if i < total % parts else 0) for i in range(parts)]
    rng.shuffle(counts)
    return counts


def make_measures(p: Preset, rng: random.Random) -> tuple[list[dict], list[list[str]]]:
    measures: list[dict] = []
    rows: list[list[str]] = []
    last = date(REPORTING_DATE.year, REPORTING_DATE.month, 1)
    months = [add_months(last, -i) for i in range(p.months - 1, -1, -1)]
    for i in range(p.measures):
        unit, polarity, level, spread = UNITS[i % len(UNITS)]
        m: dict[str, Any] = {
            "id": f"m{i + 1:03d}-{MEASURE_NAMES[i % len(MEASURE_NAMES)].lower().split()[0]}",
            "name": f"{MEASURE_NAMES[i % len(MEASURE_NAMES)]} ({i + 1})",
            "group": GROUPS[i % len(GROUPS)],
            "unit": unit,
        }
        # One in ten has no polarity or target: such measures exist and show no RAG.
        if i % 10 != 9:
            m["polarity"] = polarity
            step = -1 if polarity == "lower_is_better" else 1
            if polarity == "in_range" or i % 3 == 0:
                m["target"] = round(level + step * spread * 0.3, 1)
            else:
                m["targets"] = [{"by": month(add_months(last, k * 6 - 6)),
                                 "value": round(level + step * spread * 0.1 * (k + 1), 1)}
                                for k in range(3)]
            if polarity == "in_range":
                m["tolerance"] = {"low": level - spread, "high": level + spread}
            elif i % 2 == 0:
                m["tolerance"] = ({"low": round(level - spread * 0.5, 1)} if step > 0 else
                                  {"high": round(level + spread * 0.5, 1)})
        if i % 4 == 0:
            m["comparators"] = [
                {"name": "Statistical neighbours", "value": round(level * 0.95, 1),
                 "period": "2022-23"},
                {"name": "England", "value": round(level * 0.9, 1), "period": "2022-23"}]
        m["definition"] = (f"The {m['name'].lower()} at the month end, from the MASH and "
                           f"case management system.")
        m["source"] = "Liquid Logic, month-end snapshot"
        if i % 37 == 5:
            m["rag_override"] = {"rag": "amber", "reason": "The latest figure is provisional."}
        measures.append(m)
        value = level + rng.uniform(-spread, spread)
        for d in months:
            value += rng.gauss(0, spread * 0.15)
            value = min(max(value, level - 2 * spread), level + 2 * spread)
            if unit == "percent":
                value = min(max(value, 0.0), 100.0)
            if rng.random() < 0.03:  # a missing figure: empty value, words in the note
                rows.append([m["id"], month(d), "", "not available"])
            else:
                shown = f"{value:.0f}" if unit == "count" else f"{value:.1f}"
                rows.append([m["id"], month(d), shown, "provisional" if d == last and
                             i % 5 == 0 else ""])
    rng.shuffle(rows)  # "in any order": the loader must not rely on sorted rows
    return measures, rows


def make_areas(p: Preset, measure_ids: list[str], rng: random.Random) -> list[dict]:
    areas = []
    counts = split(p.actions, p.areas, rng)
    statuses = ["complete"] * 35 + ["on_track"] * 35 + ["delayed"] * 15 + \
               ["not_started"] * 10 + [None] * 5
    for a in range(p.areas):
        theme_id, title = AREA_THEMES[a % len(AREA_THEMES)]
        area_id = theme_id if a < len(AREA_THEMES) else f"{theme_id}-{a + 1}"
        area: dict[str, Any] = {
            "id": area_id, "number": a + 1, "title": title,
            "summary": f"Inspectors found that {title[0].lower() + title[1:]} was not yet "
                       f"consistently good.\n\nThis area is overseen by the improvement board.",
            "lead": OWNERS[a % len(OWNERS)],
            "measures": rng.sample(measure_ids, k=min(rng.randint(2, 4), len(measure_ids))),
            "outcomes": [],
        }
        n_outcomes = max(1, min(5, counts[a] // 10))
        per_outcome = split(counts[a], n_outcomes, rng)
        k = 0
        for o in range(n_outcomes):
            actions = []
            for _ in range(per_outcome[o]):
                k += 1
                actions.append(make_action(f"{area_id}-{k:03d}", measure_ids, area["measures"],
                                           statuses, rng))
            area["outcomes"].append({"text": f"Outcome {o + 1}: children and families in this "
                                             f"area get the right help at the right time.",
                                     "actions": actions})
        areas.append(area)
    return areas


def make_action(action_id: str, measure_ids: list[str], area_measures: list[str],
                statuses: list, rng: random.Random) -> dict:
    act: dict[str, Any] = {
        "id": action_id,
        "action": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}",
        "owner": rng.choice(OWNERS),
    }
    status = rng.choice(statuses)
    due = REPORTING_DATE + timedelta(days=rng.randint(-540, 365))
    if rng.random() < 0.04:  # no single date fits
        act["due_note"] = f"Review {due:%d/%m/%y}"
    else:
        act["due"] = due
    if status:
        act["status"] = status
    if status in ("complete", "on_track", "delayed"):
        act["progress"] = "\n\n".join(rng.sample(PROGRESS, k=rng.randint(1, 3)))
    if status == "complete" and rng.random() < 0.7:
        act["impact"] = rng.choice(IMPACT)
    if status == "delayed":
        if "due" in act:
            act["revised_due"] = due + timedelta(days=rng.randint(60, 240))
        act["delay_reason"] = rng.choice(DELAY)
        act["mitigation"] = rng.choice(MITIGATION)
    # One action in ten names a measure, usually one its area tracks already: real plans link
    # few actions to KPIs, and each measure linked here adds a chart to the area's page.
    if rng.random() < 0.1:
        act["measures"] = [rng.choice(area_measures if rng.random() < 0.7 else measure_ids)]
    if rng.random() < 0.02:  # committee-only: a public build leaves it out
        act["audience"] = "committee"
    return act


def make_commentary(measures: list[dict], rows: list[list[str]],
                    rng: random.Random) -> list[dict]:
    periods: dict[str, list[str]] = {}
    for measure_id, period, _, _ in rows:
        periods.setdefault(measure_id, []).append(period)
    out = []
    for i, m in enumerate(measures):
        if i % 3:  # a third of the measures carry commentary
            continue
        for period in sorted(periods[m["id"]])[-rng.randint(1, 3):]:
            item: dict[str, Any] = {"measure": m["id"], "period": period,
                                    "working_well": "Visits within timescale have improved.",
                                    "worried": "The figure has moved away from target in some "
                                               "teams.",
                                    "doing": "Team managers review every case at the weekly "
                                             "MASH performance clinic."}
            if rng.random() < 0.2:
                del item["worried"]
            out.append(item)
    return out


def make_visits(p: Preset, area_ids: list[str], measure_ids: list[str],
                rng: random.Random) -> list[dict]:
    visits: list[dict] = []
    start = date(2019, 7, 8)
    # Spread the visits from the inspection to a month before the reporting date.
    gap = max(1, (REPORTING_DATE - timedelta(days=30) - start).days // max(1, p.visits - 1))
    kinds = ["monitoring_visit"] * 6 + ["focused_visit", "jtai"]
    mv = 0
    for i in range(p.visits):
        begin = start + timedelta(days=i * gap)
        kind = "full_inspection" if i == 0 else kinds[i % len(kinds)]
        v: dict[str, Any] = {"id": "", "kind": kind}
        if kind == "monitoring_visit":
            mv += 1
            v["number"] = mv
        v["id"] = {"full_inspection": f"ilacs-{begin.year}",
                   "monitoring_visit": f"mv-{mv:02d}-{month(begin)}",
                   "focused_visit": f"fv-{month(begin)}", "jtai": f"jtai-{month(begin)}"}[kind]
        if i % 7 == 3:  # the papers give only the month
            v["start"] = month(begin)
        else:
            v["start"] = begin
            v["end"] = begin + timedelta(days=1 if kind != "full_inspection" else 11)
        if i != p.visits - 1:  # the latest letter is not published yet
            v["published"] = begin + timedelta(days=33)
        v["focus"] = (
            "Inspection of local authority children's services (ILACS)" if i == 0 else
            f"{AREA_THEMES[i % len(AREA_THEMES)][1]}")
        v["inspectors"] = rng.sample(INSPECTORS, k=2)
        v["letter_url"] = f"https://reports.example.gov.uk/provider/44/{1000 + i}"
        v["areas"] = rng.sample(area_ids, k=min(rng.randint(1, 3), len(area_ids)))
        v["measures"] = rng.sample(measure_ids, k=min(rng.randint(1, 5), len(measure_ids)))
        v["summary"] = "Inspectors saw continued progress, though practice is not yet " \
                       "consistently good."
        v["strengths"] = ["Thresholds are applied consistently in the MASH.",
                          "Leaders know the service well."][: rng.randint(1, 2)]
        v["development"] = ["The quality of recording of strategy discussions.",
                            "Timeliness of **return home interviews**."][: rng.randint(1, 2)]
        visits.append(v)
    return visits


# -- the contract's version 2 kinds ---------------------------------------------------------
# Drawn from their own random stream, so the records above stay byte for byte what they were
# before these kinds were added (benchmarks compare like with like across versions).

CATEGORIES = ["Foster care (in-house)", "Foster care (agency)", "Kinship care",
              "Residential (in-house)", "Residential (external)", "Placed with parents",
              "Placed for adoption", "Semi-independent", "Secure", "Other placements"]
GRADES = ["outstanding", "good", "good", "requires_improvement", "inadequate"]


def add_linear_targets(measures: list[dict]) -> None:
    """One measure in eleven with milestones follows a linear trajectory from a baseline."""
    for i, m in enumerate(measures):
        if i % 11 == 3 and m.get("targets"):
            first = min(t["by"] for t in m["targets"])
            year, mon = int(first[:4]), int(first[5:7])
            base = add_months(date(year, mon, 1), -6)
            m["targets_mode"] = "linear"
            m["baseline"] = {"period": month(base), "value": m["targets"][0]["value"]}


def add_reviews_and_updates(p: Preset, areas: list[dict], rng: random.Random) -> None:
    """Every area a review date (a third of them older than 120 days, so their statuses are
    not recent) and its progress reports; a few actions their own review date."""
    for a, area in enumerate(areas):
        old = a % 3 == 0
        area["reviewed"] = REPORTING_DATE - timedelta(days=rng.randint(200, 400) if old
                                                      else rng.randint(5, 100))
        area["updates"] = [
            {"as_at": REPORTING_DATE - timedelta(days=90 * k + rng.randint(0, 20)),
             "taken": "\n".join(f"- {rng.choice(PROGRESS)}" for _ in range(rng.randint(2, 4))),
             "planned": f"- {rng.choice(VERBS)} {rng.choice(OBJECTS)}.\n"
                        f"    - Reported to the improvement board monthly.",
             "impact": rng.choice(IMPACT)}
            for k in range(p.updates)]
        for outcome in area["outcomes"]:
            for act in outcome["actions"]:
                if rng.random() < 0.05:
                    act["reviewed"] = REPORTING_DATE - timedelta(days=rng.randint(1, 60))


def make_breakdowns(p: Preset, area_ids: list[str], measure_ids: list[str],
                    rng: random.Random) -> list[dict]:
    out = []
    for b in range(p.breakdowns):
        names = rng.sample(CATEGORIES, k=rng.randint(4, len(CATEGORIES)))
        values = [rng.randint(1, 250) for _ in names]
        item: dict[str, Any] = {
            "id": f"placements-{b + 1:02d}", "title": f"Children in care by placement ({b + 1})",
            "period": month(add_months(date(REPORTING_DATE.year, REPORTING_DATE.month, 1),
                                       -b)),
            "categories": [{"name": n, "value": v} for n, v in zip(names, values)],
            "areas": [rng.choice(area_ids)], "measures": [rng.choice(measure_ids)],
            "note": "The report's table, as printed."}
        if b % 2 == 0:
            item["total"] = sum(values)
        if b % 5 == 4:
            item["audience"] = "committee"
        out.append(item)
    return out


def make_providers(p: Preset, rng: random.Random) -> list[dict]:
    out = []
    for k in range(p.providers):
        days = rng.sample(range(30, 1500), k=rng.randint(1, 3))  # distinct dates
        inspections = [{"date": REPORTING_DATE - timedelta(days=d), "grade": rng.choice(GRADES)}
                       for d in days]
        out.append({"id": f"home-{k + 1:02d}", "name": f"Home {k + 1}",
                    "kind": "childrens_home" if k % 4 else "fostering_agency",
                    "places": rng.randint(2, 6), "inspections": inspections})
    return out


def site_yaml(inspection: str) -> dict:
    return {
        "council": "Exampleshire County Council",
        "service": "Children's Services",
        "title": "Children's services improvement",
        "reporting_date": REPORTING_DATE,
        "meeting": {"committee": "Children and Young People's Scrutiny Committee",
                    "date": REPORTING_DATE,
                    "title": "Children's Services Improvement",
                    "papers_url": "https://committee.example.gov.uk/meeting/123",
                    "recommendations": ["The committee notes the progress made."]},
        "judgements": {"inspection": inspection, "grades": [
            {"area": "The experiences and progress of children who need help and protection",
             "grade": "inadequate"},
            {"area": "The experiences and progress of children in care", "grade":
             "requires_improvement"},
            {"area": "Overall effectiveness", "grade": "inadequate",
             "note": "Limited by the grading of help and protection."}]},
        "contact": "improvement@example.org",
    }


class _Dumper(yaml.SafeDumper):
    """Multi-line text as `|-` blocks, as a person would write it; no anchors or aliases
    (the data contract forbids them, and a shared date object would otherwise get one)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _str)


def dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8", newline="\n")


def generate(preset: Preset, out: Path, seed: int = 1) -> None:
    rng = random.Random(seed)
    out = Path(out)
    measures, rows = make_measures(preset, rng)
    measure_ids = [m["id"] for m in measures]
    areas = make_areas(preset, measure_ids, rng)
    visits = make_visits(preset, [a["id"] for a in areas], measure_ids, rng)
    extra = random.Random(seed * 7919 + 12)  # the version 2 kinds' own stream
    add_linear_targets(measures)
    add_reviews_and_updates(preset, areas, extra)
    data = out / "data"
    dump(data / "site.yaml", site_yaml(visits[0]["id"]))
    for area in areas:
        dump(data / "plan" / f"{area['number']:02d}-{area['id']}.yaml", area)
    dump(data / "measures.yaml", measures)
    csv_lines = ["measure,period,value,note"] + [",".join(r) for r in rows]
    (data / "measures.csv").write_text("\n".join(csv_lines) + "\n", encoding="utf-8",
                                       newline="\n")
    dump(data / "commentary.yaml", make_commentary(measures, rows, rng))
    dump(data / "visits.yaml", visits)
    dump(data / "glossary.yaml", GLOSSARY)
    area_ids = [a["id"] for a in areas]
    if preset.breakdowns:
        dump(data / "breakdowns.yaml", make_breakdowns(preset, area_ids, measure_ids, extra))
    if preset.providers:
        dump(data / "providers.yaml", make_providers(preset, extra))
    # A hand-written page that calls macros, as councils' own pages do.
    content = out / "content"
    content.mkdir(parents=True, exist_ok=True)
    (content / "about.md").write_text(
        "# About this site\n\nThis site is generated for benchmarks; the MASH and the EDT "
        "are fictional.\n\n## The plan at a glance\n\n{{ status_summary() }}\n\n"
        f"## A headline measure\n\n{{{{ measure_chart(\"{measure_ids[0]}\") }}}}\n",
        encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=sorted(PRESETS))
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    generate(PRESETS[args.size], args.out, args.seed)
    print(f"Wrote a {args.size} site to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
