"""ID-4 to ID-7, ID-9, issue 8 item 4: identity's command handlers on the in-memory unit of
work. What a command decides is stored in the account's or the holder access's stream with
who sent it; what is refused stores nothing and leaves identity's tables (fakes here) as they
were."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from services.identity.adapters.administrators import Administrators
from services.identity.adapters.credentials import Credential, Credentials
from services.identity.adapters.member_accounts import MemberAccounts
from services.identity.adapters.members import Member, Members
from services.identity.adapters.passwords import UNUSABLE_HASH
from services.identity.adapters.refresh import RefreshTokens
from services.identity.domain.accounts import Account
from services.identity.domain.holder_access import HolderAccess
from services.identity.handlers import access_decisions, accounts, erasure, mandates
from shared.clock import FakeClock
from shared.contracts import Actor, Command, CommandEnvelope, EventEnvelope, events
from shared.contracts.access import (
    AccessGranted,
    AccessMandateGiven,
    AccessMandateWithdrawn,
    AccessRevoked,
    GiveAccessMandate,
    HolderAccessRefused,
    RefuseHolderAccess,
    WithdrawAccessMandate,
)
from shared.contracts.dossier import MemberDied, PersonErased, RetentionEnded
from shared.contracts.identity import (
    AccessBlocked,
    AccessTokensRevoked,
    AccessUnblocked,
    BlockAccess,
    CloseAccount,
    PortalAccountClosed,
    PortalAccountRegistered,
    RegisterPortalAccount,
    UnblockAccess,
)
from shared.contracts.privacy import ProcessingRestricted, ProcessingRestrictionLifted
from shared.eventstore import Timer
from shared.eventstore.memory import InMemoryEventStore
from shared.eventstore.repository import Repository, derived_ids
from shared.messaging.commands import CommandContext
from shared.reference import load_federation
from shared.refusal import Refused
from tests.support.dossier import envelope as dossier_envelope
from tests.support.dossier import insz

HANDLERS = {**accounts.HANDLERS, **mandates.HANDLERS}
CLOCK = FakeClock(datetime(2026, 12, 1, 9, tzinfo=UTC))
ADMIN = Actor(account_id="admin-1", role="admin", authenticated_by="mfa")
CLERK = Actor(account_id="clerk-1", role="member_services", authenticated_by="mfa")
# Els holds booklet b-1; her son Tom is 17 (e-Mut: he decides by mandate), her daughter Lien 10.
# Identity's events and commands name them by person id (issue 10).
ELS, TOM, LIEN = "person-els", "person-tom", "person-lien"
TOM_ACCOUNT = Actor(account_id="account-tom", role="member", authenticated_by="itsme")


class FakeCredentials:
    """services.identity.adapters.credentials.Credentials from a dict: login → credential."""

    def __init__(self, logins: dict[str, Credential] | None = None) -> None:
        self.logins = dict(logins or {})

    async def of_login(self, login: str) -> Credential | None:
        return self.logins.get(login)

    async def account_of(self, login: str) -> str | None:
        credential = self.logins.get(login)
        return credential.account_id if credential else None

    async def add(self, login: str, account_id: str, password_hash: str) -> None:
        assert login not in self.logins  # the table's primary key
        self.logins[login] = Credential(account_id, password_hash)


class FakeAdministrators:
    """services.identity.adapters.administrators.Administrators from a list (no lock: one handler
    runs at a time here)."""

    def __init__(self, *account_ids: str) -> None:
        self.account_ids = list(account_ids)

    async def enrol(self, account_id: str) -> None:
        self.account_ids.append(account_id)

    async def listed(self, excluding: str | None = None) -> list[str]:
        return [account_id for account_id in self.account_ids if account_id != excluding]


class FakeRefreshTokens:
    """services.identity.adapters.refresh.RefreshTokens: the accounts whose tokens were revoked."""

    def __init__(self) -> None:
        self.revoked: list[str] = []

    async def revoke_all(self, account_id: str) -> None:
        self.revoked.append(account_id)


class FakeMembers:
    """services.identity.adapters.members.Members from the members it knows."""

    def __init__(self, *known: Member) -> None:
        self.known = {member.national_register_number: member for member in known}

    async def find(self, national_register_number: str) -> Member | None:
        return self.known.get(national_register_number)

    async def get(self, person_id: str) -> Member | None:
        return next((m for m in self.known.values() if m.person_id == person_id), None)

    async def holder_of(self, booklet_id: str) -> Member | None:
        return next(
            (m for m in self.known.values() if m.booklet_id == booklet_id and m.role == "holder"),
            None,
        )

    async def restrict(self, person_id: str, restricted: bool) -> None:
        member = await self.get(person_id)
        self.known[member.national_register_number] = dataclasses.replace(
            member, restricted=restricted
        )


class FakeMemberAccounts:
    """services.identity.adapters.member_accounts.MemberAccounts from a dict: account → person."""

    def __init__(self, persons: dict[str, str] | None = None) -> None:
        self.persons = dict(persons or {})

    async def person_of(self, account_id: str) -> str | None:
        return self.persons.get(account_id)

    async def account_of(self, person_id: str) -> str | None:
        found = (a for a, person in self.persons.items() if person == person_id)
        return next(found, None)

    async def add(self, person_id: str, account_id: str) -> None:
        self.persons[account_id] = person_id


def member(person_id: str, role: str, born: date, serial: int) -> Member:
    return Member(person_id, insz(born, serial), "b-1", role, born, None, None)


@pytest.fixture
def credentials() -> FakeCredentials:
    return FakeCredentials()


@pytest.fixture
def admins() -> FakeAdministrators:
    return FakeAdministrators()


@pytest.fixture
def tokens() -> FakeRefreshTokens:
    return FakeRefreshTokens()


@pytest.fixture
def store(credentials, admins, tokens) -> InMemoryEventStore:
    views = {
        Credentials: credentials,
        Administrators: admins,
        RefreshTokens: tokens,
        Members: FakeMembers(
            member(ELS, "holder", date(1985, 7, 30), 33),
            member(TOM, "dependant", date(2009, 5, 15), 123),
            member(LIEN, "dependant", date(2016, 3, 3), 7),
        ),
        MemberAccounts: FakeMemberAccounts({TOM_ACCOUNT.account_id: TOM}),
    }
    # The socialist federation's policy (ID-7, e-Mut).
    return InMemoryEventStore("identity", views=views, federation=load_federation("socialist"))


def envelope(command: Command) -> CommandEnvelope:
    return CommandEnvelope(
        type=command.type_name, payload=command.model_dump(mode="json"), issued_at=CLOCK.now()
    )


async def handle(store: InMemoryEventStore, command: Command, actor: Actor) -> CommandEnvelope:
    """Runs the command's handler as the bus does, and commits what it did."""
    sent = envelope(command)
    async with store.unit_of_work(CLOCK) as uow:
        await HANDLERS[type(command)](command, CommandContext(uow, sent, actor))
        await uow.commit()
    return sent


async def refusal(store: InMemoryEventStore, command: Command, actor: Actor) -> str:
    """Why the handler refuses the command; it must have appended nothing before refusing."""
    async with store.unit_of_work(CLOCK) as uow:
        with pytest.raises(Refused) as refused:
            await HANDLERS[type(command)](command, CommandContext(uow, envelope(command), actor))
        assert uow.appended == []
    return str(refused.value)


async def existing(store: InMemoryEventStore, account_id: str, role: str, *more) -> None:
    """An account as earlier work left it, a day before the commands under test."""
    async with store.unit_of_work(FakeClock(CLOCK.now() - timedelta(days=1))) as uow:
        aggregates = Repository(uow, ids=derived_ids(f"setup:{account_id}"), correlation_id="x")
        account = await aggregates.get(Account, account_id)
        account.record(PortalAccountRegistered(account_id=account_id, login=account_id, role=role))
        account.record(*more)
        await aggregates.save(account)
        await uow.commit()


def account_stream(store: InMemoryEventStore, account_id: str) -> list[EventEnvelope]:
    return store.events(Account.stream(account_id))


def decoded(stored: list[EventEnvelope]) -> list:
    return [events.decode(e) for e in stored]


def access_stream(store: InMemoryEventStore, person: str) -> list[EventEnvelope]:
    return store.events(HolderAccess.stream(ELS, person))


# RegisterPortalAccount


async def test_id9_an_account_is_registered_by_its_administrator_without_a_usable_password(
    store, credentials, admins
):
    sent = await handle(
        store, RegisterPortalAccount(account_id="a-1", login="clerk", role="member_services"), ADMIN
    )

    [stored] = account_stream(store, "a-1")
    assert events.decode(stored) == PortalAccountRegistered(
        account_id="a-1", login="clerk", role="member_services"
    )
    assert (stored.actor, stored.causation_id) == (ADMIN, sent.command_id)
    assert credentials.logins == {"clerk": Credential("a-1", UNUSABLE_HASH)}
    assert admins.account_ids == []


async def test_issue8_4_an_administrators_account_is_listed_as_one(store, admins):
    await handle(store, RegisterPortalAccount(account_id="a-2", login="boss", role="admin"), ADMIN)

    assert admins.account_ids == ["a-2"]


async def test_id3_a_login_is_taken_once(store, credentials):
    credentials.logins["clerk"] = Credential("a-0", "hash")

    reason = await refusal(store, RegisterPortalAccount(account_id="a-1", login="clerk"), ADMIN)

    assert reason == "login 'clerk' is taken"
    assert store.events() == [] and credentials.logins == {"clerk": Credential("a-0", "hash")}


async def test_id9_an_account_is_registered_once(store, credentials, admins):
    await existing(store, "a-1", "member")

    command = RegisterPortalAccount(account_id="a-1", login="other", role="admin")
    reason = await refusal(store, command, ADMIN)

    assert reason == "account 'a-1' already exists"
    assert len(account_stream(store, "a-1")) == 1
    assert credentials.logins == {} and admins.account_ids == []


# BlockAccess


async def test_id5_id9_staff_block_a_member_and_void_their_sessions(store, tokens):
    await existing(store, "m-1", "member")

    await handle(store, BlockAccess(account_id="m-1", reason="suspected_fraud"), CLERK)

    blocked, revoked = account_stream(store, "m-1")[1:]
    assert events.decode(blocked) == AccessBlocked(
        account_id="m-1", reason="suspected_fraud", blocked_by=CLERK.account_id
    )
    assert events.decode(revoked) == AccessTokensRevoked(account_id="m-1", reason="access_blocked")
    assert blocked.actor == revoked.actor == CLERK
    assert tokens.revoked == ["m-1"]


async def test_issue8_4_member_services_cannot_block_an_administrator(store, admins, tokens):
    await existing(store, "a-1", "admin")
    admins.account_ids.append("a-1")

    reason = await refusal(store, BlockAccess(account_id="a-1", reason="maintenance"), CLERK)

    # Who may act is decided before whether an administrator would be left.
    assert reason == "role member_services may not act on an account of role admin"
    assert len(account_stream(store, "a-1")) == 1 and tokens.revoked == []


async def test_issue8_4_the_last_usable_administrator_is_not_blocked(store, admins, tokens):
    await existing(store, "a-1", "admin")
    await existing(
        store, "a-2", "admin", AccessBlocked(account_id="a-2", reason="maintenance", blocked_by="x")
    )
    admins.account_ids += ["a-1", "a-2"]

    reason = await refusal(store, BlockAccess(account_id="a-1", reason="maintenance"), ADMIN)

    assert reason == "the last usable administrator cannot be blocked or closed"
    assert len(account_stream(store, "a-1")) == 1 and tokens.revoked == []


async def test_issue8_4_an_administrator_is_blocked_while_another_stays_usable(store, admins):
    await existing(store, "a-1", "admin")
    await existing(store, "a-2", "admin")
    admins.account_ids += ["a-1", "a-2"]

    await handle(store, BlockAccess(account_id="a-1", reason="maintenance"), ADMIN)

    assert isinstance(events.decode(account_stream(store, "a-1")[1]), AccessBlocked)


async def test_id5_an_unknown_account_is_not_blocked(store):
    reason = await refusal(store, BlockAccess(account_id="nobody", reason="maintenance"), ADMIN)

    assert reason == "no account 'nobody'"
    assert store.events() == []


# UnblockAccess


async def test_id5_id9_staff_lift_a_block_and_the_sessions_stay_void(store, tokens):
    blocked = AccessBlocked(account_id="m-1", reason="maintenance", blocked_by="clerk-0")
    await existing(store, "m-1", "member", blocked)

    await handle(store, UnblockAccess(account_id="m-1"), CLERK)

    [unblocked] = account_stream(store, "m-1")[2:]
    assert events.decode(unblocked) == AccessUnblocked(
        account_id="m-1", unblocked_by=CLERK.account_id
    )
    assert unblocked.actor == CLERK and tokens.revoked == []


async def test_id5_an_account_that_is_not_blocked_is_not_unblocked(store):
    await existing(store, "m-1", "member")

    reason = await refusal(store, UnblockAccess(account_id="m-1"), CLERK)

    assert reason == "access of account 'm-1' is not blocked"
    assert len(account_stream(store, "m-1")) == 1


# CloseAccount


async def test_id6_id9_a_member_closes_their_own_account_and_its_sessions_end(store, tokens):
    await existing(store, TOM_ACCOUNT.account_id, "member")

    await handle(store, CloseAccount(account_id=TOM_ACCOUNT.account_id), TOM_ACCOUNT)

    closed, revoked = account_stream(store, TOM_ACCOUNT.account_id)[1:]
    assert events.decode(closed) == PortalAccountClosed(
        account_id=TOM_ACCOUNT.account_id, closed_by=TOM_ACCOUNT.account_id
    )
    assert events.decode(revoked).reason == "account_closed"
    assert closed.actor == revoked.actor == TOM_ACCOUNT
    assert tokens.revoked == [TOM_ACCOUNT.account_id]


async def test_id6_a_member_closes_no_one_elses_account(store, tokens):
    await existing(store, "m-2", "member")

    reason = await refusal(store, CloseAccount(account_id="m-2"), TOM_ACCOUNT)

    assert reason == "a member acts only on their own account"
    assert len(account_stream(store, "m-2")) == 1 and tokens.revoked == []


async def test_issue8_4_the_last_usable_administrator_does_not_close_itself(store, admins):
    await existing(store, ADMIN.account_id, "admin")
    admins.account_ids.append(ADMIN.account_id)

    reason = await refusal(store, CloseAccount(account_id=ADMIN.account_id), ADMIN)

    assert reason == "the last usable administrator cannot be blocked or closed"
    assert len(account_stream(store, ADMIN.account_id)) == 1


# GiveAccessMandate


async def test_id7_id9_a_child_of_16_or_over_gives_the_holder_a_mandate(store):
    sent = await handle(store, GiveAccessMandate(person=TOM), TOM_ACCOUNT)

    stored = access_stream(store, TOM)
    assert decoded(stored) == [
        AccessMandateGiven(person=TOM, holder=ELS),
        AccessGranted(holder=ELS, person=TOM, why="mandate given by the child"),
    ]
    assert {(e.actor, e.correlation_id) for e in stored} == {(TOM_ACCOUNT, sent.correlation_id)}
    assert store.timers() == []


async def test_id7_member_services_record_a_mandate_and_the_16th_birthday_is_timed(store):
    sent = await handle(store, GiveAccessMandate(person=LIEN), CLERK)

    assert decoded(access_stream(store, LIEN)) == [
        AccessMandateGiven(person=LIEN, holder=ELS),
        AccessGranted(holder=ELS, person=LIEN, why="child under 16"),
    ]
    [timer] = store.timers()
    assert (timer.due_at.date(), timer.correlation_id) == (date(2032, 3, 3), sent.correlation_id)
    assert timer.payload == {"holder": ELS, "person": LIEN}


async def test_id7_a_member_gives_a_mandate_for_their_own_file_only(store):
    reason = await refusal(store, GiveAccessMandate(person=LIEN), TOM_ACCOUNT)

    assert reason == "a member decides only about their own file"
    assert store.events() == []


async def test_id7_a_holder_has_no_holder_to_give_a_mandate_to(store):
    reason = await refusal(store, GiveAccessMandate(person=ELS), CLERK)

    assert reason == "this person is on no booklet as a dependant: no holder to decide about"
    assert store.events() == []


async def test_id7_a_mandate_is_given_once(store):
    await handle(store, GiveAccessMandate(person=TOM), TOM_ACCOUNT)

    reason = await refusal(store, GiveAccessMandate(person=TOM), TOM_ACCOUNT)

    assert reason == "the holder already has your mandate"
    assert len(access_stream(store, TOM)) == 2


# WithdrawAccessMandate


async def test_id7_id9_withdrawing_the_mandate_revokes_the_holders_access(store):
    await handle(store, GiveAccessMandate(person=TOM), TOM_ACCOUNT)

    await handle(store, WithdrawAccessMandate(person=TOM), TOM_ACCOUNT)

    withdrawn = access_stream(store, TOM)[2:]
    assert decoded(withdrawn) == [
        AccessMandateWithdrawn(person=TOM, holder=ELS),
        AccessRevoked(holder=ELS, person=TOM, why="child of 16 or over without a mandate"),
    ]
    assert {e.actor for e in withdrawn} == {TOM_ACCOUNT}


async def test_id7_there_is_no_mandate_to_withdraw_before_one_was_given(store):
    reason = await refusal(store, WithdrawAccessMandate(person=TOM), TOM_ACCOUNT)

    assert reason == "the holder has no mandate of yours to withdraw"
    assert store.events() == []


# RefuseHolderAccess


async def test_id7_id9_a_registered_child_refuses_the_holder_within_the_month(store):
    await existing(store, TOM_ACCOUNT.account_id, "member")  # registered yesterday

    await handle(store, RefuseHolderAccess(person=TOM), TOM_ACCOUNT)

    # No access was granted, and within the month none will be: only the refusal is new.
    [refused] = access_stream(store, TOM)
    assert events.decode(refused) == HolderAccessRefused(person=TOM, holder=ELS)
    assert refused.actor == TOM_ACCOUNT and store.timers() == []


async def test_id7_a_refusal_is_given_once(store):
    await handle(store, RefuseHolderAccess(person=TOM), TOM_ACCOUNT)

    reason = await refusal(store, RefuseHolderAccess(person=TOM), TOM_ACCOUNT)

    assert reason == "you already refused the holder's access"
    assert len(access_stream(store, TOM)) == 1


async def test_id7_a_refusal_within_the_month_keeps_the_holder_out_after_it(store):
    await existing(store, TOM_ACCOUNT.account_id, "member")
    await handle(store, RefuseHolderAccess(person=TOM), TOM_ACCOUNT)
    later = FakeClock(CLOCK.now() + timedelta(days=40))
    due = Timer("t-1", access_decisions.TIMER, later.now(), {"holder": ELS, "person": TOM}, "c-1")

    async with store.unit_of_work(later) as uow:
        await access_decisions.on_timer(due, uow)
        await uow.commit()

    # Decided again after the month, on when the refusal happened (its envelope's time): within
    # it, so nothing is granted.
    assert [type(e) for e in decoded(access_stream(store, TOM))] == [HolderAccessRefused]


@pytest.mark.parametrize(
    ("told", "forgotten"),
    [
        (PersonErased(booklet_id="b-1", person_id=TOM), TOM),
        (RetentionEnded(booklet_id="b-1", person_id=TOM, category="identification"), TOM),
        (RetentionEnded(booklet_id="b-1", person_id=TOM, category="financial"), None),
        (MemberDied(booklet_id="b-1", person_id=TOM, on=date(2026, 11, 30)), None),
    ],
    ids=["erased", "identification's retention ended", "financial's ended", "died"],
)
def test_dos12_dos13_identity_forgets_whom_the_dossier_no_longer_identifies(told, forgotten):
    # A death ends the membership; the identification's retention ending (that day) forgets.
    assert erasure.forgotten(dossier_envelope(told, "b-1")) == forgotten


# DOS-12: no automated decision about a person whose processing is restricted (GDPR art. 18)


async def told_by_the_dossier(store: InMemoryEventStore, event) -> None:
    async with store.unit_of_work(CLOCK) as uow:
        await access_decisions.apply_dossier_event(uow, dossier_envelope(event, "b-1"))
        await uow.commit()


async def restricted(store: InMemoryEventStore, person: str) -> None:
    await told_by_the_dossier(store, ProcessingRestricted(person_id=person))
    assert (await store.views[Members].get(person)).restricted


async def test_dos12_no_access_is_decided_by_itself_for_a_restricted_person(store):
    await restricted(store, LIEN)
    due = Timer("t-1", access_decisions.TIMER, CLOCK.now(), {"holder": ELS, "person": LIEN}, "c")

    async with store.unit_of_work(CLOCK) as uow:
        await access_decisions.on_timer(due, uow)
        await access_decisions.reconsider_person(uow, Repository.for_timer(uow, due), LIEN)
        await uow.commit()

    # Unrestricted, Lien (10) would be granted to Els with a timer at her 16th birthday.
    assert access_stream(store, LIEN) == [] and store.timers() == []


async def test_dos12_the_persons_own_say_is_decided_while_restricted_but_sets_no_timer(store):
    await restricted(store, LIEN)

    await handle(store, GiveAccessMandate(person=LIEN), CLERK)

    assert decoded(access_stream(store, LIEN)) == [
        AccessMandateGiven(person=LIEN, holder=ELS),
        AccessGranted(holder=ELS, person=LIEN, why="child under 16"),
    ]
    assert store.timers() == []


async def test_dos12_a_lifted_restriction_has_the_access_decided_again_with_its_timer(store):
    await restricted(store, LIEN)

    await told_by_the_dossier(store, ProcessingRestrictionLifted(person_id=LIEN))

    assert not (await store.views[Members].get(LIEN)).restricted
    assert decoded(access_stream(store, LIEN)) == [
        AccessGranted(holder=ELS, person=LIEN, why="child under 16")
    ]
    [timer] = store.timers()
    assert timer.due_at.date() == date(2032, 3, 3)
