"""Demo data: a few households whose children stand on both sides of each age boundary of
the access policies (ID-7: 16 for e-Mut, 18 for My LM), dated from today so they stay so.
Sent as member services would send them: staff commands to the dossier.

Each household is enrolled with the regional fund that serves its postal code in the
federation's reference data (ORG-1). A federation's seeds list funds for some provinces only,
so a household lives at the first of its addresses that one of the federation's funds serves:
a French-speaking family in Liège for the liberal funds, in Ronse (a municipality with
language facilities for French speakers) for the socialist ones, whose seed lists only
Flemish funds."""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta

from shared.contracts import CommandOutcome
from shared.reference import Federation, RegionalFund

# (street, house number, postal code, municipality)
Address = tuple[str, str, str, str]

# (booklet, last name, language, addresses in order of preference, then the people: first
# name, age in years and days past that birthday, the holder first; negative days: the
# birthday is near)
HOUSEHOLDS = [
    (
        "demo-peeters",
        "Peeters",
        "nl",
        [("Veldstraat", "12", "9000", "Gent")],
        [("Els", 44, 100), ("Lotte", 15, 340), ("Jonas", 16, 10), ("Mats", 17, 200)],
    ),
    (
        "demo-dubois",
        "Dubois",
        "fr",
        [("Rue Féronstrée", "41", "4000", "Liège"), ("Wijnstraat", "15", "9600", "Ronse")],
        [("Claire", 47, 30), ("Hugo", 17, 355), ("Léa", 18, 20), ("Théo", 19, 150)],
    ),
    (
        "demo-janssens",
        "Janssens",
        "nl",
        [("Meir", "3", "2000", "Antwerpen"), ("Stationsstraat", "20", "9100", "Sint-Niklaas")],
        [("Bram", 38, 60), ("Noor", 5, 90)],
    ),
]


@dataclass(frozen=True)
class DemoPerson:
    booklet_id: str
    national_register_number: str
    first_name: str
    last_name: str
    birth_date: date
    role: str


Send = Callable[[str, dict], Awaitable[CommandOutcome]]


def households(today: date) -> list[list[DemoPerson]]:
    result = []
    for h, (booklet_id, last_name, _, _, people) in enumerate(HOUSEHOLDS):
        household = []
        for n, (first_name, years, days_past) in enumerate(people):
            born = _years_before(today, years) - timedelta(days=days_past)
            household.append(
                DemoPerson(
                    booklet_id,
                    national_register_number(born, 100 + 10 * h + n),
                    first_name,
                    last_name,
                    born,
                    "holder" if n == 0 else "dependant",
                )
            )
        result.append(household)
    return result


def home(addresses: list[Address], federation: Federation) -> tuple[Address, RegionalFund]:
    """The first of a household's addresses that a fund of the federation serves, and that
    fund."""
    for address in addresses:
        if fund := federation.fund_serving(address[2]):
            return address, fund
    postal_codes = ", ".join(address[2] for address in addresses)
    raise LookupError(f"no fund of the {federation.id} federation serves {postal_codes}")


# The bank account each household's holder is paid on (DOS-2); the Janssens have given none
# yet, so their reimbursements wait for one (PAY-6).
ACCOUNTS = {"demo-peeters": "BE68539007547034", "demo-dubois": "BE71096123456769"}
# The demo's care providers: (RIZIV/INAMI number, name).
GP = ("10005549004", "Dr. An Wouters")
DENTIST = ("30005563001", "Tandarts Bart Claes")
PHYSIOTHERAPIST = ("50005577001", "Kine Sara Maes")


async def seed(send: Send, federation: Federation, today: date) -> list[CommandOutcome]:
    """Enrols every household (a household already there is refused and left as it is), gives
    the holders an e-mail address and their bank account and the Peeters holder a GMD at the
    demo GP (DOS-4)."""
    outcomes = []
    for (_, _, language, addresses, _), household in zip(HOUSEHOLDS, households(today)):
        address, fund = home(addresses, federation)
        holder, *dependants = household
        enrolled = await send(
            "EnrolMember",
            {
                "booklet_id": holder.booklet_id,
                "holder": _person(holder, language, address, fund.id),
            },
        )
        outcomes.append(enrolled)
        if enrolled.status != "accepted":
            continue  # there already: left as it is
        for dependant in dependants:
            person = _person(dependant, language, address, fund.id)
            outcomes.append(
                await send("AddDependant", {"booklet_id": holder.booklet_id, "dependant": person})
            )
        contact = {
            "national_register_number": holder.national_register_number,
            "email": email_of(holder),
        }
        if iban := ACCOUNTS.get(holder.booklet_id):
            contact["iban"] = iban
        outcomes.append(
            await send("ChangeContactDetails", {"booklet_id": holder.booklet_id, **contact})
        )
    els = households(today)[0][0]
    if outcomes[0].status != "accepted":
        return outcomes
    gmd = {
        "booklet_id": els.booklet_id,
        "national_register_number": els.national_register_number,
        "gp_riziv_number": GP[0],
        "gp_name": GP[1],
        "start_date": (today - timedelta(days=400)).isoformat(),
        "advantage": "consultations_and_home_visits",
    }
    outcomes.append(await send("RecordGmd", gmd))
    return outcomes


def certificates(today: date) -> list[dict[str, str]]:
    """The sample electronic batch of care certificates for the demo households (as
    `mutualis payments import` reads it): GP visits, a dentist, physiotherapy, a third-party
    payment, and one line for a person the fund does not know, refused with its reason."""
    (els, lotte, _jonas, mats), (claire, hugo, *_), (bram, noor) = households(today)
    day = today - timedelta(days=3)

    def line(n: int, person: DemoPerson | str, provider, code: str, fee: str, **more) -> dict:
        nrn = person if isinstance(person, str) else person.national_register_number
        return {
            "certificate_id": f"demo-{today:%Y%m%d}-{n:03d}",
            "national_register_number": nrn,
            "care_date": (day - timedelta(days=n)).isoformat(),
            "provider_riziv_number": provider[0],
            "provider_name": provider[1],
            "code": code,
            "fee_asked": fee,
            "supplement": more.pop("supplement", "0.00"),
            "third_party_payment": "false",
            "provider_iban": "",
            **more,
        }

    stranger = national_register_number(date(1970, 1, 1), 999)
    return [
        line(1, els, GP, "101076", "33.73"),
        line(2, lotte, DENTIST, "371615", "49.50"),
        line(3, mats, GP, "101076", "33.73"),
        line(4, els, PHYSIOTHERAPIST, "560011", "30.00"),
        line(5, claire, GP, "103132", "48.57", supplement="5.00"),
        line(6, hugo, DENTIST, "371615", "49.50"),
        line(7, bram, GP, "101076", "33.73"),
        line(
            8,
            noor,
            GP,
            "101076",
            "33.73",
            third_party_payment="true",
            provider_iban="BE71096123456769",
        ),
        line(9, stranger, GP, "101076", "33.73"),
    ]


def email_of(person: DemoPerson) -> str:
    """A holder's e-mail address: where invoice notices and one-time codes go (example.be)."""
    name = unicodedata.normalize("NFKD", f"{person.first_name}.{person.last_name}")
    return f"{name.encode('ascii', 'ignore').decode().lower()}@example.be"


def hospital_claim(national_register_number: str, today: date) -> dict:
    """A hospital invoice of the person's (PAY-5), as member services file it: three nights in
    a single room ending yesterday, after an illness (no accident: the waiting period counts),
    with the room, the doctors' fees, medicines the legal insurance pays part of and one it
    does not; what the legal insurance paid is on each line."""
    admitted, discharged = today - timedelta(days=4), today - timedelta(days=1)
    return {
        "claim_id": f"demo-{national_register_number}-{admitted:%Y%m%d}",
        "national_register_number": national_register_number,
        "filed_on": today.isoformat(),
        "care": {
            "kind": "hospital_stay",
            "admitted": admitted.isoformat(),
            "discharged": discharged.isoformat(),
            "room": "single",
        },
        "lines": [
            {"kind": "room", "charged": "540.00", "ziv_paid": "120.00", "quantity": 3},
            {"kind": "fees", "charged": "980.00", "ziv_paid": "410.00", "legal_fee": "410.00"},
            {"kind": "pharmacy_ziv", "charged": "84.30", "ziv_paid": "61.20"},
            {"kind": "pharmacy_non_ziv", "charged": "35.00", "ziv_reimbursed": False},
        ],
    }


def national_register_number(born: date, serial: int) -> str:
    """Birth date, a serial of the day, and the check digits over both (with a 2 in front for
    births from 2000)."""
    first_nine = f"{born:%y%m%d}{serial:03d}"
    checked = int(("2" if born.year >= 2000 else "") + first_nine)
    return f"{first_nine}{97 - checked % 97:02d}"


def _person(person: DemoPerson, language: str, address: Address, fund: str) -> dict:
    street, house_number, postal_code, municipality = address
    return {
        "national_register_number": person.national_register_number,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "birth_date": person.birth_date.isoformat(),
        "language": language,
        "nationality": "BE",
        "regional_fund": fund,
        "address": {
            "street": street,
            "house_number": house_number,
            "postal_code": postal_code,
            "municipality": municipality,
            "country": "BE",
        },
        "entitlement": {"cg1": "110", "cg2": "110", "increased_reimbursement": False},
    }


def _years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)
