"""The portal's pages for the optional insurances (DOS-8) and their invoices (INV-1, INV-2,
INV-3), rendered against the dossier and einvoicing stood in for by an httpx transport, as
tests/unit/test_portal.py does (the browser tests, tests/e2e/test_portal.py, run them for
real)."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from tests.unit.test_portal import PERSON, signed_in

LOTTE = PERSON | {
    "person_id": "p2",
    "role": "dependant",
    "first_name": "Lotte",
    "birth_date": "2011-03-02",
}


def period(kind: str, months: int, ends_on: str, over: bool, steps: list[tuple[str, str]]):
    return {
        "kind": kind,
        "months": months,
        "counted_from": "2026-03-01",
        "ends_on": ends_on,
        "over": over,
        "steps": [{"from_on": day, "product": product, "why": "..."} for day, product in steps],
        "reason": f"{months} months for {kind} from 2026-03-01",
    }


INSURANCES = [
    {
        "product": "top",
        "name": "Neutra Top",
        "received_on": "2026-02-12",
        "starts_on": "2026-03-01",
        "ends_on": None,
        "earlier_cover": {"level": "optimum", "starts_on": "2019-01-01", "ends_on": "2026-02-28"},
        "waiting_periods": [
            period("accident", 0, "2026-03-01", True, [("2026-03-01", "top")]),
            period("illness", 6, "2026-09-01", True, [("2026-09-01", "top")]),
            period(
                "pregnancy",
                9,
                "2026-12-01",
                False,
                [("2026-09-01", "plus"), ("2026-12-01", "top")],
            ),
        ],
    },
    {
        "product": "optimum",
        "name": "Neutra Optimum",
        "received_on": "2018-12-03",
        "starts_on": "2019-01-01",
        "ends_on": "2026-02-28",
        "earlier_cover": None,
        "waiting_periods": [period("illness", 6, "2019-07-01", True, [("2019-07-01", "optimum")])],
    },
]


def invoice(number: str, month: str, **fields) -> dict:
    return {
        "number": number,
        "communication": f"+++{number[:3]}/{number[3:7]}/{number[7:]}97+++",
        "period": f"{month}-01",
        "issued_on": f"{month}-01",
        "due_on": f"{month}-20",
        "total": "1234.50",
        "balance": "1234.50",
        "status": "open",
        "provisional": False,
        "electronic": True,
        "reminders": 0,
        "paid_on": None,
        "payer_person_id": "p1",
        "lines": None,
        **fields,
    }


DECEMBER = invoice("2026000007", "2026-12", status="paid", balance="0.00", paid_on="2026-12-18")
JANUARY = invoice("2027000001", "2027-01", reminders=1, provisional=True)
LINES = [
    {
        "person_id": "p1",
        "person_name": "Els Peeters",
        "kind": "premium",
        "product": "top",
        "product_name": "Neutra Top",
        "amount": "1200.00",
        "basis": "age 44; Neutra Top premium 2027",
    },
    {
        "person_id": "p1",
        "person_name": "Els Peeters",
        "kind": "household_contribution",
        "product": "top",
        "product_name": "Neutra Top",
        "amount": "34.50",
        "basis": "household contribution 2027",
    },
]
ANNOUNCEMENTS = [
    {
        "kind": "maintenance",
        "starts_at": "2027-01-09T21:00:00Z",
        "ends_at": "2027-01-10T01:00:00Z",
        "effect": "suspended",
        "terms_version": None,
        "takes_effect_on": None,
        "text_nl": "Het portaal is onbeschikbaar.",
        "text_fr": "Le portail est indisponible.",
    },
    {
        "kind": "terms",
        "starts_at": None,
        "ends_at": None,
        "effect": None,
        "terms_version": "2027-02",
        "takes_effect_on": "2027-02-01",
        "text_nl": "Berichten ook per sms.",
        "text_fr": "Avis aussi par SMS.",
    },
]
DELIVERY = {"electronic": True, "notify": True, "channel": "email", "email": None, "phone": None}


def problem(status: int, code: str, detail: str, errors: list | None = None) -> httpx.Response:
    body = {"status": status, "code": code, "detail": detail, "errors": errors or []}
    return httpx.Response(status, json=body)


class Services:
    """The dossier and einvoicing as the portal sees them over HTTP: Els (p1) pays the
    household's invoices; Lotte (p2) is one einvoicing does not know (404)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str]] = []
        self.puts: list[dict] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.seen.append((request.method, path, request.url.query.decode()))
        match request.method, path:
            case "POST", "/login":
                return httpx.Response(200, json={"access_token": "a", "refresh_token": "r"})
            case "GET", "/persons":
                return httpx.Response(200, json=[PERSON, LOTTE])
            case "GET", "/persons/p1/insurances":
                return httpx.Response(200, json=INSURANCES)
            case "GET", "/persons/p2/insurances":
                return httpx.Response(200, json=[])
            case "GET", "/persons/p1/invoices":
                return httpx.Response(200, json=[DECEMBER, JANUARY])
            case "GET", "/invoices/2027000001":
                return httpx.Response(200, json=JANUARY | {"lines": LINES})
            case "GET", "/invoices/2027000001/pdf":
                return httpx.Response(200, content=b"%PDF-1.7 an invoice")
            case "GET", "/announcements":
                return httpx.Response(200, json=ANNOUNCEMENTS)
            case "GET", "/persons/p1/invoice-delivery":
                return httpx.Response(200, json=DELIVERY)
            case "PUT", "/persons/p1/invoice-delivery":
                return self.put(json.loads(request.content))
        return problem(404, "not_found", "no such thing among those you may see")

    def put(self, change: dict) -> httpx.Response:
        self.puts.append(change)
        if change.get("email") == "els@":
            message = "Value error, e-mail address 'els@': There must be something after the @."
            errors = [{"type": "value_error", "loc": ["body", "email"], "msg": message}]
            return problem(422, "invalid_request", "invalid or missing: body.email", errors)
        if DELIVERY | change == DELIVERY:
            return problem(409, "refused", "nothing to change: invoices are delivered so already")
        return httpx.Response(204)


@pytest.fixture
def services():
    return Services()


@pytest.fixture
async def member(services, tmp_path):
    """A browser on the portal, signed in as Els."""
    async with signed_in(services, tmp_path) as browser:
        yield browser


def text_of(html: str) -> str:
    """The page's words, without its markup, spaces as one."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_dos8_the_insurances_show_each_waiting_period_over_or_until_when(member):
    page = await member.get("/insurances")

    assert page.status_code == 200
    words = text_of(page.text)
    assert "Neutra Top" in words and "Begin 1 maart 2026" in words
    assert "Vorige verzekering Neutra Optimum, van 1 januari 2019 tot 28 februari 2026" in words
    assert re.search(r"Ongeval geen voorbij", words)
    assert re.search(r"Ziekte 6 maanden voorbij", words)
    assert "Zwangerschap en bevalling 9 maanden loopt nog: gedekt vanaf 1 december 2026" in words
    assert "vanaf 1 september 2026: de tussenkomst van Neutra +" in words
    # The Optimum ended with the switch: no waiting periods for it any more.
    assert "Deze verzekering is beëindigd." in words
    assert "Wachttijden van Neutra Optimum" not in words
    assert "Lotte Peeters Geen hospitalisatieverzekering." in words
    assert '<th scope="row">Zwangerschap en bevalling</th>' in page.text


async def test_inv2_the_inbox_lists_the_payers_invoices_latest_first_in_belgian_formats(
    member, services
):
    page = await member.get("/invoices")

    assert page.status_code == 200  # Lotte pays nothing: einvoicing's 404 is left out
    words = text_of(page.text)
    assert words.index("januari 2027") < words.index("december 2026")
    assert "januari 2027 (voorlopig) €\xa01.234,50 20 januari 2027" in words
    assert "te betalen herinnering verstuurd +++202/7000/00197+++" in words
    assert "betaald op 18 december 2026" in words
    assert '<a href="/invoices/2027000001">januari 2027</a>' in page.text
    assert ("GET", "/persons/p2/invoices", "") in services.seen

    open_only = await member.get("/invoices?status=open")
    assert ("GET", "/persons/p1/invoices", "status=open") in services.seen
    assert open_only.status_code == 200

    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    await member.post("/language", data={"language": "fr", "back": "/invoices", "csrf": csrf})
    french = text_of((await member.get("/invoices")).text)
    assert "janvier 2027 (provisoire) 1\u202f234,50\xa0€ 20 janvier 2027" in french


async def test_inv2_an_invoice_shows_its_lines_how_to_pay_it_and_its_documents(member, services):
    page = await member.get("/invoices/2027000001")

    assert page.status_code == 200
    words = text_of(page.text)
    assert "Factuur januari 2027" in words
    assert (
        "Els Peeters Neutra Top Maandelijkse premie age 44; Neutra Top premium 2027 €\xa01.200,00"
        in words
    )
    assert "Maandelijkse bijdrage per gezin household contribution 2027 €\xa034,50" in words
    assert "Nog te betalen €\xa01.234,50" in words
    assert "Gestructureerde mededeling +++202/7000/00197+++" in words
    assert "Uiterlijk op 20 januari 2027" in words
    assert 'href="/invoices/2027000001/pdf" hx-boost="false" download' in page.text

    pdf = await member.get("/invoices/2027000001/pdf")

    assert pdf.status_code == 200 and pdf.content == b"%PDF-1.7 an invoice"
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == 'attachment; filename="invoice-2027000001.pdf"'
    assert ("GET", "/invoices/2027000001/pdf", "language=nl") in services.seen


@pytest.mark.parametrize(
    "path", ["/invoices/2027000099", "/invoices/2027000099/pdf", "/invoices/2027-01/ubl"]
)
async def test_inv2_another_households_invoice_is_not_found(member, path):
    page = await member.get(path)

    assert page.status_code == 404
    assert "Niet gevonden." in page.text and "<h1>Er ging iets mis</h1>" in page.text


async def test_inv1_inv3_the_delivery_form_sends_the_change_and_shows_the_services_answer(
    member, services
):
    form = await member.get("/invoice-delivery")
    assert form.status_code == 200
    assert 'aria-label="Facturen van Els"' in form.text and "Lotte" not in form.text
    assert "geen papieren factuur, ook geen kopie" in form.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    choices = {"electronic": "true", "notify": "true", "channel": "email", "csrf": csrf}

    saved = await member.post(
        "/persons/p1/invoice-delivery", data=choices | {"notify": "false", "phone": ""}
    )

    assert saved.status_code == 200
    assert services.puts[-1] == {"electronic": True, "notify": False, "channel": "email"}
    assert '<p class="saved" role="status">Bewaard.</p>' in saved.text
    assert re.search(r'name="notify" value="false" checked', saved.text)

    refused = await member.post("/persons/p1/invoice-delivery", data=choices | {"email": "els@"})

    assert refused.status_code == 422
    field = re.search(r'<input id="email-p1"[^>]*>', refused.text).group(0)
    assert 'aria-invalid="true"' in field and 'value="els@"' in field
    error = 'id="email-p1-error" class="error">e-mail address &#39;els@&#39;: There must be'
    assert error in refused.text

    unchanged = await member.post("/persons/p1/invoice-delivery", data=choices)

    assert unchanged.status_code == 409
    assert '<p role="status">Er is niets veranderd: de facturen komen al zo toe.</p>' in (
        unchanged.text
    )

    forged = await member.post("/persons/p1/invoice-delivery", data=choices | {"csrf": "x"})
    assert forged.status_code == 403 and len(services.puts) == 3


async def test_the_menu_leads_to_the_insurances_and_the_invoices(member):
    page = await member.get("/booklet")
    assert '<a href="/insurances">Verzekeringen</a>' in page.text
    assert '<a href="/invoices">Facturen</a>' in page.text


async def test_inv5_inv6_the_inbox_shows_maintenance_and_a_coming_change_of_the_terms(member):
    words = text_of((await member.get("/invoices")).text)

    assert "Berichten over e-facturatie" in words
    assert "Het portaal is onbeschikbaar." in words
    assert "Nieuwe gebruiksvoorwaarden vanaf 1 februari 2027: Berichten ook per sms." in words
