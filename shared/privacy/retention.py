"""How long each category of personal data is kept, as data (DOS-13): `retention.yaml` beside
this module, read once and checked here; the dossier reads it before it takes any work, so a
wrong period stops it instead of shredding at the wrong time.

A period counts from the end of the person's membership (leaving, death, emigration), or from
their erasure for what the law keeps after it; where a law counts from later (the accounting
law from the 1st of January after the books close), the file says so. The period ends at
midnight in Brussels at the start of its last day plus one: `ends_at`."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from shared.privacy.marking import CATEGORIES, Category

# The fund's dates are Belgian days.
BRUSSELS = ZoneInfo("Europe/Brussels")

CountedFrom = Literal["membership_end", "first_january_after_membership_end", "made"]
# Counted from when the membership ends: what a membership's end schedules the shredding of.
MEMBERSHIP: frozenset[CountedFrom] = frozenset(
    {"membership_end", "first_january_after_membership_end"}
)

# Years, months and days only: a retention law counts in those, never in hours or weeks.
_PERIOD = re.compile(r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$")


class RetentionError(ValueError):
    """The retention file is missing something or says something that cannot be right."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Period(_Frozen):
    """A calendar period: `P7Y`, `P1Y6M`, `P0D`, or a number of years."""

    years: int = Field(default=0, ge=0)
    months: int = Field(default=0, ge=0)
    days: int = Field(default=0, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, bool):  # YAML's yes/no: an int to Python, not a period
            raise ValueError("a period is an ISO-8601 period (P7Y) or a number of years")
        if isinstance(value, int):
            return {"years": value}
        if not isinstance(value, str):
            return value
        found = _PERIOD.match(value.strip())
        if found is None:
            raise ValueError(f"{value!r} is not a period in years, months and days (P7Y, P0D)")
        years, months, days = (int(part or 0) for part in found.groups())
        return {"years": years, "months": months, "days": days}

    def after(self, start: date) -> date:
        """The day this period after `start` falls on; a day the month lacks (29 February in
        another year) becomes the month's last."""
        months = start.year * 12 + start.month - 1 + self.years * 12 + self.months
        year, month = divmod(months, 12)
        last = calendar.monthrange(year, month + 1)[1]
        return date(year, month + 1, min(start.day, last)) + timedelta(days=self.days)


class CategoryRetention(_Frozen):
    kept_for: Period
    counted_from: CountedFrom
    # GDPR art. 17(3)(b): what a legal obligation keeps is restricted on erasure, not shredded.
    kept_after_erasure: bool = False
    source: str = Field(min_length=1)

    def ends_on(self, ended_on: date) -> date:
        """The day the data of a membership that ended on `ended_on` is no longer kept."""
        start = ended_on
        if self.counted_from == "first_january_after_membership_end":
            start = date(ended_on.year + 1, 1, 1)
        return self.kept_for.after(start)


class Retention(_Frozen):
    categories: dict[Category, CategoryRetention]

    @model_validator(mode="after")
    def _every_category_has_a_period(self) -> Retention:
        missing = [category for category in CATEGORIES if category not in self.categories]
        if missing:
            raise ValueError(f"no retention period for {', '.join(missing)}")
        return self

    def ends_at(self, category: Category, ended_on: date) -> datetime:
        """When the data of `category` of a membership that ended on `ended_on` (or of an
        erasure on that day) is to be shredded: the start of the day its period ends, in
        Brussels."""
        return datetime.combine(self.categories[category].ends_on(ended_on), time(), BRUSSELS)

    @property
    def ended_by_membership(self) -> frozenset[Category]:
        """The categories whose period counts from the membership's end; the others (a copy
        made for a request) count from when they were made."""
        return frozenset(
            c for c, kept in self.categories.items() if kept.counted_from in MEMBERSHIP
        )

    @property
    def kept_after_erasure(self) -> frozenset[Category]:
        return frozenset(c for c, kept in self.categories.items() if kept.kept_after_erasure)


def load_retention(path: Path | None = None) -> Retention:
    """The retention periods in `path` (by default the shipped `retention.yaml`); a file that
    is not valid raises RetentionError naming the file, the entry and what is wrong."""
    if path is None:
        name = "retention.yaml"
        text = resources.files(__name__.rpartition(".")[0]).joinpath(name).read_text("utf-8")
    else:
        name, text = str(path), path.read_text("utf-8")
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RetentionError(f"{name}: not YAML: {error}") from None
    if not isinstance(loaded, Mapping):
        raise RetentionError(f"{name}: expected a period per category, found {loaded!r}")
    try:
        return Retention(categories=loaded)
    except ValidationError as error:
        raise RetentionError(f"{name}: {_describe(error)}") from None


@cache
def retention() -> Retention:
    """The shipped retention periods, read once."""
    return load_retention()


def _describe(error: ValidationError) -> str:
    described = []
    for problem in error.errors():
        # The entry as the file names it: "<category>.<field>" (the model's "categories" left out).
        where = [str(part) for part in problem["loc"][1:]]
        message = problem["msg"].removeprefix("Value error, ")
        if where[-1:] == ["[key]"]:
            described.append(f"unknown category {where[0]!r} ({message})")
        else:
            described.append(f"{'.'.join(where) or 'the file'}: {message}")
    return "; ".join(described)
