"""The portal's parts without a browser (issue 13): its sealed session, the way back after a
form, its texts in both languages, and its pages' answers to a service's refusals, with the
services stood in for by an httpx transport (the browser tests, tests/e2e/test_portal.py, run
them for real)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import get_args

import httpx
import pytest
from cryptography.fernet import Fernet
from starlette.responses import Response

from mutualis.idp import create_idp
from services.complaints.domain.status import Status
from services.identity.config import IdentitySettings
from services.portal.app import create_app
from services.portal.backend import ServiceProblem
from services.portal.config import PortalSettings
from services.portal.i18n import messages, money
from services.portal.pages.documents import DOSSIER_DOCUMENTS
from services.portal.pages.privacy import DECISIONS, RIGHTS
from services.portal.pages.staff import ACTIONS, _urgency
from services.portal.session import COOKIE, Session, Sessions
from services.portal.web import TEMPLATES, local
from shared.contracts.complaints import Category, InadmissibilityGround, Outcome, Reference, Verdict

KEY = Fernet.generate_key()


def test_a_session_opens_only_with_its_key_and_unaltered():
    sessions = Sessions(KEY)
    response = Response()
    sessions.write(response, Session(language="fr", access_token="token"))
    cookie = response.headers["set-cookie"]
    value = cookie.split(";")[0].split("=", 1)[1]

    assert sessions.read(value).access_token == "token"
    assert sessions.read(value[:-4] + "AAAA").access_token is None  # altered: a new session
    assert Sessions(Fernet.generate_key()).read(value).access_token is None
    flags = cookie.lower()
    assert "httponly" in flags and "secure" in flags and "samesite=lax" in flags


@pytest.mark.parametrize(
    ("back", "goes"),
    [
        ("/payments?person_id=p", "/payments?person_id=p"),
        ("//evil.example/x", "/booklet"),
        ("/\\evil.example", "/booklet"),
        ("https://evil.example", "/booklet"),
    ],
)
def test_a_way_back_stays_on_the_portal(back, goes):
    assert local(back) == goes


def test_every_text_a_page_uses_exists_in_dutch_and_french():
    pages = [page.read_text() for page in TEMPLATES.rglob("*.html")]
    used = {
        key
        for page in pages
        for key in re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']\s*[,)]""", page)
    }
    # Texts named by a value: t("status_" + line.status), for each value the service gives.
    composed = {
        f"{prefix}{value}"
        for page in pages
        for prefix in re.findall(r"""\bt\(\s*["']([a-z0-9_]+_)["']\s*\+""", page)
        for value in {
            "role_": ("holder", "dependant"),
            "status_": ("due", "held", "paid"),
            "kind_": ("reimbursement", "maf_refund", "benefit", "youth_savings"),
            "agreement_": ("requested", "granted", "refused", "ended"),
            "access_policy_": ("socialist", "liberal"),
            "access_done_": ("mandate", "withdraw", "refusal"),
            "access_explain_": ("mandate", "withdraw", "refusal"),
            "access_": ("mandate", "withdraw", "refusal"),
            "complaint_status_": [status.value for status in Status],
            "step_": ACTIONS,
            "do_": ACTIONS,
            "verdict_": get_args(Outcome),
            "reference_kind_": get_args(Reference.model_fields["kind"].annotation),
            "right_": RIGHTS,
            "right_explained_": RIGHTS,
            "decision_": DECISIONS,
            "privacy_outcome_": ("exported", "granted", "refused"),
            "code_sent_": ("email", "sms"),
            "document_": [name.replace("-", "_") for name in DOSSIER_DOCUMENTS],
        }[prefix]
    }
    # The staff console's choices, named by the field they are for: t(kind + "_" + value).
    choices = {
        f"{field}_{value}"
        for field, values in (
            ("category", get_args(Category)),
            ("ground", get_args(InadmissibilityGround)),
            ("verdict", get_args(Verdict)),
        )
        for value in values
    }
    missing = (used | composed | choices) - set(messages())
    assert used and composed and not missing, missing
    assert money("1234.5", "nl") == "€\xa01.234,50"
    assert money("1234.5", "fr") == "1\u202f234,50\xa0€"


def test_an_invalid_field_reads_as_the_service_said_it_without_pydantics_prefix():
    problem = ServiceProblem(
        422,
        "invalid_request",
        "invalid or missing: body.iban",
        errors=[{"loc": ["body", "iban"], "msg": "Value error, IBAN BE00: too short"}],
    )
    assert problem.field_errors() == {"iban": "IBAN BE00: too short"}


class Services:
    """Identity and the dossier as the portal sees them over HTTP."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self.login_answer = httpx.Response(200, json={"access_token": "a", "refresh_token": "r"})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.method, request.url.path))
        match request.method, request.url.path:
            case "POST", "/login":
                return self.login_answer
            case "GET", "/persons":
                return httpx.Response(200, json=[PERSON])
            case "PATCH", path if path.endswith("/contact-details"):
                return httpx.Response(
                    422,
                    json={
                        "status": 422,
                        "code": "invalid_request",
                        "detail": "invalid or missing: body.iban",
                        "errors": [
                            {
                                "type": "value_error",
                                "loc": ["body", "iban"],
                                "msg": "Value error, "
                                "IBAN BE00 1234: a BE IBAN has 16 characters, not 8",
                            }
                        ],
                    },
                )
        return httpx.Response(404, json={"status": 404, "code": "not_found", "detail": "no"})


PERSON = {
    "person_id": "p1",
    "national_register_number": "82082410085",
    "booklet_id": "b1",
    "role": "holder",
    "first_name": "Els",
    "last_name": "Peeters",
    "birth_date": "1982-08-24",
    "language": "nl",
    "email": None,
    "phone": None,
    "iban": None,
    "address": None,
    "entitlement": None,
}


@pytest.fixture
def services():
    return Services()


@pytest.fixture
async def portal(services, tmp_path):
    settings = PortalSettings(session_key=KEY.decode(), data_dir=tmp_path)
    backend = httpx.AsyncClient(transport=httpx.MockTransport(services))
    app = create_app(settings, backend)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://portal") as browser:
            yield browser


async def csrf_of(browser: httpx.AsyncClient, path: str) -> str:
    page = await browser.get(path)
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


@asynccontextmanager
async def signed_in(services, tmp_path) -> AsyncIterator[httpx.AsyncClient]:
    """A browser on a portal whose services `services` (an httpx handler) stands in for,
    signed in as Els."""
    settings = PortalSettings(session_key=KEY.decode(), data_dir=tmp_path)
    app = create_app(settings, httpx.AsyncClient(transport=httpx.MockTransport(services)))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://portal") as browser:
            csrf = await csrf_of(browser, "/login")
            await browser.post("/login", data={"login": "els", "password": "pw", "csrf": csrf})
            yield browser


async def test_a_form_without_its_csrf_token_is_refused_and_sends_nothing(portal, services):
    await portal.get("/login")  # the session cookie, with its token

    refused = await portal.post("/login", data={"login": "x", "password": "y", "csrf": "forged"})

    assert refused.status_code == 403
    assert "Dit formulier is verlopen" in refused.text
    assert ("POST", "/login") not in services.seen


async def test_id4_a_blocked_login_says_what_to_do(portal, services):
    services.login_answer = httpx.Response(
        403,
        json={
            "status": 403,
            "code": "access_blocked",
            "detail": "access blocked",
            "block_reason": "failed_logins",
        },
    )
    csrf = await csrf_of(portal, "/login")

    answer = await portal.post("/login", data={"login": "x", "password": "y", "csrf": csrf})

    assert answer.status_code == 403
    assert "geblokkeerd na 8 foute wachtwoorden" in answer.text
    assert COOKIE in portal.cookies and "Afmelden" not in answer.text


async def test_dos2_the_dossiers_refusal_of_an_iban_shows_at_the_field(portal, services):
    csrf = await csrf_of(portal, "/login")
    await portal.post("/login", data={"login": "x", "password": "y", "csrf": csrf})
    csrf = await csrf_of(portal, "/booklet")  # a new session, a new token

    answer = await portal.post(
        "/persons/p1/contact-details", data={"iban": "BE00 1234", "csrf": csrf}
    )

    assert answer.status_code == 422
    field = re.search(r'<input id="iban-p1"[^>]*>', answer.text).group(0)
    assert 'aria-invalid="true"' in field and 'value="BE00 1234"' in field
    assert 'id="iban-p1-error" class="error">IBAN BE00 1234: a BE IBAN has 16' in answer.text


async def test_a_page_for_members_sends_a_stranger_to_the_login(portal):
    answer = await portal.get("/payments")
    assert answer.status_code == 303 and answer.headers["location"] == "/login?next=%2Fpayments"


async def test_pages_run_the_portals_own_scripts_only_and_are_never_framed(portal):
    page = await portal.get("/login")
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "form-action 'self' http://127.0.0.1:8010" in policy  # the digital key's provider
    assert page.headers["x-content-type-options"] == "nosniff"
    # Nothing inline that the policy would have to allow: no script body, no event attribute.
    assert not re.search(r"<script(?![^>]*\ssrc=)", page.text)
    assert not re.search(r"\son[a-z]+=", page.text)


async def test_the_local_identity_provider_hands_assertions_to_this_machine_only():
    idp = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_idp("http://idp")), base_url="http://idp"
    )
    form = {
        "nonce": "n",
        "audience": "mutualis-portal",
        "state": "s",
        "national_register_number": "82082410085",
        "name": "Els Peeters",
    }
    async with idp:
        away = await idp.post("/authorize", data={**form, "redirect_uri": "https://evil.example/"})
        home = await idp.post(
            "/authorize", data={**form, "redirect_uri": "http://127.0.0.1:8000/digital-key/return"}
        )

    assert away.status_code == 400
    assert home.status_code == 303
    assert re.match(
        r"http://127\.0\.0\.1:8000/digital-key/return\?id_token=[\w.-]+&state=s$",
        home.headers["location"],
    )


def test_issue13_the_worklist_puts_the_overdue_files_first_then_the_nearest_deadline():
    def complaint(number: str, ack: str | None, status_due: str | None, **overdue: bool) -> dict:
        return {
            "file_number": number,
            "received_at": f"2026-11-{number[-2:]}T09:00:00+00:00",
            "acknowledgement_due_on": ack,
            "next_status_due_on": status_due,
            "acknowledgement_overdue": overdue.get("ack", False),
            "status_update_overdue": overdue.get("status", False),
        }

    files = [
        complaint("2026-000010", None, None),  # answered: no deadline
        complaint("2026-000011", "2026-12-09", None),
        complaint("2026-000012", None, "2026-12-03"),
        complaint("2026-000013", None, "2026-12-20", status=True),  # the timer said so
        complaint("2026-000014", "2026-12-01", None),  # past, its timer not fired yet
        complaint("2026-000015", None, "2026-12-02"),  # due today: not late yet
    ]
    today = date(2026, 12, 2)
    files.sort(key=lambda c: _urgency(c, today))
    assert [c["file_number"][-2:] for c in files] == ["14", "13", "15", "12", "11", "10"]
    assert [c["overdue"] for c in files] == [True, True, False, False, False, False]


def test_id2_the_terms_identity_asks_to_accept_are_there_to_read_in_both_languages():
    version = IdentitySettings.model_fields["terms_version"].default
    for language in ("nl", "fr"):
        text = (TEMPLATES / "terms" / f"{version}.{language}.html").read_text()
        assert version in text and "<h3>" in text


class ExpiringServices(Services):
    """Identity's first access token runs out before the member's first page: the dossier
    refuses it as identity's tokens are refused (401 token_invalid) until it is refreshed."""

    def __init__(self, refresh_works: bool = True) -> None:
        super().__init__()
        self.refresh_works = refresh_works
        self.tokens: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if request.url.path in ("/persons", "/payments/x1/receipt"):
            self.tokens.append(token)
            if token != "a2":
                return httpx.Response(
                    401, json={"status": 401, "code": "token_invalid", "detail": "expired"}
                )
            if request.url.path.endswith("/receipt"):
                return httpx.Response(200, content=b"%PDF-1.7 a receipt")
        if request.url.path == "/token/refresh":
            self.seen.append((request.method, request.url.path))
            if not self.refresh_works:
                return httpx.Response(
                    401, json={"status": 401, "code": "token_invalid", "detail": "revoked"}
                )
            return httpx.Response(200, json={"access_token": "a2", "refresh_token": "r2"})
        return super().__call__(request)


@pytest.mark.parametrize(
    ("refresh_works", "first_page"),
    [(True, "/booklet"), (True, "/payments/x1/receipt"), (False, "/booklet")],
)
async def test_issue13_an_expired_session_is_refreshed_once_and_kept_or_ends_at_the_login(
    tmp_path, refresh_works, first_page
):
    services = ExpiringServices(refresh_works)
    async with signed_in(services, tmp_path) as browser:
        first = await browser.get(first_page)  # a page, or a file to download
        second = await browser.get("/booklet")

    if refresh_works:
        assert first.status_code == second.status_code == 200
        assert "Els" in second.text
        # Refreshed once; the new token kept in the session cookie for the next page.
        assert services.tokens == ["a", "a2", "a2"]
        assert services.seen.count(("POST", "/token/refresh")) == 1
    else:
        assert first.status_code == 303
        assert first.headers["location"] == "/login?next=%2Fbooklet"
