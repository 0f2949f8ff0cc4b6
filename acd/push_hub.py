"""WebSocket push (``GET /ws``): each user's events, numbered, resumable, never awaited.

A client says ``hello`` with its token (and the last event number it has, to resume) within
``HELLO_TIMEOUT``; it gets ``welcome``, what it missed (each once), then events as they come.
Every socket has a bounded queue and a writer task: a client whose queue fills is cut off
(its TCP connection aborted) and resumes when it reconnects; nobody waits for it. The hub
keeps no state of its own: events come from the push store's feed (Redis pub/sub when
several acd processes serve sockets).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import WSMsgType, web

from acd import push_protocol as p
from acd.auth import Principal, TokenError, Tokens
from acd.push_store import Pushed, PushStore

log = logging.getLogger("acd.push")

HELLO_TIMEOUT = 5.0
QUEUE = 256
MAX_MESSAGE = 64 * 1024
CLOSE_AUTH, CLOSE_SLOW, CLOSE_PROTOCOL = 4401, 4408, 4400
SWEEP = 1.0
"""Seconds between looks for sockets whose token expired."""
RESYNC_AFTER = 0.5
"""Seconds after listening again before catching sockets up (by then the feed listens)."""

Commands = Callable[[Principal, p.Command], Awaitable[str | None]]
"""Carries out a client's command: None if done, else why not."""


class Connection:
    """One socket: what it is owed (each event once, in order) and what is still to send.

    Idle, it holds no task and no queue (memory per socket is a goal): a writer task runs
    only while messages wait, and a socket with ``QUEUE`` messages waiting is cut off."""

    __slots__ = ("_abort", "_writer", "cut", "expires", "held", "last", "pending", "who", "ws")

    def __init__(self, ws: web.WebSocketResponse, who: Principal, expires: float,
                 abort: Callable[[], None]) -> None:  # fmt: skip
        self.ws, self.who, self.expires, self._abort = ws, who, expires, abort
        self.pending: deque[str] = deque()
        self._writer: asyncio.Task[None] | None = None
        self.last = 0
        self.held: list[Pushed] | None = []  # events that came while the backlog was read
        self.cut = False

    def event(self, pushed: Pushed) -> None:
        if self.held is not None:
            self.held.append(pushed)
        elif pushed.seq > self.last:  # each event once, in order
            self.last = pushed.seq
            self.send(p.numbered(pushed.seq, pushed.body))

    def send(self, text: str) -> None:
        if self.cut:
            return
        if len(self.pending) >= QUEUE:
            self.cut = True
            log.warning("push: %s's socket fell %d messages behind: cut off", self.who.user, QUEUE)
            self._abort()
            return
        self.pending.append(text)
        if self._writer is None:
            self._writer = asyncio.get_running_loop().create_task(self._write())

    def caught_up(self) -> None:
        held, self.held = self.held or [], None
        for pushed in held:
            self.event(pushed)

    async def _write(self) -> None:
        try:
            while self.pending:
                await self.ws.send_str(self.pending[0])
                self.pending.popleft()
        except (ConnectionError, RuntimeError):  # the socket closed under the writer
            self.cut = True
        finally:
            self._writer = None

    async def stop(self) -> None:
        writer = self._writer
        if writer is not None:
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer


class Hub:
    def __init__(self, store: PushStore, tokens: Tokens, commands: Commands) -> None:
        self._store, self._tokens, self._commands = store, tokens, commands
        self._users: dict[str, set[Connection]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def sockets(self) -> int:
        return sum(map(len, self._users.values()))

    async def run(self) -> None:
        """Deliver the store's feed to the sockets of this process; if the feed breaks (Redis
        restarted), listen again and give every socket what it missed meanwhile."""
        sweeper = asyncio.create_task(self._sweep())
        try:
            await self._deliver()
        finally:
            sweeper.cancel()

    async def _deliver(self) -> None:
        broken = False
        while True:
            try:
                if broken:  # once listening again: events twice are dropped by number
                    task = asyncio.create_task(self._resync(after=RESYNC_AFTER))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
                async for pushed in self._store.feed():
                    for connection in list(self._users.get(pushed.user, ())):
                        connection.event(pushed)
            except Exception as exc:  # any failure of the store: listen again
                if not broken:
                    log.error("push feed broken (%s): retrying", exc)
                broken = True
                await asyncio.sleep(1.0)
            else:
                broken = False

    async def _sweep(self) -> None:
        """Close every socket whose token expired (and was not renewed): one task for all."""
        while True:
            await asyncio.sleep(SWEEP)
            now = self._tokens.now()
            for connections in list(self._users.values()):
                for connection in list(connections):
                    if connection.expires <= now and not connection.cut:
                        connection.cut = True  # closed on the side: a slow client waits alone
                        closing = connection.ws.close(code=CLOSE_AUTH, message=b"token expired")
                        task = asyncio.create_task(closing)
                        self._tasks.add(task)
                        task.add_done_callback(self._tasks.discard)

    def _renew(self, connection: Connection, token: str) -> str:
        try:
            who, expires = self._tokens.check(token)
        except TokenError as exc:
            return p.reply("error", error=str(exc))
        if who != connection.who:
            return p.reply("error", error="renew with a token of the same user and role")
        connection.expires = expires
        return p.reply("renewed", expires_at=expires)

    async def _resync(self, *, after: float) -> None:
        await asyncio.sleep(after)
        for user, connections in list(self._users.items()):
            for connection in list(connections):
                missed = await self._store.since(user, connection.last)
                for pushed in missed or []:
                    connection.event(pushed)
        log.warning("push feed back: sockets caught up")

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(heartbeat=30.0, max_msg_size=MAX_MESSAGE)
        await ws.prepare(request)
        hello = await self._hello(ws)
        if hello is None:
            return ws
        who, expires, resume = hello
        transport = request.transport
        connection = Connection(ws, who, expires, transport.abort if transport else lambda: None)
        self._users.setdefault(who.user, set()).add(connection)
        try:
            await self._catch_up(connection, resume)
            await self._serve(connection)
        finally:
            self._users[who.user].discard(connection)
            if not self._users[who.user]:
                del self._users[who.user]
            await connection.stop()
        return ws

    async def _hello(self, ws: web.WebSocketResponse) -> tuple[Principal, float, int | None] | None:
        try:
            message = await ws.receive(timeout=HELLO_TIMEOUT)
            hello = p.parse(message.data) if message.type is WSMsgType.TEXT else None
            if not isinstance(hello, p.Hello):
                raise p.BadMessage("the first message must be hello")
            who, expires = self._tokens.check(hello.token)
            return who, expires, hello.resume
        except (TimeoutError, p.BadMessage, TokenError) as exc:
            why = "no hello" if isinstance(exc, TimeoutError) else str(exc)
            code = CLOSE_PROTOCOL if isinstance(exc, p.BadMessage) else CLOSE_AUTH
            await ws.close(code=code, message=why[:120].encode())
            return None

    async def _catch_up(self, connection: Connection, resume: int | None) -> None:
        user = connection.who.user
        last = await self._store.last(user)
        missed = [] if resume is None else await self._store.since(user, resume)
        welcome = {"user": user, "role": connection.who.role, "teams": list(connection.who.teams)}
        if missed is None:  # too far behind: start again from the current state
            connection.send(p.reply("reset", seq=last, **welcome))
            missed = []
        else:
            connection.send(p.reply("welcome", seq=last, missed=len(missed), **welcome))
        connection.last = resume if resume is not None and missed else last
        for pushed in missed:
            connection.event(pushed)  # held is not None yet: goes to held, in order
        connection.caught_up()

    async def _serve(self, connection: Connection) -> None:
        async for message in connection.ws:
            if message.type is not WSMsgType.TEXT:
                continue
            try:
                parsed = p.parse(message.data)
            except p.BadMessage as exc:
                connection.send(p.reply("error", error=str(exc)))
                continue
            if isinstance(parsed, p.Ping):
                connection.send(p.reply("pong", id=parsed.id))
            elif isinstance(parsed, p.Renew):
                connection.send(self._renew(connection, parsed.token))
            elif isinstance(parsed, p.Command):
                why = await self._commands(connection.who, parsed)
                connection.send(p.reply("result", id=parsed.id, ok=why is None, error=why))
            else:
                connection.send(p.reply("error", error="already said hello"))
