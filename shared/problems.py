"""The one shape of every HTTP error: RFC 9457 problem details (`application/problem+json`).

A route refuses with `raise Problem(status, code, detail)`: `code` is the stable reason a
program branches on (the portal picks its message by it), `detail` the sentence a person reads.
The app (shared.http) turns every other error — an unknown route, invalid input, a body too
large, a crash — into the same shape, and documents it in the OpenAPI of every route."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, Field

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:mutualis:problem:"


class InvalidField(BaseModel):
    """One part of a request that failed validation; never the value sent (a password)."""

    loc: list[str | int] = Field(description="Where: body/query/path, then the field")
    msg: str
    type: str


class ProblemDetails(BaseModel):
    """RFC 9457 problem details, with `code` (and on 422 `errors`) as extension members."""

    type: str = Field(description=f"{TYPE_PREFIX}<code>: identifies the kind of problem")
    title: str = Field(description="The HTTP status phrase")
    status: int
    detail: str = Field(description="What went wrong in this occurrence, for a person")
    code: str = Field(description="Stable machine-readable reason", examples=["access_blocked"])
    errors: list[InvalidField] | None = Field(None, description="422: each invalid field")
    block_reason: str | None = Field(
        None, description="access_blocked: why (failed_logins, suspected_fraud, ...)"
    )


class Problem(Exception):
    """An HTTP error answered as problem details."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
        self.headers, self.extensions = headers or {}, extensions

    def document(self) -> ProblemDetails:
        return ProblemDetails(
            type=TYPE_PREFIX + self.code,
            title=HTTPStatus(self.status).phrase,
            status=self.status,
            detail=self.detail,
            code=self.code,
            **self.extensions,
        )


def code_for(status: int) -> str:
    """The reason code of an error nobody named: its status phrase (`not_found`)."""
    return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """A route's `responses=`: the problems it may answer besides those of every route. The
    app fills in the schema (shared.http.document_problems)."""
    return {status: {"description": HTTPStatus(status).phrase} for status in statuses}
