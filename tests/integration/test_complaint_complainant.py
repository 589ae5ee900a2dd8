"""The complainant's own steps over Kafka, with the member's access token: filing a complaint
in their own name (CMP-11) and taking the answer to the mediator (CMP-7), their own complaint
only. The service knows whose person an account is from identity's events."""

from __future__ import annotations

import uuid
from datetime import date

from mutualis.staff import send_command
from services.complaints.app import definition as complaints_service
from tests.support import dossier
from tests.support.dossier import insz
from tests.support.recorded import recorded
from tests.support.services import running

ELS, BRAM = insz(date(1985, 7, 30), 33), insz(date(1990, 2, 1), 45)


async def member_accounts(signer, service, **people: str) -> None:
    for account_id, person in people.items():
        await signer.announce_member(service, account_id, person)


async def test_cmp11_cmp7_a_member_files_a_complaint_and_takes_the_answer_to_the_mediator(
    database_url, kafka, signer
):
    els, bram = f"els-{uuid.uuid4().hex[:6]}", f"bram-{uuid.uuid4().hex[:6]}"

    async def as_member(account_id: str, command: str, payload: dict):
        token = signer.sender("member", account_id=account_id)
        return await send_command(kafka, "complaints", command, payload, token, 30)

    async with running(complaints_service, database_url, kafka) as service:
        await signer.known_by(service)
        await member_accounts(signer, service, **{els: ELS, bram: BRAM})

        filed = await as_member(
            els,
            "RegisterComplaint",
            {"complainant_name": "Els Peeters", "subject": "Refund", "description": "…"},
        )
        assert filed.status == "accepted", filed.reason
        [registered] = [e.payload for e in await recorded(service, "ComplaintRegistered")]
        file_number = registered["file_number"]
        for command, payload in [
            ("AcknowledgeComplaint", {}),
            ("DecideAdmissibility", {"admissible": True, "category": "reimbursement"}),
            ("AnswerComplaint", {"verdict": "unfounded", "motivation": "Paid right."}),
        ]:
            outcome = await signer.send(
                "complaints", command, {"file_number": file_number, **payload}, "complaints_handler"
            )
            assert outcome.status == "accepted", outcome.reason

        disagree = {"file_number": file_number, "disagreement": "I was paid too little."}
        someone_else = await as_member(bram, "EscalateToMediator", disagree)
        own = await as_member(els, "EscalateToMediator", disagree)
        handler_as_mediator = await signer.send(
            "complaints",
            "AnswerAsMediator",
            {"file_number": file_number, "verdict": "founded", "motivation": "Yes."},
            "complaints_handler",
        )

    assert (registered["complainant_person"], registered["channel"]) == (
        dossier.person_id(ELS),
        "portal",
    )
    # Someone else's file is answered as if it did not exist (CMP-10).
    assert someone_else.status == "rejected"
    assert someone_else.reason == f"no complaint with file number {file_number}"
    assert own.status == "accepted"
    assert [e.type for e in own.events] == ["ComplaintEscalatedToMediator"]
    assert own.events[0].actor.account_id == els
    assert handler_as_mediator.reason == "a complaints_handler may not send AnswerAsMediator"


async def test_cmp11_a_member_files_only_in_their_own_name(database_url, kafka, signer):
    els = f"els-{uuid.uuid4().hex[:6]}"
    async with running(complaints_service, database_url, kafka) as service:
        await signer.known_by(service)
        await member_accounts(signer, service, **{els: ELS})

        outcome = await send_command(
            kafka,
            "complaints",
            "RegisterComplaint",
            {
                "complainant_name": "Bram",
                "complainant_person": BRAM,
                "subject": "Refund",
                "description": "…",
            },
            signer.sender("member", account_id=els),
            30,
        )

    assert outcome.status == "rejected"
    assert outcome.reason == (
        "a member may not set complainant_person: a member files a complaint in their own name only"
    )
