"""One function per page type: gather what the page shows from the model and derived facts,
then render its template. Macros call these; they never compute a fact themselves."""

from __future__ import annotations

import posixpath

from markupsafe import Markup

from improvement_site.charts import bars, timeline
from improvement_site.charts.counts import progress_figure, status_figure
from improvement_site.charts import figures as charts

from improvement_site.model import status
from improvement_site.model.lateness import lateness
from improvement_site.charts.output import CHARTS_DIR, FigureCache
from improvement_site.pages.render import PageContext, render

STATUS_HELP = {
    "complete": "The action has been completed.",
    "on_track": "Work has started and is on schedule.",
    "delayed": "The action is behind schedule; the exceptions page gives the reason and "
               "mitigation.",
    "not_started": "Planning: the action has not yet started.",
    "not_rated": "The plan gives no status for this action yet.",
}
HEADLINE_COUNT = 6


def _dump(record) -> dict:
    return record.model_dump(mode="json")


def _measure_key(data, measure) -> tuple:
    """Everything a measure's chart is drawn from."""
    return (_dump(measure), [_dump(v) for v in data.values_of(measure.id)],
            str(data.site.reporting_date), [_dump(v) for v in data.visits_for_measure(measure.id)],
            data.site.stale_after_days)


def _measure_figure(ctx: PageContext, measure):
    """A measure's figure, built once per build: its page, its areas' pages, the home page
    and its visits' pages all show this one panel (one SVG)."""
    return measure_figure(ctx.figures, ctx.data, measure)


def measure_figure(figures: FigureCache, data, measure):
    """A measure's figure from `figures` (built once, cached by its inputs): the site's pages
    and the committee report show the same one."""
    return figures.get(("measure", _measure_key(data, measure)),
                       lambda: charts.measure_figure(data, measure))


def _strip(ctx: PageContext, measures, *, title: str, name: str, visit=None):
    data = ctx.data
    # Not cached itself: it only puts its measures' (cached) panels side by side.
    return charts.measures_strip(data, measures, title=title, name=name, visit=visit,
                                 figure=lambda m: _measure_figure(ctx, m))


def _as_at(data) -> str:
    from improvement_site.model.labels import long_date
    return long_date(data.site.reporting_date)


def _status(ctx: PageContext, counts, scope: str, name: str):
    data = ctx.data
    key = ("status", counts.counts, counts.overdue, counts.stale,
           [str(d) for d in counts.reviewed], scope, name, _as_at(data))
    return ctx.figures.get(key, lambda: status_figure(counts, scope, name, _as_at(data)))


def _timeline(ctx: PageContext, highlighted=None):
    data = ctx.data
    key = ("timeline", [_dump(v) for v in data.visits], highlighted.id if highlighted else None)
    return ctx.figures.get(key, lambda: timeline.visits_timeline_figure(data, highlighted))


def figure_html(ctx: PageContext, figure) -> Markup:
    """A chart as the page shows it: its title, subtitle and description, a key in words, its
    panels (each a static SVG, laid out by the stylesheet), the data as a table and a CSV
    download. Empty when there is nothing to chart."""
    if figure is None:
        return Markup("")
    chart = ctx.charts.add(figure)
    count = ctx.extra.get("charts", 0) + 1
    ctx.extra["charts"] = count
    panels = [(ctx.asset(f"{CHARTS_DIR}/{p.key}.svg"), p.heading, p.note, p.width, p.height)
              for p in chart.panels]
    return Markup(render(
        "chart.html.j2", ctx, id=f"{count}-{chart.key[:8]}", title=figure.title,
        subtitle=figure.subtitle, description=figure.description, key=figure.key,
        panels=panels, csv_url=ctx.asset(f"{CHARTS_DIR}/{chart.key}.csv"), name=figure.name,
        columns=figure.columns, rows=figure.rows, lines=figure.lines))


def _measure_rows(ctx: PageContext, measures) -> list:
    return [(m, status.measure_status(ctx.data, m)) for m in measures]


def home_page(ctx: PageContext) -> str:
    data = ctx.data
    counts = status.plan_counts(data)
    headline = headline_measures(data)
    by_rag: dict = {"red": [], "amber": [], "green": [], None: []}
    stale = []  # measures whose latest value is not recent: the ratings rest on old figures
    for m, st in _measure_rows(ctx, data.measures):
        by_rag[st.rag].append(m)
        if st.stale:
            stale.append((m, st))
    return render("home.md.j2", ctx, areas=data.areas, counts=counts, by_rag=by_rag,
                  measure_count=len(data.measures), stale_measures=stale,
                  inspection=data.inspection, headline=_measure_rows(ctx, headline),
                  latest_visit=data.latest_visit,
                  # A site with no actions (North East Lincolnshire) has no plan sections and
                  # no all-zero chart.
                  status_chart=figure_html(ctx, _status(ctx, counts, "the whole plan",
                                                        "plan-status"))
                  if counts.total else "",
                  progress_chart=progress_chart(ctx) if counts.total else "",
                  headline_chart=figure_html(ctx, _strip(
                      ctx, headline, title="Headline measures", name="headline-measures")))


def headline_measures(data) -> list:
    """The measures a site flags as headline, else the first few with a value."""
    flagged = [m for m in data.measures if getattr(m, "headline", False)]
    if flagged:
        return flagged
    with_values = [m for m in data.measures if status.known_values(data, m)]
    return with_values[:HEADLINE_COUNT]


def plan_page(ctx: PageContext) -> str:
    data = ctx.data
    return render("plan.md.j2", ctx, areas=data.areas, counts=status.plan_counts(data),
                  area_counts=[(a, status.area_counts(data, a)) for a in data.areas],
                  STATUS_HELP=STATUS_HELP)


def area_page(ctx: PageContext, area_id: str) -> str:
    data = ctx.data
    area = data.area(area_id)
    ids = list(area.measures)
    for _, _, action in data.actions(area):
        ids += [m for m in action.measures if m not in ids]
    counts = status.area_counts(data, area)
    measures = [data.measure(i) for i in ids]
    return render("area.md.j2", ctx, area=area, counts=counts,
                  breakdowns=breakdown_sections(ctx, data.breakdowns_for_area(area_id)),
                  measures=_measure_rows(ctx, measures),
                  visits=data.visits_for_area(area_id),
                  status_chart=figure_html(ctx, _status(ctx, counts, f"area {area.number}",
                                                        f"{area.id}-status")),
                  measures_chart=figure_html(ctx, _strip(
                      ctx, measures, title=f"Measures for area {area.number}",
                      name=f"{area.id}-measures")),
                  action_history=action_history(ctx, area))


def exceptions_page(ctx: PageContext) -> str:
    data = ctx.data
    rd = data.site.reporting_date
    delayed = [(area, a) for area, _, a in data.actions() if a.status == "delayed"]
    overdue = []  # (area, [(action, lateness)]), the latest first within each area
    for area in data.areas:
        late = [(a, lateness(a, rd)) for _, _, a in data.actions(area)]
        late = sorted(((a, when) for a, when in late if when), key=lambda item: -item[1].days)
        if late:
            overdue.append((area, late))
    counts = status.plan_counts(data)
    return render("exceptions.md.j2", ctx, delayed=delayed, overdue=overdue,
                  overdue_total=sum(len(items) for _, items in overdue),
                  both=sum(1 for _, a in delayed if status.is_overdue(a, rd)),
                  total=counts.total, counts=counts)


def scorecard_page(ctx: PageContext) -> str:
    data = ctx.data
    names: list[str] = []
    for m in data.measures:
        names += [c.name for c in m.comparators if c.name not in names]
    groups = [(g, _measure_rows(ctx, ms)) for g, ms in data.groups()]
    return render("scorecard.md.j2", ctx, groups=groups, comparator_names=names)


def measure_page(ctx: PageContext, measure_id: str) -> str:
    data = ctx.data
    m = data.measure(measure_id)
    rows = status.value_table(data, m)
    return render("measure.md.j2", ctx, m=m, st=status.measure_status(data, m), rows=rows,
                  breakdowns=breakdown_sections(ctx, data.breakdowns_for_measure(measure_id)),
                  chart=measure_chart(ctx, measure_id),
                  rag_history=measure_history(ctx, m),
                  commentary=data.commentary_of(measure_id),
                  areas=data.areas_for_measure(measure_id),
                  visits=data.visits_for_measure(measure_id))


def visits_page(ctx: PageContext) -> str:
    data = ctx.data
    chart = figure_html(ctx, _timeline(ctx)) if data.visits else ""
    return render("visits.md.j2", ctx, visits=list(reversed(data.visits)), chart=chart)


def visit_page(ctx: PageContext, visit_id: str) -> str:
    data = ctx.data
    v = data.visit(visit_id)
    j = data.site.judgements
    figure = _strip(ctx, [data.measure(m) for m in v.measures],
                    title="Measures linked to this visit", name=f"{v.id}-measures",
                    visit=v) or _timeline(ctx, v)
    return render("visit.md.j2", ctx, v=v, chart=figure_html(ctx, figure),
                  judgements=j if j and j.inspection == visit_id else None,
                  areas=[data.area(a) for a in v.areas],
                  measures=[data.measure(m) for m in v.measures])


def _breakdown(ctx: PageContext, breakdown):
    return ctx.figures.get(("breakdown", _dump(breakdown)),
                           lambda: bars.breakdown_figure(breakdown))


def breakdown_sections(ctx: PageContext, breakdowns) -> list:
    """(breakdown, its chart) for the pages a breakdown links to."""
    return [(b, figure_html(ctx, _breakdown(ctx, b))) for b in breakdowns]


def breakdown_page(ctx: PageContext, breakdown_id: str) -> str:
    data = ctx.data
    b = data.breakdown(breakdown_id)
    return render("breakdown.md.j2", ctx, b=b, chart=figure_html(ctx, _breakdown(ctx, b)),
                  areas=[data.area(a) for a in b.areas],
                  measures=[data.measure(m) for m in b.measures])


def providers_page(ctx: PageContext) -> str:
    data = ctx.data
    rows = [(p, status.latest_inspection(data, p), status.inspections_of(p))
            for p in data.providers]
    return render("providers.md.j2", ctx, rows=rows, counts=status.provider_grade_counts(data))


def glossary_page(ctx: PageContext) -> str:
    # Spellings that differ only in case and mean the same (CIN, CiN) are one term to a reader:
    # listed once, the other spelling named beside it. The abbreviations still expand both.
    # Same letters with different meanings stay separate entries, each with its own anchor.
    entries: dict[tuple[str, str], list[str]] = {}
    for term, meaning in ctx.data.glossary.items():
        entries.setdefault((term.lower(), meaning), []).append(term)
    terms, used = [], set()
    for (_, meaning), spellings in entries.items():
        slug = base = spellings[0].lower().replace(" ", "-")
        n = 1
        while slug in used:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug)
        terms.append((slug, spellings[0], spellings[1:], meaning))
    return render("glossary.md.j2", ctx, terms=terms)


def accessibility_page(ctx: PageContext) -> str:
    from improvement_site.pages.checks import last_checks
    return render("accessibility.md.j2", ctx, checks=last_checks())


# -- macros for hand-written pages ------------------------------------------------------------


def status_summary(ctx: PageContext, area_id: str | None = None) -> str:
    data = ctx.data
    if area_id:
        area = data.area(area_id)
        return render("status_summary.md.j2", ctx, counts=status.area_counts(data, area),
                      caption=f"Actions by status: {area.number}. {area.title}")
    return render("status_summary.md.j2", ctx, counts=status.plan_counts(data),
                  caption="Actions by status, whole plan")


def measure_summary(ctx: PageContext, *measure_ids: str) -> str:
    data = ctx.data
    measures = [data.measure(i) for i in measure_ids] if measure_ids else list(data.measures)
    return render("measure_summary.md.j2", ctx, rows=_measure_rows(ctx, measures),
                  caption="Measures, latest values")


def measure_chart(ctx: PageContext, measure_id: str) -> Markup:
    """A measure's chart with its description, data table and CSV."""
    data = ctx.data
    m = data.measure(measure_id)
    return figure_html(ctx, _measure_figure(ctx, m))


def status_chart(ctx: PageContext, area_id: str | None = None) -> Markup:
    """Actions by status as a chart, for the whole plan or one area."""
    data = ctx.data
    if area_id:
        area = data.area(area_id)
        return figure_html(ctx, _status(ctx, status.area_counts(data, area),
                                        f"area {area.number}", f"{area.id}-status"))
    return figure_html(ctx, _status(ctx, status.plan_counts(data), "the whole plan",
                                    "plan-status"))


def measures_chart(ctx: PageContext, *measure_ids: str) -> Markup:
    """Small multiples of the named measures (default: all)."""
    data = ctx.data
    measures = [data.measure(i) for i in measure_ids] if measure_ids else list(data.measures)
    return figure_html(ctx, _strip(ctx, measures, title="Measures", name="measures"))


# -- releases and history ---------------------------------------------------------------------


def changes_page(ctx: PageContext) -> str:
    from improvement_site.publish.changes import compare
    history = ctx.history
    previous = history.previous
    changes = compare(previous.data, ctx.data) if previous else None
    return render("changes.md.j2", ctx, history=history, previous=previous, changes=changes,
                  first_release=history.first)


def releases_page(ctx: PageContext) -> str:
    history = ctx.history
    return render("releases.md.j2", ctx, history=history, first_release=history.first,
                  snapshots=list(reversed(history.snapshots)),
                  links=_earlier_release_links(ctx, history))


def _earlier_release_links(ctx: PageContext, history) -> dict[str, str] | None:
    """Tag -> the address of that earlier release's home page, in a release only: mike puts
    each release in a folder named by its meeting's date beside this one, so they are
    reachable without the version menu (which needs JavaScript). Every earlier tag is
    linked, those whose data this version cannot read too: each tag is published as its own
    release (the build cannot see the publishing branch, so it trusts the tags). In any
    other build (a preview, a USB stick) the earlier releases are not beside it: None."""
    from improvement_site.publish.history import TAG_PATTERN
    if not ctx.release:
        return None
    tags = [snap.release.tag for snap in history.earlier] + list(history.unreadable)
    root = posixpath.dirname(ctx.url("index.md"))  # from this page to the release's root
    home = "" if ctx.use_directory_urls else "index.html"
    return {tag: posixpath.normpath(posixpath.join(root, "..", TAG_PATTERN.match(tag)[1]))
            + "/" + home for tag in tags}


def action_history(ctx: PageContext, area) -> tuple[list, list]:
    """Per action of the area, its status at each meeting (None where it did not exist)."""
    snapshots = ctx.history.snapshots
    if len(snapshots) < 2:
        return [], []
    by_release = [{a.id: status.status_of(a) for _, _, a in snap.data.actions()}
                  for snap in snapshots]
    rows = [(a, [statuses.get(a.id) for statuses in by_release])
            for _, _, a in ctx.data.actions(area)]
    return list(snapshots), rows


def measure_history(ctx: PageContext, measure) -> list:
    """The measure's RAG, value and direction as reported at each meeting."""
    out = []
    for snap in ctx.history.snapshots:
        if snap.data.has("measure", measure.id):
            out.append((snap, status.measure_status(snap.data, snap.data.measure(measure.id))))
    return out if len(out) > 1 else []


def progress_chart(ctx: PageContext) -> Markup:
    snapshots = ctx.history.snapshots
    if len(snapshots) < 2:
        return Markup("")
    points = [(snap.label, status.plan_counts(snap.data)) for snap in snapshots]
    key = ("progress", [(label, c.counts, c.overdue) for label, c in points])
    return figure_html(ctx, ctx.figures.get(key, lambda: progress_figure(points)))


def downloads_page(ctx: PageContext) -> str:
    from improvement_site.publish import downloads
    tables = [(name, *downloads.TABLES[name]) for name in downloads.tables_for(ctx.data)]
    return render("downloads.md.j2", ctx, tables=tables, counts=downloads.row_counts(ctx.data),
                  folder=downloads.FOLDER)
