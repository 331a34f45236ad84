"""Build the committee report's model from the site's model, once.

Every fact comes from where the site takes it: the audience's copy of the data
(`publish/audience.py`), derived facts (`model/status.py`), words and dates
(`model/labels.py`), chart descriptions (`charts/describe.py`, through the site's figures) and
officers' text through the site's safe renderer (`pages/text.py`). Nothing here works out a
status, a RAG or a count of its own.

The sections follow a council's committee report: a front sheet (council, committee, meeting,
title, the "as at" date and the recommendations), a summary, then the detail.
"""

from __future__ import annotations

from markupsafe import Markup

from improvement_site.model import labels, status
from improvement_site.model.sitedata import SiteData
from improvement_site.pages import specs
from improvement_site.pages.text import TextRenderer
from improvement_site.publish.history import History
from improvement_site.report import hooks
from improvement_site.report import sections
from improvement_site.report.blocks import (Block, Facts, Heading, Items, Para, Report, Rich, Table,
                                            committee_note, kept_with_heading)
from improvement_site.report.links import PaperText

NONE_REPORTED = "None reported"
NOT_STATED = "Not stated"


def build_report(data: SiteData, history: History, *, audience: str, charts: dict,
                 site_url: str | None = None, directory_urls: bool = False) -> Report:
    """The whole report. `charts` maps a measure id to its `blocks.Chart` (None: no chart).
    Links in officers' text are followed from the page the site prints them on, at
    `site_url` (None: relative links are printed as their text; see `links.py`)."""
    site = data.site
    text = PaperText(TextRenderer(data.glossary), site_url, directory_urls)
    measure_statuses = {m.id: status.measure_status(data, m) for m in data.measures}
    blocks: list[Block] = []
    blocks += cover(data, text, audience)
    blocks += summary(data, text, history, measure_statuses)
    # A plan with actions leads; one with none yet (North East Lincolnshire's) does not
    # spend pages on empty sections: its areas follow what it has, and there are no
    # exceptions to list (the summary says so, once).
    planned = status.plan_counts(data).total > 0
    if planned:
        blocks += areas(data, text.on(specs.PLAN), audience)
        blocks += exceptions(data, text.on(specs.EXCEPTIONS), audience)
    blocks += sections.scorecard(data, text.on(specs.SCORECARD), measure_statuses, audience)
    blocks += sections.measures(data, text.on(specs.SCORECARD), measure_statuses, charts,
                                audience)
    blocks += sections.visits(data, text.on(specs.VISITS), audience)
    if not planned and data.areas:
        blocks += areas(data, text.on(specs.PLAN), audience)
    blocks += sections.changes(data, text.on(specs.CHANGES), history, audience)
    blocks += sections.glossary(data, text.on(specs.GLOSSARY))
    meeting = site.meeting
    title = meeting.title if meeting else site.title
    when = meeting.date if meeting else site.reporting_date
    subject = (f"{meeting.committee}, {labels.long_date(meeting.date)}" if meeting
               else f"{site.service}, as at {labels.long_date(site.reporting_date)}")
    return Report(title=title, council=site.council, as_at=labels.long_date(site.reporting_date),
                  subject=subject, audience=audience, date=when.isoformat(),
                  blocks=tuple(blocks))


def rich(text: PaperText, value, empty: str = NONE_REPORTED):
    return text.block(value) if value else empty


def numbered(number, title: Markup) -> Markup:
    return Markup("{}. {}").format(number, title)


# -- the front sheet -------------------------------------------------------------------------


def cover(data: SiteData, text: PaperText, audience: str) -> list[Block]:
    site, meeting = data.site, data.site.meeting
    as_at = labels.long_date(site.reporting_date)
    out: list[Block] = [Para(text.inline(site.council), "kicker"),
                        Heading(1, text.inline(meeting.title if meeting else site.title),
                                "report")]
    if audience == "committee":
        out.append(Para("Committee report: it includes material marked committee only, "
                        "which the public report and website leave out. Not for publication.",
                        "committee"))
    facts: list[tuple[str, object]] = []
    if meeting:
        facts += [("Meeting", text.inline(meeting.committee)),
                  ("Meeting date", labels.long_date(meeting.date)),
                  ("Report title", text.inline(meeting.title))]
    facts += [("Service", text.inline(site.service)), ("Position as at", as_at)]
    out.append(Facts(tuple(facts), "cover"))
    if not meeting:
        out.append(Para("This report is not for a particular committee meeting.", "note"))
    out.append(Para(f"This report gives the position as at {as_at}, from the same data as "
                    f"the council's improvement website: each status and value is the latest "
                    f"known on that date, and says when it is from."))
    counts = status.plan_counts(data)
    caveat = labels.stale_caveat(counts)
    if caveat:  # the statuses themselves are older than the report: said on its first page
        out.append(Para(f"Not recent: the {counts.total} action{'s' if counts.total != 1 else ''}"
                        f" are reported {caveat}, more than {site.stale_after_days} days before "
                        f"{as_at}; they may have changed since.", "warning"))
    out.append(Heading(2, "Recommendations", "recommendations"))
    if meeting and meeting.recommendations:
        out.append(Items(tuple(text.block(r) for r in meeting.recommendations), ordered=True))
    else:
        out.append(Para("This report makes no recommendations."))
    return out


# -- the summary -----------------------------------------------------------------------------


def action_count_words(counts, caveat: str) -> str:
    """'18 (5 completed, 10 in progress and on schedule, 3 not yet rated)'."""
    parts = [f"{n} {label.lower()}" for _, label, n in counts.items() if n]
    return f"{counts.total} (" + ", ".join(parts) + f"){caveat}" if counts.total else "None yet"


def summary(data: SiteData, text: PaperText, history: History,
            measure_statuses: dict) -> list[Block]:
    from improvement_site.publish import change_summary
    from improvement_site.publish.changes import compare

    site = data.site
    as_at = labels.long_date(site.reporting_date)
    counts = status.plan_counts(data)
    caveat = hooks.counts_caveat(data, counts)
    out: list[Block] = [Heading(1, "Summary", "summary")]
    if data.areas and not counts.total:
        out.append(Para(f"No actions are recorded in the plan yet. Its {len(data.areas)} "
                        f"area{'s' if len(data.areas) != 1 else ''} for improvement "
                        f"{'are' if len(data.areas) != 1 else 'is'} listed after the "
                        "inspections and visits."))
    elif data.areas:
        out.append(Para(
            f"{counts.total} action{'s' if counts.total != 1 else ''} across "
            f"{len(data.areas)} area{'s' if len(data.areas) != 1 else ''} for improvement: "
            f"{counts.counts['complete']} completed and {labels.overdue_words(counts)}{caveat}, "
            f"judged at {as_at}."))
        out.append(Table(
            "Actions by status, whole plan", ("Status", "Actions"),
            tuple((label, str(n)) for _, label, n in counts.items()), widths=(4, 1),
            numeric=(1,), foot=(("All actions", str(counts.total)),
                                (f"Overdue (due before {as_at} and not complete){caveat}",
                                 str(counts.overdue)))))
    else:
        out.append(Para("No improvement plan is recorded for this report."))
    if data.measures:
        by_rag = {rag: [m for m in data.measures if measure_statuses[m.id].rag == rag]
                  for rag in ("green", "amber", "red", None)}
        out.append(Table(
            f"Measures by RAG rating, on the latest values known at {as_at}",
            ("RAG rating", "Measures"),
            tuple((status.RAG_LABELS[rag], str(len(ms))) for rag, ms in by_rag.items()),
            widths=(4, 1), numeric=(1,), foot=(("All measures", str(len(data.measures))),)))
        out += hooks.stale_values(data, measure_statuses)
        if by_rag["red"]:
            out.append(Para("Measures rated red:"))
            out.append(Items(tuple(text.inline(m.name) for m in by_rag["red"])))
        else:
            out.append(Para("No measure is rated red."))
    latest = data.latest_visit
    if latest:
        published = (f"; letter published {labels.long_date(latest.published)}"
                     if latest.published else "; letter published (date not given)"
                     if latest.published_undated else "")  # as the home page says
        out.append(Para(Markup("Latest inspection visit: {}, {}{}.").format(
            text.inline(labels.visit_label(latest)), labels.visit_dates(latest), published)))
    else:
        out.append(Para(f"No inspection or visit is recorded on or before {as_at}."))
    previous = history.previous
    if previous:
        said = change_summary.summary(compare(previous.data, data))
        out.append(Para(f"Since the meeting of {previous.label}: {said}"))
    return out


# -- the areas -------------------------------------------------------------------------------


def areas(data: SiteData, text: PaperText, audience: str) -> list[Block]:
    out: list[Block] = [Heading(1, "Progress on each area for improvement", "areas")]
    if not data.areas:
        return out + [Para("No improvement plan is recorded for this report.")]
    if not status.plan_counts(data).total:
        out.append(Para("No actions are recorded in the plan yet: each area is listed with "
                        "its latest update and the measures it tracks, where they are given."))
        for area in data.areas:
            out += area_blocks(data, text, area, audience)
        return out
    out.append(Para("Each action's status is in the council's words: Completed; In progress "
                    "and on schedule; Delayed / not on schedule; Planning: not yet commenced; "
                    "Not yet rated. An action is overdue when its due date (or revised due "
                    f"date) is before {labels.long_date(data.site.reporting_date)} and it is "
                    "not complete."))
    for area in data.areas:
        out += area_blocks(data, text, area, audience)
    return out


def area_blocks(data: SiteData, text: PaperText, area, audience: str) -> list[Block]:
    as_at = labels.long_date(data.site.reporting_date)
    text = text.on(specs.area_path(area.id))  # where the site prints the area's text
    counts = status.area_counts(data, area)
    caveat = hooks.counts_caveat(data, counts)
    out: list[Block] = [Heading(2, numbered(area.number, text.inline(area.title)), area.id)]
    out += committee_note(audience, area)
    facts = [("Lead", text.inline(area.lead))] if area.lead else []
    planned = status.plan_counts(data).total > 0  # else the section says so, once
    if planned:
        facts += [("Actions", action_count_words(counts, "")),
                  ("Overdue", f"{labels.overdue_words(counts)} (judged at {as_at}){caveat}")]
    if area.measures:  # as the area's page lists them
        facts.append(("Measures tracked", Markup("; ").join(
            text.inline(data.measure(m).name) for m in area.measures)))
    if facts:
        out.append(Facts(tuple(facts), "keep"))
    if area.summary:
        out.append(Rich(text.block(area.summary)))
    update = hooks.area_update(data, area, text)
    if update is not None:
        out.append(Heading(3, f"Latest update, as at {update.as_at}", f"{area.id}-update"))
        out += committee_note(audience, update)
        if update.stale:
            out.append(Para(update.stale, "warning"))
        out.append(Facts(tuple((label, value) for label, value in (
            ("What we have done", update.taken), ("What we will do next", update.planned),
            ("What difference it has made", update.impact)) if value)))
    for number, outcome in enumerate(area.outcomes, start=1):
        # Named by its words, as on the area's page: "Outcome 1" alone tells a reader nothing.
        out.append(Heading(3, Markup("Outcome {}: {}").format(number, text.inline(outcome.text)),
                           f"{area.id}-outcome-{number}"))
        if not outcome.actions:
            out.append(Para("No actions are recorded for this outcome."))
        for action in outcome.actions:
            out += action_blocks(data, text, area, action, audience)
    if not area.outcomes and planned:
        out.append(Para("No outcomes or actions are recorded for this area."))
    return out


def due_words(action) -> str:
    """'31 March 2025 (revised from 31 December 2024)'; the due-date note; 'Not stated'."""
    due = labels.long_date(action.due) if action.due else ""
    if action.revised_due:
        words = labels.long_date(action.revised_due) + (f" (revised from {due})" if due else
                                                        " (revised)")
    else:
        words = due
    if action.due_note:
        words = f"{words}; {action.due_note}" if words else action.due_note
    return words or NOT_STATED


def status_words(data: SiteData, area, action) -> str:
    """The status in words, whether the action is past its due date and, when the status is
    not recent, the date it is as at."""
    words = status.STATUS_LABELS[status.status_of(action)]
    if status.is_overdue(action, data.site.reporting_date):
        words += ", and past its due date"
    reviewed = hooks.action_reviewed(data, area, action)
    return words + (f" ({reviewed[:1].lower()}{reviewed[1:]})" if reviewed else "")


def status_line(data: SiteData, text: PaperText, area, action) -> Facts:
    """'Status: … Due: … Owner: …' in one line."""
    return Facts((("Status", status_words(data, area, action)),
                  ("Due", text.inline(due_words(action))),
                  ("Owner", text.inline(action.owner) if action.owner else NOT_STATED)),
                 "line")


def action_blocks(data: SiteData, text: PaperText, area, action,
                  audience: str) -> list[Block]:
    # The action's words are its name to a reader; its id is the data's, kept as the anchor.
    out: list[Block] = [Heading(4, text.inline(action.action), action.id)]
    out += committee_note(audience, action, area)
    out.append(status_line(data, text, area, action))
    facts: list[tuple[str, object]] = [
        ("Progress", rich(text, action.progress)),
        ("Impact", rich(text, action.impact)),
    ]
    if action.status == "delayed":
        facts += [("Reason for delay", rich(text, action.delay_reason, NOT_STATED)),
                  ("Mitigation", rich(text, action.mitigation, NOT_STATED))]
    if action.measures:
        facts.append(("Measures", Markup("; ").join(
            text.inline(data.measure(m).name) for m in action.measures)))
    out.append(Facts(tuple(facts)))
    return kept_with_heading(out)


# -- exceptions ------------------------------------------------------------------------------


def exceptions(data: SiteData, text: PaperText, audience: str) -> list[Block]:
    rd = data.site.reporting_date
    as_at = labels.long_date(rd)
    delayed = [(area, a) for area, _, a in data.actions() if a.status == "delayed"]
    overdue = [(area, a) for area, _, a in data.actions() if status.is_overdue(a, rd)]
    out: list[Block] = [Heading(1, "Exceptions: delayed and overdue actions", "exceptions"),
                        Heading(2, "Delayed actions", "delayed"),
                        Para(f"Actions whose status is Delayed / not on schedule, with the "
                             f"reason, what is being done and the revised date, as at "
                             f"{as_at}" + (f": {len(delayed)}." if delayed else
                                           ". No action is delayed."))]
    for area, a in delayed:
        here = text.on(specs.area_path(area.id))  # the action's text, as on its area's page
        out.append(Heading(3, here.inline(a.action), f"delayed-{a.id}"))
        out += committee_note(audience, a, area)
        out.append(status_line(data, here, area, a))
        out.append(Facts((
            ("Area", numbered(area.number, here.inline(area.title))),
            ("Reason for delay", rich(here, a.delay_reason, NOT_STATED)),
            ("Mitigation", rich(here, a.mitigation, NOT_STATED)),
        )))
    caveat = hooks.counts_caveat(data, status.plan_counts(data))
    out += [Heading(2, "Overdue actions", "overdue"),
            Para(f"Actions with a due date (or revised due date) before {as_at} that are not "
                 f"complete, whatever their status{caveat}: {len(overdue)}. Each is set out "
                 "in full under its area.")]
    if overdue:
        out.append(Table(
            f"Overdue actions ({len(overdue)})", ("Action", "Area", "Due", "Status", "Owner"),
            tuple((text.inline(a.action),
                   str(area.number), labels.long_date(status.due_date(a)),
                   status.STATUS_LABELS[status.status_of(a)]
                   + (" (committee only)" if committee_note(audience, a, area) else ""),
                   text.inline(a.owner) if a.owner else "Not stated")
                  for area, a in overdue),
            widths=(10, 2, 4, 4, 4)))
    else:
        out.append(Para("No action is overdue."))
    return out
