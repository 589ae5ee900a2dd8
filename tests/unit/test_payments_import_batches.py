"""Issue 11, items 1 and 10: an import command carries at most `BATCH_SIZE` certificates, and
the batch's event, sealed as the relay publishes it, stays under Apache Kafka's default
message size limit (`message.max.bytes`, 1 MiB) even with every field at its longest: an
event the broker refuses would stop the relay at it."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from mutualis.importing import BATCH
from shared.contracts import EventEnvelope
from shared.contracts.payments import (
    BATCH_SIZE,
    CareCertificate,
    CareItem,
    CertificatesDecided,
    ImportCareCertificates,
    NumberedCertificate,
    Reimbursement,
)
from shared.privacy.sealing import needed_keys, seal

KAFKA_MESSAGE_MAX_BYTES = 1_048_588  # Apache Kafka's default
LARGEST = Decimal("9999999999.99")


def longest_reimbursement(n: int) -> Reimbursement:
    person = str(uuid.uuid4())
    return Reimbursement(
        certificate_id=f"{n:064d}",
        person_id=person,
        booklet_id=str(uuid.uuid4()),
        care=CareItem(
            person_id=person,
            care_date=date(2026, 1, 1),
            provider_riziv_number="12345678901",
            provider_name="N" * 100,
            code="101076",
            description="D" * 300,  # the history's column holds 300
        ),
        fee_asked=LARGEST,
        supplement=LARGEST,
        legal_fee=LARGEST,
        reimbursed=LARGEST,
        co_payment=LARGEST,
        increased_reimbursement=True,
        gmd=True,
        paid_to="provider",
        provider_iban="BE" + "9" * 32,
    )


def test_issue11_10_a_full_batch_sealed_stays_under_the_brokers_message_limit():
    decided = CertificatesDecided(
        batch_id="b" * 128, reimbursed=[longest_reimbursement(n) for n in range(BATCH_SIZE)]
    )
    payload = decided.model_dump(mode="json")
    keys = {key_id: os.urandom(32) for key_id in needed_keys(CertificatesDecided, payload)}
    published = EventEnvelope(
        event_id=str(uuid.uuid4()),
        type=CertificatesDecided.type_name,
        version=CertificatesDecided.version,
        occurred_at=datetime(2026, 12, 3, tzinfo=UTC),
        stream_id="certificate-batch-" + "b" * 128,
        stream_version=1,
        correlation_id=str(uuid.uuid4()),
        producer="payments",
        payload=seal(CertificatesDecided, payload, keys),
    ).model_dump_json()

    assert len(published) < KAFKA_MESSAGE_MAX_BYTES * 0.75, len(published)


def test_issue11_1_an_import_command_carries_at_most_a_batch_and_the_importer_fills_it():
    line = NumberedCertificate(
        line=1,
        certificate=CareCertificate(
            certificate_id="c-1",
            national_register_number="85073003328",
            care_date=date(2026, 11, 2),
            provider_riziv_number="10005549004",
            provider_name="Dr. Peeters",
            code="101076",
            fee_asked=Decimal("30.00"),
        ),
    )

    ImportCareCertificates(batch_id="full", certificates=[line] * BATCH_SIZE)
    with pytest.raises(ValidationError, match="at most 500 items"):
        ImportCareCertificates(batch_id="over", certificates=[line] * (BATCH_SIZE + 1))
    assert BATCH == BATCH_SIZE == 500
