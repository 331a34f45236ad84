"""The committee report as a Word document, for officers who paste it into the council's own
report template.

Written from the same report model as the PDF, block by block: headings in Word's Heading
1–4 styles (so they carry over into any template and its navigation pane), tables with a
header row that repeats on every page the table runs onto, charts as pictures with their
descriptions as alternative text. A4, the council's name and the "as at" date in the page
header, "Page N of M" in the footer.

The same report gives the same bytes: the document's dates are the build date (as the PDF's),
and the file's zip entries carry that date too, not the clock.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Inches, Pt, RGBColor
from docx.text.paragraph import Paragraph
from markupsafe import Markup

from improvement_site.lifecycle import MADE_BY
from improvement_site.report.blocks import Chart, Facts, Heading, Items, Para, Report, Rich, Table
from improvement_site.report.word_text import add_blocks, add_inline, has_style, is_block, set_style

TABLE_TEXT = "Table Text"  # table cells' paragraphs: a size smaller than the body
TEXT_WIDTH_CM = 16.0  # A4 less 2.5 cm margins
PX_PER_CM = 96 / 2.54


def _text(paragraph, value) -> None:
    """Our own words as a run; officers' text (Markup) through the converter."""
    if isinstance(value, Markup):
        add_inline(paragraph, value)
    else:
        paragraph.add_run(str(value))


def _value(container, value, first=None) -> None:
    """A value that may be paragraphs (officers' Markdown) or a phrase."""
    if isinstance(value, Markup) and is_block(value):
        add_blocks(container, value, first)
    else:
        _text(first if first is not None else container.add_paragraph(), value)


def _set(element, tag: str, **attrs):
    child = element.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        element.append(child)
    for name, value in attrs.items():
        child.set(qn(f"w:{name}"), value)
    return child


def _setup(doc, report: Report) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set(run_defaults, "w:lang", val=report.language, eastAsia=report.language,
         bidi=report.language)
    _set(run_defaults, "w:rFonts", ascii="Arial", hAnsi="Arial", cs="Arial")
    for name in ("Normal", "Caption", *(f"Heading {level}" for level in range(1, 5))):
        style = doc.styles[name]
        # Arial in the style itself: the template's theme fonts would win over a plain name.
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{attribute}"), None)
        style.font.name = "Arial"
        if name != "Normal":
            style.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
    table_text = doc.styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.font.size = Pt(9.5)
    table_text.paragraph_format.space_after = Pt(2)
    caption = doc.styles["Caption"]
    caption.font.size, caption.font.bold, caption.font.italic = Pt(10), True, False
    header = section.header.paragraphs[0]
    _right_tab(header)
    header.add_run(f"{report.council}\tPosition as at {report.as_at}").font.size = Pt(8.5)
    footer = section.footer.paragraphs[0]
    _right_tab(footer)
    note = " · Committee only: not for publication" if report.audience == "committee" else ""
    footer.add_run(f"{report.subject}{note}\tPage ").font.size = Pt(8.5)
    _field(footer, "PAGE")
    footer.add_run(" of ").font.size = Pt(8.5)
    _field(footer, "NUMPAGES")


def _right_tab(paragraph) -> None:
    """One tab stop, at the right margin: the header and footer styles' own centre and right
    stops (for Letter paper) are cleared."""
    stops = paragraph.paragraph_format.tab_stops
    for inches in (3.25, 6.5):
        stops.add_tab_stop(Inches(inches), WD_TAB_ALIGNMENT.CLEAR)
    stops.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT)


def _field(paragraph, code: str) -> None:
    """A page-number field Word fills in (PAGE, NUMPAGES)."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _heading(doc, block: Heading, first: bool) -> None:
    paragraph = doc.add_paragraph()
    set_style(paragraph, f"Heading {block.level}")
    _text(paragraph, block.text)
    if block.level == 1 and not first:
        paragraph.paragraph_format.page_break_before = True


def _para(doc, block: Para) -> None:
    paragraph = doc.add_paragraph()
    _text(paragraph, block.text)
    if block.style in ("note", "outcome"):
        for run in paragraph.runs:
            run.italic = True
    elif block.style in ("committee", "warning"):  # said in bold, as the site does
        for run in paragraph.runs:
            run.bold = True
    elif block.style == "kicker":
        for run in paragraph.runs:
            run.font.size = Pt(14)


def _facts(doc, block: Facts) -> None:
    if block.style == "line":
        paragraph = doc.add_paragraph()
        add_inline(paragraph, block.line())
        paragraph.paragraph_format.space_after = Pt(3)
        return
    for label, value in block.items:
        if isinstance(value, Markup) and is_block(value):
            label_paragraph = doc.add_paragraph()
            label_paragraph.add_run(label).bold = True
            label_paragraph.paragraph_format.keep_with_next = True
            label_paragraph.paragraph_format.space_after = Pt(0)
            add_blocks(doc, value)
        else:
            paragraph = doc.add_paragraph()
            colon = "" if str(label).endswith("?") else ":"  # "What's working well?" has none
            paragraph.add_run(f"{label}{colon} ").bold = True
            _text(paragraph, value)
            paragraph.paragraph_format.space_after = Pt(3)


def _table(doc, block: Table) -> None:
    caption = doc.add_paragraph()
    set_style(caption, "Caption")
    _text(caption, block.caption)
    caption.paragraph_format.keep_with_next = True
    columns = len(block.head)
    table = doc.add_table(rows=1, cols=columns)
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    properties = table._tbl.tblPr
    _set(properties, "w:tblCaption", val=str(Markup(block.caption).striptags()))
    widths = block.widths or (1,) * columns
    cm = [Cm(TEXT_WIDTH_CM * w / sum(widths)) for w in widths]
    for column, width in zip(table.columns, cm):
        column.width = width  # the grid, which Word and LibreOffice lay the table out by
    head = table.rows[0]
    # The header row repeats at the top of every page the table runs onto.
    _set(head._tr.get_or_add_trPr(), "w:tblHeader", val="true")
    for i, (cell, text) in enumerate(zip(head.cells, block.head)):
        cell.width = cm[i]
        set_style(cell.paragraphs[0], TABLE_TEXT)
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
    for row_values in (*block.rows, *block.foot):
        row = table.add_row()
        _set(row._tr.get_or_add_trPr(), "w:cantSplit", val="true")
        for i, (cell, value) in enumerate(zip(row.cells, row_values)):
            cell.width = cm[i]
            _value(cell, value, first=cell.paragraphs[0])
            for paragraph in cell.paragraphs:
                if not has_style(paragraph):  # Normal: a size smaller in a table
                    set_style(paragraph, TABLE_TEXT)
            if row_values in block.foot:  # totals in bold, as in the PDF
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.bold = True
            if i in block.numeric:
                cell.paragraphs[0].alignment = 2  # right
    doc.add_paragraph()


def _items(doc, block: Items) -> None:
    style = "List Number" if block.ordered else "List Bullet"
    for item in block.items:
        if isinstance(item, Markup) and is_block(item):
            add_blocks(doc, Markup("<ol><li>{}</li></ol>" if block.ordered else
                                   "<ul><li>{}</li></ul>").format(item))
        else:
            paragraph = doc.add_paragraph()
            set_style(paragraph, style)
            _text(paragraph, item)


def _chart(doc, block: Chart, png: Path) -> None:
    width = min(TEXT_WIDTH_CM, block.width_px / PX_PER_CM) if block.width_px else TEXT_WIDTH_CM
    shape = doc.add_picture(str(png), width=Cm(width))
    prop = shape._inline.docPr  # the picture's alternative text and title
    prop.set("descr", block.alt)
    prop.set("title", block.title)
    caption = " ".join(part for part in (block.key, block.note) if part)
    if caption:  # the key to the lines, in words, as the site shows it beside the chart
        paragraph = doc.add_paragraph()
        set_style(paragraph, "Caption")
        paragraph.add_run(caption)


def _keep_together(doc, elements) -> None:
    """A heading and the blocks it keeps (an action; a measure with its chart) on one page,
    as the PDF keeps them: each paragraph kept with the next, but the last."""
    paragraphs = [e for e in elements if e.tag == qn("w:p")]
    for p in paragraphs[:-1]:
        Paragraph(p, doc).paragraph_format.keep_with_next = True


def docx_bytes(report: Report, epoch: int, pngs: dict[Path, Path]) -> bytes:
    """The report as .docx bytes; `pngs` maps each chart's SVG to its PNG."""
    from improvement_site.report.pdf import document_title

    doc = Document()
    _setup(doc, report)
    first_heading = True
    body, kept_from, kept_to = doc.element.body, 0, -1
    for index, block in enumerate(report.blocks):
        if isinstance(block, Heading) and block.keep:
            # where its first paragraph goes: before the section properties, always last
            kept_from, kept_to = len(body) - (body[-1].tag == qn("w:sectPr")), index + block.keep
        if isinstance(block, Heading):
            _heading(doc, block, first_heading)
            first_heading = False
        elif isinstance(block, Para):
            _para(doc, block)
        elif isinstance(block, Rich):
            add_blocks(doc, block.html)
        elif isinstance(block, Facts):
            _facts(doc, block)
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Items):
            _items(doc, block)
        elif isinstance(block, Chart):
            _chart(doc, block, pngs[block.svg])
        if index == kept_to:
            _keep_together(doc, body[kept_from:])
    when = datetime.fromtimestamp(epoch, tz=timezone.utc).replace(tzinfo=None)
    props = doc.core_properties
    props.title = document_title(report)
    props.subject = report.subject
    props.author = report.council
    props.last_modified_by = report.council
    props.language = report.language
    props.created = props.modified = when
    props.last_printed = when
    props.revision = 1
    props.comments = ""
    props.keywords = "committee report"
    props.category = "Committee only" if report.audience == "committee" else "Public"
    out = io.BytesIO()
    doc.save(out)
    return _steady_zip(out.getvalue(), when)


def _steady_zip(data: bytes, when: datetime) -> bytes:
    """The same entries in the same order, each dated `when` (zip keeps local times to two
    seconds and nothing before 1980), so the bytes depend on the content alone."""
    stamp = max(when, datetime(1980, 1, 1)).timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/app.xml":  # python-docx's template names Word
                content = re.sub(rb"<Application>[^<]*</Application>",
                                 f"<Application>{MADE_BY}</Application>".encode(), content)
            target.writestr(entry, content)
    return out.getvalue()
