"""The tests' trust root: one per test session, in the folder every service under test (and
every process a test starts) reads from MUTUALIS_TRUST_DIR. A test that stands in for another
service signs what it publishes with that service's credential, as its relay would."""

from __future__ import annotations

import os
from pathlib import Path

from mutualis.launcher import SERVICES
from shared import trust
from shared.trust import ProducerCredential


def make_folder(folder: Path) -> Path:
    trust.init(folder, SERVICES)
    return folder


def folder() -> Path:
    return Path(os.environ["MUTUALIS_TRUST_DIR"])


def credential(producer: str) -> ProducerCredential:
    return trust.load_credential(folder(), producer)


def signed_headers(producer: str, value: bytes, headers: dict[str, str]) -> list[tuple[str, bytes]]:
    """Kafka headers of a record `producer` wrote: `headers` and the producer's signature."""
    return [(k, v.encode()) for k, v in (headers | credential(producer).sign(value)).items()]
