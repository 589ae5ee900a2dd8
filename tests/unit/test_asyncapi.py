"""Issue 9, item 4: each service's Kafka interface as an AsyncAPI 3.0 document, valid against
the AsyncAPI 3.0.0 JSON Schema (tests/fixtures, from the npm package @asyncapi/specs 6.11.1,
Apache-2.0), served at /asyncapi and written by `mutualis contracts export`."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import jsonschema_rs
import pytest
from click.testing import CliRunner

from mutualis.cli import main
from services.complaints.app import definition as complaints
from services.dossier.app import definition as dossier
from services.identity.app import definition as identity
from services.monitoring.app import definition as monitoring
from shared.messaging.asyncapi import document
from shared.service import Runtime, build_app
from shared.settings import KafkaSettings, ServiceSettings

SPEC = Path(__file__).parents[1] / "fixtures" / "asyncapi-3.0.0.schema.json"
KAFKA = KafkaSettings(KAFKA_NAMESPACE="t.")


@pytest.fixture(scope="module")
def asyncapi_schema():
    return jsonschema_rs.validator_for(json.loads(SPEC.read_text()))


def errors(validator, made: dict) -> list[str]:
    return [str(error)[:300] for error in validator.iter_errors(json.loads(json.dumps(made)))]


@pytest.mark.parametrize(
    "service", [identity, dossier, complaints, monitoring], ids=lambda service: service.name
)
def test_issue9_4_each_service_has_a_valid_asyncapi_document(service, asyncapi_schema):
    made = document(service, KAFKA)

    assert errors(asyncapi_schema, made) == []
    assert made["asyncapi"] == "3.0.0" and made["info"]["title"] == f"mutualis {service.name}"


def test_issue9_4_the_validator_refuses_a_broken_document(asyncapi_schema):
    broken = {**document(dossier, KAFKA), "asyncapi": "3.0.0"}
    del broken["info"]

    assert errors(asyncapi_schema, broken)


def test_issue9_4_the_document_types_each_command_and_event():
    made = document(complaints, KAFKA)

    addresses = {channel["address"] for channel in made["channels"].values()}
    assert {"t.complaints.commands", "t.complaints.events", "t.complaints.outcomes"} <= addresses
    schemas = made["components"]["schemas"]
    register = schemas["RegisterComplaintEnvelope"]
    assert register["properties"]["type"]["const"] == "RegisterComplaint"
    assert "Allowed roles: " in register["description"]
    assert "ComplaintRegisteredEnvelope" in schemas and "RegisterComplaint" in schemas


def test_issue10_1_the_document_shows_which_fields_are_personal():
    schemas = document(dossier, KAFKA)["components"]["schemas"]

    person = schemas["Person"]["properties"]
    assert person["national_register_number"]["x-personal"]["category"] == "identification"
    assert "x-personal" not in person["birth_date"]
    changed = schemas["ContactDetailsChanged"]["properties"]
    assert changed["iban"]["x-personal"] == {"category": "financial", "subject": "person_id"}


def test_dos4_dos5_the_dossier_takes_the_care_commands_and_publishes_their_events_sealed():
    schemas = document(dossier, KAFKA)["components"]["schemas"]

    for command in ("RecordGmd", "EndGmd", "RecordMedicalAgreement"):
        assert f"{command}Envelope" in schemas, command
    for event in ("GmdRecorded", "GmdEnded", "MedicalAgreementRecorded"):
        assert f"{event}Envelope" in schemas, event
    recorded = schemas["GmdRecorded"]["properties"]
    assert recorded["gp_name"]["x-personal"] == {"category": "health", "subject": "person_id"}
    assert "x-personal" not in recorded["start_date"]


async def test_issue9_4_a_service_serves_its_document(tmp_path):
    settings = ServiceSettings(
        name="dossier", database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.sqlite'}", port=0
    )
    app = build_app(Runtime(dossier, settings))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://dossier") as api:
        served = await api.get("/asyncapi")

    assert served.status_code == 200
    assert served.json()["info"]["title"] == "mutualis dossier"


def test_issue9_4_contracts_export_writes_every_services_document(tmp_path):
    exported = CliRunner().invoke(main, ["contracts", "export", str(tmp_path)])

    assert exported.exit_code == 0, exported.output
    written = {path.name for path in tmp_path.glob("asyncapi.*.json")}
    assert written == {
        f"asyncapi.{s}.json"
        for s in ("identity", "dossier", "payments", "einvoicing", "complaints", "monitoring")
    }
