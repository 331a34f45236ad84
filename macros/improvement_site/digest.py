"""A hash of the package's own source files, for caches that must be dropped when the code
that made them changes (rendered pages, chart specs)."""

from __future__ import annotations

import hashlib
from pathlib import Path

_digests: dict[tuple[str, ...], str] = {}


def source_digest(*patterns: str) -> str:
    """A hash of the package's own files matching the patterns (read once per process), so
    caches keyed by it are dropped when the code that made them changes."""
    if patterns not in _digests:
        import altair
        digest = hashlib.sha256(altair.__version__.encode())
        root = Path(__file__).parent  # the improvement_site package
        for path in sorted(p for pattern in patterns for p in root.glob(pattern)):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
        _digests[patterns] = digest.hexdigest()
    return _digests[patterns]
