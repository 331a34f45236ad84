"""The data behind the site, for readers to take away: the whole data set as CSV and JSON,
and a CSV per area. Written from the same (audience-filtered) model the pages are made from,
so a public download can hold nothing the public pages do not.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from improvement_site.model import status
from improvement_site.model.sitedata import SiteData

FOLDER = "downloads"


def csv_text(columns: tuple[str, ...] | list[str], rows) -> str:
    """CSV that spreadsheet programs open safely: a text cell that starts with = + - @, or a
    tab or carriage return (which spreadsheets skip before reading a formula), would run as a
    formula, so it gets a leading apostrophe (numbers are left alone). Headers too: a chart's
    columns can be named after a measure."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([_safe_cell(c) for c in columns])
    for row in rows:
        writer.writerow([_safe_cell(c) for c in row])
    return out.getvalue()


def _plain(value):
    """807.0 reads 807: whole numbers without a decimal point."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_FORMULA_STARTS = "=+-@\t\r"


def _safe_cell(cell):
    cell = _plain(cell)
    if isinstance(cell, str) and cell and cell[0] in _FORMULA_STARTS and not _is_number(cell):
        return "'" + cell
    return "" if cell is None else cell


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "").rstrip("%"))
        return True
    except ValueError:
        return False


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str


PLAN_COLUMNS = (
    Column("area_id", "The improvement area's id (its page address)."),
    Column("area_number", "The area's number in the plan."),
    Column("area_title", "The area for improvement."),
    Column("outcome", "The outcome for children and families the action serves."),
    Column("action_id", "The action's id, stable across releases."),
    Column("action", "What will be done."),
    Column("owner", "Who is responsible."),
    Column("due", "The due date (YYYY-MM-DD)."),
    Column("due_note", "The due date as text, when no single date fits."),
    Column("revised_due", "The revised due date after a delay."),
    Column("status", "complete, on_track, delayed, not_started, or not_rated."),
    Column("status_label", "The status as readers see it, e.g. In progress and on schedule."),
    Column("overdue", "yes when the (revised) due date is before the reporting date and the "
                      "action is not complete."),
    Column("progress", "Progress so far (Markdown)."),
    Column("impact", "The difference made (Markdown)."),
    Column("delay_reason", "Why a delayed action is delayed."),
    Column("mitigation", "What is being done about a delay."),
    Column("measures", "Ids of related measures, separated by semicolons."),
    Column("reviewed", "The date the plan gives the status as at (the action's date, else "
                       "its area's); empty when the plan does not say."),
    Column("status_not_recent", "yes when that date is more than the site's "
                                "stale_after_days before the reporting date; empty when "
                                "there is no such date."),
)
MEASURE_COLUMNS = (
    Column("measure_id", "The measure's id (its page address)."),
    Column("name", "The measure as readers know it."),
    Column("group", "The scorecard section."),
    Column("unit", "count, percent, rate_per_10000 or days."),
    Column("polarity", "higher_is_better, lower_is_better or in_range."),
    Column("latest_period", "The period of the latest value on or before the reporting date."),
    Column("latest_value", "That value; empty when there is none."),
    Column("target", "The target in force for the latest period."),
    Column("tolerance_low", "The lowest acceptable value."),
    Column("tolerance_high", "The highest acceptable value."),
    Column("rag", "green, amber or red as shown (empty: no RAG)."),
    Column("computed_rag", "The RAG the rules give, when the shown one was set by hand."),
    Column("rag_reason", "Why the RAG was set by hand."),
    Column("direction", "improving, worsening or no_change."),
    Column("comparators", "Comparator name=value (period), separated by semicolons."),
    Column("definition", "How the measure is defined."),
    Column("source", "Where the figures come from."),
    Column("latest_not_recent", "yes when the latest value's period ended more than the "
                                "site's stale_after_days before the reporting date."),
)
VALUE_COLUMNS = (
    Column("measure_id", "The measure's id."),
    Column("period", "YYYY-MM (a month) or YYYY-MM-DD (a snapshot date)."),
    Column("value", "The value; empty when not available."),
    Column("note", "A note on the value."),
    Column("target", "The target in force for the period."),
    Column("rag", "The value's RAG by the rules (empty: none)."),
)
VISIT_COLUMNS = (
    Column("visit_id", "The visit's id (its page address)."),
    Column("kind", "full_inspection, monitoring_visit, focused_visit or jtai."),
    Column("number", "The visit's number, e.g. 5 for the fifth monitoring visit."),
    Column("start", "First day on site (or the month, when only that is known)."),
    Column("end", "Last day on site."),
    Column("published", "When the letter or report was published."),
    Column("focus", "What the visit looked at."),
    Column("inspectors", "Inspectors, separated by semicolons."),
    Column("areas", "Ids of the improvement areas it concerns, separated by semicolons."),
    Column("measures", "Ids of the measures it concerns, separated by semicolons."),
    Column("summary", "Headline findings (Markdown)."),
    Column("strengths", "Strengths, separated by blank lines."),
    Column("development", "Areas for development, separated by blank lines."),
    Column("published_undated", "yes when the letter was published but the source gives no "
                                "date (published is then empty)."),
)
COMMENTARY_COLUMNS = (
    Column("measure_id", "The measure the commentary is about."),
    Column("period", "The period it speaks for."),
    Column("working_well", "What's working well?"),
    Column("worried", "What are we worried about?"),
    Column("doing", "What are we doing about it?"),
)
UPDATE_COLUMNS = (
    Column("area_id", "The improvement area the report is about."),
    Column("area_number", "The area's number in the plan."),
    Column("as_at", "The date the report speaks for (YYYY-MM-DD)."),
    Column("taken", "What we have done (Markdown)."),
    Column("planned", "What we will do next (Markdown)."),
    Column("impact", "What difference it has made (Markdown)."),
    Column("latest", "yes for the area's newest report."),
)
BREAKDOWN_COLUMNS = (
    Column("breakdown_id", "The breakdown's id (its page address)."),
    Column("title", "What the table shows."),
    Column("period", "When the figures are for: YYYY-MM or YYYY-MM-DD."),
    Column("unit", "count or percent."),
    Column("category", "The category, one row each, in the table's order."),
    Column("value", "The category's count or percentage."),
    Column("category_note", "A note on the category."),
    Column("total", "The total the source gives (the sum of the categories); empty when it "
                    "gives none."),
    Column("areas", "Ids of the improvement areas it belongs to, separated by semicolons."),
    Column("measures", "Ids of the measures it belongs to, separated by semicolons."),
    Column("note", "A note on the table (Markdown)."),
)
PROVIDER_COLUMNS = (
    Column("provider_id", "The service's id."),
    Column("name", "The service as the council publishes it."),
    Column("kind", "childrens_home, fostering_agency, adoption_agency or other."),
    Column("places", "Registered places."),
    Column("inspection_date", "The date of an inspection, one row each (empty: none yet)."),
    Column("grade", "outstanding, good, requires_improvement or inadequate."),
    Column("grade_label", "The grade as readers see it, e.g. Requires improvement to be good."),
    Column("latest", "yes for the newest inspection on or before the reporting date."),
    Column("url", "Link to the inspection report."),
    Column("note", "A note on the inspection (Markdown)."),
)
TABLES = {
    "plan": ("Every action of the improvement plan", PLAN_COLUMNS),
    "measures": ("Every measure, with its latest position", MEASURE_COLUMNS),
    "values": ("Every value of every measure", VALUE_COLUMNS),
    "visits": ("The inspection and every visit", VISIT_COLUMNS),
    "commentary": ("Commentary under the three questions", COMMENTARY_COLUMNS),
    "updates": ("Each improvement area's progress reports", UPDATE_COLUMNS),
    "breakdowns": ("Every category of every breakdown table", BREAKDOWN_COLUMNS),
    "providers": ("The council's own services and their inspections", PROVIDER_COLUMNS),
}
# Written only when the site has such records: a site without breakdowns offers no empty file.
OPTIONAL = ("updates", "breakdowns", "providers")


def _text(value) -> str:
    return "" if value is None else str(value)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def plan_rows(data: SiteData, area=None) -> list[tuple]:
    rd = data.site.reporting_date
    return [(a.id, a.number, a.title, o.text, x.id, x.action, x.owner, _text(x.due),
             x.due_note, _text(x.revised_due), status.status_of(x),
             status.STATUS_LABELS[status.status_of(x)],
             _yes(status.is_overdue(x, rd)), x.progress, x.impact,
             x.delay_reason, x.mitigation, ";".join(x.measures),
             _text(status.review_date(a, x)),
             _yes(status.is_stale(data, a, x)) if status.review_date(a, x) else None)
            for a, o, x in data.actions(area)]


def measure_rows(data: SiteData) -> list[tuple]:
    rows = []
    for m in data.measures:
        st = status.measure_status(data, m)
        tol = m.tolerance
        rows.append((
            m.id, m.name, m.group, m.unit, m.polarity,
            st.latest.period if st.latest else None, st.latest.value if st.latest else None,
            st.target, tol.low if tol else None, tol.high if tol else None, st.rag,
            st.computed_rag if st.override_reason else None, st.override_reason,
            st.direction,
            ";".join(f"{c.name}={c.value:g}" + (f" ({c.period})" if c.period is not None else "")
                     for c in m.comparators),
            m.definition, m.source, _yes(st.stale) if st.latest else None))
    return rows


def value_rows(data: SiteData) -> list[tuple]:
    return [(v.measure, v.period, v.value, v.note, target, rag)
            for m in data.measures for v, target, rag in status.value_table(data, m)]


def visit_rows(data: SiteData) -> list[tuple]:
    return [(v.id, v.kind, v.number, _text(v.start), _text(v.end), _text(v.published), v.focus,
             ";".join(v.inspectors), ";".join(v.areas), ";".join(v.measures), v.summary,
             "\n\n".join(v.strengths), "\n\n".join(v.development),
             "yes" if v.published_undated else "no") for v in data.visits]


def commentary_rows(data: SiteData) -> list[tuple]:
    return [(c.measure, str(c.period), c.working_well, c.worried, c.doing)
            for c in data.commentary]


def update_rows(data: SiteData) -> list[tuple]:
    rows = []
    for area in data.areas:
        latest = data.latest_update(area)
        rows += [(area.id, area.number, _text(u.as_at), u.taken, u.planned, u.impact,
                  _yes(u is latest)) for u in data.updates_of(area)]
    return rows


def breakdown_rows(data: SiteData) -> list[tuple]:
    return [(b.id, b.title, b.period, b.unit, c.name, c.value, c.note, b.total,
             ";".join(b.areas), ";".join(b.measures), b.note)
            for b in data.breakdowns for c in b.categories]


def provider_rows(data: SiteData) -> list[tuple]:
    from improvement_site.model.labels import GRADE_LABELS
    rows = []
    for p in data.providers:
        latest = status.latest_inspection(data, p)
        head = (p.id, p.name, p.kind, p.places)
        rows += [(*head, _text(i.date), i.grade, GRADE_LABELS[i.grade], _yes(i is latest),
                  i.url, i.note) for i in status.inspections_of(p)]
        if not p.inspections:
            rows.append((*head, None, None, None, None, None, None))
    return rows


ROWS = {"plan": plan_rows, "measures": measure_rows, "values": value_rows,
        "visits": visit_rows, "commentary": commentary_rows, "updates": update_rows,
        "breakdowns": breakdown_rows, "providers": provider_rows}


def tables_for(data: SiteData, rows: dict[str, list] | None = None) -> list[str]:
    """The tables this site's downloads hold: every one, less the optional ones it has no
    records for."""
    counts = {name: len(rows[name]) for name in rows} if rows else row_counts(data)
    return [name for name in TABLES if name not in OPTIONAL or counts[name]]


def data_json(data: SiteData, rows: dict[str, list] | None = None) -> str:
    """Everything in one JSON file: the records as written, plus the derived facts."""
    rows = rows or {name: ROWS[name](data) for name in TABLES}
    tables = {}
    for name in tables_for(data, rows):
        keys = [c.name for c in TABLES[name][1]]
        tables[name] = [dict(zip(keys, map(_plain, row))) for row in rows[name]]
    site = data.site.model_dump(mode="json")
    document = {"site": site, **tables}
    # One record a line: readable, diffable, and far quicker to write than full indentation.
    return ("{\n" + ",\n".join(
        f"{json.dumps(key)}: " + (json.dumps(value, ensure_ascii=False, sort_keys=True)
                                  if key == "site" else
                                  "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False,
                                                                 sort_keys=True)
                                                      for r in value) + "\n]")
        for key, value in sorted(document.items())) + "\n}\n")


def write(data: SiteData, site_dir: Path) -> list[Path]:
    """Write every download into the built site; returns the files written."""
    folder = Path(site_dir) / FOLDER
    (folder / "plan").mkdir(parents=True, exist_ok=True)
    written = []
    rows = {name: ROWS[name](data) for name in TABLES}
    for name in tables_for(data, rows):
        columns = TABLES[name][1]
        path = folder / f"{name}.csv"
        path.write_text(csv_text([c.name for c in columns], rows[name]), encoding="utf-8")
        written.append(path)
    path = folder / "data.json"
    path.write_text(data_json(data, rows), encoding="utf-8")
    written.append(path)
    for area in data.areas:
        path = folder / "plan" / f"{area.id}.csv"
        path.write_text(csv_text([c.name for c in PLAN_COLUMNS], plan_rows(data, area)),
                        encoding="utf-8")
        written.append(path)
    return written


def row_counts(data: SiteData) -> dict[str, int]:
    return {name: len(ROWS[name](data)) for name in TABLES}
