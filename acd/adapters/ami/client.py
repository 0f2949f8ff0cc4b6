"""Asyncio AMI client: login, actions with timeouts, typed events, reconnect with capped backoff.

The event pump is a plain ``asyncio.Protocol`` around the pure parser: no task
per event, no awaiting on the read path (Asterisk drops a reader that stalls).
Events go to one synchronous sink, normally the runtime queue's ``put_nowait``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from acd.adapters.ami.events import AmiEvent, ConnectionLost, ConnectionRestored, Fields
from acd.adapters.ami.parser import AmiParser
from acd.adapters.ami.translate import to_event

log = logging.getLogger("acd.ami")

ActionFields = Mapping[str, str | Sequence[str]]
EventSink = Callable[[AmiEvent], None]


class AmiError(Exception):
    """Base of the AMI adapter's errors."""


class AmiAuthError(AmiError):
    """Asterisk refused the login: retrying cannot help."""


class AmiActionError(AmiError):
    """Asterisk answered an action with ``Response: Error``."""


class AmiNotConnected(AmiError):
    """No logged-in connection to send on."""


@dataclass(frozen=True, slots=True)
class AmiResponse:
    fields: Fields
    events: tuple[AmiEvent, ...] = ()

    @property
    def message(self) -> str:
        return self.fields.get("Message", "")


@dataclass(slots=True)
class _Pending:
    future: asyncio.Future[AmiResponse]
    collect: bool
    response: Fields | None = None
    events: list[AmiEvent] = field(default_factory=list)


def encode_action(fields: ActionFields) -> bytes:
    """Serialize an action; refuses line breaks that would smuggle in other actions."""
    lines = []
    for key, value in fields.items():
        for item in [value] if isinstance(value, str) else value:
            if "\r" in item or "\n" in item or "\r" in key or "\n" in key:
                raise ValueError(f"AMI field {key!r} contains a line break")
            lines.append(f"{key}: {item}\r\n")
    return ("".join(lines) + "\r\n").encode()


class _Protocol(asyncio.Protocol):
    def __init__(self, client: AmiClient) -> None:
        self.client = client
        self.parser = AmiParser()
        self.transport: asyncio.Transport | None = None
        loop = asyncio.get_running_loop()
        self.greeted: asyncio.Future[str] = loop.create_future()
        self.closed: asyncio.Future[str] = loop.create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        parser = self.parser
        on_message = self.client._on_message
        for message in parser.feed(data):
            on_message(message)
        if parser.rejects:
            self.client._log_rejects(parser)
        if not self.greeted.done() and parser.greeting is not None:
            self.greeted.set_result(parser.greeting)

    def connection_lost(self, exc: Exception | None) -> None:
        self.parser.finish()
        self.client._log_rejects(self.parser)
        reason = str(exc) if exc else "closed by peer"
        if not self.greeted.done():
            self.greeted.set_exception(ConnectionError(reason))
        if not self.closed.done():
            self.closed.set_result(reason)
        self.client._on_connection_lost(self)

    def send(self, data: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            raise AmiNotConnected("AMI connection is closed")
        self.transport.write(data)


class AmiClient:
    """One AMI session to one Asterisk, kept up by ``run()``."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        username: str,
        secret: str,
        on_event: EventSink,
        action_timeout: float = 5.0,
        backoff_initial: float = 0.5,
        backoff_max: float = 10.0,
        ping_interval: float = 20.0,
    ) -> None:
        self.host, self.port, self.username, self._secret = host, port, username, secret
        self._on_event = on_event
        self.action_timeout = action_timeout
        self.backoff_initial, self.backoff_max = backoff_initial, backoff_max
        self.ping_interval = ping_interval
        self._ids = itertools.count(1)
        self._pending: dict[str, _Pending] = {}
        self._protocol: _Protocol | None = None
        self._closing = False
        self.connected = asyncio.Event()

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    async def connect(self) -> None:
        """Connect and log in once; raises ``AmiAuthError``, ``OSError`` or ``TimeoutError``."""
        loop = asyncio.get_running_loop()
        _, protocol = await asyncio.wait_for(
            loop.create_connection(lambda: _Protocol(self), self.host, self.port),
            self.action_timeout,
        )
        try:
            greeting = await asyncio.wait_for(protocol.greeted, self.action_timeout)
            if not greeting.startswith("Asterisk Call Manager"):
                raise AmiError(f"{self.address} is not an AMI server (greeting {greeting!r})")
            login = {"Action": "Login", "Username": self.username, "Secret": self._secret}
            try:
                await self._send(protocol, {**login, "Events": "on"}, collect=False)
            except AmiActionError as exc:
                raise AmiAuthError(
                    f"Asterisk at {self.address} refused AMI login as {self.username!r}: {exc}"
                ) from None
        except BaseException:
            if protocol.transport is not None:
                protocol.transport.abort()
            raise
        self._protocol = protocol
        self.connected.set()

    async def run(self) -> None:
        """Stay connected until ``close()``; only a refused login ends it (raised)."""
        delay, lost_at, waiting_logged = self.backoff_initial, 0.0, False
        while not self._closing:
            try:
                await self.connect()
            except AmiAuthError:
                raise
            except (OSError, TimeoutError, AmiError) as exc:
                if not lost_at and not waiting_logged:
                    log.warning("waiting for Asterisk AMI at %s: %s", self.address, exc)
                    waiting_logged = True
                log.debug(
                    "AMI connect to %s failed (%s); next try in %.1f s", self.address, exc, delay
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.backoff_max)
                continue
            if self._closing:  # close() came while connect() was logging in
                await self.close()
                break
            delay = self.backoff_initial
            if lost_at:
                downtime = time.monotonic() - lost_at
                log.warning("AMI connection to %s restored after %.1f s", self.address, downtime)
                self._on_event(ConnectionRestored("ConnectionRestored", {}, downtime))
            else:
                log.info("AMI connected to %s as %s", self.address, self.username)
            reason = await self._hold()
            if self._closing:
                break
            lost_at = time.monotonic()
            log.warning("AMI connection to %s lost (%s); reconnecting", self.address, reason)
            self._on_event(ConnectionLost("ConnectionLost", {}, reason))

    async def close(self) -> None:
        self._closing = True
        protocol = self._protocol
        if protocol is not None and protocol.transport is not None:
            with contextlib.suppress(AmiError, TimeoutError, OSError):
                await asyncio.wait_for(self._send(protocol, {"Action": "Logoff"}), 1.0)
            protocol.transport.close()

    async def send_action(
        self, fields: ActionFields, *, collect: bool = False, timeout: float | None = None
    ) -> AmiResponse:
        """Send an action and await its response (and its event list if ``collect``)."""
        if self._protocol is None:
            raise AmiNotConnected(f"not connected to AMI at {self.address}")
        return await self._send(self._protocol, fields, collect=collect, timeout=timeout)

    async def _send(
        self,
        protocol: _Protocol,
        fields: ActionFields,
        *,
        collect: bool = False,
        timeout: float | None = None,
    ) -> AmiResponse:
        action_id = f"acd-{next(self._ids)}"
        data = encode_action({**fields, "ActionID": action_id})
        future: asyncio.Future[AmiResponse] = asyncio.get_running_loop().create_future()
        self._pending[action_id] = _Pending(future, collect)
        try:
            protocol.send(data)
            return await asyncio.wait_for(future, timeout or self.action_timeout)
        finally:
            self._pending.pop(action_id, None)

    async def _hold(self) -> str:
        """Wait until the connection drops, pinging so a dead peer is noticed."""
        protocol = self._protocol
        assert protocol is not None
        while True:
            done, _ = await asyncio.wait({protocol.closed}, timeout=self.ping_interval)
            if done:
                return protocol.closed.result()
            try:
                await self._send(protocol, {"Action": "Ping"})
            except (AmiError, TimeoutError) as exc:
                if protocol.transport is not None:
                    protocol.transport.abort()
                await asyncio.shield(protocol.closed)
                return f"no answer to Ping ({exc or 'timeout'})"

    def _on_message(self, message: Fields) -> None:
        if "Event" in message:
            action_id = message.get("ActionID")
            if action_id is not None:
                pending = self._pending.get(action_id)
                if pending is not None and pending.collect:
                    self._collect(pending, message)
                    return
            self._on_event(to_event(message))
        elif "Response" in message:
            pending = self._pending.get(message.get("ActionID", ""))
            if pending is not None and not pending.future.done():
                self._respond(pending, message)
        else:
            log.warning("AMI: skipped a message with neither Event nor Response: %.200r", message)

    def _respond(self, pending: _Pending, message: Fields) -> None:
        if message["Response"] == "Error":
            pending.future.set_exception(AmiActionError(message.get("Message", "error")))
        elif pending.collect and message.get("EventList") == "start":
            pending.response = message
        else:
            pending.future.set_result(AmiResponse(message))

    def _collect(self, pending: _Pending, message: Fields) -> None:
        if message.get("EventList") == "Complete":
            if not pending.future.done():
                pending.future.set_result(
                    AmiResponse(pending.response or {}, tuple(pending.events))
                )
        else:
            pending.events.append(to_event(message))

    def _on_connection_lost(self, protocol: _Protocol) -> None:
        if self._protocol is protocol:
            self._protocol = None
            self.connected.clear()
        for pending in self._pending.values():
            if not pending.future.done():
                pending.future.set_exception(AmiNotConnected("AMI connection lost"))

    @staticmethod
    def _log_rejects(parser: AmiParser) -> None:
        for reject in parser.rejects:
            log.warning("AMI: skipped input: %s: %s", reject.reason, reject.sample)
        parser.rejects.clear()
