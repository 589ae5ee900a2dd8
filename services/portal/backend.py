"""The services' HTTP APIs as the portal calls them, with the member's token: every answer
that is not a success becomes `ServiceProblem`, carrying the service's problem details (RFC
9457: its `code`, its `detail` and, for an invalid field, `errors`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from services.portal.config import PortalSettings


@dataclass
class ServiceProblem(Exception):
    status: int
    code: str
    detail: str
    errors: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def shown_status(self) -> int:
        """The page's status: the service's own refusal (4xx) as it gave it; its failure, 502."""
        return self.status if self.status < 500 else 502

    def form_errors(self) -> dict[str, str]:
        """What the form shows: each invalid field's message, or the refusal as a whole."""
        return self.field_errors() or {"form": self.detail}

    def field_errors(self) -> dict[str, str]:
        """Invalid fields by name (the last part of each error's location), for the form."""
        return {
            str(e["loc"][-1]): e["msg"].removeprefix("Value error, ")
            for e in self.errors
            if e.get("loc")
        }


class Expired(Exception):
    """The access token is no longer accepted: refresh it, or sign in again."""


class Backend:
    def __init__(self, settings: PortalSettings, client: httpx.AsyncClient) -> None:
        self.settings, self.client = settings, client

    def url(self, service: str, path: str) -> str:
        return getattr(self.settings, f"{service}_url") + path

    async def call(
        self,
        method: str,
        service: str,
        path: str,
        token: str | None = None,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.client.request(
            method,
            self.url(service, path),
            json=json,
            params={k: v for k, v in (params or {}).items() if v not in (None, "")},
            headers=headers,
        )
        if response.is_success:
            return response
        problem = _problem(response)
        if problem.status == 401 and token and problem.code in _EXPIRED:
            raise Expired(problem.detail)
        raise problem

    async def get(self, service: str, path: str, token: str, **params: Any) -> Any:
        return (await self.call("GET", service, path, token, params=params)).json()


# A token refused for being old or revoked: the refresh token may still give a new one.
_EXPIRED = {"token_invalid"}


def _problem(response: httpx.Response) -> ServiceProblem:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    known = {"status", "code", "detail", "errors", "title", "type"}
    return ServiceProblem(
        status=response.status_code,
        code=str(body.get("code", "error")),
        detail=str(body.get("detail", response.reason_phrase)),
        errors=list(body.get("errors") or []),
        extra={k: v for k, v in body.items() if k not in known},
    )
