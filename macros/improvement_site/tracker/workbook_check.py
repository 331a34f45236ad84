"""Checking an .xlsx workbook before openpyxl reads it: a tracker is typed by people, but the
file can come from anyone, and openpyxl trusts it. A 2 KB file with one merged range over a
whole sheet, or a few hundred KB of repeated text, would otherwise take gigabytes; an XML entity
declaration (XXE, "billion laughs") has no place in a spreadsheet at all.

Every part of the zip is checked in linear time, streaming, with expat (the parser openpyxl's
own streaming reads use): sizes first, from the zip's directory; then each XML part's opening,
where any DOCTYPE is refused before it is read; then the shared strings and each worksheet,
refused as soon as a limit is passed; a cell counts the characters of the text it reads as, so
one shared text in a million cells is a million texts. What the reading needs from a sheet is
kept: its size, its merged ranges (openpyxl's fast read-only mode does not give them) and the
formulas with no saved value.
"""

from __future__ import annotations

import posixpath
import zipfile
from array import array
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from xml.parsers import expat

from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter, range_boundaries

from improvement_site.tracker.limits import (MAX_CELL_TEXT, MAX_CELLS, MAX_CELLS_TEXT,
                                             size_passed, text_passed)
from improvement_site.tracker.xml_stream import CHUNK, Refused, stream, xml_parser

# The limits of a workbook's zip and its texts (those of a table are in tracker.limits), far
# above any real plan or scorecard; docs/import.md lists them.
MAX_SHEETS = 500
MAX_STRINGS = 1_000_000  # different texts in the workbook (its shared strings)
MAX_TEXT = 50_000_000  # characters in them
MAX_PARTS = 5_000  # files inside the .xlsx (a zip)
MAX_PART_BYTES = 256 * 2**20  # one part, unpacked
MAX_TOTAL_BYTES = 512 * 2**20  # all parts, unpacked
MAX_RATIO = 250  # unpacked / packed size of a part over 1 MiB; Excel's parts pack 5-50 times

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted workbook, or an old .xls


@dataclass
class SheetFacts:
    """What reading a worksheet needs that openpyxl's read-only mode does not give."""

    rows: int = 0  # the last row with a cell (or merged), as openpyxl's max_row
    columns: int = 0
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # min/max col/row
    unsaved_formulas: set[tuple[int, int]] = field(default_factory=set)  # (row, column)


def check_workbook(path: Path) -> tuple[dict[str, SheetFacts], dict[str, str]]:
    """The facts of every worksheet by its part (the file inside the zip), and the sheets'
    names by part; raises Refused."""
    _check_container(path)
    with zipfile.ZipFile(path) as book:
        members = _check_sizes(book)
        roots = {info.filename: _root(book, info) for info in members}
        sheets = [name for name, root in roots.items() if root == f"{MAIN} worksheet"]
        if len(sheets) > MAX_SHEETS:
            raise Refused(f"has {len(sheets):,} sheets; the import reads at most "
                          f"{MAX_SHEETS:,}: check that this is the right file")
        names = _sheet_names(book, roots)
        # openpyxl reads the one shared-strings part [Content_Types].xml names; Excel writes
        # only one, but should there be more, each text is counted at its longest.
        lengths = array("q")
        for name, root in roots.items():
            if root == f"{MAIN} sst":
                found = stream(book, name, _Strings()).lengths
                lengths = array("q", map(max, zip_longest(lengths, found, fillvalue=0)))
        facts, used = {}, 0
        for part in sheets:
            sheet = stream(book, part, _Sheet(part, names.get(part), lengths, used))
            facts[part], used = sheet.facts, sheet.used
        return facts, names


def _check_container(path: Path) -> None:
    with path.open("rb") as file:
        head = file.read(8)
        if head == _OLE:
            # Both are OLE compound files; an encrypted workbook names its EncryptionInfo
            # stream (in UTF-16) in the directory near the start.
            marker = "EncryptionInfo".encode("utf-16-le")
            if marker in file.read(1 << 20) or marker in head:
                raise Refused("is protected with a password, so it cannot be read; in Excel "
                              "use File > Info > Protect Workbook > Encrypt with Password, "
                              "clear the password, and save it")
            raise Refused("is an Excel 97-2003 workbook (.xls), not an .xlsx; in Excel use "
                          "File > Save As > Excel Workbook (.xlsx)")
    if not zipfile.is_zipfile(path):
        if head.startswith(b"PK\x03\x04"):
            raise Refused("is damaged: it ends before the workbook does (an unfinished "
                          "download or copy?); copy it again or save it again from Excel")
        raise Refused("is not an Excel workbook: it may be another kind of file renamed to "
                      ".xlsx; open it in Excel and use File > Save As > Excel Workbook (.xlsx)")


def _check_sizes(book: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The zip's directory says how large each part unpacks to, and zipfile never unpacks more
    than it says, so these checks come before any part is read."""
    members = book.infolist()
    if len(members) > MAX_PARTS:
        raise Refused(f"holds {len(members):,} parts; an Excel workbook has a few dozen: "
                      f"save it again from Excel")
    total = 0
    for info in members:
        total += info.file_size
        if info.flag_bits & 0x1:
            raise Refused(f"has an encrypted part ({info.filename}), which Excel never "
                          f"writes; save the workbook again from Excel")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refused(f"packs its part {info.filename} in a way Excel does not; save it "
                          f"again from Excel")
        if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
            limit = MAX_PART_BYTES if info.file_size > MAX_PART_BYTES else MAX_TOTAL_BYTES
            raise Refused(f"is too large to read: it unpacks to more than {limit >> 20} MB (at "
                          f"{info.filename}); a plan or scorecard is far smaller: check that "
                          f"this is the right file")
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise Refused(f"has a part ({info.filename}) that unpacks to "
                          f"{info.file_size // max(info.compress_size, 1):,} times its packed "
                          f"size, which Excel never does; save it again from Excel")
    return members


class _Found(Exception):
    pass


def _root(book: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    """The name of an XML part's root element ("namespace local"), read from its first bytes
    only; None for a part that is not XML (an image) or whose opening cannot be read (openpyxl
    then refuses it too, if it reads it at all)."""
    parser = xml_parser(info.filename)
    found: list[str] = []

    def start(name: str, _: dict) -> None:
        found.append(name)
        raise _Found

    parser.StartElementHandler = start
    with book.open(info) as part:
        chunk = part.read(CHUNK)
        if not _looks_like_xml(chunk):
            return None
        while chunk:
            try:
                parser.Parse(chunk, False)
            except _Found:
                return found[0]
            except expat.ExpatError:
                return None
            chunk = part.read(CHUNK)
    return None


def _looks_like_xml(chunk: bytes) -> bool:
    """Only a document that starts with "<" (after a byte-order mark and spaces, in UTF-8 or
    UTF-16) can be parsed as XML by expat; anything else is an image or other binary part."""
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        chunk = chunk.removeprefix(bom)
    text = chunk.lstrip(b" \t\r\n\x00")
    return text.startswith(b"<")


class _Strings:
    """The shared strings: every text in the workbook, once. openpyxl keeps them all."""

    def __init__(self) -> None:
        self.count = self.chars = 0
        self.in_text = False
        self.lengths = array("q")  # each text's characters, by its number

    def start(self, name: str, _: dict) -> None:
        if name == f"{MAIN} si":
            self.count += 1
            self.lengths.append(0)
            if self.count > MAX_STRINGS:
                raise Refused(f"holds more than {MAX_STRINGS:,} different texts; the import "
                              f"reads at most that many: check that this is the right file")
        self.in_text = name == f"{MAIN} t"

    def end(self, name: str) -> None:
        self.in_text = False

    def text(self, data: str) -> None:
        if self.in_text and self.lengths:
            self.chars += len(data)
            self.lengths[-1] += len(data)
            if self.chars > MAX_TEXT:
                raise Refused(f"holds more than {MAX_TEXT:,} characters of text; the import "
                              f"reads at most that many: check that this is the right file")


class _Sheet:
    """One worksheet, element by element, numbered as openpyxl numbers it (a row or cell with
    no "r" follows the one before), so that its facts match what openpyxl then reads."""

    def __init__(self, part: str, sheet: str | None, lengths: array, used: int) -> None:
        self.part, self.sheet, self.facts = part, sheet, SheetFacts()
        self.lengths = lengths  # the shared texts' lengths
        self.used = used  # characters of text in the cells read so far, in the workbook
        self.row = self.column = self.merged = self.chars = 0
        self.formula = self.inline = self.valued = self.in_value = self.in_inline = False
        self.kind, self.index = "n", ""

    def refuse(self, message: str, row: int | None = None) -> None:
        # A sheet no <sheet> element names is still checked (fail closed), named by its part.
        where = "" if self.sheet else f" (in part {self.part})"
        raise Refused(message + where, sheet=self.sheet, row=row)

    def start(self, name: str, attrs: dict) -> None:
        if name == f"{MAIN} c":
            self._cell(attrs)
        elif name == f"{MAIN} row":
            self._row(attrs.get("r"))
        elif name == f"{MAIN} v":
            self.in_value = True
        elif name == f"{MAIN} f":
            self.formula = True
        elif name == f"{MAIN} is":
            self.inline = self.in_inline = True
        elif name == f"{MAIN} mergeCell":
            self._merge(attrs.get("ref", ""))

    def end(self, name: str) -> None:
        self.in_value = False
        if name == f"{MAIN} is":
            self.in_inline = False
        if name == f"{MAIN} c":
            self._count_text()
            # openpyxl's value (data_only) is None when there is no inline text (an inline
            # string) or no saved value: a formula Excel never calculated.
            saved = self.inline if self.kind == "inlineStr" else self.valued
            if self.formula and not saved:
                self.facts.unsaved_formulas.add((self.row, self.column))

    def text(self, data: str) -> None:
        if self.in_value and data:
            self.valued = True
            if self.kind == "s" and len(self.index) < 100:  # the number of a shared text
                self.index += data
            elif self.kind == "str":  # the text a formula gave
                self.chars += len(data)
        elif self.in_inline:
            self.chars += len(data)

    def _count_text(self) -> None:
        """Count the characters of text the cell reads as: for a shared text, its length,
        found as openpyxl finds it (a number it cannot find is worded when the sheet is read)."""
        if self.kind == "s":
            if len(self.index) >= 100:
                self.refuse(f"cell {self._ref()} names its text by a number of 100 digits "
                            f"or more, which Excel never writes; save it again from Excel",
                            row=self.row)
            try:
                self.chars = self.lengths[int(self.index)]
            except (ValueError, IndexError):
                self.chars = 0
        if self.chars > MAX_CELL_TEXT:
            self.refuse(f"cell {self._ref()} holds {self.chars:,} characters of text; Excel "
                        f"holds at most {MAX_CELL_TEXT:,} in a cell: check that this is the "
                        f"right file, or save it again from Excel", row=self.row)
        self.used += self.chars
        if self.used > MAX_CELLS_TEXT:
            self.refuse(text_passed(f"cell {self._ref()}"), row=self.row)

    def _ref(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"

    def _row(self, r: str | None) -> None:
        previous = self.row
        if r is None:
            self.row += 1
        else:
            try:
                number = float(r)
            except ValueError:
                self.refuse(f'has a row numbered "{r}" in the file, which Excel never writes; '
                            f"save it again from Excel", row=previous + 1)
            if not number.is_integer():
                self.refuse(f'has a row numbered "{r}"; save it again from Excel')
            self.row = int(number)
        if self.row <= previous:
            # openpyxl's fast reading would skip such a row without a word.
            self.refuse(f"has its rows out of order in the file (row {self.row} after row "
                        f"{previous}), which Excel never writes; save it again from Excel")
        self.column = 0

    def _cell(self, attrs: dict) -> None:
        self.formula = self.inline = self.valued = self.in_inline = False
        self.kind, self.index, self.chars = attrs.get("t", "n"), "", 0
        if ref := attrs.get("r"):
            try:
                self.column = coordinate_to_tuple(ref)[1]
            except (ValueError, TypeError):
                self.refuse(f'has a cell named "{ref}", which is not a cell reference; save '
                            f"it again from Excel", row=self.row)
        else:
            self.column += 1
        self._extend(self.row, self.column)

    def _extend(self, rows: int, columns: int) -> None:
        facts = self.facts
        facts.rows, facts.columns = max(facts.rows, rows), max(facts.columns, columns)
        if passed := size_passed(facts.rows, facts.columns):
            self.refuse(passed)

    def _merge(self, ref: str) -> None:
        try:
            low_col, low_row, high_col, high_row = range_boundaries(ref)
        except (ValueError, TypeError):
            low_col = None
        if None in (low_col, low_row, high_col, high_row) or low_row > high_row or (
                low_col > high_col):
            self.refuse(f'has merged cells "{ref}", which is not a range of cells; save it '
                        f"again from Excel")
        area = (high_row - low_row + 1) * (high_col - low_col + 1)
        self.merged += area
        if self.merged > MAX_CELLS:
            self.refuse(f"merges the cells {ref} ({area:,} cells), more than the "
                        f"{MAX_CELLS:,} cells the import reads a sheet; unmerge them (Home > "
                        f"Merge & Center) and merge only cells of the table")
        self._extend(high_row, high_col)
        self.facts.merges.append((low_col, low_row, high_col, high_row))


def _sheet_names(book: zipfile.ZipFile, roots: dict[str, str | None]) -> dict[str, str]:
    """Each worksheet part's sheet name, found as openpyxl finds it (the workbook part's
    <sheet> elements, through its relationships), so that a refusal can name the sheet."""
    names: dict[str, str] = {}
    for part, root in roots.items():
        if root != f"{MAIN} workbook":
            continue
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", f"{base}.rels")
        sheets = stream(book, part, _Collect(f"{MAIN} sheet", f"{_DOC_RELS} id", "name"))
        targets = (stream(book, rels, _Collect(f"{_RELS} Relationship", "Id", "Target"))
                   if roots.get(rels) else _Collect("", "", ""))
        for rid, name in sheets.found.items():
            target = targets.found.get(rid, "")
            target = (target[1:] if target.startswith("/")
                      else posixpath.normpath(posixpath.join(folder, target)))
            names.setdefault(target, name)
    return names


class _Collect:
    """A key and a value from each element of one name (sheets, relationships)."""

    def __init__(self, element: str, key: str, value: str) -> None:
        self.element, self.key, self.value = element, key, value
        self.found: dict[str, str] = {}

    def start(self, name: str, attrs: dict) -> None:
        if name == self.element:
            if len(self.found) > MAX_PARTS:
                raise Refused("names more sheets or parts than any workbook has; check that "
                              "this is the right file")
            self.found.setdefault(attrs.get(self.key, ""), attrs.get(self.value, ""))

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass
