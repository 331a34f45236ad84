"""The committee report's later sections: the scorecard, each measure with its chart and
commentary, inspections and visits, what changed since the last meeting and the glossary.
Like `build.py`, they only arrange facts the model and the site already give."""

from __future__ import annotations

from markupsafe import Markup

from improvement_site.model import labels, status
from improvement_site.model.sitedata import SiteData
from improvement_site.pages import specs
from improvement_site.publish import change_summary
from improvement_site.publish.changes import compare
from improvement_site.publish.history import History
from improvement_site.report import hooks
from improvement_site.report.blocks import (Block, Facts, Heading, Items, Para, Rich, Table,
                                            committee_note, kept_with_heading)
from improvement_site.report.links import PaperText

SCORECARD_HEAD = ("Measure", "Latest value", "Period", "Target", "RAG", "Direction of travel")


def latest_words(measure, st) -> str:
    if not st.latest:
        return "Not available"
    return labels.measure_number(measure, st.latest.value)


def period_words(data, measure, st) -> str:
    """'November 2022', and when it is not recent, '(not recent)' after it, as the site's
    scorecard says beside the period."""
    if not st.latest:
        return "–"
    caveat = hooks.value_caveat(data, measure, st)
    return labels.period_label(st.latest.period) + (f" ({caveat})" if caveat else "")


def rag_words(st) -> str:
    return status.RAG_LABELS[st.rag] + (" (set by hand)" if st.override_reason else "")


# -- the scorecard ---------------------------------------------------------------------------


def scorecard(data: SiteData, text: PaperText, statuses: dict, audience: str) -> list[Block]:
    as_at = labels.long_date(data.site.reporting_date)
    out: list[Block] = [
        Heading(1, "Performance scorecard", "scorecard"),
        Para(f"Each measure's latest value on or before {as_at}, the target in force for that "
             "period, its RAG rating and its direction of travel (compared with the value "
             "before, judged by whether higher or lower is better)."),
    ]
    if not data.measures:
        return out + [Para("No measures are recorded for this report.")]
    for group, measures in data.groups():
        rows = []
        for m in measures:
            st = statuses[m.id]
            name = text.inline(m.name)
            if committee_note(audience, m):
                name = Markup("{} (committee only)").format(name)
            rows.append((name, latest_words(m, st), period_words(data, m, st),
                         labels.measure_number(m, st.target) if st.target is not None
                         else "No target",
                         rag_words(st), status.DIRECTION_LABELS[st.direction]))
        out.append(Table(Markup("{}: latest values").format(text.inline(group)), SCORECARD_HEAD,
                         tuple(rows), widths=(11, 4, 5, 4, 4, 5), numeric=(1, 3)))
    # Named as on the scorecard page, and kept with its list (it stood untitled under a table).
    out.append(Heading(3, "How ratings are worked out", "rating-rules", keep=1))
    out.append(Items((
        "Green: the value meets the target. Amber: it misses the target but is within the "
        "tolerance. Red: it is outside the tolerance. A measure with no target has no RAG.",
        "Where a measure has target milestones, the target in force is the first milestone on "
        "or after the period of the value, or the last milestone once they have all passed.",
        "Direction of travel compares the latest value with the one before it: improving or "
        "worsening depends on whether higher or lower is better for that measure.",
        "A RAG marked set by hand is the council's own rating, which differs from the one "
        "these rules give; the measure's section says why.",
        f"Not recent: the latest value's period ended more than {data.site.stale_after_days} "
        f"days before {as_at}, so the rating rests on an old figure.",
    )))
    return out


# -- each measure ----------------------------------------------------------------------------


def measures(data: SiteData, text: PaperText, statuses: dict, charts: dict,
             audience: str) -> list[Block]:
    out: list[Block] = [Heading(1, "Measures: charts and commentary", "measures")]
    if not data.measures:
        return out + [Para("No measures are recorded for this report.")]
    for m in data.measures:
        out += measure_blocks(data, text, m, statuses[m.id], charts.get(m.id), audience)
    out += hooks.breakdowns(data, text, audience)
    return out


def measure_blocks(data, text, m, st, chart, audience) -> list[Block]:
    text = text.on(specs.measure_path(m.id))  # where the site prints the measure's text
    out: list[Block] = [Heading(2, text.inline(m.name), m.id)]
    out += committee_note(audience, m)
    latest = latest_words(m, st)
    if st.latest:
        period = labels.period_label(st.latest.period)
        if hooks.value_caveat(data, m, st):
            period += (f"; not recent: more than {data.site.stale_after_days} days before "
                       f"{labels.long_date(data.site.reporting_date)}")
        latest += f" ({period})"
    target = "No target set"
    if st.target is not None:
        target = labels.measure_number(m, st.target)
        if st.latest and m.targets:
            target += f" (in force for {labels.period_label(st.latest.period)})"
    rag: object = rag_words(st)
    if st.override_reason:
        # As the measure's page says it: whose rating it is, what the rules would give, why.
        rag = Markup("{}: as the council's report gives it; by the value's target the rating "
                     "would be {}. {}").format(rag, status.RAG_LABELS[st.computed_rag],
                                               text.inline(st.override_reason))
    direction = status.DIRECTION_LABELS[st.direction]
    if st.previous and st.latest:
        direction += (f" ({labels.measure_number(m, st.previous.value)} "
                      f"{labels.at_period(st.previous.period)}, "
                      f"{labels.measure_number(m, st.latest.value)} "
                      f"{labels.at_period(st.latest.period)})")
    out.append(Facts((("Latest value", latest), ("Target", target), ("RAG", rag),
                      ("Direction of travel", direction),
                      ("Which way is better", labels.POLARITY_LABELS[m.polarity])), "keep"))
    if m.note:
        out.append(Rich(text.block(m.note)))
    if chart is not None:
        out.append(chart)
    else:
        out.append(Para("No values have been published, so there is no chart."))
    commentary = data.commentary_of(m.id)
    if not commentary:  # the one line saying so stays with the measure, not alone overleaf
        out.append(Para("No commentary has been published for this measure."))
    out = kept_with_heading(out)  # the chart on its measure's page, under its name
    if commentary:
        c = commentary[0]  # the newest: the position this report speaks for
        # The measure named in it: a heading at the top of a page says which measure it is on.
        out.append(Heading(3, Markup("Commentary on {}, {}").format(
                               text.inline(m.name), labels.period_label(str(c.period))),
                           f"{m.id}-commentary"))
        out += committee_note(audience, c)
        out.append(Facts(tuple(
            (label, text.block(value) if value else "Nothing recorded.")
            for label, value in (("What's working well?", c.working_well),
                                 ("What are we worried about?", c.worried),
                                 ("What are we doing about it?", c.doing)))))
    return out


# -- inspections and visits ------------------------------------------------------------------


def visits(data: SiteData, text: PaperText, audience: str) -> list[Block]:
    out: list[Block] = [Heading(1, "Inspections and visits", "visits")]
    judgements = data.site.judgements
    if judgements:
        inspection = data.inspection
        caption = (Markup("Judgements of the {}, {}").format(
            text.inline(labels.visit_label(inspection)), labels.long_date(inspection.start))
            if inspection else "Judgements of the last full inspection")
        out.append(Table(caption, ("Judgement", "Grade"), tuple(
            (text.inline(g.area), Markup("{}{}").format(
                labels.GRADE_LABELS[g.grade],
                Markup(" ({})").format(text.inline(g.note)) if g.note else ""))
            for g in judgements.grades), widths=(3, 2)))
    if not data.visits:
        out.append(Para("No inspection or visit is recorded for this report."))
    for v in reversed(data.visits):  # the newest first, as the site lists them
        here = text.on(specs.visit_path(v.id))  # the visit's text, as on its page
        out.append(Heading(2, here.inline(labels.visit_label(v)), v.id))
        out += committee_note(audience, v)
        letter = hooks.letter_words(v)
        out.append(Facts((
            ("Kind", labels.KIND_LABELS[v.kind]),
            ("Dates", labels.visit_dates(v) + (" (the source gives the month only)"
                                               if isinstance(v.start, str) else "")),
            ("Focus", here.inline(v.focus)),
            ("Inspectors", Markup(", ").join(here.inline(n) for n in v.inspectors)
             if v.inspectors else "Not stated"),
            ("Letter or report", letter),
        ), "keep"))
        if not (v.summary or v.strengths or v.development):
            out.append(Para("No findings, strengths or areas for development are recorded "
                            "for this visit."))
            continue
        out.append(Heading(3, "Findings", f"{v.id}-findings"))
        out.append(Rich(here.block(v.summary)) if v.summary else
                   Para("No summary of findings is recorded for this visit."))
        out.append(Heading(3, "Strengths", f"{v.id}-strengths"))
        out.append(Items(tuple(here.block(s) for s in v.strengths)) if v.strengths else
                   Para("No strengths are recorded for this visit."))
        out.append(Heading(3, "Areas for development", f"{v.id}-development"))
        out.append(Items(tuple(here.block(s) for s in v.development)) if v.development else
                   Para("No areas for development are recorded for this visit."))
    out += hooks.providers(data, text.on(specs.PROVIDERS), audience)
    return out


# -- what changed ----------------------------------------------------------------------------

FIRST_RELEASE = ("This is the first release: there is no earlier meeting's release to compare "
                 "with.")
NO_TAGS = "No release has been tagged yet"  # history.py's note when there is no tag at all


def changes(data: SiteData, text: PaperText, history: History, audience: str) -> list[Block]:
    out: list[Block] = [Heading(1, "What changed since the last meeting", "changes")]
    previous = history.previous
    if previous is None:
        # The note says why when earlier releases cannot be read (no git); "no tag yet" is
        # the first release, said plainly.
        note = history.note
        out.append(Para(FIRST_RELEASE if not note or note.startswith(NO_TAGS) else
                        f"There is no earlier release to compare with. {note}"))
    else:
        found = compare(previous.data, data)
        meeting = previous.data.site.meeting
        committee = Markup(" ({})").format(text.inline(meeting.committee)) if meeting else ""
        out.append(Para(Markup("Compared with the release for the meeting of {}{}, worked out "
                               "from the two releases' data. {}").format(
            previous.label, committee, change_summary.summary(found))))
        out.append(Table("Changes since the last meeting, by kind", ("Kind of change", "Number"),
                         tuple((heading, str(n)) for _, heading, n in
                               change_summary.counts(found)),
                         widths=(4, 1), numeric=(1,)))
        for name, heading, n in change_summary.counts(found):
            if n:
                out.append(Heading(3, heading, f"changes-{name.replace('_', '-')}"))
                out.append(Items(tuple(_change_item(text, name, c)
                                       for c in getattr(found, name))))
    if history.unreadable:
        out.append(Para("Left out of the comparison because their data does not pass today's "
                        "checks: " + ", ".join(history.unreadable) + ".", "note"))
    return out


def _change_item(text: PaperText, kind: str, change) -> Markup:
    if kind in ("new_visits", "updated_visits"):
        return Markup("{}, {}").format(text.inline(labels.visit_label(change)),
                                       labels.visit_dates(change))
    if kind in ("new_commentary", "edited_commentary"):
        measure, period = change
        return Markup("{}, {}").format(text.inline(measure.name), labels.period_label(period))
    if kind == "new_updates":
        area, update = change
        return Markup("{}. {}: progress report as at {}").format(
            area.number, text.inline(area.title), labels.long_date(update.as_at))
    if kind == "provider_grades":
        c = change
        grade = Markup("{}: {}, inspected {}").format(
            text.inline(c.provider.name), labels.GRADE_LABELS[c.new.grade],
            labels.long_date(c.new.date))
        if c.added:
            return grade + " (new on this site)"
        if c.old:
            return grade + Markup(" (was {}, inspected {})").format(
                labels.GRADE_LABELS[c.old.grade].lower(), labels.long_date(c.old.date))
        return grade + " (its first inspection on this site)"
    if kind in ("new_breakdowns", "updated_breakdowns"):
        return Markup("{}, {}").format(text.inline(change.title),
                                       labels.period_label(change.period))
    if kind == "measures":
        c = change
        then = labels.measure_number(c.measure, c.old_value)
        now = labels.measure_number(c.measure, c.new_value)
        return Markup("{}: RAG {} then, {} now; {} then, {} now; latest value {} then, {} now"
                      ).format(text.inline(c.measure.name), status.RAG_LABELS[c.old_rag],
                               status.RAG_LABELS[c.new_rag],
                               status.DIRECTION_LABELS[c.old_direction].lower(),
                               status.DIRECTION_LABELS[c.new_direction].lower(), then, now)
    item = Markup(text.inline(change.action.action))  # its words; the id is the data's
    if kind in ("completed", "newly_delayed", "status_changed"):
        item += Markup(" (from {} to {})").format(status.STATUS_LABELS[change.old].lower(),
                                                  status.STATUS_LABELS[change.new].lower())
    elif kind == "due_moved":
        item += Markup(" (due {}, now {})").format(
            labels.long_date(change.old) if change.old else "no date",
            labels.long_date(change.new) if change.new else "no date")
    elif kind == "newly_overdue":
        item += Markup(" (due {})").format(labels.long_date(status.due_date(change.action)))
    elif kind == "text_edited":
        item += Markup(" ({} rewritten)").format(change.fields_text)
    return item


# -- glossary --------------------------------------------------------------------------------


def glossary(data: SiteData, text: PaperText) -> list[Block]:
    out: list[Block] = [Heading(1, "Glossary", "glossary")]
    terms = list(data.glossary.items())
    if not terms:
        return out + [Para("The data defines no terms.")]
    out.append(Table("Terms and abbreviations used in this report", ("Term", "Meaning"),
                     tuple((text.inline(term), text.inline(meaning)) for term, meaning in terms),
                     widths=(1, 4)))
    return out
