"""The data contract, declared once.

Every field a council can write in `data/` is declared here with its type and help text. The
loader validates against these classes, the `validate` command reports against them, and
`docs/data-contract.md` is checked against them by a test, so a field cannot exist in one
place and not the others.

Models are frozen: once loaded, data flows one way and nothing downstream can change it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

STATUSES = ("complete", "on_track", "delayed", "not_started")
GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
UNITS = ("count", "percent", "rate_per_10000", "days")
POLARITIES = ("higher_is_better", "lower_is_better", "in_range")
RAGS = ("green", "amber", "red")
VISIT_KINDS = ("full_inspection", "monitoring_visit", "focused_visit", "jtai")
AUDIENCES = ("public", "committee")

_MONTH = re.compile(r"^\d{4}-\d{2}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    """Accept only ISO dates: a YAML date or a `YYYY-MM-DD` string.

    Pydantic on its own would read a bare number as a Unix timestamp, which would turn a
    mistyped `20220916` into a date in 1970 instead of an error.
    """
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DAY.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f'"{value}" is not a date; write it as YYYY-MM-DD, e.g. 2024-09-11')


def _month(value: Any) -> Any:
    """A month as `YYYY-MM` (YAML may hand us a date or a string)."""
    if isinstance(value, date):
        return value.strftime("%Y-%m")
    text = str(value).strip()
    if _MONTH.match(text):
        year, month = text.split("-")
        if 1 <= int(month) <= 12:
            return text
    raise ValueError(f'"{value}" is not a month; write it as YYYY-MM, e.g. 2023-09')


def _date_or_month(value: Any) -> Any:
    """A day, or only a month when the source gives no day (visits reported as 'July 2023')."""
    if isinstance(value, str) and _MONTH.match(value.strip()):
        return _month(value)
    try:
        return _iso_date(value)
    except ValueError:
        raise ValueError(f'"{value}" is not a date; write it as YYYY-MM-DD, or YYYY-MM when '
                         f"only the month is known") from None


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
DateOrMonth = Annotated[date | str, BeforeValidator(_date_or_month)]
Month = Annotated[str, BeforeValidator(_month)]
Id = Annotated[str, Field(pattern=ID_PATTERN)]
Text = Annotated[str, Field(min_length=1)]


class MarkdownText:
    """Marks a text field rendered as the safe Markdown subset (for the docs' field table)."""


Markdown = Annotated[str, MarkdownText()]
Audience = Literal["public", "committee"]


class Record(BaseModel):
    """Base for every record: unknown fields are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)

    # Where the record came from: (file relative to the site, line). Set by the loader so
    # later checks can point a comms officer at the right line.
    _where: tuple[str, int] = PrivateAttr(default=("", 0))
    _lines: dict[str, int] = PrivateAttr(default_factory=dict)

    def where(self, field: str | None = None) -> tuple[str, int]:
        path, line = self._where
        if field and field in self._lines:
            return path, self._lines[field]
        return path, line


# --- site.yaml ---------------------------------------------------------------------------


class Meeting(Record):
    committee: Text = Field(description="The committee the release is presented to.")
    date: IsoDate = Field(description="The date of the meeting.")
    title: Text = Field(description="The title of the report or agenda item.")
    papers_url: str | None = Field(None, description="Link to the committee papers.")
    recommendations: list[Markdown] = Field(
        default_factory=list, description="The report's recommendations, in order."
    )


class Grade(Record):
    area: Text = Field(description="The judgement, e.g. Overall effectiveness.")
    grade: Literal["outstanding", "good", "requires_improvement", "inadequate"] = Field(
        description="The grade given."
    )
    note: Markdown | None = Field(None, description="A qualification printed with the grade.")


class Judgements(Record):
    inspection: Id = Field(description="The id of the full inspection in visits.yaml.")
    grades: list[Grade] = Field(description="One row per judgement, in the report's order.")


class Site(Record):
    council: Text = Field(description="The council's name.")
    service: Text = Field(description="The service, e.g. Children's Integrated Services.")
    title: Text = Field(description="The site title.")
    reporting_date: IsoDate = Field(
        description="The 'as at' date: overdue, latest value and direction of travel are judged "
        "against it, never against the clock."
    )
    meeting: Meeting | None = Field(None, description="The committee meeting this release is for.")
    judgements: Judgements | None = Field(None, description="The last full inspection's grades.")
    contact: str | None = Field(
        None, description="Contact email, shown in the footer and the accessibility statement."
    )


# --- plan/*.yaml -------------------------------------------------------------------------


class Action(Record):
    id: Id = Field(description="Unique across the plan and stable across releases.")
    action: Text = Field(description="What will be done.")
    owner: str | None = Field(None, description="Who is responsible.")
    due: IsoDate | None = Field(None, description="The due date.")
    due_note: str | None = Field(None, description="Free text when no single due date fits.")
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


class Outcome(Record):
    text: Text = Field(description="The outcome for children and families.")
    actions: list[Action] = Field(default_factory=list, description="The actions towards it.")


class Area(Record):
    id: Id = Field(description="Unique and stable across releases; the page address.")
    number: int = Field(description="Orders the areas.")
    title: Text = Field(description="The area for improvement.")
    summary: Markdown | None = Field(None, description="An introduction to the area.")
    lead: str | None = Field(None, description="The lead officer.")
    measures: list[Id] = Field(default_factory=list, description="Measure ids tracked for it.")
    outcomes: list[Outcome] = Field(default_factory=list, description="Outcomes and actions.")
    audience: Audience = Field("public", description="public (default) or committee.")


# --- measures.yaml -----------------------------------------------------------------------


class Milestone(Record):
    by: Month = Field(description="The month the target applies up to, YYYY-MM.")
    value: float = Field(description="The target value.")


class Tolerance(Record):
    low: float | None = Field(None, description="Lowest acceptable value.")
    high: float | None = Field(None, description="Highest acceptable value.")


class Comparator(Record):
    name: Text = Field(description="e.g. Statistical neighbours, England.")
    value: float = Field(description="The comparator's value.")
    period: str | int | None = Field(None, description="The period it speaks for, e.g. 2022-23.")


class RagOverride(Record):
    rag: Literal["green", "amber", "red"] = Field(description="The RAG to show.")
    reason: Text = Field(description="Why the computed RAG is not shown; shown to readers.")


class Measure(Record):
    id: Id = Field(description="Unique; the page address.")
    name: Text = Field(description="The measure as readers know it.")
    group: str | None = Field(None, description="The scorecard section.")
    unit: Literal["count", "percent", "rate_per_10000", "days"] = Field(
        "count", description="count, percent, rate_per_10000 or days."
    )
    polarity: Literal["higher_is_better", "lower_is_better", "in_range"] | None = Field(
        None, description="Which direction is good."
    )
    target: float | None = Field(None, description="A single target.")
    targets: list[Milestone] = Field(default_factory=list, description="Target milestones.")
    tolerance: Tolerance | None = Field(None, description="The tolerance band.")
    comparators: list[Comparator] = Field(default_factory=list, description="Benchmarks.")
    definition: Markdown | None = Field(None, description="How the measure is defined.")
    source: str | None = Field(None, description="Where the figures come from.")
    note: Markdown | None = Field(None, description="A short note shown with the measure.")
    rag_override: RagOverride | None = Field(None, description="A RAG set by hand, with reason.")
    audience: Audience = Field("public", description="public (default) or committee.")


class Value(Record):
    """One row of measures.csv."""

    measure: Id
    period: str
    value: float | None
    note: str | None = None


# --- commentary.yaml ---------------------------------------------------------------------


class Commentary(Record):
    measure: Id = Field(description="The measure id it speaks about.")
    period: str | int = Field(description="YYYY-MM or YYYY-MM-DD, as in measures.csv.")
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
    number: int | None = Field(None, description="e.g. 5 for the fifth monitoring visit.")
    start: DateOrMonth = Field(
        description="First day on site, YYYY-MM-DD (or YYYY-MM when only the month is known)."
    )
    end: IsoDate | None = Field(None, description="Last day on site.")
    published: IsoDate | None = Field(None, description="When the letter was published.")
    focus: Text = Field(description="What the visit looked at.")
    inspectors: list[str] = Field(default_factory=list, description="Inspectors' names.")
    letter_url: str | None = Field(None, description="Link to the published letter or report.")
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


# Which model each data file is validated against, used by the loader and the docs test.
FILE_MODELS: dict[str, type[Record]] = {
    "site.yaml": Site,
    "plan/*.yaml": Area,
    "measures.yaml": Measure,
    "commentary.yaml": Commentary,
    "visits.yaml": Visit,
}
