"""How the dossier shows a person of a booklet."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel


class AddressView(BaseModel):
    country: str
    street: str
    house_number: str
    box: str | None
    postal_code: str | None
    municipality: str


class EntitlementView(BaseModel):
    """Codes gerechtigde CG1/CG2 and the VT status (verhoogde tegemoetkoming)."""

    cg1: str
    cg2: str
    increased_reimbursement: bool
    increased_reimbursement_since: date | None


class PersonView(BaseModel):
    person_id: str
    national_register_number: str
    booklet_id: str
    role: str
    first_name: str
    last_name: str
    birth_date: date
    language: str
    nationality: str
    regional_fund: str
    email: str | None
    phone: str | None
    # Personal fields read "erased" once their key is shredded; the bank account "restricted"
    # while the law keeps it after an erasure (DOS-13).
    iban: str | None
    bic: str | None
    address: AddressView | None  # None for persons enrolled before addresses were kept
    entitlement: EntitlementView | None
    # DOS-13: the day the membership ended, how (left, died, emigrated), and the fund left for.
    membership_ended_on: date | None
    membership_end: str | None
    left_for: str | None
    # DOS-12: processing restricted (GDPR art. 18, 21), and the purposes consented to.
    restricted: bool
    consents: list[str]

    @classmethod
    def of(cls, row: dict[str, Any]) -> PersonView:
        address = {
            k.removeprefix("address_"): v for k, v in row.items() if k.startswith("address_")
        }
        entitlement = {k: row[k] for k in EntitlementView.model_fields}
        return cls.model_validate(
            {
                **row,
                "address": address if address["country"] else None,
                "entitlement": entitlement if entitlement["cg1"] else None,
                "consents": row.get("consents") or [],
            }
        )
