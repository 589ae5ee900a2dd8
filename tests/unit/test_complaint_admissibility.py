"""CMP-1, CMP-4: anonymous complaints and complaints unrelated to the fund are not handled:
they get a written, motivated answer and the file is closed."""

from __future__ import annotations

import pytest

from services.complaints.domain import procedure
from services.complaints.domain.complaint import ComplaintRefused
from services.complaints.domain.status import Status
from tests.support.complaints import RECEIVED, in_status, registered


def test_cmp1_an_anonymous_complaint_cannot_be_found_admissible():
    complaint = in_status(Status.ACKNOWLEDGED, anonymous=True)

    with pytest.raises(ComplaintRefused, match="anonymous complaints are not handled"):
        procedure.find_admissible(complaint, "reimbursement", RECEIVED)

    assert complaint.pending == [] and complaint.status is Status.ACKNOWLEDGED


def test_cmp1_cmp4_an_anonymous_complaint_is_inadmissible_with_a_motivated_answer_and_closed():
    complaint = registered(anonymous=True)

    procedure.find_inadmissible(complaint, "anonymous", "The letter bears no name or address.")

    found, letter, closed = complaint.pending
    assert (found.ground, found.motivation) == ("anonymous", "The letter bears no name or address.")
    assert letter.kind == "inadmissibility"
    assert "geen anonieme klachten" in letter.text
    assert "The letter bears no name or address." in letter.text
    assert letter.text.startswith("Geachte mevrouw, geachte heer,")  # nobody to name
    assert closed.outcome == "inadmissible" and complaint.status is Status.CLOSED


def test_cmp1_cmp4_a_complaint_unrelated_to_the_fund_is_inadmissible_with_a_motivated_answer():
    complaint = in_status(Status.ACKNOWLEDGED, language="fr")
    motivation = "Le stationnement de l'hôpital ne relève pas de la mutualité."

    procedure.find_inadmissible(complaint, "unrelated_to_fund", motivation)

    found, letter, closed = complaint.pending
    assert found.ground == "unrelated_to_fund"
    assert "ce que notre mutualité a fait ou omis de faire" in letter.text
    assert motivation in letter.text and complaint.file_number in letter.text
    assert closed.outcome == "inadmissible"


def test_cmp2_an_inadmissibility_answered_at_once_tells_the_file_number():
    complaint = registered()

    procedure.find_inadmissible(complaint, "unrelated_to_fund", "Not about us.")

    assert complaint.file_number in complaint.pending[1].text
    assert complaint.duty is None  # no acknowledgement is owed any more


def test_cmp1_a_complaint_refers_to_a_payment_a_decision_or_a_contact():
    complaint = registered(reference={"kind": "payment", "text": "+++090/9337/55493+++"})

    assert complaint.registration.reference.kind == "payment"
