"""Sealing the personal fields of a payload, and opening them again.

Each personal field's value (its JSON) is encrypted with AES-256-GCM under the data key of its
subject and category; the subject's id and the field's path are the associated data, so a
sealed value copied to another field or another person does not open. What is not personal
(ids, amounts, dates, codes) stays in clear, so projections and monitoring keep working on it.

Keys are looked up by the caller (shared.privacy.keys) and handed in as a mapping: sealing and
opening are pure and synchronous, and a batch of events costs one key lookup."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import BaseModel

from shared import jsoncodec
from shared.privacy.marking import (
    ERASED_KEY,
    SEALED,
    SEALED_KEY,
    UNREADABLE_KEY,
    Category,
    PersonalField,
    concealment,
    personal_fields,
)

NONCE_BYTES = 12
KeyId = tuple[str, Category]  # (subject, category)


class Shredded:
    """The key of a subject and category that was erased: its values are gone."""


SHREDDED = Shredded()


@dataclass(frozen=True, slots=True)
class Place:
    """Where one personal value sits in a payload, and whose it is."""

    field: PersonalField
    container: dict[str, Any]
    name: str
    subject: str | None

    @property
    def key_id(self) -> KeyId | None:
        return (self.subject, self.field.category) if self.subject else None

    @property
    def associated_data(self) -> bytes:
        return f"{self.subject}\0{_dotted(self.field.path)}".encode()


def places(model: type[BaseModel], payload: dict[str, Any]) -> list[Place]:
    """Every personal value present in `payload` (None and absent ones are skipped)."""
    found: list[Place] = []
    _find(_fields(model), payload, (payload,), found)
    return found


def _find(tree: dict[str, Any], node: dict, outer: tuple[dict, ...], found: list[Place]) -> None:
    # The payload is walked once for all the model's fields, into one list: a batch's event
    # has tens of thousands of values, and walking it per field, or yielding each value up
    # through the levels, cost as much as sealing them.
    for name, below in tree.items():
        value = node.get(name)
        if value is None:
            continue
        if isinstance(below, PersonalField):
            found.append(Place(below, node, name, _subject(below.subject, outer)))
        elif "[]" in below:
            for item in value if isinstance(value, list) else ():
                if isinstance(item, dict):
                    _find(below["[]"], item, (item, *outer), found)
        elif isinstance(value, dict):
            _find(below, value, (value, *outer), found)


@cache
def _fields(model: type[BaseModel]) -> dict[str, Any]:
    """The model's personal fields as a tree: name (or `[]`, a list's items) → what lies
    below, down to each field."""
    tree: dict[str, Any] = {}
    for field in personal_fields(model):
        *steps, last = field.path
        node = tree
        for step in steps:
            node = node.setdefault(step, {})
        node[last] = field
    return tree


@cache
def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(path)


def _subject(name: str, outer: tuple[dict, ...]) -> str | None:
    for node in outer:  # innermost first
        found = node.get(name)
        if isinstance(found, str) and found:
            return found
    return None


def needed_keys(model: type[BaseModel], payload: dict[str, Any]) -> set[KeyId]:
    return {place.key_id for place in places(model, payload) if place.key_id}


def seal(
    model: type[BaseModel], payload: dict[str, Any], keys: Mapping[KeyId, bytes | Shredded]
) -> dict[str, Any]:
    """A copy of `payload` with every personal value sealed. A subject whose key was shredded
    gets no personal data stored again: its values are stored as erased."""
    return Found(model, payload).seal(keys)


@dataclass(frozen=True)
class Opened:
    payload: dict[str, Any]
    # The fields that did not open although their key is here: altered, or sealed under
    # another key. Their values read as unreadable; the caller logs them (no values in them).
    unreadable: tuple[str, ...] = ()


def open_sealed(
    model: type[BaseModel],
    payload: dict[str, Any],
    keys: Mapping[KeyId, bytes | Shredded | None],
) -> Opened:
    """A copy of `payload` with each sealed value opened where its key is held: erased where the
    key was shredded, left sealed where this reader holds no key (not entitled, or not yet)."""
    return Found(model, payload).open(keys)


class Found:
    """A payload's personal values, found once: the keys they need, then sealed or opened in a
    copy of the payload (a batch's event is walked once, not once for its keys and again to
    seal or open it)."""

    def __init__(self, model: type[BaseModel], payload: dict[str, Any]) -> None:
        self.model = model
        self.payload = _copied(payload, _fields(model))
        self.places = places(model, self.payload)

    def needed_keys(self) -> set[KeyId]:
        return {place.key_id for place in self.places if place.key_id}

    def withheld(self) -> dict[str, Any]:
        """The payload with each sealed value replaced by the marker a reader holding no key
        for it reads: its structure without the ciphertext."""
        for place in self.places:
            if concealment(place.container[place.name]) is SEALED:
                place.container[place.name] = {SEALED_KEY: place.field.category}
        return self.payload

    def seal(self, keys: Mapping[KeyId, bytes | Shredded]) -> dict[str, Any]:
        ciphers: dict[bytes, AESGCM] = {}
        for place in self.places:
            if place.key_id is None:
                raise ValueError(
                    f"{self.model.__name__}.{_dotted(place.field.path)} is personal data of "
                    f"nobody: the payload has no {place.field.subject!r}"
                )
            key = keys[place.key_id]
            if isinstance(key, Shredded):
                place.container[place.name] = {ERASED_KEY: place.field.category}
                continue
            plaintext = jsoncodec.dumps(place.container[place.name])
            nonce = os.urandom(NONCE_BYTES)
            cipher = ciphers.get(key) or ciphers.setdefault(key, AESGCM(key))
            ciphertext = cipher.encrypt(nonce, plaintext, place.associated_data)
            place.container[place.name] = {SEALED_KEY: _b64(nonce + ciphertext)}
        return self.payload

    def open(self, keys: Mapping[KeyId, bytes | Shredded | None]) -> Opened:
        unreadable: list[str] = []
        ciphers: dict[bytes, AESGCM] = {}
        for place in self.places:
            value = place.container[place.name]
            if concealment(value) is None or SEALED_KEY not in value:
                continue  # stored in clear (before sealing existed), or already concealed
            key = keys.get(place.key_id) if place.key_id else None
            if isinstance(key, Shredded):
                place.container[place.name] = {ERASED_KEY: place.field.category}
            elif key is not None:
                try:
                    cipher = ciphers.get(key) or ciphers.setdefault(key, AESGCM(key))
                    place.container[place.name] = _open(value[SEALED_KEY], cipher, place)
                except (InvalidTag, ValueError):
                    place.container[place.name] = {UNREADABLE_KEY: place.field.category}
                    unreadable.append(_dotted(place.field.path))
        return Opened(self.payload, tuple(unreadable))


def _copied(node: Any, tree: dict[str, Any]) -> Any:
    """`node` with the dicts and lists on the personal paths (`_fields`) copied, so that their
    values can be replaced without touching the caller's payload; what lies off the paths is
    shared, not copied (a deep copy of every payload was most of the cost of opening)."""
    if isinstance(node, list):
        below = tree.get("[]")
        return [_copied(item, below) for item in node] if below is not None else node
    if isinstance(node, dict):
        copy = dict(node)
        for name, below in tree.items():
            if isinstance(below, dict) and name in copy:
                copy[name] = _copied(copy[name], below)
        return copy
    return node


def _open(token: Any, cipher: AESGCM, place: Place) -> Any:
    if not isinstance(token, str):
        raise ValueError("not a sealed value")
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    nonce, ciphertext = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    return jsoncodec.loads(cipher.decrypt(nonce, ciphertext, place.associated_data))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
