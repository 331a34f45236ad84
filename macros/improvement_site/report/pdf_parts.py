"""A long report's PDF laid out in two processes at once, then joined into one tagged PDF.

WeasyPrint lays out and writes pages on one core: for the large benchmark site's report
(387 pages) about 40 s of layout and 18 s of writing. Every top-level section of the report
starts on a new page (`h1 { break-before: page }`), so the report can be cut before any h1
without changing a page: the parts are laid out and written side by side, each by its own
WeasyPrint in its own process, and joined. Nothing in the layout depends on a page's
position in the document except the page numbers (there are no `:first`, `:left` or
`:right` pages and no cross-references), and those are handled here:

- **Page numbers.** Once a part's pages are laid out, and before their margins ("Page N of
  M") are drawn, each process says how many pages it has; each then numbers its pages on
  from the parts before it, out of the total (`_continued_page_numbers`).
- **The join** (`join`): the pages in order; the second part's structure elements under the
  first part's Document element, and its entries in the structure tree's ParentTree (which
  maps each page's marked content to its elements) numbered on after the first part's; its
  bookmarks after the first part's; its named destinations merged in.

Which parts there are depends on the report alone (never on the machine), so the same data
gives the same bytes everywhere. With one core the two processes share it: slower, not
different.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

# (its own page count) -> (pages before it, pages in all), for a part laid out in parts
Numbering = Callable[[int], tuple[int, int]]

CHILD = ["-m", "improvement_site.report.pdf_parts"]  # how a part's process is started


def write_part(html: str, base_url: str | None, numbering: Numbering | None = None) -> bytes:
    """One document (the whole report or a part of it) as a tagged PDF. WeasyPrint fetches
    nothing but data: URLs (the charts' placeholders): never a file or a network address."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # WeasyPrint logs every CSS property it does not support and every font it falls back
    # from; the report's own stylesheet is tested, so only errors are shown.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    out = io.BytesIO()
    with _page_references_once(), _continued_page_numbers(numbering):
        HTML(string=html, base_url=base_url,
             url_fetcher=URLFetcher(allowed_protocols=["data"])).write_pdf(
            out, pdf_variant="pdf/ua-1")
    return out.getvalue()


def write_parts(htmls: list[str], base_url: str | None) -> list[bytes]:
    """Each document as a tagged PDF, the first in this process and each other in a process
    of its own, all at once, with page numbers running on from part to part."""
    children = [_Part(html, base_url) for html in htmls[1:]]
    try:
        def numbering(pages: int) -> tuple[int, int]:
            counts = [pages] + [child.expect("pages") for child in children]
            total = sum(counts)
            before = counts[0]
            for child, count in zip(children, counts[1:]):
                child.send((before, total))
                before += count
            return 0, total

        first = write_part(htmls[0], base_url, numbering if children else None)
        written = [first] + [child.expect("pdf") for child in children]
    except BaseException:
        for child in children:  # nothing more is wanted from them
            child.close(kill=True)
        raise
    for child in children:
        child.close()
    return written


class _Part:
    """One part written by a child process: `python -m improvement_site.report.pdf_parts`,
    a fresh interpreter (whatever this process holds, threads and all, stays here), with
    this package first on its path. Messages are pickles over its standard input and
    output; what it logs goes to its standard error, kept for the error message."""

    def __init__(self, html: str, base_url: str | None):
        package = Path(__file__).resolve().parents[2]  # the folder improvement_site is in
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(package), *filter(None, [os.environ.get("PYTHONPATH")])])}
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, *CHILD], env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors)
        self.send((html, base_url))

    def send(self, message) -> None:
        try:
            pickle.dump(message, self.process.stdin)
            self.process.stdin.flush()
        except OSError:  # it has stopped: `expect` says why
            pass

    def expect(self, kind: str):
        try:
            got, value = pickle.load(self.process.stdout)
        except (EOFError, pickle.UnpicklingError, OSError):
            self.process.wait()
            self.errors.seek(0)
            said = self.errors.read().decode("utf-8", "replace").strip().splitlines()
            raise RuntimeError(
                "a process laying out part of the PDF report stopped "
                f"(exit code {self.process.returncode})"
                + (f": {said[-1]}" if said else "")) from None
        if got == "error":
            raise RuntimeError(f"laying out part of the PDF report failed: {value}")
        assert got == kind, (got, kind)
        return value

    def close(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        self.process.wait()
        self.errors.close()


def _child() -> None:
    """The child's side of `_Part`: read the part, agree its page numbers, send its PDF."""
    # The messages go out on a copy of standard output; standard output itself (Python's
    # and native code's) is pointed at standard error, so nothing else gets into them.
    inbox, outbox = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def send(message) -> None:
        pickle.dump(message, outbox)
        outbox.flush()

    def numbering(pages: int) -> tuple[int, int]:
        send(("pages", pages))
        return pickle.load(inbox)

    try:
        html, base_url = pickle.load(inbox)
        send(("pdf", write_part(html, base_url, numbering)))
    except Exception as exc:  # told to the parent, which raises it
        with contextlib.suppress(OSError):
            send(("error", f"{type(exc).__name__}: {exc}"))


@contextlib.contextmanager
def _continued_page_numbers(numbering: Numbering | None):
    """While a part is written, its margin boxes count pages on from the parts before it.

    WeasyPrint lays out every page, sets the `pages` counter to their number, and then
    makes each page's margin boxes from that page's counters (`weasyprint.layout.
    layout_document`, which calls `make_margin_boxes` once per page, in order). The first
    call is the moment the part's page count is known: it is told, the numbering agreed,
    and every page's `page` and `pages` counters are given their place in the whole. A
    test checks "Page N of M" on every page of a report in parts, so a change in
    WeasyPrint cannot go unnoticed."""
    if numbering is None:
        yield
        return
    import weasyprint.layout as layout

    plain = layout.make_margin_boxes
    agreed: list[tuple[int, int]] = []

    def make_margin_boxes(context, page, state):
        quote_depth, counters, *rest = state
        if not agreed:
            agreed.append(numbering(counters["pages"][-1]))
        before, total = agreed[0]
        counters = {**counters, "page": [counters["page"][-1] + before], "pages": [total]}
        return plain(context, page, [quote_depth, counters, *rest])

    layout.make_margin_boxes = make_margin_boxes
    try:
        yield
    finally:
        layout.make_margin_boxes = plain


@contextlib.contextmanager
def _page_references_once():
    """pydyf 0.13's `PDF.page_references` builds the tuple of every page's reference each
    time it is read, and WeasyPrint's tagging reads it once per tagged element: quadratic
    (for the large benchmark site's 388 pages and 57,000 elements, 22 million strings, a
    fifth of the report's time). For this write only, the tuple is made again only when a
    page has been added since (pages are only ever appended). Same bytes either way (tested:
    `test_same_data_same_bytes_wherever_the_site_is`)."""
    import pydyf

    plain = pydyf.PDF.page_references

    def page_references(pdf):
        kids = pdf.pages["Kids"]
        made = pdf.__dict__.get("_ims_page_references")
        if made is None or made[0] != len(kids):
            made = (len(kids), plain.fget(pdf))
            pdf.__dict__["_ims_page_references"] = made
        return made[1]

    pydyf.PDF.page_references = property(page_references)
    try:
        yield
    finally:
        pydyf.PDF.page_references = plain


def join(doc, part) -> None:
    """Add `part` (an open pikepdf PDF, written by `write_part` after `doc`'s pages) to the
    end of `doc`: pages, structure tree, bookmarks and named destinations."""
    import pikepdf

    tree, their_tree = doc.Root.StructTreeRoot, part.Root.StructTreeRoot
    nums, their_nums = tree.ParentTree.Nums, their_tree.ParentTree.Nums
    # ParentTree keys: one per page (the page's /StructParents), then one per annotation
    # (its /StructParent). The part's keys follow this document's.
    after = max(int(nums[i]) for i in range(0, len(nums), 2)) + 1

    first_new = len(doc.pages)
    # Pages first: objects copied afterwards that point to the part's pages (structure
    # elements' /Pg, bookmarks' destinations) then point to the copies (qpdf keeps one map
    # of what it copied from each PDF).
    doc.pages.extend(part.pages)
    for page in doc.pages[first_new:]:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + after
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + after

    # The part's Document element is copied without its parent (the part's tree root),
    # and its children are moved under this document's Document element.
    document, their_document = tree.K[0], their_tree.K[0]
    del their_document["/P"]
    copied = doc.copy_foreign(their_document)
    for child in copied.K:
        if isinstance(child, pikepdf.Dictionary):
            child.P = document
        document.K.append(child)
    for i in range(0, len(their_nums), 2):
        nums.append(int(their_nums[i]) + after)
        nums.append(_copied(doc, their_nums[i + 1]))

    _join_outlines(doc, part)
    _join_destinations(doc, part)


def _join_outlines(doc, part) -> None:
    import pikepdf

    def copy(item):
        made = pikepdf.OutlineItem(str(item.title), _copied(doc, item.destination))
        made.is_closed = item.is_closed
        made.children.extend(copy(child) for child in item.children)
        return made

    with part.open_outline() as theirs:
        items = [copy(item) for item in theirs.root]
    with doc.open_outline() as outline:
        outline.root.extend(items)


def _join_destinations(doc, part) -> None:
    import pikepdf

    theirs = part.Root.get("/Names", {}).get("/Dests")
    if theirs is None:
        return
    if "/Names" not in doc.Root:
        doc.Root.Names = pikepdf.Dictionary()
    if "/Dests" not in doc.Root.Names:
        doc.Root.Names.Dests = pikepdf.NameTree.new(doc).obj
    dests = pikepdf.NameTree(doc.Root.Names.Dests)
    for name, destination in pikepdf.NameTree(theirs).items():
        dests[name] = _copied(doc, destination)


def _copied(doc, value):
    """`value` from another PDF copied into `doc`: an indirect object by qpdf, a direct
    array (a page's structure elements, a destination) item by item."""
    import pikepdf

    if isinstance(value, pikepdf.Array) and not value.is_indirect:
        return pikepdf.Array([_copied(doc, item) for item in value])
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return doc.copy_foreign(value)
    return value  # a number or name


if __name__ == "__main__":
    _child()
