"""CMP-10, CMP-11: members file and follow their complaints through the portal API with their
own token, seeing their own and those of the persons they may act on (ID-7); complaint
handlers read every file, the mediator what was taken to them, and nobody else reads one."""

from __future__ import annotations

from datetime import date

from services.complaints.app import definition as complaints_service
from shared.contracts.access import AccessGranted
from tests.support import dossier
from tests.support.dossier import insz
from tests.support.http import bearer, client
from tests.support.services import running
from tests.support.waiting import eventually

ELS, BRAM, LOTTE = (
    insz(date(1985, 7, 30), 33),
    insz(date(1990, 2, 1), 45),
    insz(date(2014, 5, 3), 12),
)
COMPLAINT = {
    "complainant_name": "Els Peeters",
    "subject": "Refund missing",
    "description": "My physiotherapy refund of March is missing.",
    "category": "reimbursement",
    "reference": {"kind": "payment", "text": "March 2026 physiotherapy"},
}


async def test_cmp10_cmp11_members_file_and_follow_their_own_complaints_nobody_else_reads_them(
    database_url, kafka, signer
):
    async with running(complaints_service, database_url, kafka) as service:
        await signer.known_by(service)
        for account_id, person in [("els", ELS), ("bram", BRAM), ("lotte", LOTTE)]:
            await signer.announce_member(service, account_id, person)
        els, bram = signer.token("member", "els"), signer.token("member", "bram")
        lotte = signer.token("member", "lotte")
        async with client(service) as api:
            filed = await api.post("/complaints", json=COMPLAINT, headers=bearer(els))
            assert filed.status_code == 201, filed.text
            file_number = filed.json()["file_number"]
            path = f"/complaints/{file_number}"
            mine = await eventually(lambda: _ok(api.get(path, headers=bearer(els))))
            acknowledged = await signer.send(
                "complaints",
                "AcknowledgeComplaint",
                {"file_number": file_number},
                "complaints_handler",
            )
            assert acknowledged.status == "accepted", acknowledged.reason
            letters = await eventually(lambda: _ok(api.get(f"{path}/letters", headers=bearer(els))))

            seen_by = {
                role: (await api.get(path, headers=bearer(signer.token(role)))).status_code
                for role in ("complaints_handler", "mediator", "member_services", "admin")
            }
            bram_reads = await api.get(path, headers=bearer(bram))
            bram_lists = await api.get("/complaints", headers=bearer(bram))
            lotte_files = await api.post(
                "/complaints",
                json={**COMPLAINT, "complainant_name": "Lotte Peeters"},
                headers=bearer(lotte),
            )
            els_lists = await api.get("/complaints", headers=bearer(els))

            # Identity lets Els act for her daughter: from then on she follows Lotte's too.
            await signer.publish(
                AccessGranted(
                    holder=dossier.person_id(ELS),
                    person=dossier.person_id(LOTTE),
                    why="child under 16",
                ),
                "grant-els-lotte",
            )
            both = await eventually(lambda: _listing(api, els, 2))

    assert mine.json()["status"] == "registered" and mine.json()["channel"] == "portal"
    assert [letter["kind"] for letter in letters.json()] == ["acknowledgement"]
    assert seen_by == {
        "complaints_handler": 200,
        "mediator": 404,  # not taken to the mediator
        "member_services": 403,
        "admin": 403,
    }
    assert bram_reads.status_code == 404 and bram_lists.json() == []
    assert [c["file_number"] for c in els_lists.json()] == [file_number]
    assert lotte_files.status_code == 201
    assert sorted(c["complainant_name"] for c in both) == ["Els Peeters", "Lotte Peeters"]


async def _ok(request):
    response = await request
    return response if response.status_code == 200 and response.json() else None


async def _listing(api, token: str, count: int):
    response = await api.get("/complaints", headers=bearer(token))
    return response.json() if len(response.json()) == count else None
