"""Run mutmut so that the tests import the mutated copy of the package.

mutmut 3 puts its mutated copy (`mutants/`) first on the import path only for code kept in
`./`, `src/` or `source/`. Ours is in `macros/`, and the editable install (`pip install -e .`)
puts the unmutated `macros/` on the path too, so without this the tests import the original
code, no test reaches a mutant, and mutmut stops with "could not find any test case for any
mutant". mutmut also names each mutant after its file's path (`macros.improvement_site...`)
while the tests record the module's own name (`improvement_site...`), so no test would match a
mutant even then.

This wrapper adds `mutants/macros` first and removes `macros/`, names mutants after their
module, then hands over to mutmut's own command line:
`python scripts/mutation.py run ...`, `... results`, `... show X`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import mutmut.__main__ as mutmut_main
from mutmut.mutation import file_mutation
from mutmut.utils import format_utils

SOURCE = "macros"
_setup = mutmut_main.setup_source_paths
_mutant_name = format_utils.get_mutant_name


def _module_mutant_name(relative_source_path: Path, mutant_method_name: str) -> str:
    name = _mutant_name(relative_source_path, mutant_method_name)
    return name.removeprefix(f"{SOURCE}.")


def _setup_source_paths() -> None:
    _setup()
    original = Path(SOURCE).resolve()
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != original]
    sys.path.insert(0, str(Path("mutants", SOURCE).absolute()))


mutmut_main.setup_source_paths = _setup_source_paths
for module in (format_utils, file_mutation, mutmut_main):
    module.get_mutant_name = _module_mutant_name

if __name__ == "__main__":
    sys.exit(mutmut_main.cli())
