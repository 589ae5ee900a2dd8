"""The staff member's session: `mutualis staff login` keeps identity's tokens, and the key the
session's tokens are bound to, in a file only its owner can read; later commands take the
access token from it, refreshed when it ran out on the system's clock, and prove with the key
that they come from this session (shared.access.proof)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx
import jwt
import pyotp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mutualis.settings import ToolSettings
from mutualis.staff import Sender
from shared.clock import Clock
from shared.command_proof import public_jwk
from shared.private_files import replace_private

# Refresh a little before the end, so a token does not expire on its way to the service.
MARGIN_S = 30
RELOGIN = "run: mutualis staff login LOGIN"


class NotLoggedIn(Exception):
    pass


class CodeNeeded(NotLoggedIn):
    """Identity asks for the authenticator's code (a staff login)."""


def totp_code(secret_file: Path, clock: Clock) -> str:
    """The authenticator's code, on the system's clock (which `mutualis clock advance` moves
    for identity too). Identity takes each 30-second step's code once and tolerates one step
    ahead: a second login within a step uses the next step's code."""
    totp = pyotp.TOTP(secret_file.read_text().strip())
    used = secret_file.with_name(f".{secret_file.name}.last-step")
    last = int(used.read_text()) if used.exists() else -1
    step = max(totp.timecode(clock.now()), last + 1)
    replace_private(used, str(step))
    return totp.generate_otp(step)


@dataclass(frozen=True)
class Session:
    identity_url: str
    access_token: str
    refresh_token: str
    session_key: str  # PEM of the private key the tokens are bound to

    @property
    def expires_at(self) -> float:
        return jwt.decode(self.access_token, options={"verify_signature": False})["exp"]

    @property
    def claims(self) -> dict:
        return jwt.decode(self.access_token, options={"verify_signature": False})

    @property
    def key(self) -> Ed25519PrivateKey:
        return serialization.load_pem_private_key(self.session_key.encode(), password=None)


def default_path() -> Path:
    return ToolSettings().session_path()


def log_in(identity_url: str, login: str, password: str, path: Path, **proof) -> Session:
    """`proof` is what else identity asks of this login (a staff member's `totp` code)."""
    key = Ed25519PrivateKey.generate()
    response = httpx.post(
        f"{identity_url}/login",
        json={"login": login, "password": password, "session_key": public_jwk(key), **proof},
        timeout=30,
    )
    if response.status_code == 401 and "totp_required" in response.text:
        raise CodeNeeded("identity asks for the code of your authenticator app")
    if response.status_code == 429:
        wait = response.headers.get("retry-after", "a while")
        raise NotLoggedIn(f"too many attempts: try again in {wait} s")
    if response.status_code != 200:
        raise NotLoggedIn(f"login refused ({response.status_code}): {problem(response)}")
    session = _session(identity_url, response.json(), key)
    _save(session, path)
    return session


def current(path: Path, clock: Clock) -> Session:
    """The session, its access token refreshed (and the new pair saved) when it has run out
    by the system's clock, which `mutualis clock advance` may have moved past the machine's."""
    if not path.exists():
        raise NotLoggedIn(f"not logged in: {RELOGIN}")
    try:
        session = Session(**json.loads(path.read_text()))
    except (TypeError, ValueError):
        raise NotLoggedIn(f"the session file {path} is from another version: {RELOGIN}") from None
    if session.expires_at - MARGIN_S > clock.now().timestamp():
        return session
    try:
        response = httpx.post(
            f"{session.identity_url}/token/refresh",
            json={"refresh_token": session.refresh_token},
            timeout=30,
        )
    except httpx.HTTPError as error:
        raise NotLoggedIn(f"identity does not answer at {session.identity_url}: {error}") from None
    if response.status_code != 200:
        path.unlink(missing_ok=True)
        raise NotLoggedIn(f"the session has ended ({problem(response)}): {RELOGIN}")
    session = _session(session.identity_url, response.json(), session.key)
    _save(session, path)
    return session


def sender(path: Path, clock: Clock) -> Sender:
    session = current(path, clock)
    return Sender(session.access_token, session.key)


def access_token(path: Path, clock: Clock) -> str:
    return current(path, clock).access_token


def problem(response: httpx.Response) -> str:
    """What a service's problem details (shared.problems) say, for a person: the sentence and
    its reason code."""
    try:
        document = response.json()
        return f"{document['detail']} ({document.get('block_reason') or document['code']})"
    except (ValueError, KeyError, TypeError):
        return response.text[:200]


def _session(identity_url: str, tokens: dict, key: Ed25519PrivateKey) -> Session:
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return Session(identity_url, tokens["access_token"], tokens["refresh_token"], pem)


def _save(session: Session, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Readable by its owner only: the file holds live credentials and the session key.
    replace_private(path, json.dumps(asdict(session)))
