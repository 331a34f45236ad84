"""The files in a site's content folder that are not pages, as far as an audience goes.

MkDocs builds only files whose names end in `.md` (and `.markdown`, `.mdown`, `.mkdn`, `.mkd`,
in lowercase) as pages; every other file in content/ it copies into the site as it is. So an
editor's backup of a committee page (`briefing.md~`, `briefing.md.orig`, `#briefing.md#`) or
the page saved as `briefing.MD` was published raw, front matter and all, whatever the front
matter said. These are refused by their names, and any other text file whose front matter
says committee, or has a slip near an `audience` key, is refused too: nothing in content/ is
published unless the site can tell that it is public.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from improvement_site.data.problems import Problem
from improvement_site.pages import front_matter

# A page's suffix followed by more of a name (a backup, a copy) or ending it in another case.
_PAGE_IN_NAME = re.compile(r"\.(md|markdown|mdown|mkdn|mkd)(?=[.~#]|$)", re.IGNORECASE)
_HEAD = 65_536  # front matter is at the top: only this much of a file is read
NOT_A_PAGE = ("this file is not a page MkDocs builds, so it would publish it as it is, front "
              "matter and all")


def stray_problems(files: list[Path], pages: set[Path], name) -> list[Problem]:
    """Problems with the `files` under content/ that are not `pages` (`name` gives a file's
    name as a problem shows it)."""
    problems = []
    for path in files:
        if path in pages:
            continue
        match = _PAGE_IN_NAME.search(path.name)
        if match and match.end() == len(path.name):  # the suffix in another case
            problems.append(Problem(name(path), 0, "", (
                f"a page's name ends in lowercase {match.group().lower()}; MkDocs builds only "
                f"those as pages and would publish this file as it is, front matter and all: "
                f"rename it {path.name[:match.start()]}{match.group().lower()}")))
        elif match:
            problems.append(Problem(name(path), 0, "", (
                "this looks like an editor's backup or copy of a page: delete it, or move it "
                "out of content/; MkDocs would publish it as it is, front matter and all")))
        else:
            problems += [Problem(name(path), line, "", said) for line, said in _said(path)]
    return problems


def _said(path: Path) -> list[tuple[int, str]]:
    """What keeps a text file that is not a page from being published (line, message)."""
    try:
        with path.open("rb") as file:
            head = file.read(_HEAD)
        # incremental: a character cut at the end of what was read is not an error
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except (OSError, UnicodeDecodeError):
        return []  # not text (an image, a PDF): it has no front matter
    said = front_matter.read(front_matter.page_text(text.encode("utf-8")))
    if said.audience == "committee":
        return [(said.line, f"its front matter says audience: committee, but {NOT_A_PAGE}; "
                            f"make it a page (a name ending in .md), or move it out of content/")]
    if said.audience != "public" or (said.problems and front_matter.names_audience(text)):
        return [(line, f"{message} ({NOT_A_PAGE})") for line, message in said.problems]
    return []
