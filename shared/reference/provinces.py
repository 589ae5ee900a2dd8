"""Belgium's provinces, and Brussels, by postal code: bpost numbers postal codes by province,
so the first digits of a Belgian postal code say where the address lies. Which regional fund
serves an address is told by the provinces each fund serves (ORG-1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ProvinceId = Literal[
    "brussels",
    "walloon-brabant",
    "flemish-brabant",
    "antwerp",
    "limburg",
    "liege",
    "namur",
    "hainaut",
    "luxembourg",
    "west-flanders",
    "east-flanders",
]


@dataclass(frozen=True)
class Province:
    id: ProvinceId
    # As Dutch and French write it, the languages of the seeds that name funds after it.
    names: tuple[str, ...]
    postal_codes: tuple[range, ...]


PROVINCES = (
    Province("brussels", ("Brussel", "Bruxelles"), (range(1000, 1300),)),
    Province("walloon-brabant", ("Waals-Brabant", "Brabant wallon"), (range(1300, 1500),)),
    # Halle-Vilvoorde took the rest of the old province's 1000s; Leuven has the 3000s.
    Province(
        "flemish-brabant",
        ("Vlaams-Brabant", "Brabant flamand"),
        (range(1500, 2000), range(3000, 3500)),
    ),
    Province("antwerp", ("Antwerpen", "Anvers"), (range(2000, 3000),)),
    Province("limburg", ("Limburg", "Limbourg"), (range(3500, 4000),)),
    Province("liege", ("Luik", "Liège"), (range(4000, 5000),)),
    Province("namur", ("Namen", "Namur"), (range(5000, 6000),)),
    # Charleroi and Thuin (6000-6599) are Hainaut; the 6600s go to Luxembourg.
    Province("hainaut", ("Henegouwen", "Hainaut"), (range(6000, 6600), range(7000, 8000))),
    Province("luxembourg", ("Luxemburg", "Luxembourg"), (range(6600, 7000),)),
    Province("west-flanders", ("West-Vlaanderen", "Flandre occidentale"), (range(8000, 9000),)),
    Province("east-flanders", ("Oost-Vlaanderen", "Flandre orientale"), (range(9000, 10000),)),
)


def province(province_id: str) -> Province:
    for known in PROVINCES:
        if known.id == province_id:
            return known
    raise LookupError(f"no province {province_id!r}")


def province_of(postal_code: str) -> Province | None:
    """The province of a Belgian postal code; None for anything else."""
    if not (postal_code.isascii() and postal_code.isdigit()):
        return None
    code = int(postal_code)
    for known in PROVINCES:
        if any(code in codes for codes in known.postal_codes):
            return known
    return None
