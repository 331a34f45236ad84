"""The kinds of value in the data contract and their limits: ids, names, texts, Markdown,
numbers, dates. Each kind is checked here, before anything is built, because a page, a chart or
the Markdown renderer that meets such a value fails later with no file or line to point at.
The records that use them are in `schema`.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr

from improvement_site.model.markdown_rules import markdown_problem

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

STATUSES = ("complete", "on_track", "delayed", "not_started")
GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
UNITS = ("count", "percent", "rate_per_10000", "days")
POLARITIES = ("higher_is_better", "lower_is_better", "in_range")
RAGS = ("green", "amber", "red")
VISIT_KINDS = ("full_inspection", "monitoring_visit", "focused_visit", "jtai")
AUDIENCES = ("public", "committee")
PROVIDER_KINDS = ("childrens_home", "fostering_agency", "adoption_agency", "other")

# [0-9], not \d: \d, int() and date.fromisoformat each accept other scripts' digits
# (Arabic-Indic ٢٠٢٤, full-width ２０２４), and not always the same ones, so such a date got past
# validation and crashed the build.
_MONTH = re.compile(r"^[0-9]{4}-[0-9]{2}$")
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"]


# --- kinds of value and their limits ------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """What a field holds, as the docs name it, with the longest text it may be."""

    name: str
    limit: int | None = None
    examples: str = ""


ID = Kind("id", 100, "`front-door-07`, `cp-rate`")
NAME = Kind("name", 500, "council, titles, measure name, group, comparator name, inspectors, "
            "glossary terms, breakdown categories, provider names")
TEXT = Kind("text", 1_500, "action, owner, lead, due_note, outcome, source, focus, periods, "
            "notes in measures.csv, glossary meanings")
LINK = Kind("link", 2_000, "papers_url, letter_url")
MARKDOWN = Kind("Markdown", 20_000, "progress, impact, summaries, commentary, findings, "
                "progress reports, notes")
TEXT_KINDS = (ID, NAME, TEXT, LINK, MARKDOWN)
NUMBER = Kind("number")
WHOLE_NUMBER = Kind("whole number")
DATE = Kind("date")
MONTH = Kind("month (YYYY-MM)")
DATE_OR_MONTH = Kind("date, or month (YYYY-MM)")
PERIOD = Kind("period (YYYY-MM or YYYY-MM-DD)")
FLAG = Kind("true/false")

# Every number in the data (targets, tolerances, comparators, values, area numbers) is at most
# a million million either way: past that it is a typing slip or a pasted cell reference, and
# charts and arithmetic stop meaning anything.
NUMBER_LIMIT = 10**12
NUMBER_ADVICE = "write a number from -1,000,000,000,000 to 1,000,000,000,000"

# How many records a data file may hold, and values a measure: far above any plan (a large
# council's plan has a few hundred actions, 200 measures of 60 months), and checked while the
# file is read, before anything is built: 100,000 values of one measure took 76 s to build into
# a 28 MB page, and 850,000 passed validation and then ran a build out of memory.
MAX_VALUES_PER_MEASURE = 1_000  # 80 years of months
MAX_VALUE_ROWS = 100_000  # rows of measures.csv
MAX_RECORDS_PER_FILE = 10_000  # sets of fields (records) in one YAML file, or glossary terms

# Characters no text may hold: control characters other than tab and line feed (a carriage
# return is only ever part of a line ending, and the loader reads line endings as line feeds),
# halves of surrogate pairs, and U+FFFE/U+FFFF. XML cannot hold them, so the SVG renderer
# aborts on them; none of them can be seen on a page.
FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def character_problem(text: str) -> str | None:
    """What is wrong with the characters of a text, or None: the first bad one, where it is."""
    found = FORBIDDEN_CHARACTERS.search(text)
    if not found:
        return None
    code = ord(found.group())
    more = len(FORBIDDEN_CHARACTERS.findall(text)) - 1
    where = f"at position {found.start() + 1}" + (f" (and {more} more)" if more else "")
    if code < 0xD800:
        return f"contains a control character (U+{code:04X}) {where}; remove it"
    return f"contains U+{code:04X}, which is not a character, {where}; remove it"


def _characters(value: Any) -> Any:
    if isinstance(value, str):
        problem = character_problem(value)
        if problem:
            raise ValueError(problem)
    return value


def number_problem(value: int | float) -> str | None:
    """The one rule for every number in the data, in YAML fields and in measures.csv: finite
    and within NUMBER_LIMIT. Returns what is wrong ("is infinite") or None."""
    if isinstance(value, float):
        if math.isnan(value):
            return "is NaN (not a number)"
        if math.isinf(value):
            return "is infinite"
    if abs(value) > NUMBER_LIMIT:
        return "is too large"
    return None


_DIGITS = re.compile(r"[-+]?[0-9][0-9_]*")


def _number_check(whole: bool):
    what = "a whole number" if whole else "a number"

    def check(value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(f"should be {what}, found {'true' if value else 'false'}")
        if isinstance(value, str):  # quoted "٩٠": say why it is not a number
            _only_ascii_digits(value.strip(), what, "90")
        if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
            # YAML hands over an integer too long for Python to convert as its digits.
            digits = sum(c.isdigit() for c in value)
            if digits > 15:
                raise ValueError(f"has {digits:,} digits, far too many; {NUMBER_ADVICE}")
        if isinstance(value, (int, float)):
            problem = number_problem(value)
            if problem == "is too large":
                shown = f"{value:,}" if isinstance(value, int) and abs(value) < 10**24 else (
                    f"{value:g}" if isinstance(value, float) else "")
                if not shown:
                    raise ValueError(f"has {len(str(abs(value))):,} digits, far too many; "
                                     f"{NUMBER_ADVICE}")
                raise ValueError(f"{shown} is too large; {NUMBER_ADVICE}")
            if problem:
                raise ValueError(f"{problem}; {NUMBER_ADVICE}")
        return value

    check.__name__ = "_whole_number" if whole else "_number"
    return check


# --- dates --------------------------------------------------------------------------------


PERIOD_EXAMPLE = "2024-04 (a month) or 2024-04-17 (a snapshot date)"


def digits_problem(text: str, what: str, example: str) -> str | None:
    """What is wrong when a date, month or number is written with digits other than 0-9."""
    other = next((c for c in text if c.isdecimal() and not "0" <= c <= "9"), None)
    if other is None:
        return None
    return (f'"{text}" has a digit other than 0-9 ("{other}"); {what} must be written with '
            f"the digits 0-9, such as {example}")


def _only_ascii_digits(value: Any, what: str, example: str) -> None:
    problem = digits_problem(value, what, example) if isinstance(value, str) else None
    if problem:
        raise ValueError(problem)


def date_problem(text: str) -> str | None:
    """Why text shaped YYYY-MM or YYYY-MM-DD is not a real month or day, or None."""
    year, month = int(text[:4]), int(text[5:7])
    what = "date" if len(text) > 7 else "month"
    if year < 1:
        return f'"{text}" is not a real {what}: there is no year 0'
    if not 1 <= month <= 12:
        return f'"{text}" is not a real {what}: there is no month {month}'
    if len(text) > 7:
        day, days = int(text[8:10]), calendar.monthrange(year, month)[1]
        if day == 0:
            return f'"{text}" is not a real date: there is no day 0'
        if day > days:
            return (f'"{text}" is not a real date: {_MONTH_NAMES[month - 1]} {year} has '
                    f"{days} days")
    return None


def _iso_date(value: Any) -> Any:
    """Accept only ISO dates: a YAML date or a `YYYY-MM-DD` string.

    Pydantic on its own would read a bare number as a Unix timestamp, which would turn a
    mistyped `20220916` into a date in 1970 instead of an error.
    """
    if isinstance(value, date):
        return value
    _only_ascii_digits(value, "a date", "2024-09-11")
    if isinstance(value, str) and _DAY.match(value.strip()):
        text = value.strip()
        problem = date_problem(text)
        if problem:
            raise ValueError(problem)
        return date.fromisoformat(text)
    raise ValueError(f'"{value}" is not a date; write it as YYYY-MM-DD, e.g. 2024-09-11')


def _month(value: Any) -> Any:
    """A month as `YYYY-MM` (YAML may hand us a date or a string)."""
    if isinstance(value, date):
        return value.strftime("%Y-%m")
    _only_ascii_digits(value, "a month", "2024-04")
    text = str(value).strip()
    if _MONTH.match(text):
        problem = date_problem(text)
        if problem:
            raise ValueError(problem)
        return text
    raise ValueError(f'"{value}" is not a month; write it as YYYY-MM, e.g. 2023-09')


def _date_or_month(value: Any) -> Any:
    """A day, or only a month when the source gives no day (visits reported as 'July 2023')."""
    _only_ascii_digits(value, "a date", "2024-09-11, or 2024-09 when only the month is known")
    if isinstance(value, str) and _MONTH.match(value.strip()):
        return _month(value)
    if isinstance(value, str) and _DAY.match(value.strip()):
        return _iso_date(value)
    try:
        return _iso_date(value)
    except ValueError:
        raise ValueError(f'"{value}" is not a date; write it as YYYY-MM-DD, or YYYY-MM when '
                         f"only the month is known") from None

def _period(value: Any) -> Any:
    """A period as measures.csv writes it: `YYYY-MM` (a month) or `YYYY-MM-DD` (a snapshot
    date), kept as that text (YAML may hand us a date)."""
    if isinstance(value, date):
        return value.isoformat()
    _only_ascii_digits(value, "a period", PERIOD_EXAMPLE)
    text = str(value).strip() if isinstance(value, (str, int)) else ""
    if _MONTH.match(text) or _DAY.match(text):
        problem = date_problem(text)
        if problem:
            raise ValueError(problem)
        return text
    raise ValueError(f'"{value}" is not a period; write a month as YYYY-MM, e.g. 2023-06, or '
                     f"a snapshot date as YYYY-MM-DD")


def period_problem(value: Any) -> str | None:
    """What is wrong with a value as a period (measures.csv's rule), or None."""
    try:
        _period(value)
    except ValueError as exc:
        return str(exc)
    return None


def _flag(value: Any) -> Any:
    """Only YAML's own true and false: "yes", 1 or "false" in quotes are mistakes to report,
    not to guess at."""
    if isinstance(value, bool):
        return value
    found = f'"{value}"' if isinstance(value, str) else str(value)
    raise ValueError(f"should be true or false, found {found}")


def _markdown(value: str) -> str:
    problem = markdown_problem(value)
    if problem:
        raise ValueError(problem)
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date), DATE]
DateOrMonth = Annotated[date | str, BeforeValidator(_date_or_month), DATE_OR_MONTH]
Month = Annotated[str, BeforeValidator(_month), MONTH]
Period = Annotated[str, BeforeValidator(_period), PERIOD]
Flag = Annotated[bool, BeforeValidator(_flag), FLAG]
Id = Annotated[str, BeforeValidator(_characters), Field(pattern=ID_PATTERN, max_length=ID.limit),
               ID]
Name = Annotated[str, BeforeValidator(_characters), Field(max_length=NAME.limit), NAME]
Text = Annotated[str, BeforeValidator(_characters), Field(max_length=TEXT.limit), TEXT]
Link = Annotated[str, BeforeValidator(_characters), Field(max_length=LINK.limit), LINK]
Markdown = Annotated[str, BeforeValidator(_characters), Field(max_length=MARKDOWN.limit),
                     AfterValidator(_markdown), MARKDOWN]
Number = Annotated[float, BeforeValidator(_number_check(False)),
                   AfterValidator(_number_check(False)), NUMBER]
WholeNumber = Annotated[int, BeforeValidator(_number_check(True)), WHOLE_NUMBER]
Audience = Literal["public", "committee"]


def required(description: str) -> Any:
    """A required text field, which may not be empty."""
    return Field(min_length=1, description=description)


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
