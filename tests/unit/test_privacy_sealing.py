"""Principle 7, issue 10 items 1 and 2: personal fields are marked in the contracts, sealed with
AES-256-GCM per subject and category (the subject's id and the field bound as associated data),
and open only with their key: a shredded key reads as erased, a missing one as sealed, an
altered value as unreadable, never as an exception that would stop a consumer."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import Annotated

import pytest
from pydantic import BaseModel, ValidationError

from shared.contracts import EventEnvelope, commands, events
from shared.contracts.complaints import ComplaintAnswered, ComplaintRegistered
from shared.privacy.envelopes import withheld
from shared.privacy.marking import (
    ERASED,
    RECORDED,
    SEALED,
    UNREADABLE,
    Personal,
    personal_fields,
)
from shared.privacy.sealing import SHREDDED, needed_keys, open_sealed, seal

COMPLAINT = "c-1"
KEY = os.urandom(32)


def registered(**changes) -> ComplaintRegistered:
    complaint = {
        "complaint_id": COMPLAINT,
        "file_number": "2026-000001",
        "complainant_name": "Els Peeters",
        "complainant_email": "els@example.org",
        "complainant_person": "85073003328",
        "language": "nl",
        "channel": "portal",
        "subject": "Refund",
        "description": "My physiotherapy was not reimbursed.",
        "reference": {"kind": "payment", "text": "PAY-42"},
        "received_at": datetime(2026, 3, 2, 9, tzinfo=UTC),
    }
    return ComplaintRegistered(**complaint | changes)


def sealed_registration(**changes) -> dict:
    payload = registered(**changes).model_dump(mode="json")
    keys = {key_id: KEY for key_id in needed_keys(ComplaintRegistered, payload)}
    return seal(ComplaintRegistered, payload, keys)


def recorded(payload: dict) -> ComplaintRegistered:
    return events.parse("ComplaintRegistered", payload, ComplaintRegistered.version)


def every_key(payload: dict, key=KEY) -> dict:
    return {key_id: key for key_id in needed_keys(ComplaintRegistered, payload)}


def test_principle7_personal_fields_are_marked_with_their_category_and_subject():
    marked = {".".join(f.path): f.category for f in personal_fields(ComplaintRegistered)}

    assert marked == {
        "complainant_name": "identification",
        "complainant_email": "contact",
        "complainant_person": "identification",
        "member_number": "identification",
        "subject": "complaint",
        "description": "complaint",
        "reference.text": "complaint",
    }
    assert {f.subject for f in personal_fields(ComplaintRegistered)} == {"complaint_id"}


def test_principle7_the_json_schema_shows_which_fields_are_personal():
    properties = events.json_schemas()["ComplaintRegistered"]["properties"]

    assert properties["complainant_name"]["x-personal"] == {
        "category": "identification",
        "subject": "complaint_id",
    }
    assert properties["complainant_email"]["anyOf"][0]["x-personal"]["category"] == "contact"
    assert "x-personal" not in properties["received_at"]
    assert "x-personal" not in properties["file_number"]


def test_principle7_sealed_payloads_keep_ids_codes_and_dates_in_clear_and_nothing_personal():
    stored = sealed_registration()
    text = json.dumps(stored)

    for secret in ("Els", "els@example.org", "85073003328", "Refund", "physiotherapy", "PAY-42"):
        assert secret not in text
    assert stored["complaint_id"] == COMPLAINT and stored["file_number"] == "2026-000001"
    assert stored["channel"] == "portal" and stored["received_at"].startswith("2026-03-02")
    assert set(stored["complainant_name"]) == {"$sealed"}


def test_principle7_a_sealed_payload_opens_to_the_event_it_was():
    stored = sealed_registration()

    opened = open_sealed(ComplaintRegistered, stored, every_key(stored))

    assert opened.unreadable == ()
    assert recorded(opened.payload) == registered()


def test_principle7_the_same_value_seals_differently_each_time():
    assert sealed_registration()["complainant_name"] != sealed_registration()["complainant_name"]


def test_principle7_a_shredded_key_reads_as_erased_and_the_event_still_validates():
    stored = sealed_registration()
    keys = every_key(stored) | {(COMPLAINT, "identification"): SHREDDED}

    event = recorded(open_sealed(ComplaintRegistered, stored, keys).payload)

    assert event.complainant_name is ERASED and event.complainant_person is ERASED
    assert event.complainant_email == "els@example.org"  # contact is another key
    assert event.file_number == "2026-000001"
    assert event.model_dump(mode="json")["complainant_name"] == {"$erased": "identification"}


def test_principle7_without_the_key_a_reader_sees_the_fields_sealed():
    stored = sealed_registration()

    event = recorded(open_sealed(ComplaintRegistered, stored, {}).payload)

    assert event.description is SEALED and event.reference.text is SEALED
    assert event.reference.kind == "payment"
    assert event.channel == "portal"


def test_principle7_a_wrong_key_or_an_altered_value_reads_as_unreadable_and_is_reported():
    stored = sealed_registration()
    altered = json.loads(json.dumps(stored))
    token = altered["description"]["$sealed"]
    altered["description"]["$sealed"] = token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB")

    wrong_key = open_sealed(ComplaintRegistered, stored, every_key(stored, os.urandom(32)))
    tampered = open_sealed(ComplaintRegistered, altered, every_key(stored))

    assert "description" in wrong_key.unreadable and "complainant_name" in wrong_key.unreadable
    assert tampered.unreadable == ("description",)
    event = recorded(tampered.payload)
    assert event.description is UNREADABLE and event.subject == "Refund"


def test_principle7_a_sealed_value_moved_to_another_subject_or_field_does_not_open():
    stored = sealed_registration()
    other = sealed_registration(complaint_id="c-2")
    moved = stored | {"description": stored["subject"]}
    stolen = other | {"description": stored["description"]}

    assert open_sealed(ComplaintRegistered, moved, every_key(stored)).unreadable == ("description",)
    assert open_sealed(ComplaintRegistered, stolen, every_key(other)).unreadable == ("description",)


def test_principle7_a_shredded_subject_gets_no_personal_data_stored_again():
    payload = registered().model_dump(mode="json")
    keys = {key_id: SHREDDED for key_id in needed_keys(ComplaintRegistered, payload)}

    stored = seal(ComplaintRegistered, payload, keys)

    assert stored["description"] == {"$erased": "complaint"}
    assert recorded(stored).description is ERASED


def test_principle7_absent_optional_fields_stay_absent():
    payload = ComplaintAnswered(complaint_id=COMPLAINT, verdict="founded", motivation="Yes.")
    dumped = payload.model_dump(mode="json")

    stored = seal(ComplaintAnswered, dumped, {(COMPLAINT, "complaint"): KEY})

    assert stored["advice"] is None and set(stored["motivation"]) == {"$sealed"}


class _Address(BaseModel):
    street: str


def test_principle7_personal_fields_are_found_in_nested_models_and_lists_under_their_subject():
    class Resident(BaseModel):
        person_id: str
        name: Annotated[str, Personal("identification")]
        address: Annotated[_Address, Personal("contact")] | None = None

    class Household(BaseModel):
        household_id: str
        residents: list[Resident]

    household = Household(
        household_id="h-1",
        residents=[
            Resident(person_id="p-1", name="Els", address=_Address(street="Kerkstraat")),
            Resident(person_id="p-2", name="Tom"),
        ],
    )
    payload = household.model_dump(mode="json")

    assert needed_keys(Household, payload) == {
        ("p-1", "identification"),
        ("p-1", "contact"),
        ("p-2", "identification"),
    }
    keys = {key_id: os.urandom(32) for key_id in needed_keys(Household, payload)}
    stored = seal(Household, payload, keys)
    assert "Kerkstraat" not in json.dumps(stored)
    assert (
        Household.model_validate(open_sealed(Household, stored, keys).payload, context=RECORDED)
        == household
    )


def test_principle7_a_personal_field_without_its_subject_is_a_programming_error():
    payload = registered().model_dump(mode="json") | {"complaint_id": None}

    with pytest.raises(ValueError, match="personal data of nobody"):
        seal(ComplaintRegistered, payload, {})


def test_principle7_a_command_cannot_pass_a_marker_off_as_a_value():
    complaint = {"complainant_name": "Els", "subject": "Refund", "description": "Not paid."}

    with pytest.raises(ValidationError):
        commands.parse("RegisterComplaint", complaint | {"description": {"$erased": "complaint"}})
    with pytest.raises(ValidationError):
        registered(description={"$sealed": "AAAA"})


def test_principle7_sealing_and_opening_leave_the_callers_payload_as_it_was():
    payload = registered().model_dump(mode="json")
    before = json.loads(json.dumps(payload))

    sealed = seal(ComplaintRegistered, payload, every_key(payload))
    sealed_before = json.loads(json.dumps(sealed))
    opened = open_sealed(ComplaintRegistered, sealed, every_key(payload)).payload

    assert payload == before and sealed == sealed_before  # copies along the personal paths
    assert opened == before
    assert sealed["reference"] is not payload["reference"]  # nested: copied, then sealed
    assert sealed["reference"]["kind"] == "payment"


def test_issue11_10_a_withheld_copy_keeps_the_structure_and_drops_the_ciphertext():
    # A command's outcome carries its events withheld: its sender holds no data keys.
    stored = EventEnvelope(
        event_id="e-1",
        type="ComplaintRegistered",
        version=ComplaintRegistered.version,
        occurred_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        stream_id=f"complaint-{COMPLAINT}",
        stream_version=1,
        correlation_id="c",
        producer="complaints",
        payload=sealed_registration(complainant_email=None),
    )
    as_stored = json.loads(json.dumps(stored.payload))

    copy = withheld(stored)
    event = recorded(copy.payload)

    assert copy.payload["complainant_name"] == {"$sealed": "identification"}
    assert copy.payload["reference"] == {"kind": "payment", "text": {"$sealed": "complaint"}}
    assert copy.payload["complainant_email"] is None  # absent stays absent
    assert event.description is SEALED and event.file_number == "2026-000001"
    assert stored.payload == as_stored  # the stored envelope is left as it was
    assert len(json.dumps(copy.payload)) < len(json.dumps(as_stored))
    plain = stored.model_copy(update={"type": "NoSuchEvent"})
    assert withheld(plain) is plain  # nothing personal known: as it is
