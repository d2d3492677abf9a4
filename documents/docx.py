"""DOCX of an official document (python-docx), for offices that finish in Word.

Written from the same :class:`~documents.content.OfficialDocument` as the
PDF: the same paragraphs in the same order, Liberation Serif (the font the
PDF embeds; metric-compatible with Times New Roman), the same sizes and the
Decree 30/2020 margins. Page numbers sit at the top centre from page 2; the
attached agenda is its own section with its own numbering.
"""

from __future__ import annotations

import io
from functools import cache

from django.contrib.staticfiles import finders
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from PIL import ImageFont

from conferences import formatting

from .content import OfficialDocument, Paragraph

FONT = "Liberation Serif"
BODY_PT = 14
TEXT_WIDTH_MM = 210 - 30 - 15
ISSUER_MM, MOTTO_MM = 60, TEXT_WIDTH_MM - 60
CENTER = WD_ALIGN_PARAGRAPH.CENTER


@cache
def _font(bold: bool, size: float) -> ImageFont.FreeTypeFont:
    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    return ImageFont.truetype(finders.find(f"documents/fonts/{name}"), size=int(size * 10))


def _text_mm(text: str, size: float, bold: bool) -> float:
    """Printed width of ``text`` in millimetres (for rules as long as a line)."""
    return _font(bold, size).getlength(text) / 10 / 72 * 25.4


def _set_font(run, size: float, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _paragraph(container, text: str = "", *, size: float = BODY_PT, bold=False, italic=False, align=CENTER, after=0):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(after)
    if text:
        _set_font(paragraph.add_run(text), size, bold, italic)
    return paragraph


def _rule(container, width_mm: float, column_mm: float) -> None:
    """A centred horizontal rule ``width_mm`` long: a bottom border on an empty,
    indented paragraph."""
    paragraph = _paragraph(container, size=2)
    indent = max(column_mm - width_mm, 0) / 2
    paragraph.paragraph_format.left_indent = Mm(indent)
    paragraph.paragraph_format.right_indent = Mm(indent)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
    run = paragraph.add_run()
    _set_font(run, 2)


def _field(paragraph, instruction: str, size: float) -> None:
    """A Word field (``PAGE``): begin, instruction, separator, cached result, end."""
    run = paragraph.add_run()
    _set_font(run, size)

    def char(kind: str):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    def text(tag: str, value: str):
        element = OxmlElement(tag)
        element.set(qn("xml:space"), "preserve")
        element.text = value
        return element

    for element in (char("begin"), text("w:instrText", instruction), char("separate"), text("w:t", "2"), char("end")):
        run._r.append(element)


def _set_up_section(section, document: OfficialDocument, restart: bool) -> None:
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(8)
    section.different_first_page_header_footer = True
    for header, numbered in ((section.first_page_header, False), (section.header, True)):
        header.is_linked_to_previous = False
        first = header.paragraphs[0]
        first.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if document.draft:
            _set_font(first.add_run(document.draft_mark), 13, bold=True)
        if numbered:
            _field(_paragraph(header), "PAGE", 13)
    if restart:
        number_type = OxmlElement("w:pgNumType")
        number_type.set(qn("w:start"), "1")
        section._sectPr.append(number_type)


def _table(container, widths_mm: list[float], rows: int):
    table = container.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
            cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    return table


def _body_paragraph(container, paragraph: Paragraph, *, italic: bool = False) -> None:
    out = container.add_paragraph()
    out.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    out.paragraph_format.first_line_indent = Cm(1.27)
    out.paragraph_format.space_before = Pt(6)
    out.paragraph_format.space_after = Pt(0)
    if paragraph.qr:
        from .qr import qr_png

        out.paragraph_format.first_line_indent = Cm(0)
        out.add_run().add_picture(io.BytesIO(qr_png(paragraph.qr)), width=Mm(24))
        out.add_run(" ")
    if paragraph.lead:
        _set_font(out.add_run(paragraph.lead + (" " if paragraph.text else "")), BODY_PT, bold=True)
    for text, bold, emphasis in formatting.inline_runs(paragraph.text):
        _set_font(out.add_run(text), BODY_PT, bold=bold, italic=italic or emphasis)


def _letterhead(container, document: OfficialDocument) -> None:
    head = document.letterhead
    table = _table(container, [ISSUER_MM, MOTTO_MM], rows=2)
    issuer, motto = table.rows[0].cells
    if head.parent:
        _paragraph(issuer, head.parent, size=13)
    _paragraph(issuer, head.name, size=13, bold=True)
    _rule(issuer, _text_mm(head.name, 13, True) * 0.4, ISSUER_MM)
    _paragraph(motto, document.motto[0], size=12.5, bold=True)
    _paragraph(motto, document.motto[1], size=13.5, bold=True)
    _rule(motto, _text_mm(document.motto[1], 13.5, True), MOTTO_MM)
    number, place_date = table.rows[1].cells
    _paragraph(number, head.number, size=13)
    _paragraph(place_date, head.place_date, size=14, italic=True)


def _closing(container, document: OfficialDocument) -> None:
    table = _table(container, [TEXT_WIDTH_MM * 0.45, TEXT_WIDTH_MM * 0.55], rows=1)
    distribution, signature = table.rows[0].cells
    left = WD_ALIGN_PARAGRAPH.LEFT
    _paragraph(distribution, "Nơi nhận:", size=12, bold=True, italic=True, align=left)
    for line in document.distribution:
        _paragraph(distribution, f"- {line}", size=11, align=left)
    if document.signature:
        for title in document.signature.titles:
            _paragraph(signature, title, bold=True)
        for _ in range(4):
            _paragraph(signature)
        _paragraph(signature, document.signature.name, bold=True)


def _agenda(word, document: OfficialDocument) -> None:
    agenda = document.agenda
    _set_up_section(word.add_section(WD_SECTION.NEW_PAGE), document, restart=True)
    _paragraph(word, agenda.title, bold=True)
    for line in agenda.subject_lines:
        _paragraph(word, line, bold=True)
    _paragraph(word, agenda.reference, italic=True)
    _rule(word, TEXT_WIDTH_MM * 0.3, TEXT_WIDTH_MM)
    table = _table(word, [11, TEXT_WIDTH_MM - 11 - 48, 48], rows=1 + len(agenda.rows))
    table.style = word.styles["Table Grid"]
    for cell, title in zip(table.rows[0].cells, ("TT", "Nội dung", "Thực hiện"), strict=True):
        _paragraph(cell, title, size=13, bold=True)
    for row, cells in zip(agenda.rows, table.rows[1:], strict=True):
        order, content, performers = cells.cells
        _paragraph(order, row.number, size=13)
        paragraph = _paragraph(content, size=13, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        for text, bold, italic in formatting.inline_runs(row.content):
            _set_font(paragraph.add_run(text), 13, bold, italic)
        for line in row.performers:
            _paragraph(performers, line, size=13, align=WD_ALIGN_PARAGRAPH.LEFT)


def render_docx(document: OfficialDocument) -> bytes:
    """The document as DOCX bytes."""
    word = Document()
    normal = word.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    properties = word.core_properties  # Word keeps at most 255 characters each
    properties.title, properties.subject = document.title[:255], document.subject[:255]
    properties.author = document.author[:255]
    properties.language = document.lang
    _set_up_section(word.sections[0], document, restart=False)

    _letterhead(word, document)
    _paragraph(word, document.doc_type, bold=True).paragraph_format.space_before = Pt(6)
    for line in document.subject_lines:
        _paragraph(word, line, bold=True)
    _rule(word, min(TEXT_WIDTH_MM * 0.4, max(_text_mm(line, 14, True) for line in document.subject_lines) * 0.4), TEXT_WIDTH_MM)
    for basis in document.legal_bases:
        _body_paragraph(word, Paragraph(basis, style="legal"), italic=True)
    for paragraph in document.body:
        _body_paragraph(word, paragraph)
    _paragraph(word, after=6)
    _closing(word, document)
    if document.agenda:
        _agenda(word, document)
    for table in word.tables:
        for cell in table._cells:
            if not cell.paragraphs:
                cell.add_paragraph()  # Word wants a paragraph in every cell

    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
