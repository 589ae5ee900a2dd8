"""DOS-12, the right of access: the dossier assembles the copy of a person's data from each
service's part (PersonalDataExported), in whatever order they come and however often, and
answers the request once every part is in; on the in-memory unit of work."""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime

import pytest

from services.dossier import privacy_timers
from services.dossier.copies import assemble
from services.dossier.domain.privacy_request import PrivacyRequest
from services.dossier.export_parts import EXPORTING_SERVICES, Exports
from services.dossier.open_requests import OpenRequests
from services.dossier.person_index import KnownPersons, PersonIndex
from shared.access.persons import Persons
from shared.contracts import EventEnvelope, events
from shared.contracts.dossier import ErasePerson
from shared.contracts.privacy import PersonalDataExported, PrivacyRequestAnswered
from shared.eventstore.memory import InMemoryEventStore
from shared.privacy.retention import BRUSSELS, retention
from tests.support.fakes import FakePersons
from tests.support.rights import FakeExports, FakeKnownPersons, FakeOpenRequests
from tests.unit.test_dossier_handlers import FakePersonIndex
from tests.unit.test_dossier_rights import CLOCK, ELS, handle, submit, with_family

PARTS = {
    "dossier": {"booklet": {"first_name": "Els"}},
    "identity": {"accounts": [{"login": "els"}]},
    "complaints": {"complaints": []},
    "payments": {"payments": []},
    "einvoicing": {"invoices": []},
}


@pytest.fixture
def exports() -> FakeExports:
    return FakeExports()


@pytest.fixture
def open_requests() -> FakeOpenRequests:
    return FakeOpenRequests()


@pytest.fixture
def known() -> FakeKnownPersons:
    return FakeKnownPersons()


@pytest.fixture
def persons() -> FakePersons:
    return FakePersons()


@pytest.fixture
def store(persons, known, open_requests, exports) -> InMemoryEventStore:
    views = {
        PersonIndex: FakePersonIndex(),
        Persons: persons,
        KnownPersons: known,
        OpenRequests: open_requests,
        Exports: exports,
    }
    return InMemoryEventStore("dossier", views=views)


@pytest.fixture
async def family(store, persons, known) -> tuple[str, str]:
    return await with_family(store, persons, known)


@pytest.fixture
async def access_request(store, family) -> tuple[str, str]:
    """Els asked for a copy of her data: her person id and the request's id."""
    els, _ = family
    [received, _] = await handle(store, submit(els, "access"))
    return els, received.payload["request_id"]


def part(
    producer: str, request_id: str, person_id: str, service: str | None = None, **payload
) -> EventEnvelope:
    """`producer`'s PersonalDataExported, as its topic brings it (the producer proved)."""
    exported = PersonalDataExported(
        request_id=request_id,
        person_id=person_id,
        service=service or producer,
        part=payload.pop("part", PARTS.get(producer, {})),
    )
    return EventEnvelope(
        event_id=str(uuid.uuid4()),
        type=exported.type_name,
        version=exported.version,
        occurred_at=CLOCK.now(),
        stream_id=f"export-{request_id}-{producer}",
        stream_version=1,
        correlation_id="c-1",
        producer=producer,
        payload=exported.model_dump(mode="json") | payload,
    )


async def deliver(store: InMemoryEventStore, envelope: EventEnvelope) -> None:
    async with store.unit_of_work(CLOCK) as uow:
        if await uow.claim_message("exports", envelope.event_id):  # as the consumer does
            await assemble(uow, envelope)
        await uow.commit()


def answers(store: InMemoryEventStore, request_id: str) -> list[PrivacyRequestAnswered]:
    stored = store.events(PrivacyRequest.stream(request_id))
    return [e for e in map(events.decode, stored) if isinstance(e, PrivacyRequestAnswered)]


@pytest.mark.parametrize("order", list(itertools.permutations(EXPORTING_SERVICES)))
async def test_dos12_the_copy_is_complete_once_every_services_part_is_in_whatever_their_order(
    store, access_request, exports, open_requests, order
):
    els, request_id = access_request

    for n, service in enumerate(order, start=1):
        assert answers(store, request_id) == []
        await deliver(store, part(service, request_id, els))
        assert len(await exports.parts_of(request_id)) == n

    assert answers(store, request_id) == [
        PrivacyRequestAnswered(request_id=request_id, person_id=els, outcome="exported")
    ]
    assert await exports.parts_of(request_id) == PARTS
    # Answered: its deadline is cancelled and the person may ask again.
    assert [t.kind for t in store.timers()] == [privacy_timers.COPY_END]
    assert open_requests.open == {}


async def test_dos12_a_part_delivered_twice_is_kept_once_and_the_request_answered_once(
    store, access_request, exports
):
    els, request_id = access_request
    dossier_part = part("dossier", request_id, els)

    await deliver(store, dossier_part)
    await deliver(store, dossier_part)  # redelivered: the same event
    await deliver(store, part("dossier", request_id, els, part={"booklet": "changed"}))
    for service in ("identity", "complaints", "payments", "einvoicing", "identity"):
        await deliver(store, part(service, request_id, els))

    assert (await exports.parts_of(request_id))["dossier"] == PARTS["dossier"]
    assert len(answers(store, request_id)) == 1


async def test_dos12_the_copy_is_kept_a_month_from_its_first_part_then_deleted(
    store, access_request, exports
):
    els, request_id = access_request
    for service in EXPORTING_SERVICES:
        await deliver(store, part(service, request_id, els))

    [timer] = store.timers()
    assert timer.due_at == datetime(2026, 5, 1, tzinfo=BRUSSELS)
    assert timer.due_at == retention().ends_at("export", CLOCK.now().astimezone(BRUSSELS).date())
    async with store.unit_of_work(CLOCK) as uow:
        await privacy_timers.on_copy_end(timer, uow)
        await uow.commit()

    assert await exports.parts_of(request_id) == {}


async def test_dos12_a_service_delivers_its_own_part_only(store, access_request, exports):
    els, request_id = access_request

    # Identity proved it wrote this one (its topic, its signature); what the payload says of
    # whose part it is does not make it complaints'.
    await deliver(store, part("identity", request_id, els, service="complaints"))

    assert exports.parts == {}


async def test_dos12_a_part_of_a_request_the_dossier_never_received_is_dropped(
    store, access_request, exports
):
    els, _ = access_request

    await deliver(store, part("identity", "another-request", els))

    assert exports.parts == {}


async def test_dos12_a_part_for_another_person_or_another_right_is_dropped(store, family, exports):
    els, lotte = family
    [rectification] = await handle(store, submit(els, "rectification"))
    [access, _] = await handle(store, submit(lotte, "access"))

    await deliver(store, part("dossier", rectification.payload["request_id"], els))
    await deliver(store, part("dossier", access.payload["request_id"], els))  # Lotte's request

    assert exports.parts == {}


async def test_dos12_a_part_still_sealed_or_erased_is_dropped(store, access_request, exports):
    els, request_id = access_request

    await deliver(store, part("identity", request_id, els, part={"$sealed": "AAAA"}))
    await deliver(store, part("complaints", request_id, els, part={"$erased": "export"}))

    assert exports.parts == {}


async def test_dos12_an_erasure_deletes_the_persons_copies_and_later_parts_are_dropped(
    store, access_request, exports
):
    els, request_id = access_request
    await deliver(store, part("dossier", request_id, els))

    await handle(store, ErasePerson(booklet_id="b-1", national_register_number=ELS))
    await deliver(store, part("identity", request_id, els))

    assert exports.parts == {}
    assert answers(store, request_id) == []
