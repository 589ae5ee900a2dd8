"""Every message to the complainant is a letter in their language (nl, fr; de → fr, en → nl)
that never asks for a password or code (ID-10)."""

from __future__ import annotations

from datetime import date

import pytest

from services.complaints.domain import letters, procedure
from services.complaints.domain.letters import CredentialRequest
from services.complaints.domain.status import Status
from tests.support.complaints import MEDIATOR, RECEIVED, in_status, registered


def test_cmp2_cmp3_the_acknowledgement_in_dutch_tells_the_file_number_and_date():
    complaint = registered(language="nl", complainant_name="Els Peeters")

    procedure.acknowledge(complaint)

    letter = complaint.pending[-1]
    assert (letter.kind, letter.language, letter.standard) == ("acknowledgement", "nl", False)
    assert letter.text.startswith("Beste Els Peeters,")
    assert "klacht van 2 maart 2026" in letter.text
    assert f"dossiernummer {complaint.file_number}" in letter.text


def test_cmp2_cmp3_the_acknowledgement_in_french():
    complaint = registered(language="fr", complainant_name="Luc Dupont")

    procedure.acknowledge(complaint)

    letter = complaint.pending[-1]
    assert letter.language == "fr"
    assert letter.text.startswith("Bonjour Luc Dupont,")
    assert "votre plainte du 2 mars 2026" in letter.text
    assert f"numéro de dossier {complaint.file_number}" in letter.text


@pytest.mark.parametrize(("asked", "written"), [("de", "fr"), ("en", "nl")])
def test_cmp2_german_is_answered_in_french_and_english_in_dutch(asked, written):
    complaint = registered(language=asked)

    procedure.acknowledge(complaint)

    assert complaint.pending[-1].language == written


def test_cmp6_cmp7_the_answer_gives_verdict_motivation_advice_and_the_mediator_at_the_bottom():
    complaint = in_status(Status.UNDER_ANALYSIS, language="nl")

    procedure.answer(
        complaint, "partly_founded", "Te laag bedrag gestort.", "Vraag een attest.", MEDIATOR
    )

    text = complaint.pending[-1].text
    assert "We vinden je klacht gedeeltelijk gegrond." in text
    assert "Te laag bedrag gestort." in text and "Ons advies: Vraag een attest." in text
    assert text.index("nationale klachtenbemiddelaar") > text.index("Ons advies")
    assert MEDIATOR in text


def test_cmp6_an_answer_without_advice_has_no_empty_advice_paragraph():
    complaint = in_status(Status.UNDER_ANALYSIS, language="fr")

    procedure.answer(complaint, "unfounded", "Le montant est correct.", None, MEDIATOR)

    text = complaint.pending[-1].text
    assert "non fondée" in text and "Notre conseil" not in text and "\n\n\n" not in text


def test_cmp7_the_mediators_answer_is_signed_by_the_mediator():
    complaint = in_status(Status.WITH_MEDIATOR, language="fr")

    procedure.answer_as_mediator(complaint, "founded", "Réexaminé.", None)

    letter = complaint.pending[-1]
    assert letter.kind == "mediator_answer"
    assert "Le médiateur national de plaintes a réexaminé" in letter.text
    assert "Meilleures salutations,\nLe médiateur national de plaintes" in letter.text


@pytest.mark.parametrize(
    "text",
    [
        "Stuur ons je wachtwoord zodat we je dossier kunnen bekijken.",
        "Geef ons de pincode van je kaart.",
        "Merci de nous communiquer votre mot de passe.",
        "Envoyez-nous votre code de vérification.",
        "Please reply with your password.",
    ],
)
def test_id10_a_letter_never_asks_for_a_password_or_code(text):
    complaint = in_status(Status.UNDER_ANALYSIS)

    with pytest.raises(CredentialRequest, match="never asks for a password or code"):
        procedure.request_information(complaint, text, RECEIVED)

    assert complaint.pending == []


def test_id10_every_letter_warns_that_the_fund_never_asks_for_credentials():
    for language, warning in [("nl", "wij vragen je nooit"), ("fr", "nous ne vous demandons")]:
        letter = letters.render("status", language, "An", file_number="2026-000001", note="…")
        assert warning in letter.text


def test_cmp3_a_french_date_on_the_first_of_the_month():
    letter = letters.render(
        "acknowledgement", "fr", "An", file_number="2026-000001", received_on=date(2026, 4, 1)
    )

    assert "du 1er avril 2026" in letter.text
