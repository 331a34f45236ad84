"""The places the committee paper will show contract v2 data (issue 12), in one module.

Each function returns "nothing to say" today, because the model does not yet carry the field;
the builder already prints whatever they return, in the right place. Wiring each one is a
one-line change here, with the API names issue 12 gives:

| function here | fill with | shown |
| --- | --- | --- |
| `area_update` | `sitedata.latest_update(area)` | each area, before its actions |
| `counts_caveat` | `labels.stale_caveat(counts)` | after each count of overdue / on-track actions |
| `action_reviewed` | `status.review_date(...)` | in each action's status |
| `value_caveat` | `status.is_stale(...)` | after a measure's latest value (scorecard and measure) |
| `breakdowns`, `providers` | the new records | sections after the measures / the visits |
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup


@dataclass(frozen=True)
class AreaUpdate:
    """An area's narrative update: what was done, what is planned, the difference made."""

    as_at: str  # in words: 26 January 2023
    taken: Markup | None = None
    planned: Markup | None = None
    impact: Markup | None = None
    committee: bool = False


def area_update(data, area, text) -> AreaUpdate | None:
    """The area's newest update on or before the reporting date (contract v2 `updates`).
    To wire: `sitedata.latest_update(area)`, its Markdown fields through `text.block`."""
    return None


def counts_caveat(data, counts) -> str:
    """Words after a count of overdue or on-track actions when statuses are not recent,
    e.g. ", on statuses last reviewed 12 December 2022". To wire: `labels.stale_caveat(counts)`."""
    return ""


def action_reviewed(data, area, action) -> str:
    """"Status last reviewed 19 December 2022" when the action's status is not recent.
    To wire: `status.review_date(...)` with `status.is_stale(...)`."""
    return ""


def value_caveat(data, measure, measure_status) -> str:
    """"Latest value is from November 2022" when the measure's latest value is not recent.
    To wire: `status.is_stale(...)`."""
    return ""


def breakdowns(data, text) -> list:
    """Blocks (`blocks.Heading`, `blocks.Table`...) for contract v2 breakdowns, one-off tables
    of categories, printed after the measures; none yet."""
    return []


def providers(data, text) -> list:
    """Blocks for contract v2 providers (the council's registered services and their latest
    grades), printed after the visits; none yet."""
    return []
