"""JSON as the services write and read it in bulk: event payloads and snapshots in the
database, sealed personal values and command payloads. orjson, because a batch's events carry
tens of thousands of values and the standard library's encoder and decoder were a tenth of
the import's time. Keys that are not strings (a year) are written as strings, as the standard
library writes them."""

from __future__ import annotations

from typing import Any

import orjson

loads = orjson.loads


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


def dumps_text(value: Any) -> str:
    """`dumps` as text, the form SQLAlchemy's JSON columns take."""
    return dumps(value).decode()
