"""Contracts: explicit versioned names, upcasting of old versions, JSON Schema export."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from shared.contracts import UnknownMessageType, commands, events
from shared.contracts.complaints import ComplaintRegistered

V1 = {
    "complaint_id": "c-1",
    "file_number": "2025-000001",
    "complainant_name": "Els",
    "language": "nl",
    "channel": "letter",
    "subject": "Refund",
    "description": "…",
    "received_on": "2025-01-15",
}


def test_a_v1_complaint_registered_is_upcast_to_v2():
    event = events.parse("ComplaintRegistered", V1, version=1)

    assert isinstance(event, ComplaintRegistered)
    # Midnight in Brussels in winter is 23:00 UTC the day before.
    assert event.received_at == datetime(2025, 1, 14, 23, 0, tzinfo=timezone.utc)


def test_a_version_newer_than_known_is_refused_with_a_reason():
    with pytest.raises(UnknownMessageType, match="v5 is newer than this service knows"):
        events.parse("ComplaintRegistered", V1, version=5)


def test_an_unknown_type_is_refused_with_a_reason():
    with pytest.raises(UnknownMessageType, match="unknown event type 'NoSuchEvent'"):
        events.parse("NoSuchEvent", {}, version=1)


def test_every_contract_exports_a_json_schema_with_its_version():
    schemas = events.json_schemas()

    assert schemas["ComplaintRegistered"]["x-version"] == 4
    assert "received_at" in schemas["ComplaintRegistered"]["properties"]
    assert "RegisterComplaint" in commands.json_schemas()
