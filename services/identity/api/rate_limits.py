"""Rate limits in front of every check of a guessable credential (issue 8 item 3): the password
(`/login`), the activation code (`/activation`), the app's PIN (`/login/pin`) and the one-time
registration code (`/registration/code/confirm`). An attempt over a limit is answered 429 with
`Retry-After` before anything is checked: it is no wrong password, and blocks nobody.

Two limits (IdentitySettings): per client address, across all those routes, and per login name
(for the password and the activation code; a PIN's device and a code's request have small
attempt limits of their own). Only failures use them up: a successful attempt gives its token
back, and a successful login fills its login's bucket again (its holder proved the password; a
guesser gets no more than a login left idle would give).

In memory, per identity process: a deployment with several identity replicas gets a limit per
replica, N times the rate for a client spread over N of them. That is accepted: what must hold
exactly holds in the database, for every replica (ID-4's 8 wrong passwords, the codes' and PINs'
attempt limits); a deployment wanting exact limits routes a client address to one replica
(sticky sessions) or limits at its reverse proxy as well. A restart forgets the buckets."""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request

from services.identity.api.token_buckets import TokenBuckets
from services.identity.config import IdentitySettings
from shared.clock import Clock
from shared.problems import Problem

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Limits:
    """The buckets of one identity process."""

    def __init__(self, clock: Clock, settings: IdentitySettings) -> None:
        self.by_address = TokenBuckets(
            clock,
            settings.address_attempts_burst,
            timedelta(seconds=settings.address_attempt_interval_s),
        )
        self.by_login = TokenBuckets(
            clock,
            settings.login_attempts_burst,
            timedelta(seconds=settings.login_attempt_interval_s),
        )
        self.trusted_proxies: list[Network] = list(settings.trusted_proxies)

    def admit(self, address: str, login: str | None) -> timedelta:
        """Takes a token of each limit and returns zero, or takes none and returns how long
        to wait."""
        wait = self.by_address.wait(address)
        if login is not None:
            wait = max(wait, self.by_login.wait(login))
        if not wait:
            self.by_address.take(address)
            if login is not None:
                self.by_login.take(login)
        return wait


@dataclass(frozen=True)
class Attempt:
    """An attempt let through; told when it succeeded."""

    limits: Limits
    address: str
    login: str | None

    def succeeded(self) -> None:
        self.limits.by_address.give_back(self.address)
        if self.login is not None:
            self.limits.by_login.fill(self.login)


def attempt(limits: Limits, request: Request, login: str | None = None) -> Attempt:
    """Lets the attempt through or answers 429. `login` names what is guessed at, with its
    kind (`password:els`, `activation:els`), so that each has its own bucket."""
    address = client_address(request, limits.trusted_proxies)
    wait = limits.admit(address, login)
    if wait:
        seconds = str(math.ceil(wait.total_seconds()))
        raise Problem(
            429,
            "too_many_attempts",
            f"too many attempts: try again in {seconds} s",
            headers={"Retry-After": seconds},
        )
    return Attempt(limits, address, login)


def client_address(request: Request, trusted_proxies: list[Network]) -> str:
    """The client's address, as the limits count it: the connection's peer, or behind trusted
    reverse proxies the last X-Forwarded-For hop none of them is. An IPv6 client is its /64,
    which one subscriber usually holds whole."""
    hops = [request.client.host if request.client else "unknown"]
    if trusted_proxies:
        forwarded = ",".join(request.headers.getlist("x-forwarded-for"))
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()] + hops
    for hop in reversed(hops):
        address = _ip(hop)
        if address is None or not any(address in proxy for proxy in trusted_proxies):
            return _counted(hop)
    return _counted(hops[0])  # proxies all the way: the first one seen


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _counted(hop: str) -> str:
    address = _ip(hop)
    if address is None:
        return hop  # no address (a test client's name): counted as it is
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
