"""The field reference of docs/data-contract.md, written from the schema.

`improvement-site fields` prints it; a test fails when the docs and the schema disagree, so
the documentation cannot fall behind the data contract.
"""

from __future__ import annotations

import typing

from pydantic.fields import FieldInfo

from improvement_site.data.logo import MAX_LOGO_BYTES
from improvement_site.model import fields, markdown_rules

from improvement_site.model import schema

SECTIONS = [
    ("data/site.yaml", [("", schema.Site), ("meeting", schema.Meeting),
                        ("judgements", schema.Judgements), ("judgements.grades[]", schema.Grade),
                        ("rag_rules", schema.RagRules)]),
    ("data/plan/*.yaml", [("", schema.Area), ("outcomes[]", schema.Outcome),
                          ("outcomes[].actions[]", schema.Action), ("updates[]", schema.Update)]),
    ("data/measures.yaml", [("[]", schema.Measure), ("targets[]", schema.Milestone),
                            ("baseline", schema.Baseline),
                            ("tolerance", schema.Tolerance), ("comparators[]", schema.Comparator),
                            ("rag_override", schema.RagOverride)]),
    ("data/commentary.yaml", [("[]", schema.Commentary)]),
    ("data/visits.yaml", [("[]", schema.Visit)]),
    ("data/breakdowns.yaml", [("[]", schema.Breakdown), ("categories[]", schema.Category)]),
    ("data/providers.yaml", [("[]", schema.Provider),
                             ("inspections[]", schema.ProviderInspection)]),
]


def _kind(meta) -> schema.Kind | None:
    return next((m for m in meta if isinstance(m, schema.Kind)), None)


def _type_name(annotation) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin is typing.Annotated:
        kind = _kind(args[1:])
        return kind.name if kind else _type_name(args[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType")):
        names = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(dict.fromkeys(names))
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if isinstance(annotation, type):
        if issubclass(annotation, schema.Record):
            return "fields below"
        return {"str": "text", "int": "whole number", "float": "number", "bool": "true/false"}.get(
            annotation.__name__, annotation.__name__)
    return str(annotation)


def _required(info: FieldInfo) -> str:
    return "required" if info.is_required() else "optional"


def _field_type(info: FieldInfo) -> str:
    # Pydantic keeps a field's outer Annotated as metadata; nested ones stay in the annotation.
    kind = _kind(info.metadata)
    return kind.name if kind else _type_name(info.annotation)


def field_rows(model: type[schema.Record], prefix: str) -> list[str]:
    rows = []
    for name, info in model.model_fields.items():
        key = name if prefix in ("", "[]") else f"{prefix}.{name}"
        rows.append(f"| `{key}` | {_field_type(info)} | {_required(info)} | "
                    f"{info.description or ''} |")
    return rows


def limits_table() -> str:
    """The kinds of value and their limits, from the schema."""
    rows = ["| kind | at most | fields |", "| --- | --- | --- |"]
    for kind in schema.TEXT_KINDS:
        rows.append(f"| {kind.name} | {kind.limit:,} characters | {kind.examples} |")
    limit = f"{schema.NUMBER_LIMIT:,}"
    rows.append(f"| number, whole number | from -{limit} to {limit} | every number, "
                f"in measures.csv too |")
    rows.append(f"| values of one measure | {fields.MAX_VALUES_PER_MEASURE:,} | rows of one "
                f"measure in measures.csv (80 years of months) |")
    rows.append(f"| rows of measures.csv | {fields.MAX_VALUE_ROWS:,} | every measure's values "
                f"together |")
    rows.append(f"| records in one YAML file | {fields.MAX_RECORDS_PER_FILE:,} | every set of "
                f"fields written in the file (an area, its outcomes, actions and progress "
                f"reports; a measure and its targets; a visit...); the glossary's terms |")
    rows.append(f"| logo file | {MAX_LOGO_BYTES // 1024:,} KB, a PNG or an SVG drawing | "
                f"logo |")
    budget = f"{markdown_rules.MARKDOWN_LINK_BUDGET:,}"
    rules = (
        f"No text may hold a control character (tab and line breaks are fine). A Markdown "
        f"text may also not have: a line starting with more than "
        f"{markdown_rules.MARKDOWN_MAX_NESTING} list or quote markers; more than "
        f"{markdown_rules.MARKDOWN_MAX_BLANK_LINES} blank lines in a row; more than "
        f"{markdown_rules.MARKDOWN_MAX_RULE_LINES} lines made only of `-`, `=`, `*` or `_` in one "
        f"paragraph; more than {markdown_rules.MARKDOWN_MAX_ABBREVIATIONS} abbreviation lines (`*[ABC]: ...`); or brackets so "
        f"unmatched or deeply nested that finding the links means reading more than {budget} "
        f"characters (about ten `[` without their `]` in a text of 20,000 characters). Each would "
        f"make the page take seconds or minutes to build.")
    return "\n".join(rows) + "\n\n" + rules + "\n"


def field_reference() -> str:
    out = ["### Limits\n", limits_table()]
    for file, parts in SECTIONS:
        out.append(f"### `{file}`\n")
        out.append("| field | type | | meaning |")
        out.append("| --- | --- | --- | --- |")
        for prefix, model in parts:
            out.extend(field_rows(model, prefix))
        out.append("")
    return "\n".join(out).rstrip() + "\n"
