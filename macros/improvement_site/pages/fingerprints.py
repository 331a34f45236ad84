"""What each generated page is made from, as a hash, so `serve` re-renders only the pages an
edit touches.

MkDocs' dirty rebuild skips a page whose source file is older than its output. Generated pages
are stub files on disk; each stub carries the hash of the data the page shows and is rewritten
only when that hash changes. Editing one action then re-renders its area page and the pages
that summarise the whole plan, not all of the site. Anything that appears on every page (the
navigation: ids and titles of every record, the site's own settings) is in every hash, so
renaming an area still re-renders everything.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from improvement_site.data.sitefiles import read_cached
from improvement_site.digest import source_digest
from improvement_site.lifecycle import write_atomic
from improvement_site.model.sitedata import SiteData
from improvement_site.pages.specs import (PageSpec, area_path, breakdown_path, measure_path,
                                          visit_path)

def _code() -> str:
    """The templates and modules that render pages: a code change re-renders every page."""
    return source_digest("**/*.py", "pages/templates/*")


def _dump(records) -> list:
    return [r.model_dump(mode="json") for r in records]


def _hash(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def page_hashes(data: SiteData, specs: list[PageSpec], extra: str = "") -> dict[str, str]:
    """The inputs' hash of every generated page, by path."""
    common = _hash(
        _code(), extra, data.site.model_dump(mode="json"),
        [(a.id, a.number, a.title) for a in data.areas],
        [(m.id, m.name) for m in data.measures],
        [(v.id, v.kind, v.number, v.focus) for v in data.visits],
        [(b.id, b.title) for b in data.breakdowns], [(p.id, p.kind) for p in data.providers],
    )
    everything = None
    values = {m.id: [v.model_dump(mode="json") for v in data.values_of(m.id)]
              for m in data.measures}
    out = {}
    for area in data.areas:
        ids = set(area.measures) | {m for _, _, a in data.actions(area) for m in a.measures}
        out[area_path(area.id)] = _hash(
            common, area.model_dump(mode="json"),
            [(m.model_dump(mode="json"), values[m.id]) for m in data.measures if m.id in ids],
            _dump(data.visits_for_area(area.id)), _dump(data.breakdowns_for_area(area.id)),
            # Each measure's chart marks the visits that name it (charts/figures.py).
            [_dump(data.visits_for_measure(m)) for m in sorted(ids)])
    for measure in data.measures:
        out[measure_path(measure.id)] = _hash(
            common, measure.model_dump(mode="json"), values[measure.id],
            _dump(data.commentary_of(measure.id)), _dump(data.visits_for_measure(measure.id)),
            [a.id for a in data.areas_for_measure(measure.id)],
            _dump(data.breakdowns_for_measure(measure.id)))
    for visit in data.visits:
        out[visit_path(visit.id)] = _hash(
            common, _dump(data.visits),
            [(m, values.get(m)) for m in visit.measures],
            [data.measure(m).model_dump(mode="json") for m in visit.measures])
    for breakdown in data.breakdowns:
        out[breakdown_path(breakdown.id)] = _hash(common, breakdown.model_dump(mode="json"))
    for spec in specs:
        if spec.path not in out:  # summaries of the whole site
            if everything is None:
                everything = _hash(common, _dump(data.areas), _dump(data.measures), values,
                                   _dump(data.commentary), _dump(data.visits),
                                   dict(data.glossary), _dump(data.breakdowns),
                                   _dump(data.providers))
            out[spec.path] = everything
    return out


def write_stub(folder: Path, spec: PageSpec, digest: str) -> Path:
    """The page's stub on disk, rewritten (and so made newer) only when its inputs changed."""
    path = folder / spec.path
    # A Jinja comment: mkdocs-macros removes it, so it never reaches the page.
    content = f"{{# inputs {digest} #}}\n{spec.markdown()}"
    # Read only as a regular file with one name: anything else (a link) is replaced.
    if read_cached(path) != content.encode("utf-8"):
        # Atomic: a build of the same site running at the same moment reads these stubs.
        write_atomic(path, content)
    return path
