"""The documentation keeps step with the schema and the CLI."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from improvement_site.model import schema
from improvement_site.cli.main import main
from improvement_site.data.schema_docs import SECTIONS, field_reference

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_field_reference_in_docs_is_current():
    text = (DOCS / "data-contract.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- fields:start -->\n(.*)<!-- fields:end -->", text, re.S)
    assert block, "docs/data-contract.md lost its field reference markers"
    assert block.group(1) == field_reference(), (
        "docs/data-contract.md is out of date: replace the field reference with the output "
        "of `improvement-site fields`")


def test_every_schema_field_is_documented():
    text = (DOCS / "data-contract.md").read_text(encoding="utf-8")
    models = {m for _, parts in SECTIONS for _, m in parts}
    for model in models:
        for name in model.model_fields:
            assert f"{name}`" in text, f"{model.__name__}.{name} is not in docs/data-contract.md"
    assert models >= {schema.Site, schema.Area, schema.Action, schema.Measure, schema.Visit,
                      schema.Commentary}


def test_every_cli_command_is_documented():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name in main.commands:
        assert f"improvement-site {name}" in text, f"`{name}` is missing from docs/cli.md"
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0
