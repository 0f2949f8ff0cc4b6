"""Who is asking: a login (user ID + PIN) gives a short-lived signed token; every request
and socket shows one.

Tokens are JWTs signed with HS256 by PyJWT (``ACD_TOKEN_SECRET``), carrying the user, their
role and the teams they see; they expire after ``ttl`` seconds and are renewed with a valid
one. PINs are stored hashed (PBKDF2, ``acd agents hash-pin``); five wrong PINs in a row lock
an ID for five minutes, and unknown IDs leave no trace.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import jwt

from acd.directory import pin_matches

Role = Literal["agent", "supervisor", "admin"]
ROLES: tuple[Role, ...] = ("agent", "supervisor", "admin")
MAX_FAILURES = 5
LOCKOUT = 300.0
ISSUER = "acd"


@dataclass(frozen=True, slots=True)
class Principal:
    """A logged-in user: an agent sees their own calls, a supervisor their teams', an admin all."""

    user: str
    role: Role
    teams: tuple[str, ...] = ()
    """An agent's own team; the teams a supervisor supervises."""

    def may_act_for(self, agent: str, team: str | None) -> bool:
        if self.role == "admin" or self.user == agent:
            return True
        return self.role == "supervisor" and team is not None and team in self.teams


@dataclass(frozen=True, slots=True)
class User:
    id: str
    pin_hash: str
    role: Role = "agent"
    teams: tuple[str, ...] = ()


class TokenError(Exception):
    """A token that is missing, forged, malformed or expired (the message says which)."""


class LoginRefused(Exception):
    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status = status


class Tokens:
    def __init__(self, secret: str, *, ttl: float, clock: Callable[[], float]) -> None:
        if len(secret) < 32:
            raise ValueError("the token secret must be at least 32 characters")
        self._secret, self.ttl, self._clock = secret, ttl, clock

    def now(self) -> float:
        """acd's clock, the one expiries are counted in."""
        return self._clock()

    def issue(self, who: Principal) -> tuple[str, float]:
        """A token for ``who`` and when it expires (seconds since the epoch)."""
        now = self._clock()
        expires = now + self.ttl
        claims = {"iss": ISSUER, "sub": who.user, "role": who.role, "teams": list(who.teams),
                  "iat": int(now), "exp": int(expires), "jti": secrets.token_hex(8)}  # fmt: skip
        return jwt.encode(claims, self._secret, algorithm="HS256"), float(int(expires))

    def verify(self, token: str) -> Principal:
        return self.check(token)[0]

    def check(self, token: str) -> tuple[Principal, float]:
        """Who the token is for, and when it expires; ``TokenError`` if it is no good."""
        try:
            claims = jwt.decode(
                token, self._secret, algorithms=["HS256"], issuer=ISSUER,
                options={"require": ["exp", "iat", "sub", "iss"], "verify_exp": False},
            )  # fmt: skip
        except jwt.InvalidTokenError as exc:
            raise TokenError(f"invalid token: {exc}") from None
        if claims["exp"] <= self._clock():  # acd's clock, which tests and demos may set
            raise TokenError("token expired")
        role, teams = claims.get("role"), claims.get("teams", [])
        if role not in ROLES or not isinstance(teams, list):
            raise TokenError("invalid token: bad role or teams")
        return Principal(str(claims["sub"]), role, tuple(map(str, teams))), float(claims["exp"])


class Logins:
    """User ID + PIN -> token, with the lockout after wrong PINs."""

    def __init__(self, users: Mapping[str, User], tokens: Tokens, now: Callable[[], float]):
        self._users, self._tokens, self._now = users, tokens, now
        self._failures: dict[str, tuple[int, float]] = {}

    async def login(self, user_id: str, pin: str) -> tuple[str, float, Principal]:
        count, since = self._failures.get(user_id, (0, 0.0))
        if count >= MAX_FAILURES and self._now() - since < LOCKOUT:
            raise LoginRefused(429, "too many wrong PINs; try later")
        user = self._users.get(user_id)
        if user is None or not user.pin_hash:
            raise LoginRefused(401, "unknown user or wrong PIN")  # no memory for made-up IDs
        if not await asyncio.to_thread(pin_matches, pin, user.pin_hash):
            self._failures[user_id] = (count % MAX_FAILURES + 1, self._now())
            raise LoginRefused(401, "unknown user or wrong PIN")
        self._failures.pop(user_id, None)
        who = Principal(user.id, user.role, user.teams)
        token, expires = self._tokens.issue(who)
        return token, expires, who
