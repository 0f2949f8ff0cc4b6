"""Logins and tokens over HTTP: ``POST /auth/login``, ``POST /auth/refresh``, and the
middleware that lets no request through without a valid ``Authorization: Bearer`` token
(but the login itself, ``/health`` for probes, ``/ws``, whose first message carries it, the
API's description ``/openapi.json``, and the agent console's page and static files).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection

from aiohttp import web
from aiohttp.typedefs import Middleware

from acd.auth import LoginRefused, Logins, Principal, TokenError, Tokens

OPEN = frozenset({"/", "/wallboard", "/health", "/auth/login", "/ws", "/openapi.json"})
OPEN_STATIC = ("/console/",)
"""Static files under these prefixes need no token (the console's script and styles); a
route of its own there (``/console/sip``) still does."""
PRINCIPAL = web.RequestKey("principal", Principal)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def problem(status: int, title: str, detail: str = "") -> web.Response:
    """An error as ``application/problem+json`` (RFC 9457)."""
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    response = web.json_response(body, status=status, content_type="application/problem+json")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="acd"'
    return response


def token_required(
    tokens: Tokens, open_paths: Collection[str] = OPEN, open_static: tuple[str, ...] = OPEN_STATIC
) -> Middleware:
    """The middleware that puts the verified ``principal`` on each request, or answers 401."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in open_paths or _static(request, open_static):
            return await handler(request)
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return problem(401, "token required", "send Authorization: Bearer <token>")
        try:
            request[PRINCIPAL] = tokens.verify(token.strip())
        except TokenError as exc:
            return problem(401, "token refused", str(exc))
        return await handler(request)

    return middleware


def _static(request: web.Request, prefixes: tuple[str, ...]) -> bool:
    """A static file under one of ``prefixes`` (routes are resolved before middlewares run)."""
    resource = request.match_info.route.resource
    return request.path.startswith(prefixes) and isinstance(resource, web.StaticResource)


def principal(request: web.Request) -> Principal:
    return request[PRINCIPAL]


def auth_routes(logins: Logins, tokens: Tokens) -> list[web.RouteDef]:
    async def login(request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not all(
            isinstance(body.get(key), str) for key in ("user", "pin")
        ):
            return problem(400, "bad login", 'send {"user": "...", "pin": "..."} as JSON')
        try:
            token, expires, who = await logins.login(body["user"], body["pin"])
        except LoginRefused as refused:
            return problem(refused.status, "login refused", str(refused))
        return web.json_response(_granted(token, expires, who))

    async def refresh(request: web.Request) -> web.Response:
        token, expires = tokens.issue(principal(request))
        return web.json_response(_granted(token, expires, principal(request)))

    return [web.post("/auth/login", login), web.post("/auth/refresh", refresh)]


def _granted(token: str, expires: float, who: Principal) -> dict[str, object]:
    return {"token": token, "expires_at": expires, "user": who.user, "role": who.role,
            "teams": list(who.teams)}  # fmt: skip
