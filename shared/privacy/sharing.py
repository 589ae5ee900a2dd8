"""Data keys shared between services without a synchronous call.

A service that owns personal data others may read (the dossier: identity reads who its members
are) publishes the data key of each subject and category on its own `<owner>.keys` topic, keyed
by subject and category (compacted in a deployment: the latest record of a key is what stays).
The key travels wrapped under the sharing key of that owner and category, which only the
services entitled to it hold (`sharing.yaml`): locally a file of the trust folder each, in a
deployment a KMS key whose decrypt permission only those services have. A reader unwraps it
and keeps it wrapped under its own KEK, like its own keys. Erasure publishes the key as
shredded: readers shred their copy, and compaction drops the last copy of the key itself."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from shared.keys import LocalKek, create_kek_file, parse_keys
from shared.privacy.marking import CATEGORIES, Category

SHARING_FOLDER = "sharing"


@cache
def entitlements() -> Mapping[str, Mapping[Category, frozenset[str]]]:
    """owner → category → the services that read it."""
    text = resources.files("shared.privacy").joinpath("sharing.yaml").read_text("utf-8")
    loaded = yaml.safe_load(text) or {}
    result: dict[str, dict[Category, frozenset[str]]] = {}
    for owner, categories in loaded.items():
        for category, readers in categories.items():
            if category not in CATEGORIES:
                raise ValueError(f"sharing.yaml: {owner} shares an unknown category {category!r}")
            result.setdefault(owner, {})[category] = frozenset(readers)
    return result


def shared_categories(owner: str) -> frozenset[Category]:
    """What of `owner`'s data some other service reads."""
    return frozenset(entitlements().get(owner, {}))


def readable_by(reader: str) -> frozenset[tuple[str, Category]]:
    """The (owner, category) pairs `reader` is entitled to."""
    return frozenset(
        (owner, category)
        for owner, categories in entitlements().items()
        for category, readers in categories.items()
        if reader in readers
    )


def sharing_key_file(folder: Path, owner: str, category: str) -> Path:
    return folder / SHARING_FOLDER / f"{owner}.{category}.key"


def init_sharing_keys(folder: Path) -> None:
    """A sharing key for each shared (owner, category) lacking one (never overwritten: what
    was shared under it would no longer open)."""
    (folder / SHARING_FOLDER).mkdir(parents=True, exist_ok=True, mode=0o700)
    for owner, categories in entitlements().items():
        for category in categories:
            path = sharing_key_file(folder, owner, category)
            if not path.exists():
                create_kek_file(path)


class SharedKey(BaseModel):
    """A record of `<owner>.keys`: a data key of one subject and category, wrapped under the
    sharing key; `wrapped` None: the key was shredded, the data it sealed is erased."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    owner: str
    subject: str
    category: Category
    wrapped: str | None

    @property
    def record_key(self) -> bytes:
        return f"{self.subject}/{self.category}".encode()


@dataclass(frozen=True)
class SharingKeys:
    """The sharing keys one service holds: those of the categories it shares (to wrap) and of
    those it may read (to unwrap)."""

    service: str
    keys: Mapping[tuple[str, Category], LocalKek]

    @classmethod
    def load(cls, service: str, folder: Path) -> SharingKeys:
        """Fails when a key the service needs is missing: `mutualis trust init` makes them."""
        needed = {(service, c) for c in shared_categories(service)} | readable_by(service)
        return cls(service, {pair: _load(folder, *pair) for pair in sorted(needed)})

    @property
    def readable(self) -> Iterable[tuple[str, Category]]:
        return [pair for pair in self.keys if pair[0] != self.service]

    def share(self, subject: str, category: Category, key: bytes | None) -> SharedKey:
        """The record sharing this service's data key (None: shredded)."""
        wrapped = None
        if key is not None:
            sealer = self.keys[self.service, category]
            wrapped = base64.b64encode(
                sealer.wrap(key, _context(self.service, subject, category))
            ).decode()
        return SharedKey(owner=self.service, subject=subject, category=category, wrapped=wrapped)

    def unwrap(self, shared: SharedKey) -> bytes:
        """The data key in `shared`; raises KeyError if this service is not entitled to it,
        shared.keys.CannotUnwrap if it was not wrapped for that owner, subject and category."""
        opener = self.keys[shared.owner, shared.category]
        raw = base64.b64decode(shared.wrapped or "")
        return opener.unwrap(raw, _context(shared.owner, shared.subject, shared.category))


def _context(owner: str, subject: str, category: str) -> bytes:
    return f"shared-data-key\0{owner}\0{subject}\0{category}".encode()


def _load(folder: Path, owner: str, category: Category) -> LocalKek:
    path = sharing_key_file(folder, owner, category)
    try:
        text = path.read_text()
    except OSError as error:
        raise ValueError(
            f"no sharing key for {owner}'s {category} data at {path} ({error.strerror}): "
            "`mutualis trust init` makes them"
        ) from None
    return LocalKek(parse_keys(text, str(path)))
