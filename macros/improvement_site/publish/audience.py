"""Audiences: the public build and the committee build, from the same data.

`public` is the default, so a forgotten flag can only hide material, never leak it. A public
build is made from a copy of the model with every `audience: committee` record removed, and
every reference to a removed record dropped, before any page, chart, download or search entry
is made: nothing downstream can show what is not in the model.
"""

from __future__ import annotations

from improvement_site.model.sitedata import SiteData

AUDIENCES = ("public", "committee")


class AudienceError(ValueError):
    pass


def chosen_audience(option: str | None = None) -> str:
    """The audience to build for: the option (in any case), else public."""
    value = (option or "public").strip().lower()
    if value not in AUDIENCES:
        raise AudienceError(f'audience "{value}" is not one of {", ".join(AUDIENCES)}; '
                            f"a public build is the default")
    return value


def for_audience(data: SiteData, audience: str) -> SiteData:
    """The model as the audience may see it."""
    if audience == "committee":
        return data
    # Kept only when it says public: the schema allows nothing else, but if a record ever
    # carried another value it would be left out, not published.
    public = lambda record: record.audience == "public"  # noqa: E731
    measures = [m for m in data.measures if public(m)]
    measure_ids = {m.id for m in measures}
    areas = []
    for area in data.areas:
        if not public(area):
            continue
        outcomes = []
        for outcome in area.outcomes:
            actions = [_with(a, measures=[m for m in a.measures if m in measure_ids])
                       for a in outcome.actions if public(a)]
            outcomes.append(_with(outcome, actions=actions))
        areas.append(_with(area, outcomes=outcomes,
                           measures=[m for m in area.measures if m in measure_ids],
                           updates=[u for u in area.updates if public(u)]))
    area_ids = {a.id for a in areas}
    visits = [_with(v, areas=[a for a in v.areas if a in area_ids],
                    measures=[m for m in v.measures if m in measure_ids])
              for v in data.visits if public(v)]
    visit_ids = {v.id for v in visits}
    site = data.site
    if site.judgements and site.judgements.inspection not in visit_ids:
        # The grades stay (they are public facts of the site); the link to a hidden record goes.
        site = _with(site, judgements=_with(site.judgements, inspection=""))
    breakdowns = [_with(b, areas=[a for a in b.areas if a in area_ids],
                        measures=[m for m in b.measures if m in measure_ids])
                  for b in data.breakdowns if public(b)]
    return SiteData.create(
        root=data.root, site=site, areas=areas, measures=measures,
        values=[v for vs in data.values.values() for v in vs if v.measure in measure_ids],
        commentary=[c for c in data.commentary if public(c) and c.measure in measure_ids],
        visits=visits, glossary=dict(data.glossary), breakdowns=breakdowns,
        providers=[p for p in data.providers if public(p)],
    )


def _with(record, **changes):
    """A copy of a frozen record with some fields changed, keeping where it came from."""
    copy = record.model_copy(update=changes)
    copy._where = record._where
    copy._lines = dict(record._lines)
    return copy


def hidden_counts(full: SiteData) -> dict[str, int]:
    """How many records of each kind only the committee sees (shown in the committee build)."""
    committee = lambda r: r.audience == "committee"  # noqa: E731
    return {
        "areas": sum(committee(a) for a in full.areas),
        "actions": sum(committee(a) for _, _, a in full.actions()),
        "measures": sum(committee(m) for m in full.measures),
        "commentary": sum(committee(c) for c in full.commentary),
        "visits": sum(committee(v) for v in full.visits),
        "updates": sum(committee(u) for a in full.areas for u in a.updates),
        "breakdowns": sum(committee(b) for b in full.breakdowns),
        "providers": sum(committee(p) for p in full.providers),
    }
