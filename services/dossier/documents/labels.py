"""The sheet of labels (roze klevers / vignettes): 24 identical labels with the person's
identification and a Code 39 barcode of the national register number, to stick on forms for the
fund."""

from __future__ import annotations

from fpdf import FPDF

from services.dossier.documents.person import (
    WORDS,
    Issued,
    Member,
    day,
    fitted,
)
from shared.identifiers import formatted_insz
from shared.pdf import FONT, Language, document

# A4 label sheet of 24: 3 columns by 8 rows of 70 × 37 mm, the sheet's 1 mm left over shared
# above and below.
LABEL_WIDTH, LABEL_HEIGHT, COLUMNS, ROWS = 70, 37, 3, 8
_TOP = (297 - ROWS * LABEL_HEIGHT) / 2
_PADDING = 4
# Code 39 with 0.25 mm narrow bars: 13 characters (the 11 digits between start and stop "*")
# take 52 mm, within the label, and wide enough for an ordinary scanner.
BAR_WIDTH, BAR_HEIGHT = 0.75, 7


def render_labels(member: Member, issued: Issued, language: Language) -> bytes:
    """The sheet of 24 identical labels (klevers / vignettes) to stick on forms for the fund."""
    words = WORDS[language]
    pdf = document(f"{words['labels']} {member.name}", language, issued.on)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0)
    pdf.set_fill_color(0)
    for row in range(ROWS):
        for column in range(COLUMNS):
            _label(pdf, column * LABEL_WIDTH, _TOP + row * LABEL_HEIGHT, member, issued, language)
    return bytes(pdf.output())


def _label(pdf: FPDF, x: float, y: float, member: Member, issued: Issued, language: Language):
    width = LABEL_WIDTH - 2 * _PADDING
    words = WORDS[language]
    number = formatted_insz(member.national_register_number)
    born = day(member.birth_date, language, "medium")
    lines = [
        ("B", 8.5, f"{member.last_name.upper()} {member.first_name}"),
        ("", 7, f"{number}   {born}"),
        ("", 7, issued.fund_name),
        ("", 7, f"{words['member_number']} {member.booklet_id}"),
    ]
    if member.cg1 and member.cg2:
        lines.append(("", 7, f"CG1/CG2 {member.cg1}/{member.cg2}"))
    pdf.set_xy(x + _PADDING, y + 2.5)
    for style, size, text in lines:
        pdf.set_font(FONT, style, size)
        pdf.set_x(x + _PADDING)
        pdf.cell(width, 3.4, fitted(pdf, text, width), new_x="LMARGIN", new_y="NEXT")
    bars_at = y + LABEL_HEIGHT - 2.5 - BAR_HEIGHT
    pdf.code39(f"*{member.national_register_number}*", x + _PADDING, bars_at, BAR_WIDTH, BAR_HEIGHT)
