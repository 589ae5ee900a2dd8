"""Which fields of a contract are personal data, whose, and of what kind.

A personal field is declared `Annotated[T, Personal(category)]`. The mark travels with the model:
the JSON Schema and AsyncAPI documents show it (`x-personal`), and the store seals the field's
value before it is stored or published (shared.privacy.sealing). `subject` names the field that
says whose data it is (the person's or the complaint's id), looked up from the field's own
model outwards to the event, so a `Person` nested in `MemberEnrolled` is sealed under the
event's `person_id`.

A reader that cannot open a sealed value (the data was erased, or it is not entitled to that
category) still gets a valid model: the field holds a `Concealed` marker, `ERASED` or `SEALED`,
instead of the value, so structure (ids, amounts, dates) stays readable and no consumer or
projection fails on it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import core_schema

# `export`: a copy of a person's data a service made for their access request (DOS-12), sealed
# under the request's id and readable only by the service that assembles it (sharing.yaml).
Category = Literal["identification", "contact", "financial", "health", "complaint", "export"]
CATEGORIES: tuple[Category, ...] = get_args(Category)

# How a value looks where it is not in clear: sealed (stored, published) or erased (its key is
# gone). Dicts, so no real value of a text field can be mistaken for one.
# The validation context of an event read back from a store or a topic (Registry.parse).
RECORDED = {"recorded": True}

SEALED_KEY = "$sealed"
ERASED_KEY = "$erased"
UNREADABLE_KEY = "$unreadable"


class Concealed(str):
    """What a personal field holds when its value cannot be read here."""

    __slots__ = ()


ERASED = Concealed("erased")  # the key was shredded: the value is gone for good
SEALED = Concealed("sealed")  # sealed for readers entitled to its category, not this one
UNREADABLE = Concealed("unreadable")  # altered, or sealed with another key: logged as an error


def concealment(value: Any) -> Concealed | None:
    """The marker a stored or opened value stands for, None when it is a value."""
    if isinstance(value, Concealed):
        return value
    if isinstance(value, dict) and len(value) == 1:
        if ERASED_KEY in value:
            return ERASED
        if UNREADABLE_KEY in value:
            return UNREADABLE
        if SEALED_KEY in value:
            return SEALED
    return None


@dataclass(frozen=True)
class Personal:
    category: Category
    subject: str = "person_id"

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        inner = handler(source)

        def validate(value: Any, validate_value: Any, info: core_schema.ValidationInfo) -> Any:
            # Only a recorded event may hold a marker; a command or a new event holds values.
            marker = concealment(value) if info.context == RECORDED else None
            return marker if marker is not None else validate_value(value)

        def serialize(value: Any, serialize_value: Any, info: core_schema.SerializationInfo):
            if not isinstance(value, Concealed):
                return serialize_value(value)
            if info.mode != "json":
                return value  # a row or a page shows the marker's word: "erased"
            key = {ERASED: ERASED_KEY, UNREADABLE: UNREADABLE_KEY, SEALED: SEALED_KEY}[value]
            return {key: self.category}

        return core_schema.with_info_wrap_validator_function(
            validate,
            inner,
            serialization=core_schema.wrap_serializer_function_ser_schema(
                serialize, schema=inner, info_arg=True
            ),
        )

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict[str, Any]:
        # Beside a `$ref` too: the mark is this field's, not the referenced model's everywhere.
        json_schema = handler(schema)
        json_schema["x-personal"] = {"category": self.category, "subject": self.subject}
        return json_schema


@dataclass(frozen=True)
class PersonalField:
    """One personal field of a model: where it is (`path`, names and `[]` for list items),
    what it holds, and the field naming whose it is."""

    path: tuple[str, ...]
    category: Category
    subject: str


@cache
def personal_fields(model: type[BaseModel]) -> tuple[PersonalField, ...]:
    """Every personal field of `model`, nested models and lists of them included."""
    return tuple(_walk(model, ()))


def _walk(model: type[BaseModel], prefix: tuple[str, ...]) -> Iterator[PersonalField]:
    for name, info in model.model_fields.items():
        marks = [*info.metadata, *_marks_in(info.annotation)]
        mark = next((m for m in marks if isinstance(m, Personal)), None)
        if mark is not None:
            yield PersonalField((*prefix, name), mark.category, mark.subject)
            continue
        for nested, through_list in _models_in(info.annotation):
            yield from _walk(nested, (*prefix, name, "[]") if through_list else (*prefix, name))


def _marks_in(annotation: Any) -> Iterator[Any]:
    """Marks inside an optional: `Annotated[str, Personal(...)] | None`."""
    for arg in get_args(annotation):
        if get_origin(arg) is Annotated:
            yield from arg.__metadata__


def _models_in(annotation: Any, through_list: bool = False) -> Iterator[tuple[type, bool]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, through_list
        return
    origin = get_origin(annotation)
    listed = through_list or origin in (list, tuple, set, frozenset)
    for arg in get_args(annotation):
        yield from _models_in(arg, listed)


def opened(value: str | None) -> str | None:
    """A value a service can read, None for one sealed from it or erased (a marker)."""
    return None if value is None or isinstance(value, Concealed) else value
