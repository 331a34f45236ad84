"""The committee paper's contract v2 data (issue 12), in one module: areas' narrative
updates, when statuses were last reviewed, values that are not recent, breakdowns and the
council's own services. Each says what the site's pages say, in the same words (the site's
`_freshness.j2`, `_updates.j2`, `breakdown.md.j2` and `providers.md.j2`).

| function | from | shown |
| --- | --- | --- |
| `area_update` | `data.latest_update(area)` | each area, before its actions |
| `counts_caveat` | `labels.stale_caveat(counts)` | after each count of overdue actions |
| `action_reviewed` | `status.review_date`, `status.is_stale` | in each action's status |
| `value_caveat` | `MeasureStatus.stale` | after a measure's latest value |
| `breakdowns`, `providers` | the records | after the measures / the visits |
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from improvement_site.model import labels, status
from improvement_site.model.sitedata import period_month
from improvement_site.pages import specs
from improvement_site.report.blocks import Block, Facts, Heading, Para, Rich, Table, committee_note


@dataclass(frozen=True)
class AreaUpdate:
    """An area's narrative update: what was done, what is planned, the difference made."""

    as_at: str  # in words: 26 January 2023
    taken: Markup | None = None
    planned: Markup | None = None
    impact: Markup | None = None
    audience: str = "public"  # committee: labelled so in the committee report
    stale: str = ""  # "Not recent: ..." when the update speaks for a long-past date


def area_update(data, area, text) -> AreaUpdate | None:
    """The area's newest update on or before the reporting date (None: it has none)."""
    update = data.latest_update(area)
    if update is None:
        return None
    as_at = labels.long_date(update.as_at)
    stale = ""
    if status.too_old(data, update.as_at):
        site = data.site
        stale = (f"Not recent: this is the area's latest progress report, and it speaks for "
                 f"{as_at}, more than {site.stale_after_days} days before "
                 f"{labels.long_date(site.reporting_date)}.")
    return AreaUpdate(
        as_at=as_at,
        taken=text.block(update.taken) if update.taken else None,
        planned=text.block(update.planned) if update.planned else None,
        impact=text.block(update.impact) if update.impact else None,
        audience=update.audience, stale=stale)


def counts_caveat(data, counts) -> str:
    """", on statuses as at 12 December 2022" after a count of overdue actions when
    the statuses it rests on are not recent; "" when they are."""
    words = labels.stale_caveat(counts)
    return f", {words}" if words else ""


def action_reviewed(data, area, action) -> str:
    """"Status as at 19 December 2022" when the action's status is not recent, as the site
    says it (contract v3: the date the plan gives its status for, not a review)."""
    if not status.is_stale(data, area, action):
        return ""
    return labels.status_as_at(status.review_date(area, action))


def value_caveat(data, measure, measure_status) -> str:
    """"not recent" beside the latest value's period when that period ended more than
    stale_after_days before the reporting date (the scorecard's notes say so in full)."""
    return "not recent" if measure_status.stale else ""


def stale_values(data, statuses: dict) -> list[Block]:
    """After the count of measures by RAG, when latest values are not recent, what the home
    page says ("Not recent: every measure's latest value is more than 120 days old"), by the
    same rule (`status.measure_status(...).stale`), with the months the values are from."""
    stale = [statuses[m.id] for m in data.measures if statuses[m.id].stale]
    if not stale:
        return []
    who = ("every measure's" if len(stale) == len(data.measures)
           else f"{len(stale)} of these measures'")
    months = sorted({period_month(st.latest.period) for st in stale})
    when = labels.period_label(months[0]) + (
        f" to {labels.period_label(months[-1])}" if len(months) > 1 else "")
    return [Para(f"Not recent: {who} latest value is more than {data.site.stale_after_days} "
                 f"days old (from {when}), so the ratings rest on old figures.", "warning")]


def letter_words(visit) -> str:
    """A visit's "Letter or report", in the words of the site's page for the visit."""
    if visit.published:
        return f"Published {labels.long_date(visit.published)}"
    if visit.published_undated:
        return "Published (the source gives no date)"
    if visit.kind == "monitoring_visit":
        return "The letter for this visit was not published"
    return "Not published"


def breakdowns(data, text, audience: str = "public") -> list[Block]:
    """Each breakdown (a one-off table of categories) with its total and notes."""
    if not data.breakdowns:
        return []
    out: list[Block] = [Heading(1, "Breakdowns", "breakdowns")]
    for b in data.breakdowns:
        period = labels.period_label(b.period)
        summed = sum(c.value for c in b.categories)
        here = text.on(specs.breakdown_path(b.id))  # its text, as on its page
        out.append(Heading(2, here.inline(b.title), f"breakdown-{b.id}"))
        out += committee_note(audience, b)
        total = (labels.number(b.total, b.unit) if b.total is not None else
                 f"No total is given; the {len(b.categories)} categories add up to "
                 f"{labels.number(summed, b.unit)}")
        out.append(Facts((("Figures for", period), ("Total", total)), "keep"))
        if b.note:
            out.append(Rich(here.block(b.note)))
        notes = any(c.note for c in b.categories)
        head = ("Category", "Percentage" if b.unit == "percent" else "Number",
                *(("Note",) if notes else ()))
        rows = tuple((here.inline(c.name), labels.number(c.value, b.unit),
                      *((here.inline(c.note) if c.note else "",) if notes else ()))
                     for c in b.categories)
        foot_label = "Total" if b.total is not None else "Sum of the categories (no total is given)"
        foot = ((foot_label, labels.number(b.total if b.total is not None else summed, b.unit),
                 *(("",) if notes else ())),)
        out.append(Table(Markup("{}, {}").format(here.inline(b.title), period), head, rows,
                         widths=(5, 2, 4) if notes else (5, 2), numeric=(1,), foot=foot))
    return out


def providers(data, text, audience: str = "public") -> list[Block]:
    """The council's own registered services and each one's latest inspection grade."""
    if not data.providers:
        return []
    as_at = labels.long_date(data.site.reporting_date)
    counts = "; ".join(
        f"{n} {(labels.GRADE_LABELS[grade] if grade else 'not yet inspected').lower()}"
        for grade, n in status.provider_grade_counts(data))
    out: list[Block] = [
        Heading(1, labels.providers_title(data.providers), "providers"),
        Para(f"{labels.providers_count(data.providers)}, by the grade of each one's most "
             f"recent inspection on or before {as_at}: {counts}.")]
    rows = []
    for pr in data.providers:
        latest = status.latest_inspection(data, pr)
        name = text.inline(pr.name)
        if audience == "committee" and pr.audience == "committee":
            name = Markup("{} (committee only)").format(name)
        grade = (f"{labels.GRADE_LABELS[latest.grade]}, inspected {labels.long_date(latest.date)}"
                 if latest else "Not yet inspected")
        earlier = [i for i in status.inspections_of(pr) if i is not latest]
        rows.append((name, labels.PROVIDER_KIND_LABELS[pr.kind],
                     str(pr.places) if pr.places is not None else "Not stated", grade,
                     "; ".join(f"{labels.GRADE_LABELS[i.grade]}, {labels.long_date(i.date)}"
                               for i in earlier) or "None recorded"))
    out.append(Table("Services and their latest inspection grades",
                     ("Service", "Kind", "Places", "Latest grade", "Earlier grades"),
                     tuple(rows), widths=(5, 3, 3, 5, 5), numeric=(2,)))
    return out
