"""structlog JSON logs; the correlation id of the message being handled rides along.

No log line carries personal data in clear (issue 10, item 6; principle 7 of the architecture):
national register numbers, IBANs, e-mail addresses and phone numbers are masked
(shared.masking) in structlog's events and in the standard library's records alike.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

from shared.masking import mask

bind_correlation = structlog.contextvars.bound_contextvars


def configure_logging(service: str, level: str = "INFO") -> None:
    logging.basicConfig(stream=sys.stderr, level=level, format="%(message)s")
    # A filter on the root's handlers rather than structlog's ProcessorFormatter: the lines of
    # uvicorn, aiokafka and SQLAlchemy keep their format, and only their text is masked.
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, MaskPersonalData) for f in handler.filters):
            handler.addFilter(MaskPersonalData())
    structlog.configure(
        processors=processors(),
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=False,
    )
    structlog.contextvars.bind_contextvars(service=service)


def processors() -> list[Any]:
    """The chain every structlog event of a service goes through, up to its JSON line."""
    return [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        mask_personal_data,
        structlog.processors.JSONRenderer(),
    ]


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)


def mask_personal_data(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: every value masked, however deeply nested (the traceback too, once
    format_exc_info has made it text)."""
    return _masked(event_dict)


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {_masked(key): _masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_masked(item) for item in value]
    if value is None or isinstance(value, bool | float):
        return value
    # The renderer writes anything else as its str() (an int) or repr() (an exception, a
    # model): masked as that text, left as it is when there is nothing to mask.
    shown = str(value) if isinstance(value, int) else repr(value)
    masked = mask(shown)
    return value if masked == shown else masked


class MaskPersonalData(logging.Filter):
    """A standard-library record's message, traceback and stack masked before any handler
    formats it; a filter of the root's handlers, so every propagating logger goes through it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - arguments that do not fit: its handler reports it
            return True
        record.msg, record.args = mask(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True
