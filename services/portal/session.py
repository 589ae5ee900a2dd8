"""A member's session: their tokens, kept in the browser as a sealed cookie (the portal owns
no data, so it keeps no session table). Sealed with Fernet (AES-CBC with an HMAC): the browser
can neither read the tokens nor change them. HTTP-only, Secure (browsers treat localhost as a
secure origin, so it works on `make run` too), SameSite=Lax, and with every form a CSRF token
that must match the one sealed in the cookie."""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field
from typing import Literal

from cryptography.fernet import Fernet, InvalidToken
from starlette.responses import Response

COOKIE = "mutualis_session"
# A session lives as long as the refresh token identity issued with it would let it.
MAX_AGE_S = 8 * 3600

Language = Literal["nl", "fr"]


@dataclass
class Session:
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    language: Language = "nl"
    access_token: str | None = None
    refresh_token: str | None = None
    login: str | None = None
    # A registration or login with a digital key under way: the nonce identity gave and what
    # it is for, checked when the provider's assertion comes back.
    nonce: str | None = None
    purpose: str | None = None
    # Proved by the provider, waiting for a password and the terms (registration).
    id_token: str | None = None
    # A registration with a one-time code under way: identity's id of the code sent.
    code_request: str | None = None
    # A member of staff: their role (which pages to offer; the services decide what it may do)
    # and the key their tokens are bound to, which proves the commands they send are theirs
    # (raw Ed25519 private bytes, url-safe base64; sealed in the cookie like the tokens).
    role: str | None = None
    command_key: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.access_token is not None

    @property
    def staff(self) -> bool:
        return self.signed_in and self.role not in (None, "member")

    def signed_out(self) -> Session:
        return Session(language=self.language)


class Sessions:
    def __init__(self, key: bytes) -> None:
        self.fernet = Fernet(key)

    def read(self, cookie: str | None) -> Session:
        """The session the cookie holds; a new one for none, or one that does not open
        (expired, altered, sealed with another key)."""
        if not cookie:
            return Session()
        try:
            data = json.loads(self.fernet.decrypt(cookie.encode(), ttl=MAX_AGE_S))
            return Session(**data)
        except (InvalidToken, ValueError, TypeError):
            return Session()

    def write(self, response: Response, session: Session) -> None:
        response.set_cookie(
            COOKIE,
            self.fernet.encrypt(json.dumps(asdict(session)).encode()).decode(),
            max_age=MAX_AGE_S,
            httponly=True,
            secure=True,
            samesite="lax",
            path="/",
        )
