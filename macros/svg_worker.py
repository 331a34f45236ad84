"""Render chart specs to SVG in a separate process, beside the build.

The build starts one of these per spare core (`python -m macros.svg_worker FOLDER VERSION`)
and writes each spec to FOLDER as `<key>.json`; the worker reads the key names from its
standard input and writes `<key>.svg`. A plain subprocess rather than multiprocessing: it
never re-imports the script that started the build, and a worker that fails only means the
build renders those charts itself.
"""

from __future__ import annotations

import sys
from pathlib import Path


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
            svg = vlc.vegalite_to_svg(spec, vl_version=version)
        except Exception as exc:  # noqa: BLE001 - the build renders this chart itself
            print(f"{key}: {exc}", file=sys.stderr)
            continue
        tmp = folder / f".{key}.svg.tmp"
        tmp.write_text(svg, encoding="utf-8")
        tmp.replace(folder / f"{key}.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
