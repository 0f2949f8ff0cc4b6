"""A FastAGI server: one task per call, each with a small command/reply channel.

panoramisk ships a FastAGI server, but it blocks the event loop on a client that closes
before its environment and falls out of step after a hang-up (see docs/adr/0002).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl, urlsplit

from acd.adapters.agi.protocol import (
    HANGUP_LINE,
    AgiProtocolError,
    AgiReply,
    command,
    parse_env,
    parse_reply,
)

log = logging.getLogger("acd.agi")

HEADER_TIMEOUT = 5.0
MAX_HEADER = 16 * 1024
DEAD_CHANNEL = 511
TRYING = 100


class AgiHangup(Exception):
    """The channel hung up (or Asterisk closed the connection)."""


class AgiChannel:
    """One call handed to acd: its AGI environment, and commands sent one at a time."""

    def __init__(
        self, env: dict[str, str], reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.env = env
        self._reader, self._writer = reader, writer
        self.hung_up = False
        request = urlsplit(env.get("agi_request", ""))
        self.script = request.path.strip("/")
        self.params = dict(parse_qsl(request.query))

    @property
    def uniqueid(self) -> str:
        return self.env.get("agi_uniqueid", "")

    async def send(self, verb: str, *arguments: str | int, timeout: float = 3600) -> AgiReply:
        """Send one command and return its reply; raises ``AgiHangup`` once the call is gone."""
        if self.hung_up:
            raise AgiHangup
        self._writer.write(command(verb, *arguments))
        try:
            async with asyncio.timeout(timeout):
                return await self._reply()
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError) as exc:
            # after a time-out a late reply would answer the next command: give the call up
            self.hung_up = True
            raise AgiHangup from exc

    async def _reply(self) -> AgiReply:
        while True:
            line = (await self._reader.readuntil(b"\n")).decode("utf-8", "replace").rstrip("\r\n")
            if line == HANGUP_LINE:
                self.hung_up = True
                continue
            reply = parse_reply(line)
            if reply.code == TRYING:  # e.g. GOSUB: "100 result=0 Trying...", then its reply
                continue
            if reply.code == 520 and line[3:4] == "-":  # usage text runs to "520 End..."
                while not (await self._reader.readuntil(b"\n")).startswith(b"520 "):
                    pass
            if reply.code == DEAD_CHANNEL:
                self.hung_up = True
            if self.hung_up:
                raise AgiHangup
            return reply


Handler = Callable[[AgiChannel], Awaitable[None]]


class AgiServer:
    """Accepts Asterisk's FastAGI connections and runs ``handler`` for each call."""

    def __init__(self, handler: Handler, host: str, port: int) -> None:
        self._handler, self._host, self._port = handler, host, port
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        assert self._server is not None, "not started"
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._accept, self._host, self._port, limit=MAX_HEADER
        )
        log.info("FastAGI listening on %s:%s", self._host, self.port)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        peer = writer.get_extra_info("peername")
        try:
            async with asyncio.timeout(HEADER_TIMEOUT):
                block = await reader.readuntil(b"\n\n")
            channel = AgiChannel(parse_env(block), reader, writer)
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                ConnectionError, AgiProtocolError) as exc:  # fmt: skip
            log.warning("FastAGI connection from %s dropped: %s", peer, exc or "no headers")
            writer.close()
            self._tasks.discard(task)
            return
        try:
            await self._handler(channel)
        except AgiHangup:
            pass
        except asyncio.CancelledError:  # acd is stopping: end quietly (a cancelled task here
            pass  # makes Python 3.11's stream callback log a spurious error)
        except Exception:
            log.exception("FastAGI call %s failed", channel.uniqueid)
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
