"""The Belgian structured communication (gestructureerde mededeling / communication
structurée, OGM/VCS): `+++123/4567/89012+++`, ten digits and two check digits (the ten
modulo 97, 97 when that is 0). The fund makes one from each invoice number and finds the
invoice back from the one a payment carries (INV-8).

The check digits are stdnum's (`stdnum.be.ogm_vcs`); what is ours is which spellings a
payment may arrive in and what a person is told when one is wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import exceptions as stdnum_errors
from stdnum.be import ogm_vcs

from shared.identifiers import InvalidIdentifier

WHAT = "structured communication"
# Banks print it between +++ (or *** on older forms), with or without the slashes; their
# statements (CODA) carry the 12 bare digits.
_WRAPPERS = ("+++", "***")
_SHAPE = re.compile(r"\d{3}/\d{4}/\d{5}|\d{12}")


@dataclass(frozen=True)
class StructuredCommunication:
    digits: str  # the 12 digits, check digits last

    def __post_init__(self) -> None:
        if not (len(self.digits) == 12 and self.digits.isascii() and self.digits.isdigit()):
            raise InvalidIdentifier(WHAT, repr(self.digits), "expected 12 digits")
        try:
            ogm_vcs.validate(self.digits)
        except stdnum_errors.ValidationError:  # a wrong checksum; all zeros has none right
            raise InvalidIdentifier(WHAT, str(self), "the check digits do not match") from None

    @classmethod
    def from_number(cls, number: str | int) -> StructuredCommunication:
        """The communication of an invoice number of at most 10 digits, zero-padded."""
        base = str(number)
        if not (base.isascii() and base.isdigit() and len(base) <= 10):
            raise InvalidIdentifier(WHAT, repr(base), "an invoice number of 1 to 10 digits")
        base = base.zfill(10)
        return cls(base + ogm_vcs.calc_check_digits(base))

    @classmethod
    def parse(cls, text: str) -> StructuredCommunication:
        """Read what a payer typed or a bank statement carries: `+++123/4567/89012+++`,
        `***123/4567/89012***`, `123/4567/89012` or `123456789012`, spaces allowed."""
        compact = "".join(text.split())
        for wrapper in _WRAPPERS:
            if len(compact) > 6 and compact.startswith(wrapper) and compact.endswith(wrapper):
                compact = compact[3:-3]
                break
        if not _SHAPE.fullmatch(compact):
            shown = repr(text if len(text) <= 40 else text[:40] + "…")
            raise InvalidIdentifier(WHAT, shown, "expected 12 digits, as +++123/4567/89012+++")
        return cls(compact.replace("/", ""))

    @property
    def number(self) -> str:
        """The 10 digits before the check digits: the invoice number, zero-padded."""
        return self.digits[:10]

    def __str__(self) -> str:
        return f"+++{ogm_vcs.format(self.digits)}+++"
