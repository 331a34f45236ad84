"""The data contract, declared once.

Every field a council can write in `data/` is declared here with its type and help text. The
loader validates against these classes, the `validate` command reports against them, and
`docs/data-contract.md` is checked against them by a test, so a field cannot exist in one
place and not the others.

The kinds of value (an id, a name, a short text, Markdown, a number...) carry their own limits:
how long a text may be, which characters it may hold, how large a number may be; they are
declared in `fields` and re-exported here, so `schema.X` names every part of the contract.

Models are frozen: once loaded, data flows one way and nothing downstream can change it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from improvement_site.model.branding import BrandColour, LogoFile

from improvement_site.model.fields import (  # noqa: F401 - the contract's kinds, re-exported
    ID_PATTERN, STATUSES, GRADES, UNITS, POLARITIES, RAGS, VISIT_KINDS, AUDIENCES,
    PROVIDER_KINDS, Kind, ID, NAME, TEXT, LINK, MARKDOWN, TEXT_KINDS, NUMBER, WHOLE_NUMBER,
    DATE, MONTH, DATE_OR_MONTH, PERIOD, FLAG, NUMBER_LIMIT, NUMBER_ADVICE,
    FORBIDDEN_CHARACTERS, character_problem, number_problem, date_problem, IsoDate,
    DateOrMonth, Month, Period, Flag, Id, Name, Text, Link, Markdown, Number, WholeNumber,
    Audience, required, Record,
)

Grades = Literal["outstanding", "good", "requires_improvement", "inadequate"]
# How many days old a status review or a latest value may be before the site calls it not
# recent (the contract's default).
STALE_AFTER_DAYS = 120

# --- site.yaml ---------------------------------------------------------------------------


class Meeting(Record):
    committee: Name = required("The committee the release is presented to.")
    date: IsoDate = Field(description="The date of the meeting.")
    title: Name = required("The title of the report or agenda item.")
    papers_url: Link | None = Field(None, description="Link to the committee papers.")
    recommendations: list[Markdown] = Field(
        default_factory=list, description="The report's recommendations, in order."
    )


class Grade(Record):
    area: Name = required("The judgement, e.g. Overall effectiveness.")
    grade: Grades = Field(description="The grade given.")
    note: Markdown | None = Field(None, description="A qualification printed with the grade.")


class Judgements(Record):
    inspection: Id = Field(description="The id of the full inspection in visits.yaml.")
    grades: list[Grade] = Field(description="One row per judgement, in the report's order.")


class RagRules(Record):
    in_range_amber: Literal["never", "off_target"] = Field(
        "never", description="never (default): an in_range measure is Green inside its "
        "tolerance, Red outside. off_target: one with a target is Green only at the target, "
        "Amber elsewhere inside the tolerance, Red outside.")


class Site(Record):
    council: Name = required("The council's name.")
    service: Name = required("The service, e.g. Children's Integrated Services.")
    title: Name = required("The site title.")
    reporting_date: IsoDate = Field(
        description="The 'as at' date: overdue, latest value and direction of travel are judged "
        "against it, never against the clock."
    )
    meeting: Meeting | None = Field(None, description="The committee meeting this release is for.")
    judgements: Judgements | None = Field(None, description="The last full inspection's grades.")
    contact: Text | None = Field(
        None, description="Contact email, shown in the footer and the accessibility statement."
    )
    stale_after_days: Annotated[WholeNumber, Field(ge=0)] = Field(
        STALE_AFTER_DAYS, description="A status review or latest value older than this many "
        "days before reporting_date is shown as not recent (default 120).")
    rag_rules: RagRules | None = Field(None, description="Rating rules the site opts into.")
    logo: LogoFile | None = Field(
        None, description="The council's logo, an .svg or .png file in data/, shown in the "
        "header.")
    brand_colour: BrandColour | None = Field(
        None, description="The header's background and the links' colour, #rrggbb; it must "
        "give white text a contrast of at least 4.5:1.")


# --- plan/*.yaml -------------------------------------------------------------------------


class Action(Record):
    id: Id = Field(description="Unique across the plan and stable across releases.")
    action: Text = required("What will be done.")
    owner: Text | None = Field(None, description="Who is responsible.")
    due: IsoDate | None = Field(None, description="The due date.")
    due_note: Text | None = Field(None, description="Free text when no single due date fits.")
    status: Literal["complete", "on_track", "delayed", "not_started"] | None = Field(
        None, description="Omitted means not yet rated."
    )
    progress: Markdown | None = Field(None, description="Progress so far.")
    impact: Markdown | None = Field(None, description="The difference made for children.")
    measures: list[Id] = Field(default_factory=list, description="Related measure ids.")
    revised_due: IsoDate | None = Field(None, description="The new due date after a delay.")
    delay_reason: Markdown | None = Field(None, description="Required when status is delayed.")
    mitigation: Markdown | None = Field(None, description="Required when status is delayed.")
    audience: Audience = Field("public", description="public (default) or committee.")
    reviewed: IsoDate | None = Field(
        None, description="When this action's status was last reviewed; wins over the area's.")


class Outcome(Record):
    text: Text = required("The outcome for children and families.")
    actions: list[Action] = Field(default_factory=list, description="The actions towards it.")


class Update(Record):
    """One report of an area's progress, under the three headings committee reports use."""

    as_at: IsoDate = Field(description="The date the report speaks for; not after "
                           "reporting_date.")
    taken: Markdown | None = Field(None, description='"What we have done".')
    planned: Markdown | None = Field(None, description='"What we will do next".')
    impact: Markdown | None = Field(None, description='"What difference it has made".')
    audience: Audience = Field("public", description="public (default) or committee.")


class Area(Record):
    id: Id = Field(description="Unique and stable across releases; the page address.")
    number: WholeNumber = Field(description="Orders the areas.")
    title: Name = required("The area for improvement.")
    summary: Markdown | None = Field(None, description="An introduction to the area.")
    lead: Text | None = Field(None, description="The lead officer.")
    measures: list[Id] = Field(default_factory=list, description="Measure ids tracked for it.")
    outcomes: list[Outcome] = Field(default_factory=list, description="Outcomes and actions.")
    audience: Audience = Field("public", description="public (default) or committee.")
    reviewed: IsoDate | None = Field(
        None, description="When the area's statuses and progress were last reviewed.")
    updates: list[Update] = Field(default_factory=list,
                                  description="The area's narrative report, one per report.")


# --- measures.yaml -----------------------------------------------------------------------


class Milestone(Record):
    by: Month = Field(description="The month the target applies up to, YYYY-MM.")
    value: Number = Field(description="The target value.")


class Baseline(Record):
    period: Month = Field(description="The month a linear trajectory starts from, YYYY-MM.")
    value: Number = Field(description="The value it starts from, e.g. 0 for a count that "
                          "starts each April.")


class Tolerance(Record):
    low: Number | None = Field(None, description="Lowest acceptable value.")
    high: Number | None = Field(None, description="Highest acceptable value.")


class Comparator(Record):
    name: Name = required("e.g. Statistical neighbours, England.")
    value: Number = Field(description="The comparator's value.")
    period: Text | WholeNumber | None = Field(
        None, description="The period it speaks for, e.g. 2022-23.")


class RagOverride(Record):
    rag: Literal["green", "amber", "red"] = Field(description="The RAG to show.")
    reason: Text = required("Why the computed RAG is not shown; shown to readers.")


class Measure(Record):
    id: Id = Field(description="Unique; the page address.")
    name: Name = required("The measure as readers know it.")
    group: Name | None = Field(None, description="The scorecard section.")
    unit: Literal["count", "percent", "rate_per_10000", "days"] = Field(
        "count", description="count, percent, rate_per_10000 or days."
    )
    polarity: Literal["higher_is_better", "lower_is_better", "in_range"] | None = Field(
        None, description="Which direction is good."
    )
    target: Number | None = Field(None, description="A single target.")
    targets: list[Milestone] = Field(default_factory=list, description="Target milestones.")
    tolerance: Tolerance | None = Field(None, description="The tolerance band.")
    comparators: list[Comparator] = Field(default_factory=list, description="Benchmarks.")
    definition: Markdown | None = Field(None, description="How the measure is defined.")
    source: Text | None = Field(None, description="Where the figures come from.")
    note: Markdown | None = Field(None, description="A short note shown with the measure.")
    rag_override: RagOverride | None = Field(None, description="A RAG set by hand, with reason.")
    audience: Audience = Field("public", description="public (default) or committee.")
    targets_mode: Literal["step", "linear"] = Field(
        "step", description="step (default): a period's target is the first milestone on or "
        "after it. linear: interpolated month by month between milestones (from baseline).")
    baseline: Baseline | None = Field(
        None, description="Where a linear trajectory starts: {period, value}.")
    polarity_assumed: Flag = Field(
        False, description="true when the source does not print which way is better and the "
        "polarity is this site's assumption; the pages say so.")


class Value(Record):
    """One row of measures.csv (checked cell by cell by the loader, with the same rules)."""

    measure: Id
    period: str
    value: Number | None
    note: Text | None = None


# --- commentary.yaml ---------------------------------------------------------------------


class Commentary(Record):
    measure: Id = Field(description="The measure id it speaks about.")
    period: Text | WholeNumber = Field(description="YYYY-MM or YYYY-MM-DD, as in measures.csv.")
    working_well: Markdown | None = Field(None, description="What's working well?")
    worried: Markdown | None = Field(None, description="What are we worried about?")
    doing: Markdown | None = Field(None, description="What are we doing about it?")
    audience: Audience = Field("public", description="public (default) or committee.")


# --- visits.yaml -------------------------------------------------------------------------


class Visit(Record):
    """An inspection or visit. `start` may be a month only: the seeds often give no day, and
    the site must not invent one."""

    id: Id = Field(description="Unique; the page address.")
    kind: Literal["full_inspection", "monitoring_visit", "focused_visit", "jtai"] = Field(
        description="full_inspection, monitoring_visit, focused_visit or jtai."
    )
    number: WholeNumber | None = Field(None, description="e.g. 5 for the fifth monitoring visit.")
    start: DateOrMonth = Field(
        description="First day on site, YYYY-MM-DD (or YYYY-MM when only the month is known)."
    )
    end: IsoDate | None = Field(None, description="Last day on site.")
    published: IsoDate | None = Field(None, description="When the letter was published.")
    published_undated: Flag = Field(
        False, description="true when the letter was published but the source gives no date; "
        "never with published.")
    focus: Text = required("What the visit looked at.")
    inspectors: list[Name] = Field(default_factory=list, description="Inspectors' names.")
    letter_url: Link | None = Field(None, description="Link to the published letter or report.")
    areas: list[Id] = Field(default_factory=list, description="Plan area ids it concerns.")
    measures: list[Id] = Field(default_factory=list, description="Measure ids it concerns.")
    summary: Markdown | None = Field(None, description="Headline findings.")
    strengths: list[Markdown] = Field(default_factory=list, description="What is working.")
    development: list[Markdown] = Field(default_factory=list, description="Areas for development.")
    audience: Audience = Field("public", description="public (default) or committee.")

    @property
    def start_date(self) -> date:
        """The first day the visit could have started, for ordering and charts."""
        if isinstance(self.start, date):
            return self.start
        return date.fromisoformat(self.start + "-01")


# --- breakdowns.yaml ----------------------------------------------------------------------


class Category(Record):
    name: Name = required("The category as the source names it.")
    value: Number = Field(description="Its count or percentage.")
    note: Text | None = Field(None, description="A note on this category.")


class Breakdown(Record):
    """A one-off table of categories: children in care by placement type, say."""

    id: Id = Field(description="Unique; the page address.")
    title: Name = required("What the table shows.")
    period: Period = Field(description="YYYY-MM or YYYY-MM-DD: when the figures are for.")
    unit: Literal["count", "percent"] = Field("count", description="count or percent.")
    categories: list[Category] = Field(min_length=1,
                                       description="The categories, shown in this order.")
    total: Number | None = Field(None, description="If given, must equal the sum of the "
                                 "categories.")
    areas: list[Id] = Field(default_factory=list, description="Plan area ids it belongs to.")
    measures: list[Id] = Field(default_factory=list, description="Measure ids it belongs to.")
    note: Markdown | None = Field(None, description="A note shown with the table.")
    audience: Audience = Field("public", description="public (default) or committee.")


# --- providers.yaml -----------------------------------------------------------------------


class ProviderInspection(Record):
    date: IsoDate = Field(description="The date of the inspection.")
    grade: Grades = Field(description="outstanding, good, requires_improvement or inadequate.")
    url: Link | None = Field(None, description="Link to the report.")
    note: Markdown | None = Field(None, description="A note on the inspection.")


class Provider(Record):
    """One of the council's own registered services: a children's home, say."""

    id: Id = Field(description="Unique.")
    name: Name = required("As the council publishes it.")
    kind: Literal["childrens_home", "fostering_agency", "adoption_agency", "other"] = Field(
        "other", description="childrens_home, fostering_agency, adoption_agency or other.")
    places: Annotated[WholeNumber, Field(ge=0)] | None = Field(None,
                                                               description="Registered places.")
    inspections: list[ProviderInspection] = Field(
        default_factory=list, description="In any order; the site sorts them by date.")
    audience: Audience = Field("public", description="public (default) or committee.")


# Which model each data file is validated against, used by the loader and the docs test.
FILE_MODELS: dict[str, type[Record]] = {
    "site.yaml": Site,
    "plan/*.yaml": Area,
    "measures.yaml": Measure,
    "commentary.yaml": Commentary,
    "visits.yaml": Visit,
    "breakdowns.yaml": Breakdown,
    "providers.yaml": Provider,
}
