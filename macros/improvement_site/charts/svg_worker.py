"""Render chart specs to SVG in a separate process, beside the build.

The build starts one of these per spare core (`python -m improvement_site.charts.svg_worker FOLDER VERSION`)
and writes each spec to FOLDER as `<key>.json`; the worker reads the key names from its
standard input and writes `<key>.svg`. A plain subprocess rather than multiprocessing: it
never re-imports the script that started the build. The renderer (vl-convert, Rust) can abort
the process it runs in on input it cannot handle; that takes down only a worker, and the build
then says which chart it was (see `ChartRegistry.write`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from improvement_site.lifecycle import write_atomic


def main() -> int:
    folder, version = Path(sys.argv[1]), sys.argv[2]
    import json

    import vl_convert as vlc

    for line in sys.stdin:
        key = line.strip()
        if not key:
            continue
        try:
            spec = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
            # Our specs carry their data; fetching none means a spec from an edited cache
            # (SITE/.cache/specs) cannot read a file of this computer or an address into a chart.
            svg = vlc.vegalite_to_svg(spec, vl_version=version, allowed_base_urls=[])
        except Exception as exc:  # noqa: BLE001 - the build reports this chart
            message = " ".join(f"{exc.__class__.__name__}: {exc}".split())
            print(f"{key}: {message}", file=sys.stderr, flush=True)
            continue
        # Never re-create the folder: if the build that owns it has gone and it was removed,
        # this worker is an orphan and stops here (the write fails) instead of leaving it behind.
        write_atomic(folder / f"{key}.svg", svg, make_folder=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
