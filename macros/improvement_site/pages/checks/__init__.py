"""The record of the accessibility checks: when the browser suite last checked every page type
of the bundled sites, and with which tools. tests/test_reading.py writes accessibility.json
here after a full run in which every check passed; the accessibility statement reads it, so
the date it gives is the date the checks ran, not the data's reporting date."""

from __future__ import annotations

import json
from pathlib import Path

RECORD = Path(__file__).parent / "accessibility.json"


def last_checks(path: Path = RECORD) -> dict | None:
    """The last full run's record, or None when there is none (or it cannot be read)."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("date") else None
