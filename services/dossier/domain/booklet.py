"""A member booklet (lidboekje): its holder and dependants. Pure decisions; no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from shared.contracts import Event
from shared.contracts.dossier import (
    ChangeContactDetails,
    ContactDetailsChanged,
    DependantAdded,
    MemberEnrolled,
    Person,
)
from shared.identifiers import birth_date_of
from shared.refusal import Refused


class BookletError(Refused):
    """A decision the booklet refuses, with a reason fit for staff."""


@dataclass
class Booklet:
    booklet_id: str
    version: int = 0
    persons: dict[str, Person] = field(default_factory=dict)

    @classmethod
    def from_history(cls, booklet_id: str, history: Iterable[Event]) -> "Booklet":
        booklet = cls(booklet_id)
        for event in history:
            booklet._apply(event)
        return booklet

    def enrol(self, holder: Person) -> list[Event]:
        if self.version:
            raise BookletError(f"booklet {self.booklet_id!r} already exists")
        _birth_date_agrees(holder)
        return [MemberEnrolled(booklet_id=self.booklet_id, holder=holder)]

    def add_dependant(self, dependant: Person) -> list[Event]:
        if not self.version:
            raise BookletError(f"no booklet {self.booklet_id!r}")
        if dependant.national_register_number in self.persons:
            raise BookletError("this person is already on the booklet")
        _birth_date_agrees(dependant)
        return [DependantAdded(booklet_id=self.booklet_id, dependant=dependant)]

    def change_contact_details(self, change: ChangeContactDetails) -> list[Event]:
        if change.national_register_number not in self.persons:
            raise BookletError(f"no such person on booklet {self.booklet_id!r}")
        details = change.model_dump(
            exclude={"booklet_id", "national_register_number"}, exclude_none=True
        )
        if not details:
            raise BookletError("nothing to change: give an e-mail, phone or bank account")
        return [
            ContactDetailsChanged(
                booklet_id=self.booklet_id,
                national_register_number=change.national_register_number,
                **details,
            )
        ]

    def _apply(self, event: Event) -> None:
        self.version += 1
        match event:
            case MemberEnrolled(holder=person) | DependantAdded(dependant=person):
                self.persons[person.national_register_number] = person


def _birth_date_agrees(person: Person) -> None:
    # A national register number carries the birth date; a one-digit typo can still pass its
    # check digits by moving the birth a century (85 ↔ 91 ...), so the two must agree.
    encoded = birth_date_of(person.national_register_number)
    if encoded is not None and encoded != person.birth_date:
        raise BookletError("the birth date does not match the national register number")


def stream_id(booklet_id: str) -> str:
    return f"booklet-{booklet_id}"
