"""DOS-12 (issue 10, item 4): each service's part of a person's copy, built from what the
service holds. What is in it (the person's own data, as JSON), and what never is: password
hashes, secrets, PINs or tokens, the data of the other persons of the booklet, the fund's own
workings on a complaint."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta

from services.complaints.domain import personal_data as complaints_part
from services.complaints.domain import procedure
from services.dossier import personal_data as dossier_part
from services.dossier.read_model import booklet_persons
from services.identity.domain import personal_data as identity_part
from shared.contracts import Actor, Event, EventEnvelope
from shared.contracts.access import (
    AccessGranted,
    AccessMandateGiven,
    AccessRevoked,
    HolderAccessRefused,
)
from shared.contracts.complaints import ComplainantErased, Reference
from shared.contracts.identity import (
    AccessBlocked,
    AccessTokensRevoked,
    AccessUnblocked,
    AppDeviceRegistered,
    AppDeviceRevoked,
    LoginFailed,
    LoginSucceeded,
    PasswordChanged,
    PortalAccountRegistered,
    TermsAccepted,
)
from shared.privacy.marking import ERASED
from tests.support.complaints import MEDIATOR, RECEIVED, registered
from tests.support.dossier import insz

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ELS_NRN = insz(date(1985, 7, 30), 33)
TOM_NRN = insz(date(2009, 5, 15), 123)


def recorded(*events: Event | tuple[Event, Actor], stream: str = "s-1") -> list[EventEnvelope]:
    """The events as their stream holds them (opened), an hour apart from START."""
    history = []
    for n, item in enumerate(events):
        event, actor = item if isinstance(item, tuple) else (item, None)
        history.append(
            EventEnvelope(
                event_id=str(uuid.uuid4()),
                type=event.type_name,
                version=event.version,
                occurred_at=START + timedelta(hours=n),
                stream_id=stream,
                stream_version=n + 1,
                correlation_id="c-1",
                producer="test",
                actor=actor,
                payload=event.model_dump(mode="json"),
            )
        )
    return history


def as_json(part: dict) -> str:
    """The part as it is sealed: JSON, or it could not be."""
    return json.dumps(part)


# The dossier: the booklet row, the others by role and id.


def booklet_row(person_id: str, nrn: str, role: str, first_name: str, **more) -> dict:
    return dict.fromkeys(booklet_persons.c.keys()) | {
        "person_id": person_id,
        "national_register_number": nrn,
        "booklet_id": "b-1",
        "role": role,
        "first_name": first_name,
        "last_name": "Peeters",
        "birth_date": date(1985, 7, 30),
        "language": "nl",
        "nationality": "BE",
        "regional_fund": "bondmoyson-oost-vlaanderen",
        "restricted": False,
        **more,
    }


ELS_ROW = booklet_row(
    "p-els",
    ELS_NRN,
    "holder",
    "Els",
    email="els@example.org",
    phone="+32470123456",
    iban="BE68539007547034",
    bic="GKCCBEBB",
    address_country="BE",
    address_street="Veldstraat",
    address_house_number="12",
    address_postal_code="9000",
    address_municipality="Gent",
    cg1="110",
    cg2="110",
    increased_reimbursement=False,
    membership_ended_on=date(2026, 11, 20),
    membership_end="left",
    left_for="an-other-fund",
)
BOOKLET = [("p-els", "holder"), ("p-tom", "dependant")]


def test_dos12_the_dossiers_part_is_the_persons_booklet_data():
    part = dossier_part.part(ELS_ROW, BOOKLET)

    assert part["person_id"] == "p-els" and part["booklet_id"] == "b-1"
    assert (part["role"], part["first_name"], part["last_name"]) == ("holder", "Els", "Peeters")
    assert part["national_register_number"] == ELS_NRN
    assert part["birth_date"] == "1985-07-30"
    assert part["address"]["street"] == "Veldstraat" and part["address"]["postal_code"] == "9000"
    assert (part["email"], part["phone"]) == ("els@example.org", "+32470123456")
    assert (part["iban"], part["bic"]) == ("BE68539007547034", "GKCCBEBB")
    assert part["entitlement"]["cg1"] == "110"
    assert (part["membership_ended_on"], part["membership_end"]) == ("2026-11-20", "left")
    assert json.loads(as_json(part)) == part


def test_dos12_the_dossiers_part_names_the_other_persons_of_the_booklet_by_role_and_id_only():
    part = dossier_part.part(ELS_ROW, BOOKLET)

    assert part["others_on_booklet"] == [{"person_id": "p-tom", "role": "dependant"}]
    for toms in (TOM_NRN, "Tom"):
        assert toms not in as_json(part)


def test_dos12_the_dossier_holds_nothing_of_an_unknown_or_erased_person():
    erased = ELS_ROW | {"national_register_number": ERASED, "first_name": ERASED}

    assert dossier_part.part(None, []) == {}
    assert dossier_part.part(erased, BOOKLET) == {}


# Identity: the portal account, the access decisions.

MEMBER = Actor(account_id="a-els", role="member", authenticated_by="itsme")


def els_account() -> list[EventEnvelope]:
    return recorded(
        (
            PortalAccountRegistered(
                account_id="a-els",
                login=ELS_NRN,
                role="member",
                verified_by="itsme",
                person_id="p-els",
            ),
            MEMBER,
        ),
        TermsAccepted(account_id="a-els", terms_version="2026-01"),
        LoginFailed(account_id="a-els", consecutive_failures=1),
        (LoginSucceeded(account_id="a-els"), MEMBER),
        AccessBlocked(account_id="a-els", reason="reported_misuse", blocked_by="clerk-1"),
        AccessTokensRevoked(account_id="a-els", reason="access_blocked"),
        AccessUnblocked(account_id="a-els", unblocked_by="clerk-1"),
        PasswordChanged(account_id="a-els"),
        AppDeviceRegistered(account_id="a-els", device_id="device-1"),
        AppDeviceRevoked(account_id="a-els", device_id="device-1", reason="failed_pins"),
        stream="account-a-els",
    )


def test_dos12_identitys_part_is_the_portal_account_as_its_events_tell_it():
    [account] = identity_part.part([identity_part.account(els_account())], None, [])[
        "portal_accounts"
    ]

    assert account["account_id"] == "a-els" and account["login"] == ELS_NRN
    assert (account["role"], account["verified_by"]) == ("member", "itsme")
    assert account["registered_at"] == START.isoformat()
    assert account["terms_accepted"] == [
        {"version": "2026-01", "at": (START + timedelta(hours=1)).isoformat()}
    ]
    assert [(login["outcome"], login.get("method")) for login in account["logins"]] == [
        ("wrong_password", None),
        ("succeeded", "itsme"),
    ]
    [block] = account["blocks"]
    assert block["reason"] == "reported_misuse"
    assert block["unblocked_at"] == (START + timedelta(hours=6)).isoformat()
    assert account["passwords_changed_at"] == [(START + timedelta(hours=7)).isoformat()]
    [device] = account["devices"]
    assert device["device_id"] == "device-1" and device["revoked_because"] == "failed_pins"
    assert account["closed_at"] is None


def test_dos12_identitys_part_keeps_only_the_latest_logins():
    logins = [LoginSucceeded(account_id="a-els") for _ in range(identity_part.LAST_LOGINS + 5)]

    account = identity_part.account(els_account()[:1] + recorded(*logins))

    assert len(account["logins"]) == identity_part.LAST_LOGINS


def test_dos12_identitys_part_never_holds_a_secret_or_who_of_staff_acted():
    shown = as_json(identity_part.account(els_account()))

    for never in ("password_hash", "pin_hash", "totp", "token_hash", "secret", "clerk-1"):
        assert never not in shown, never


def test_dos12_identitys_part_tells_the_holders_access_to_the_persons_file_and_what_they_said():
    history = recorded(
        AccessGranted(holder="p-els", person="p-tom", why="child under 16"),
        AccessRevoked(holder="p-els", person="p-tom", why="child of 16 or over without a mandate"),
        AccessMandateGiven(person="p-tom", holder="p-els"),
        AccessGranted(holder="p-els", person="p-tom", why="mandate given by the child"),
        HolderAccessRefused(person="p-tom", holder="p-els"),
    )

    about_tom = identity_part.holder_access("p-els", history)

    assert (about_tom["holder"], about_tom["allowed"], about_tom["mandate"]) == (
        "p-els",
        True,
        True,
    )
    assert [(said["what"], said.get("why")) for said in about_tom["history"]] == [
        ("granted", "child under 16"),
        ("revoked", "child of 16 or over without a mandate"),
        ("mandate_given", None),
        ("granted", "mandate given by the child"),
        ("refused", None),
    ]
    assert identity_part.holder_access("p-els", []) is None


def test_dos12_the_holders_own_part_names_the_other_person_by_id_and_keeps_their_reasons():
    history = recorded(
        AccessGranted(holder="p-els", person="p-tom", why="child under 16"),
        AccessMandateGiven(person="p-tom", holder="p-els"),
        AccessRevoked(holder="p-els", person="p-tom", why="blocked by the child within the month"),
    )

    access = identity_part.access_to("p-tom", history)

    assert access["person_id"] == "p-tom" and access["allowed"] is False
    assert [decided["what"] for decided in access["history"]] == ["granted", "revoked"]
    for toms in ("child", "mandate", "blocked"):
        assert toms not in as_json(access), toms
    assert identity_part.access_to("p-tom", []) is None


def test_dos12_identity_holds_nothing_of_a_person_without_account_or_access_decisions():
    assert identity_part.part([], None, []) == {}


# Complaints: each complaint the person filed, with its letters.


def els_complaint() -> tuple[str, list[EventEnvelope]]:
    complaint = registered(
        complainant_name="Els Peeters",
        complainant_email="els@example.org",
        complainant_person="p-els",
        subject="Kinesitherapie",
        description="Mijn oefeningen zijn niet terugbetaald.",
        reference=Reference(kind="payment", text="maart"),
    )
    procedure.assign(complaint, "handler-7")
    procedure.acknowledge(complaint)
    procedure.find_admissible(complaint, "reimbursement", RECEIVED)
    procedure.answer(complaint, "founded", "We betaalden te weinig.", None, MEDIATOR)
    procedure.escalate(complaint, "Ik ben het niet eens.")
    procedure.record_recommendation(complaint, "Train the counter staff on physiotherapy.")
    return complaint.complaint_id, recorded(
        complaint.registration, *complaint.pending, stream=complaint.stream_id
    )


def test_dos12_the_complaints_part_is_each_complaint_with_what_was_written_and_sent():
    _, history = els_complaint()

    [shown] = complaints_part.part([complaints_part.complaint(history)])["complaints"]

    assert shown["file_number"] == "2026-000001"
    assert (shown["status"], shown["category"]) == ("with_mediator", "reimbursement")
    assert (shown["complainant_name"], shown["complainant_email"]) == (
        "Els Peeters",
        "els@example.org",
    )
    assert shown["subject"] == "Kinesitherapie"
    assert shown["description"] == "Mijn oefeningen zijn niet terugbetaald."
    assert shown["reference"] == {"kind": "payment", "text": "maart"}
    assert shown["received_at"] == RECEIVED.isoformat()
    assert shown["acknowledged_at"] is not None
    assert shown["fund_answer"]["motivation"] == "We betaalden te weinig."
    assert shown["escalation"]["disagreement"] == "Ik ben het niet eens."
    assert [letter["kind"] for letter in shown["letters"]] == ["acknowledgement", "answer"]
    assert all(letter["text"] for letter in shown["letters"])
    assert json.loads(as_json(shown)) == shown


def test_dos12_the_complaints_part_leaves_out_the_funds_own_workings():
    _, history = els_complaint()

    shown = as_json(complaints_part.complaint(history))

    for internal in ("handler-7", "counter staff", "assignee"):
        assert internal not in shown, internal


def test_dos12_a_complaint_whose_complainant_was_erased_is_no_longer_in_the_part():
    complaint_id, history = els_complaint()
    erased = recorded(ComplainantErased(complaint_id=complaint_id))

    assert complaints_part.complaint(history + erased) is None
    assert complaints_part.complaint([]) is None
    assert complaints_part.part([]) == {}
