"""The population and the certificate file of the payments bench: households of the dossier
(a holder and dependants, most holders with a bank account, some persons with VT or a GMD) and
a CSV of care certificates over them, as `mutualis payments import` reads it.

Everything is drawn from a seeded random generator: the same sizes give the same people and
the same file. The file is written line by line, never held in memory."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from mutualis.demo import national_register_number

SEED = 20261101
FUND = "bondmoyson-oost-vlaanderen"
# Household sizes and how common each is (about 2.4 persons a booklet).
SIZES, SIZE_WEIGHTS = (1, 2, 3, 4, 5), (35, 25, 15, 15, 10)
HOLDERS_WITH_IBAN = 0.9  # the others' items wait for an account (PaymentHeld)
# Verhoogde tegemoetkoming: a lower co-payment and the social MAF ceiling. Off for now: on
# PostgreSQL the history projection stops at the first MafCeilingSet of a VT household (its
# `source`, over 500 characters for a provisional year, does not fit maf_years.source,
# VARCHAR(500)); 0.15 once that is fixed.
VT_SHARE = 0.0
GMD_SHARE = 0.3
THIRD_PARTY_SHARE = 0.1  # of physiotherapy and dental certificates: paid to the provider
# One person in twenty is a heavy user (physiotherapy series, a chronic condition): a quarter
# of the certificates go to them, so some households' MAF counters run high.
HEAVY_SHARE, HEAVY_CERTIFICATES = 0.05, 0.25

GP_CONSULTATION, PHYSIOTHERAPY = "101076", "560011"
# The legal fee of the current tariffs asked as is: no supplement, reimbursed in full share.
FEES = {
    GP_CONSULTATION: "33.73",
    PHYSIOTHERAPY: "30.00",
    "371615": "49.50",  # first oral exam of the year, under 18
    "373892": "48.50",  # filling, up to the 15th birthday
    "374371": "32.00",  # filling, 15 to 17
    "301593": "68.00",  # oral exam, 18 to 79
    "302234": "17.00",  # scaling, several quadrants, 18 and over
}


@dataclass(frozen=True)
class Provider:
    riziv_number: str
    name: str
    iban: str


@dataclass(frozen=True)
class Member:
    national_register_number: str
    first_name: str
    last_name: str
    birth_date: date
    language: str
    vt: bool
    gp: Provider | None  # the GP holding their GMD


@dataclass(frozen=True)
class Household:
    booklet_id: str
    holder: Member
    dependants: tuple[Member, ...]
    iban: str | None  # the holder's account

    @property
    def persons(self) -> tuple[Member, ...]:
        return (self.holder, *self.dependants)


@dataclass(frozen=True)
class Population:
    households: list[Household]
    gps: list[Provider]
    physiotherapists: list[Provider]
    dentists: list[Provider]

    @property
    def persons(self) -> list[Member]:
        return [p for h in self.households for p in h.persons]


def riziv_number(profession: int, serial: int, qualification: str) -> str:
    """A RIZIV/INAMI number with valid check digits (97 - first six mod 97)."""
    base = profession * 100_000 + serial
    return f"{base:06d}{97 - base % 97:02d}{qualification}"


def belgian_iban(account: int) -> str:
    """A valid Belgian IBAN for a 10-digit account number (bank code first)."""
    national = account % 97 or 97
    bban = f"{account:010d}{national:02d}"
    check = 98 - int(f"{bban}111400") % 97  # B=11, E=14, then "00"
    return f"BE{check:02d}{bban}"


def _providers(rng: random.Random, profession: int, count: int, title: str) -> list[Provider]:
    qualification = {1: "004", 3: "001", 5: "527"}[profession]
    return [
        Provider(
            riziv_number(profession, 10_000 + n, qualification),
            f"{title} {rng.choice(LAST_NAMES)} {n}",
            belgian_iban(5_390_000_000 + rng.randrange(10_000_000)),
        )
        for n in range(count)
    ]


def population(persons: int, today: date) -> Population:
    rng = random.Random(SEED)
    gps = _providers(rng, 1, max(10, persons // 500), "Dr.")
    physios = _providers(rng, 5, max(5, persons // 1000), "Kinesitherapeut")
    dentists = _providers(rng, 3, max(5, persons // 1200), "Tandarts")
    serials: dict[date, int] = {}
    households: list[Household] = []
    made = 0

    def member(birth: date, last_name: str) -> Member:
        serials[birth] = serials.get(birth, 0) + 1
        return Member(
            national_register_number=national_register_number(birth, serials[birth]),
            first_name=rng.choice(FIRST_NAMES),
            last_name=last_name,
            birth_date=birth,
            language=rng.choice(("nl", "nl", "fr")),
            vt=rng.random() < VT_SHARE,
            gp=rng.choice(gps) if rng.random() < GMD_SHARE else None,
        )

    while made < persons:
        size = min(rng.choices(SIZES, SIZE_WEIGHTS)[0], persons - made)
        last_name = rng.choice(LAST_NAMES)
        adult = today - timedelta(days=rng.randrange(20 * 365, 85 * 365))
        holder = member(adult, last_name)
        dependants = []
        for n in range(size - 1):
            if n == 0 and rng.random() < 0.6:  # a partner
                born = adult + timedelta(days=rng.randrange(-2000, 2000))
            else:  # a child
                born = today - timedelta(days=rng.randrange(30, 25 * 365))
            dependants.append(member(min(born, today - timedelta(days=30)), last_name))
        iban = (
            belgian_iban(rng.randrange(10**9, 10**10)) if rng.random() < HOLDERS_WITH_IBAN else None
        )
        households.append(
            Household(f"bench-{len(households):06d}", holder, tuple(dependants), iban)
        )
        made += size
    return Population(households, gps, physios, dentists)


def care_period(today: date) -> tuple[date, date]:
    """The days certificates are for: this year before today (last year too in January)."""
    first = date(today.year, 1, 1) if today.month > 1 else date(today.year - 1, 1, 1)
    return first, today - timedelta(days=1)


def _dental_code(rng: random.Random, age: int) -> str:
    if age < 15:
        return rng.choice(("371615", "373892"))
    if age < 18:
        return rng.choice(("371615", "374371"))
    if age < 80:
        return rng.choice(("301593", "302234"))
    return "302234"


def certificates(population: Population, count: int, today: date, run: str) -> Iterator[dict]:
    """`count` certificate lines: half GP consultations, 30 % physiotherapy, 20 % dental."""
    rng = random.Random(SEED + count)
    persons = population.persons
    heavy = persons[: max(1, int(len(persons) * HEAVY_SHARE))]
    first, last = care_period(today)
    for n in range(count):
        person = rng.choice(heavy if rng.random() < HEAVY_CERTIFICATES else persons)
        while person.birth_date > last:  # born today: no care to claim yet
            person = rng.choice(persons)
        since = max(first, person.birth_date)  # never care before birth
        care_date = since + timedelta(days=rng.randrange((last - since).days + 1))
        kind = rng.random()
        third_party = False
        if kind < 0.5:
            code = GP_CONSULTATION
            gp = person.gp if person.gp and rng.random() < 0.8 else rng.choice(population.gps)
            provider = gp
        elif kind < 0.8:
            code, provider = PHYSIOTHERAPY, rng.choice(population.physiotherapists)
            third_party = rng.random() < THIRD_PARTY_SHARE
        else:
            age = (
                care_date.year
                - person.birth_date.year
                - (
                    (care_date.month, care_date.day)
                    < (person.birth_date.month, person.birth_date.day)
                )
            )
            code, provider = _dental_code(rng, age), rng.choice(population.dentists)
            third_party = rng.random() < THIRD_PARTY_SHARE
        yield {
            "certificate_id": f"{run}-{n:07d}",
            "national_register_number": person.national_register_number,
            "care_date": care_date.isoformat(),
            "provider_riziv_number": provider.riziv_number,
            "provider_name": provider.name,
            "code": code,
            "fee_asked": FEES[code],
            "supplement": "0.00",
            "third_party_payment": "true" if third_party else "false",
            "provider_iban": provider.iban if third_party else "",
        }


FIRST_NAMES = (
    "Els Lotte Bram Jan An Pieter Sofie Wout Lien Tom Marie Lucas Emma Noah Julie Louis Camille "
    "Hugo Lea Arthur Chloe Victor Nina Jules Manon Simon Elise Robbe Fien Mathis"
).split()
LAST_NAMES = (
    "Peeters Janssens Maes Jacobs Mertens Willems Claes Goossens Wouters De-Smet Dubois Lambert "
    "Dupont Martin Simon Laurent Leclercq Lemaire Hermans Michiels Desmet Vermeulen Van-Damme"
).split()
