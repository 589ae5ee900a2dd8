"""Youth savings' handlers (DOS-7) on the in-memory unit of work: a member's saving enrolled by
national register number with a timer on their 30th birthday; a marriage paying the capital
out as an item of the payment run and cancelling the timer; the timer paying it at 30."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services.payments.domain.payment_run import Item
from services.payments.members import Member, Members
from services.payments.payables import Payables
from services.payments.youth_savings import HANDLERS, PAYOUT_AGE, TIMER_HANDLERS
from shared.clock import BRUSSELS, FakeClock
from shared.contracts import Actor, Command, CommandEnvelope
from shared.contracts.youth_savings import (
    EndYouthSavings,
    EnrolInYouthSavings,
    RecordYouthSavingsDeposit,
)
from shared.eventstore.memory import InMemoryEventStore
from shared.messaging.commands import CommandContext
from shared.refusal import Refused
from tests.support.dossier import insz

D = Decimal
STAFF = Actor(account_id="staff-1", role="member_services", authenticated_by="pwd")
LOTTE = Member(
    person_id="p-lotte",
    national_register_number=insz(date(2009, 5, 15), 124),
    booklet_id="b-peeters",
    role="dependant",
    birth_date=date(2009, 5, 15),
    language="nl",
    regional_fund=None,
    name="Lotte Peeters",
    iban=None,
    bic=None,
)


class FakeMembers:
    def __init__(self, *known: Member) -> None:
        self.known = {m.person_id: m for m in known}

    async def find(self, national_register_number: str) -> Member | None:
        found = [
            m for m in self.known.values() if m.national_register_number == national_register_number
        ]
        return found[0] if found else None

    async def get(self, person_id: str) -> Member | None:
        return self.known.get(person_id)


class FakePayables:
    def __init__(self) -> None:
        self.owed: list[tuple[Item, date]] = []

    async def owe(self, items, due_on: date) -> None:
        self.owed += [(item, due_on) for item in items]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 12, 1, 9, tzinfo=UTC))


@pytest.fixture
def payables() -> FakePayables:
    return FakePayables()


@pytest.fixture
def store(payables) -> InMemoryEventStore:
    return InMemoryEventStore("payments", views={Members: FakeMembers(LOTTE), Payables: payables})


async def handle(store: InMemoryEventStore, clock: FakeClock, command: Command) -> None:
    envelope = CommandEnvelope(
        type=command.type_name, payload=command.model_dump(mode="json"), issued_at=clock.now()
    )
    async with store.unit_of_work(clock) as uow:
        await HANDLERS[type(command)](command, CommandContext(uow, envelope, STAFF))
        await uow.commit()


async def enrolled(store: InMemoryEventStore, clock: FakeClock) -> None:
    nrn = LOTTE.national_register_number
    await handle(
        store,
        clock,
        EnrolInYouthSavings(
            national_register_number=nrn, since=date(2023, 6, 1), yearly_amount=D("48.00")
        ),
    )
    await handle(
        store,
        clock,
        RecordYouthSavingsDeposit(
            national_register_number=nrn, amount=D("48.00"), received_on=date(2023, 6, 1)
        ),
    )


def types(store: InMemoryEventStore) -> list[str]:
    return [e.type for e in store.events("youth-savings-p-lotte")]


async def test_dos7_enrolled_by_national_register_number_with_a_timer_on_the_30th_birthday(
    store, clock
):
    await enrolled(store, clock)

    assert types(store) == ["YouthSavingsEnrolled", "YouthSavingsDepositReceived"]
    [timer] = store.timers()
    assert (timer.kind, timer.payload) == (PAYOUT_AGE, {"person_id": "p-lotte"})
    assert timer.due_at == datetime(2039, 5, 15, tzinfo=BRUSSELS)


async def test_dos7_no_saving_for_a_national_register_number_the_fund_does_not_know(store, clock):
    stranger = insz(date(2010, 1, 1), 99)
    command = EnrolInYouthSavings(
        national_register_number=stranger, since=date(2024, 1, 5), yearly_amount=D("48")
    )

    with pytest.raises(Refused, match="no member of the fund"):
        await handle(store, clock, command)


async def test_dos7_a_marriage_makes_the_capital_an_item_of_the_next_run_and_cancels_the_timer(
    store, clock, payables
):
    await enrolled(store, clock)

    await handle(
        store,
        clock,
        EndYouthSavings(
            national_register_number=LOTTE.national_register_number,
            reason="cohabitation",
            on=date(2026, 11, 20),
        ),
    )

    assert types(store)[-1] == "YouthSavingsPayoutDue"
    [(item, due_on)] = payables.owed
    assert (item.item_id, item.kind, item.person_id, item.booklet_id) == (
        "youth_savings:p-lotte",
        "youth_savings",
        "p-lotte",
        "b-peeters",
    )
    assert (item.amount, item.payee, due_on) == (D("48.00"), "member", date(2026, 12, 1))
    assert store.timers() == [] and len(store.timers("cancelled")) == 1


async def test_dos7_the_timer_pays_the_capital_out_on_the_30th_birthday(store, clock, payables):
    await enrolled(store, clock)
    [timer] = store.timers()
    clock.set(timer.due_at)

    async with store.unit_of_work(clock) as uow:
        assert await uow.claim_timer(timer.timer_id)
        await TIMER_HANDLERS[PAYOUT_AGE](timer, uow)
        await uow.commit()

    assert types(store)[-1] == "YouthSavingsPayoutDue"
    assert store.events("youth-savings-p-lotte")[-1].payload["reason"] == "age_30"
    [(item, due_on)] = payables.owed
    assert (item.amount, due_on) == (D("48.00"), date(2039, 5, 15))


async def test_dos7_nothing_saved_nothing_to_pay(store, clock, payables):
    await handle(
        store,
        clock,
        EnrolInYouthSavings(
            national_register_number=LOTTE.national_register_number,
            since=date(2023, 6, 1),
            yearly_amount=D("18.00"),
        ),
    )

    await handle(
        store,
        clock,
        EndYouthSavings(
            national_register_number=LOTTE.national_register_number,
            reason="marriage",
            on=date(2026, 11, 20),
        ),
    )

    assert store.events("youth-savings-p-lotte")[-1].payload["amount"] == "0.00"
    assert payables.owed == []
