"""Versioned message types by explicit name, upcast on read, exported as JSON Schema."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from shared.privacy.marking import RECORDED

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class Event(BaseModel):
    """An integration event: a past-tense fact, immutable, with an explicit type and version."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    type_name: ClassVar[str]
    version: ClassVar[int] = 1


class Command(BaseModel):
    """An imperative request to one service; it may be rejected. `allowed_roles` says who may
    send it; a handler may narrow that further (a member acts only on persons they may access)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    type_name: ClassVar[str]
    allowed_roles: ClassVar[frozenset[str]]


class UnknownMessageType(LookupError):
    pass


M = TypeVar("M", bound=BaseModel)


class Registry(Generic[M]):
    def __init__(self, kind: str, context: dict[str, Any] | None = None) -> None:
        """`context`: what validating a parsed message is told (shared.privacy.marking)."""
        self.kind, self.context = kind, context
        self._models: dict[str, type[M]] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}

    def register(self, model: type[M]) -> type[M]:
        name = model.type_name  # type: ignore[attr-defined]
        if name in self._models:
            raise ValueError(f"{self.kind} type {name!r} is registered twice")
        if issubclass(model, Command) and not getattr(model, "allowed_roles", None):
            raise ValueError(f"command {name!r} says nothing of who may send it")
        self._models[name] = model
        return model

    def upcaster(self, type_name: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Registers the step that turns version N of a payload into version N+1."""

        def add(step: Upcaster) -> Upcaster:
            self._upcasters[(type_name, from_version)] = step
            return step

        return add

    def model(self, type_name: str) -> type[M]:
        try:
            return self._models[type_name]
        except KeyError:
            raise UnknownMessageType(f"unknown {self.kind} type {type_name!r}") from None

    def parse(self, type_name: str, payload: dict[str, Any], version: int = 1) -> M:
        """Validates a payload as the current version of its type, upcasting older versions."""
        payload = self.upcast(type_name, payload, version)
        return self.model(type_name).model_validate(payload, context=self.context)

    def upcast(self, type_name: str, payload: dict[str, Any], version: int) -> dict[str, Any]:
        """The payload as the current version of its type has it."""
        current = getattr(self.model(type_name), "version", 1)
        if version > current:
            raise UnknownMessageType(
                f"{type_name} v{version} is newer than this service knows (v{current})"
            )
        while version < current:
            step = self._upcasters.get((type_name, version))
            if step is None:
                raise UnknownMessageType(f"no upcaster for {type_name} v{version}")
            payload = step(dict(payload))
            version += 1
        return payload

    def decode(self, envelope: Any) -> M:
        """The current version of what an envelope (anything with type, payload and version)
        carries."""
        return self.parse(envelope.type, envelope.payload, envelope.version)

    def names(self) -> list[str]:
        return sorted(self._models)

    def json_schemas(self) -> dict[str, dict[str, Any]]:
        schemas = {}
        for name, model in sorted(self._models.items()):
            schema = model.model_json_schema()
            schema["x-version"] = getattr(model, "version", 1)
            if roles := getattr(model, "allowed_roles", None):
                schema["x-allowed-roles"] = sorted(roles)
            schemas[name] = schema
        return schemas


# A recorded event may hold concealed personal values: erased, sealed for others.
events: Registry[Event] = Registry("event", context=RECORDED)
commands: Registry[Command] = Registry("command")
