"""Write small complete sites for tests: every record can be made committee-only, and a
committee-only record then carries canary strings in every text field and canary numbers in
every number, so a test can scan a public build for any trace of it."""

from __future__ import annotations

from pathlib import Path

import yaml

AREAS = ("a1", "a2")
ACTIONS = {"a1": ("a1-01", "a1-02"), "a2": ("a2-01", "a2-02")}
MEASURES = ("m1", "m2", "m3")
VISITS = ("v1", "v2")
COMMENTARY = ("c-m1", "c-m2", "c-m3")
PAGES = ("briefing",)  # a hand-written page in content/
UPDATES = {"a1": ("u-a1-old", "u-a1-new"), "a2": ("u-a2",)}  # progress reports, oldest first
BREAKDOWNS = ("b1", "b2")
PROVIDERS = ("p1", "p2")
RECORDS = (*AREAS, *[a for acts in ACTIONS.values() for a in acts], *MEASURES, *VISITS,
           *COMMENTARY, *PAGES, *[u for us in UPDATES.values() for u in us], *BREAKDOWNS,
           *PROVIDERS)


def canary(key: str, field: str) -> str:
    return f"CANARY{key.replace('-', '')}{field.replace('_', '')}Z"


_OFFSETS = {"low": 1, "target": 2, "high": 3, "comparator_value": 4}


def canary_number(key: str, field: str) -> int:
    """A seven-digit number no public record uses, unique per record and field; a record's
    own numbers keep their order (tolerance low < target < high)."""
    import zlib
    offset = _OFFSETS.get(field, 5 + sum(map(ord, field)) % 4)
    return 9_000_000 + (zlib.crc32(key.encode()) % 90_000) * 10 + offset


def write_site(root: Path, committee: set[str]) -> dict[str, list]:
    """Write the site; returns the canaries (strings and numbers) of committee records."""
    canaries: dict[str, list] = {"text": [], "numbers": []}

    def text(key: str, field: str, public: str) -> str:
        if key in committee:
            value = canary(key, field)
            canaries["text"].append(value)
            return value
        return public

    def number(key: str, field: str, public: float) -> float:
        if key in committee:
            value = canary_number(key, field)
            canaries["numbers"].append(value)
            return value
        return public

    def rid(key: str) -> str:
        """A committee record's id is a canary too: it must not appear in any address."""
        if key in committee:
            value = f"zqx{key.replace('-', '')}"
            if value not in canaries["text"]:
                canaries["text"].append(value)
            return value
        return key

    def audience(key: str) -> dict:
        return {"audience": "committee"} if key in committee else {}

    data = root / "data"
    (data / "plan").mkdir(parents=True, exist_ok=True)
    (root / "content").mkdir(exist_ok=True)
    site = {
        "council": "Test Council", "service": "Children's Services", "title": "Leak test",
        "reporting_date": "2024-06-30",
        "meeting": {"committee": "Scrutiny", "date": "2024-07-10", "title": "Progress"},
        "judgements": {"inspection": rid("v1"), "grades": [
            {"area": "Overall effectiveness", "grade": "inadequate"}]},
    }
    _dump(data / "site.yaml", site)
    for n, area in enumerate(AREAS, start=1):
        actions = []
        for i, action in enumerate(ACTIONS[area]):
            due = "2024-01-31" if i == 0 else "2024-12-31"
            record = {"id": rid(action),
                      "action": text(action, "action", f"Public action {action}"),
                      "owner": text(action, "owner", "Head of Service"),
                      "due": due, "status": "on_track",
                      "progress": text(action, "progress", "Public progress."),
                      "impact": text(action, "impact", "Public impact."),
                      "measures": [rid("m1"), rid("m2")], **audience(action)}
            actions.append(record)
        updates = [{"as_at": f"2024-0{k + 4}-15",
                    "taken": text(u, "taken", f"Public work {u}."),
                    "planned": text(u, "planned", "Public plans."),
                    "impact": text(u, "impact", "Public impact."), **audience(u)}
                   for k, u in enumerate(UPDATES[area])]
        doc = {"id": rid(area), "number": n, "reviewed": "2023-12-01", "updates": updates,
               "title": text(area, "title", f"Public area {area}"),
               "summary": text(area, "summary", "Public summary."),
               "lead": text(area, "lead", "Public lead"),
               "measures": [rid(m) for m in MEASURES],
               "outcomes": [{"text": text(area, "outcome", f"Public outcome {area}"),
                             "actions": actions}],
               **audience(area)}
        _dump(data / "plan" / f"{n:02d}-{area}.yaml", doc)
    measures, rows = [], ["measure,period,value,note"]
    for m in MEASURES:
        measures.append({
            "id": rid(m), "name": text(m, "name", f"Public measure {m}"),
            "group": text(m, "group", "Public group"), "unit": "count",
            "polarity": "lower_is_better",
            "target": number(m, "target", 50),
            "tolerance": {"low": number(m, "low", 40), "high": number(m, "high", 60)},
            "comparators": [{"name": text(m, "comparator", "England"),
                             "value": number(m, "comparator_value", 45)}],
            "definition": text(m, "definition", "Public definition."),
            "source": text(m, "source", "Public source"), **audience(m)})
        for month, public_value in (("2024-04", 48), ("2024-05", 52), ("2024-06", 55)):
            value = number(m, f"value{month}", public_value)
            note = text(m, f"note{month}", "")
            rows.append(f"{rid(m)},{month},{value},{note}")
    _dump(data / "measures.yaml", measures)
    (data / "measures.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    commentary = []
    for key, m in zip(COMMENTARY, MEASURES):
        commentary.append({"measure": rid(m), "period": "2024-06",
                           "working_well": text(key, "well", "Public well."),
                           "worried": text(key, "worried", "Public worried."),
                           "doing": text(key, "doing", "Public doing."), **audience(key)})
    _dump(data / "commentary.yaml", commentary)
    visits = []
    for n, v in enumerate(VISITS, start=1):
        visits.append({"id": rid(v), "kind": "monitoring_visit", "number": n,
                       "start": f"2024-0{n + 2}-12", "focus": text(v, "focus", f"Public focus {v}"),
                       "inspectors": [text(v, "inspector", "Public Inspector")],
                       "areas": [rid(a) for a in AREAS], "measures": [rid(m) for m in MEASURES],
                       "summary": text(v, "summary", "Public findings."),
                       "strengths": [text(v, "strength", "Public strength.")],
                       "development": [text(v, "development", "Public development.")],
                       **audience(v)})
    _dump(data / "visits.yaml", visits)
    breakdowns = []
    for b in BREAKDOWNS:
        values = [number(b, "first", 30), number(b, "second", 12)]
        breakdowns.append({
            "id": rid(b), "title": text(b, "title", f"Public breakdown {b}"), "period": "2024-06",
            "categories": [{"name": text(b, "category", "Foster care"), "value": values[0],
                            "note": text(b, "categorynote", "Public note")},
                           {"name": "Residential", "value": values[1]}],
            "total": sum(values), "areas": [rid(a) for a in AREAS],
            "measures": [rid(m) for m in MEASURES], "note": text(b, "note", "Public note."),
            **audience(b)})
    _dump(data / "breakdowns.yaml", breakdowns)
    providers = []
    for k, pr in enumerate(PROVIDERS):
        providers.append({
            "id": rid(pr), "name": text(pr, "name", f"Public home {pr}"), "kind": "childrens_home",
            "places": number(pr, "places", 4),
            "inspections": [{"date": "2023-05-10", "grade": "good",
                             "note": text(pr, "inspectionnote", "Public inspection.")},
                            {"date": f"2024-0{k + 1}-20",
                             "grade": "inadequate" if pr in committee else "requires_improvement",
                             "url": f"https://example.org/{rid(pr)}"}],
            **audience(pr)})
    _dump(data / "providers.yaml", providers)
    for page in PAGES:
        front = "---\naudience: committee\n---\n\n" if page in committee else ""
        body = text(page, "body", "A public briefing.")
        (root / "content" / f"{page}.md").write_text(
            f"{front}# {text(page, 'title', 'Briefing')}\n\n{body}\n", encoding="utf-8")
    return canaries


def _dump(path: Path, value) -> None:
    path.write_text(yaml.safe_dump(value, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
