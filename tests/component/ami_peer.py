"""A scripted AMI peer: enough of Asterisk's manager interface to drive the AMI client in tests.

Independent of acd's parser on purpose, so a bug there cannot hide behind the same bug here.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Collection

GREETING = b"Asterisk Call Manager/9.0.0\r\n"
ACCEPTED = {"Setvar": "Variable Set", "Atxfer": "Atxfer successfully queued",
            "CancelAtxfer": "Atxfer cancelled", "Hangup": "Channel Hungup"}  # fmt: skip
"""Actions answered as Asterisk 22 answers them when they succeed."""
Fields = dict[str, str]


def encode(fields: Fields) -> bytes:
    return "".join(f"{key}: {value}\r\n" for key, value in fields.items()).encode() + b"\r\n"


class AmiPeer:
    """Listens on 127.0.0.1 (port 0 the first time, the same port after a restart).

    Answers Login, Ping, Logoff and ``list_action`` (``list_size`` list events); says nothing
    to the actions named in ``silent``; answers anything else with ``Response: Error``.
    """

    def __init__(
        self,
        secret: str,
        *,
        list_action: str = "CoreShowChannels",
        list_size: int = 3,
        silent: Collection[str] = (),
    ) -> None:
        self.secret = secret
        self.list_action, self.list_size, self.silent = list_action, list_size, set(silent)
        self.port = 0
        self.login_attempts = 0
        self.actions: list[Fields] = []
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._received = asyncio.Event()
        self.login_gate = asyncio.Event()  # clear it to hold back the answers to Login
        self.login_gate.set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and drop every connection (``start()`` listens again on the port)."""
        if self._server is not None:
            self._server.close()
            await self.drop()
            await self._server.wait_closed()
            self._server = None

    async def drop(self) -> None:
        """Close every client connection without a word, as a crashing Asterisk would."""
        writers, self._writers = self._writers, set()
        for writer in writers:
            writer.close()
        for writer in writers:
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    @property
    def connections(self) -> int:
        return len(self._writers)

    async def push(self, data: bytes) -> None:
        """Send raw bytes, as they are, to every connected client."""
        for writer in list(self._writers):
            writer.write(data)
            await writer.drain()

    async def wait_action(self, name: str, count: int = 1, timeout: float = 5.0) -> Fields:
        """The ``count``-th action received with that name (waits for it)."""
        async with asyncio.timeout(timeout):
            while True:
                named = [action for action in self.actions if action.get("Action") == name]
                if len(named) >= count:
                    return named[count - 1]
                self._received.clear()
                await self._received.wait()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        writer.write(GREETING)
        try:
            while True:
                raw = await reader.readuntil(b"\r\n\r\n")
                lines = raw.decode().split("\r\n")
                action = dict(line.split(": ", 1) for line in lines if line)
                self.actions.append(action)
                self._received.set()
                if action.get("Action") == "Login":
                    await self.login_gate.wait()
                for reply in self._answer(action):
                    writer.write(encode(reply))
                await writer.drain()
                if action.get("Action") == "Logoff":
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    def _answer(self, action: Fields) -> list[Fields]:
        name, action_id = action.get("Action", ""), action.get("ActionID", "")
        ok: Fields = {"Response": "Success", "ActionID": action_id}
        error: Fields = {"Response": "Error", "ActionID": action_id}
        if name == "Login":
            self.login_attempts += 1
        if name in self.silent:
            replies: list[Fields] = []
        elif name == "Login" and action.get("Secret") == self.secret:
            replies = [{**ok, "Message": "Authentication accepted"}]
        elif name == "Login":
            replies = [{**error, "Message": "Authentication failed"}]
        elif name == "Ping":
            replies = [{**ok, "Ping": "Pong", "Timestamp": "1700000000.000000"}]
        elif name == "Logoff":
            replies = [{"Response": "Goodbye", "ActionID": action_id, "Message": "Bye"}]
        elif name == self.list_action:
            replies = [
                {**ok, "EventList": "start", "Message": "Channels will follow"},
                *(
                    {
                        "Event": "CoreShowChannel",
                        "ActionID": action_id,
                        "Channel": f"PJSIP/a-{n:08x}",
                    }
                    for n in range(self.list_size)
                ),
                {
                    "Event": f"{name}Complete",
                    "ActionID": action_id,
                    "EventList": "Complete",
                    "ListItems": str(self.list_size),
                },
            ]
        elif name in ACCEPTED:
            replies = [{**ok, "Message": ACCEPTED[name]}]
        else:
            replies = [{**error, "Message": "Invalid/unknown command"}]
        return replies
