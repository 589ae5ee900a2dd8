"""Reference data shipped with the system: federations, their regional funds and the
per-federation configuration (ORG-1, ORG-2)."""

from shared.reference.funds import (
    AccessPolicy,
    Address,
    Contact,
    EMutPolicy,
    Federation,
    MyLMPolicy,
    RegionalFund,
    e164,
    federation_ids,
    load_federation,
    load_federations,
)
from shared.reference.provinces import PROVINCES, Province, province, province_of

__all__ = [
    "PROVINCES",
    "AccessPolicy",
    "Address",
    "Contact",
    "EMutPolicy",
    "Federation",
    "MyLMPolicy",
    "Province",
    "RegionalFund",
    "e164",
    "federation_ids",
    "load_federation",
    "load_federations",
    "province",
    "province_of",
]
