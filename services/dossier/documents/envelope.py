"""The return envelope (briefomslag / enveloppe-réponse) to the person's regional fund, the member
as sender."""

from __future__ import annotations

from services.dossier.documents.person import (
    WORDS,
    Issued,
    Member,
    member_address_lines,
)
from shared.pdf import FONT, Language, address_lines, document, issuer

# DL envelope, 220 × 110 mm, in landscape; the addressee where a window or a franking machine
# expects it, in the right half below the stamp.
ENVELOPE = (220, 110)


def render_envelope(member: Member, issued: Issued, language: Language) -> bytes:
    """The return envelope (briefomslag): to the person's regional fund, the member as sender."""
    words = WORDS[language]
    pdf = document(f"{words['envelope']} {issued.fund_name}", language, issued.on, ENVELOPE)
    pdf.set_auto_page_break(False)
    pdf.set_font(FONT, "", 8)
    pdf.set_xy(10, 8)
    sender = [member.name, *member_address_lines(member.address, language)]
    sender.append(f"{words['member_number']} {member.booklet_id}")
    for line in sender:
        pdf.cell(90, 3.8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.rect(ENVELOPE[0] - 32, 8, 22, 26)
    pdf.set_font_size(6)
    pdf.set_xy(ENVELOPE[0] - 32, 19)
    pdf.cell(22, 3, words["stamp"], align="C")
    name, _, _ = issuer(issued.federation, issued.fund)
    pdf.set_xy(110, 58)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(100, 6, name, new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    for line in address_lines(issued.postal_contact):
        pdf.cell(100, 6, line, new_x="LEFT", new_y="NEXT")
    return bytes(pdf.output())
