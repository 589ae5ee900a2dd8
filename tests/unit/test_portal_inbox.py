"""DOS-11: the inbox is one list of every document the fund sent the member's persons, the
latest first: the premium invoices, the receipts of payments, the letters about complaints and
e-invoicing's announcements, each with where to read it; it says whether documents come here
or on paper, and a service that is down leaves its documents out with a word, not an error.
The services are stood in for by an httpx transport, as in tests/unit/test_portal.py."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.unit.test_portal import PERSON, signed_in
from tests.unit.test_portal_insurances import ANNOUNCEMENTS, DECEMBER, DELIVERY, LOTTE, text_of

SUPPLEMENT = DECEMBER | {"number": "2026000042", "issued_on": "2026-12-20"}
SUPPLEMENT |= {"supplements": DECEMBER["number"]}
PAYMENT = {"payment_id": "pay-1", "person_id": "p1", "amount": "23.73", "value_date": "2026-12-10"}
COMPLAINT = {"file_number": "K-2026-000017", "subject": "Kinesitherapie niet terugbetaald"}
LETTER = {
    "kind": "acknowledgement",
    "language": "nl",
    "text": "...",
    "sent_at": "2026-12-04T09:00:00Z",
}


class Services:
    def __init__(self, down: str | None = None) -> None:
        self.down = down

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if self.down and path.startswith(self.down):
            return httpx.Response(503, json={"status": 503, "code": "down", "detail": "down"})
        answers = {
            "/login": {"access_token": "a", "refresh_token": "r"},
            "/persons": [PERSON, LOTTE],
            "/persons/p1/invoices": [SUPPLEMENT, DECEMBER],
            "/persons/p1/invoice-delivery": DELIVERY,
            "/payments": [PAYMENT],
            "/complaints": [COMPLAINT],
            f"/complaints/{COMPLAINT['file_number']}/letters": [LETTER],
            "/announcements": ANNOUNCEMENTS,
        }
        if path in answers:
            return httpx.Response(200, json=answers[path])
        body = {"status": 404, "code": "not_found", "detail": "no such thing"}
        return httpx.Response(404, json=body)


async def member_on(services: Services, tmp_path) -> httpx.Response:
    async with signed_in(services, tmp_path) as browser:
        return await browser.get("/inbox")


async def test_dos11_the_inbox_lists_every_document_the_latest_first_with_where_to_read_it(
    tmp_path,
):
    page = await member_on(Services(), tmp_path)

    assert page.status_code == 200
    rows = re.findall(r"<tr>(.*?)</tr>", page.text, re.S)[1:]
    lines = [text_of(row).strip() for row in rows]
    assert [line.split(" ", 3)[:3] for line in lines] == [
        ["1", "februari", "2027"],  # New terms take effect (an announcement)
        ["9", "januari", "2027"],  # Maintenance (an announcement)
        ["20", "december", "2026"],  # The supplementary invoice
        ["10", "december", "2026"],  # The receipt
        ["4", "december", "2026"],  # The letter about her complaint
        ["1", "december", "2026"],  # December's invoice
    ]
    assert "Factuur van december 2026 (aanvulling op factuur 2026000007)" in lines[2]
    assert "Kwijtschrift van een betaling van €\xa023,73" in lines[3]
    assert "Brief over je klacht K-2026-000017: Kinesitherapie niet terugbetaald" in lines[4]
    for link in ("/invoices/2026000042", "/invoices/2026000007/pdf", "/payments/pay-1/receipt"):
        assert f'href="{link}"' in page.text
    assert 'href="/complaints/K-2026-000017"' in page.text
    words = text_of(page.text)
    assert "Je documenten komen in deze inbox, niet op papier." in words
    assert "sommige documenten kunnen ontbreken" not in words


@pytest.mark.parametrize("down", ["/complaints", "/payments"])
async def test_dos11_a_service_down_leaves_its_documents_out_and_says_so(tmp_path, down):
    page = await member_on(Services(down=down), tmp_path)

    assert page.status_code == 200
    words = text_of(page.text)
    assert "Niet alle diensten antwoordden: sommige documenten kunnen ontbreken." in words
    assert "Factuur van december 2026" in words
    assert ("Kwijtschrift" in words) is (down != "/payments")
    assert ("Brief over je klacht" in words) is (down != "/complaints")
