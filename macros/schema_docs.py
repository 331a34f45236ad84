"""The field reference of docs/data-contract.md, written from the schema.

`improvement-site fields` prints it; a test fails when the docs and the schema disagree, so
the documentation cannot fall behind the data contract.
"""

from __future__ import annotations

import typing

from pydantic.fields import FieldInfo

from . import schema

SECTIONS = [
    ("data/site.yaml", [("", schema.Site), ("meeting", schema.Meeting),
                        ("judgements", schema.Judgements), ("judgements.grades[]", schema.Grade)]),
    ("data/plan/*.yaml", [("", schema.Area), ("outcomes[]", schema.Outcome),
                          ("outcomes[].actions[]", schema.Action)]),
    ("data/measures.yaml", [("[]", schema.Measure), ("targets[]", schema.Milestone),
                            ("tolerance", schema.Tolerance), ("comparators[]", schema.Comparator),
                            ("rag_override", schema.RagOverride)]),
    ("data/commentary.yaml", [("[]", schema.Commentary)]),
    ("data/visits.yaml", [("[]", schema.Visit)]),
]


def _type_name(annotation) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin is typing.Annotated:
        base, *meta = args
        for m in meta:
            validator = getattr(m, "func", None)
            if validator is not None:
                return _VALIDATED.get(validator.__name__, "text")
        if any("pattern" in repr(m) for m in meta):
            return "id"
        if any(isinstance(m, schema.MarkdownText) for m in meta):
            return "Markdown"
        return _type_name(base)
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


_VALIDATED = {"_iso_date": "date", "_month": "month (YYYY-MM)",
              "_date_or_month": "date, or month (YYYY-MM)"}


def _field_type(info: FieldInfo) -> str:
    if any("pattern" in repr(m) for m in info.metadata):
        return "id"
    for m in info.metadata:
        func = getattr(getattr(m, "func", None), "__name__", "")
        if func in _VALIDATED:
            return _VALIDATED[func]
    name = _type_name(info.annotation)
    return "Markdown" if name == "text" and _is_markdown(info.annotation) else name


def _is_markdown(annotation) -> bool:
    if any(isinstance(m, schema.MarkdownText) for m in typing.get_args(annotation)[1:]):
        return True
    return any(_is_markdown(a) for a in typing.get_args(annotation)
               if typing.get_origin(a) is typing.Annotated)


def field_rows(model: type[schema.Record], prefix: str) -> list[str]:
    rows = []
    for name, info in model.model_fields.items():
        key = name if prefix in ("", "[]") else f"{prefix}.{name}"
        rows.append(f"| `{key}` | {_field_type(info)} | {_required(info)} | "
                    f"{info.description or ''} |")
    return rows


def field_reference() -> str:
    out = []
    for file, parts in SECTIONS:
        out.append(f"### `{file}`\n")
        out.append("| field | type | | meaning |")
        out.append("| --- | --- | --- | --- |")
        for prefix, model in parts:
            out.extend(field_rows(model, prefix))
        out.append("")
    return "\n".join(out).rstrip() + "\n"
