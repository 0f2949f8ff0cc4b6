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
import itertools
import logging
from collections.abc import Awaitable, Callable

from aiohttp import WSMsgType, web

from acd import push_protocol as p
from acd.auth import Principal, TokenError, Tokens
from acd.push_store import Pushed, PushStore

log = logging.getLogger("acd.push")

HELLO_TIMEOUT = 5.0
QUEUE = 256
MAX_MESSAGE = 64 * 1024
CLOSE_AUTH, CLOSE_SLOW, CLOSE_PROTOCOL = 4401, 4408, 4400
RESYNC_AFTER = 0.5
"""Seconds after listening again before catching sockets up (by then the feed listens)."""

Commands = Callable[[Principal, p.Command], Awaitable[str | None]]
"""Carries out a client's command: None if done, else why not."""


class Connection:
    def __init__(self, ws: web.WebSocketResponse, who: Principal, expires: float,
                 abort: Callable[[], None]) -> None:  # fmt: skip
        self.ws, self.who, self.expires, self._abort = ws, who, expires, abort
        self.queue: asyncio.Queue[str] = asyncio.Queue(QUEUE)
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
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            self.cut = True
            log.warning("push: %s's socket fell %d messages behind: cut off", self.who.user, QUEUE)
            self._abort()

    def caught_up(self) -> None:
        held, self.held = self.held or [], None
        for pushed in held:
            self.event(pushed)

    async def write(self) -> None:
        while True:
            text = await self.queue.get()
            await self.ws.send_str(text)


class Hub:
    def __init__(self, store: PushStore, tokens: Tokens, commands: Commands) -> None:
        self._store, self._tokens, self._commands = store, tokens, commands
        self._users: dict[str, set[Connection]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def sockets(self) -> int:
        return sum(map(len, self._users.values()))

    async def run(self) -> None:
        """Deliver the store's feed to the sockets of this process; if the feed breaks (Redis
        restarted), listen again and give every socket what it missed meanwhile."""
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

    async def _expire(self, connection: Connection) -> None:
        """Close the socket when its token expires, unless the client renewed it."""
        for _ in itertools.count():  # a renewal moves the expiry: look again after each sleep
            left = connection.expires - self._tokens.now()
            if left <= 0:
                break
            await asyncio.sleep(left)
        await connection.ws.close(code=CLOSE_AUTH, message=b"token expired")

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
        writer = asyncio.create_task(connection.write())
        watch = asyncio.create_task(self._expire(connection))
        try:
            await self._catch_up(connection, resume)
            await self._serve(connection)
        finally:
            self._users[who.user].discard(connection)
            if not self._users[who.user]:
                del self._users[who.user]
            for task in (writer, watch):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                    await task
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
