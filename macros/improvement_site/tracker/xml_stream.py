"""Reading one XML part of a workbook's zip with expat, streaming, as the check does: a part
that declares a DOCTYPE is refused before anything of it is read."""

from __future__ import annotations

import zipfile
from typing import Any
from xml.parsers import expat

CHUNK = 1 << 16


class Refused(Exception):
    """The workbook cannot be read safely; the message says why and what to do."""

    def __init__(self, message: str, sheet: str | None = None, row: int | None = None):
        super().__init__(message)
        self.sheet, self.row = sheet, row


def xml_parser(part: str) -> expat.XMLParserType:
    """An expat parser that refuses any DOCTYPE: entity declarations (the only way to XXE,
    billion laughs and quadratic blowup) can only be made in one, and Excel never writes one."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True

    def doctype(*_: object) -> None:
        raise Refused(f"holds XML entity declarations (in {part}), which spreadsheets never "
                      f"need and which can be used to read other files or to exhaust memory; "
                      f"it was not read: save it again from Excel")

    parser.StartDoctypeDeclHandler = doctype
    return parser


def stream(book: zipfile.ZipFile, part: str, reader: Any) -> Any:
    """Feed one part to a reader's start, end and text handlers; returns the reader."""
    parser = xml_parser(part)
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.text
    try:
        with book.open(part) as file:
            while chunk := file.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise Refused(f"is damaged: its part {part} is not well-formed XML "
                      f"({expat.errors.messages[exc.code]}, line {exc.lineno}); save it again "
                      f"from Excel", sheet=getattr(reader, "sheet", None)) from None
    except zipfile.BadZipFile:
        raise Refused(f"is damaged: its part {part} does not unpack as the zip says; save it "
                      f"again from Excel") from None
    return reader
