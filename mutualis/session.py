"""The staff member's session: `mutualis staff login` keeps identity's tokens in a file only
its owner can read; later commands take the access token from it, refreshed when it ran out."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import jwt

# Refresh a little before the end, so a token does not expire on its way to the service.
MARGIN_S = 30


class NotLoggedIn(Exception):
    pass


@dataclass(frozen=True)
class Session:
    identity_url: str
    access_token: str
    refresh_token: str

    @property
    def expires_at(self) -> float:
        return jwt.decode(self.access_token, options={"verify_signature": False})["exp"]


def default_path() -> Path:
    configured = os.environ.get("MUTUALIS_SESSION_FILE")
    if configured:
        return Path(configured)
    home = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config"))
    return home / "mutualis" / "session.json"


def log_in(identity_url: str, login: str, password: str, path: Path) -> Session:
    response = httpx.post(
        f"{identity_url}/login", json={"login": login, "password": password}, timeout=30
    )
    if response.status_code != 200:
        raise NotLoggedIn(f"login refused ({response.status_code}): {response.json()['detail']}")
    session = _session(identity_url, response.json())
    _save(session, path)
    return session


def access_token(path: Path) -> str:
    """The session's access token, refreshed (and the new pair saved) when it has run out."""
    if not path.exists():
        raise NotLoggedIn("not logged in: run `mutualis staff login LOGIN` first")
    session = Session(**json.loads(path.read_text()))
    if session.expires_at - MARGIN_S > time.time():
        return session.access_token
    response = httpx.post(
        f"{session.identity_url}/token/refresh",
        json={"refresh_token": session.refresh_token},
        timeout=30,
    )
    if response.status_code != 200:
        path.unlink(missing_ok=True)
        raise NotLoggedIn("the session has ended: run `mutualis staff login LOGIN` again")
    session = _session(session.identity_url, response.json())
    _save(session, path)
    return session.access_token


def _session(identity_url: str, tokens: dict) -> Session:
    return Session(identity_url, tokens["access_token"], tokens["refresh_token"])


def _save(session: Session, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created readable by its owner only: the file holds live credentials.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(session.__dict__, file)
