"""The world around acd for bench/screenpop.py, in a process of its own: every agent's browser
(one WebSocket each, ``aiohttp``) and a fake Asterisk (AMI: answers every action with
Success, remembers each Originate, sends the events it is told to).

    .venv/bin/python bench/screenpop_peers.py WS_URL   (started by ``Peers.running``)

Prints ``{"ami": PORT}`` once, then answers each JSON request read on stdin with one JSON
line on stdout; exits at the end of stdin. Every message a socket receives is stamped with
``time.monotonic_ns()`` as it arrives (CLOCK_MONOTONIC: the same clock in every process).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import sys
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp

from acd.auth import Principal, Tokens

SECRET_ENV = "SCREENPOP_SECRET"
TIMEOUT = 30.0
GREETING = b"Asterisk Call Manager/9.0.0\r\n"
Message = dict[str, Any]


def more_files(wanted: int = 65536) -> None:
    """Raise this process's open-file limit as far as allowed (10,000 sockets need it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < wanted:
        with contextlib.suppress(ValueError, OSError):  # root may raise the hard limit
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, wanted))
            return
        wanted = hard
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))


class Changes:
    """Something arrived: every waiter looks again."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def tell(self) -> None:
        self._event.set()

    async def until(self, found: Callable[[], Any]) -> Any:
        async with asyncio.timeout(TIMEOUT):
            while (result := found()) is None:
                self._event.clear()
                await self._event.wait()
            return result


class Asterisk:
    """A fake AMI server: Login and every other action get Success; Originates are kept."""

    def __init__(self, changes: Changes) -> None:
        self.legs: dict[str, tuple[str, str]] = {}  # call -> (leg uniqueid, agent)
        self._changes = changes
        self._writer: asyncio.StreamWriter | None = None
        self._serving: asyncio.Task[Any] | None = None
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writer, self._serving = writer, asyncio.current_task()
        writer.write(GREETING)
        try:
            while True:
                lines = (await reader.readuntil(b"\r\n\r\n")).decode().split("\r\n")
                action = dict(line.split(": ", 1) for line in lines if line)
                if action.get("Action") == "Originate":  # CallerID: acd <call>
                    call = action["CallerID"].removeprefix("acd <").removesuffix(">")
                    self.legs[call] = (action["ChannelId"], action["Channel"][6:])
                    self._changes.tell()
                self.send(Response="Success", ActionID=action.get("ActionID", ""))
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def close(self) -> None:
        """Stop listening (acd would reconnect), then hang up on acd."""
        if self._server is not None:
            self._server.close()
        if self._writer is not None and self._serving is not None:
            self._writer.close()
            await self._serving

    def send(self, **fields: str) -> None:
        assert self._writer is not None, "acd is not connected to the fake AMI"
        text = "".join(f"{key}: {value}\r\n" for key, value in fields.items())
        self._writer.write(text.encode() + b"\r\n")

    async def leg(self, call: str) -> tuple[str, str]:
        return await self._changes.until(lambda: self.legs.get(call))  # type: ignore[no-any-return]

    def answered(self, leg: str, agent: str) -> None:
        self.send(Event="OriginateResponse", Response="Success", Channel=f"PJSIP/{agent}-1",
                  Uniqueid=leg, Reason="4")  # fmt: skip

    def hang_up(self, uniqueid: str, channel: str) -> None:
        self.send(Event="Hangup", Channel=channel, Uniqueid=uniqueid, Linkedid=uniqueid,
                  Cause="16", **{"Cause-txt": "Normal Clearing"})  # fmt: skip


class Browsers:
    """One WebSocket per user, said hello to with a token; what each receives, stamped."""

    def __init__(self, url: str, tokens: Tokens, changes: Changes) -> None:
        self.url, self._tokens, self._changes = url, tokens, changes
        self.seen: dict[str, list[tuple[int, Message]]] = {}
        self._sockets: dict[str, aiohttp.ClientWebSocketResponse] = {}
        self._readers: dict[str, asyncio.Task[None]] = {}
        self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        self._ids = 0

    async def connect(self, users: list[str]) -> None:
        gate = asyncio.Semaphore(64)  # under the server's listen backlog (128)

        async def one(user: str) -> None:
            async with gate:
                ws = await self._session.ws_connect(self.url)
                token = self._tokens.issue(Principal(user, "agent"))[0]
                await ws.send_json({"type": "hello", "v": 1, "token": token})
                welcome = json.loads((await ws.receive(timeout=TIMEOUT)).data)
                if welcome["type"] != "welcome":
                    raise RuntimeError(f"{user}: {welcome}")
            self._sockets[user] = ws
            self.seen[user] = []
            self._readers[user] = asyncio.create_task(self._read(user, ws))

        await asyncio.gather(*map(one, users))

    async def _read(self, user: str, ws: aiohttp.ClientWebSocketResponse) -> None:
        seen = self.seen[user]
        async for message in ws:
            stamp = time.monotonic_ns()
            if message.type is aiohttp.WSMsgType.TEXT:
                seen.append((stamp, json.loads(message.data)))
                self._changes.tell()

    async def close(self, users: list[str]) -> None:
        await asyncio.gather(*(self._sockets.pop(user).close() for user in users))
        for user in users:
            await self._readers.pop(user)
            del self.seen[user]

    async def wait(self, user: str, since: int, match: Callable[[Message], bool]) -> int:
        """When the first message from index ``since`` on that matches arrived."""

        def found() -> int | None:
            return next((t for t, m in self.seen[user][since:] if match(m)), None)

        return await self._changes.until(found)  # type: ignore[no-any-return]

    async def command(self, user: str, args: Message) -> None:
        self._ids += 1
        await self._sockets[user].send_json(
            {"type": "command", "v": 1, "id": self._ids, "command": "set_state", "args": args}
        )

    async def aclose(self) -> None:
        await self._session.close()


def agent_state(state: str) -> Callable[[Message], bool]:
    return lambda m: m.get("event") == "agent_state" and m["data"]["state"] == state


def offered(call: str) -> Callable[[Message], bool]:
    return lambda m: m.get("event") == "call_offered" and m["data"]["call"] == call


def caller(call: str) -> str:
    return f"PJSIP/trunk-{call}"


async def answer(browsers: Browsers, asterisk: Asterisk, call: str) -> tuple[str, str]:
    """The agent ringing for ``call`` answers; once acd says they are on the call."""
    leg, agent = await asterisk.leg(call)
    since = len(browsers.seen[agent])
    asterisk.answered(leg, agent)
    await browsers.wait(agent, since, agent_state("on_call"))
    return leg, agent


async def handle(request: Message, browsers: Browsers, asterisk: Asterisk) -> Message:
    op = request["op"]
    if op in ("connect", "close"):
        users = [f"{request['prefix']}{i}" for i in range(request["start"], request["end"])]
        await (browsers.connect if op == "connect" else browsers.close)(users)
        return {"ok": len(users)}
    if op == "state":  # the agent's desk asks for a state; acd's push says it is so
        agent, since = request["agent"], len(browsers.seen[request["agent"]])
        await browsers.command(agent, {"state": request["state"]})
        await browsers.wait(agent, since, agent_state(request["state"]))
        return {"ok": 1}
    if op == "pop":  # sent just before acd's t0 (a new call: any pop of it came after)
        return {"t1": await browsers.wait(request["agent"], 0, offered(request["call"]))}
    if op == "answer":
        await answer(browsers, asterisk, request["call"])
        return {"ok": 1}
    if op == "free":  # the agent's call ends: Asterisk's Hangups of both legs
        leg, agent = asterisk.legs[request["ended"]]
        since = len(browsers.seen[agent])
        t0 = time.monotonic_ns()
        asterisk.hang_up(leg, f"PJSIP/{agent}-1")
        asterisk.hang_up(request["ended"], caller(request["ended"]))
        return {"t0": t0, "t1": await browsers.wait(agent, since, offered(request["next"]))}
    if op == "end":  # answered, then hung up: the agent is ready again
        leg, agent = await answer(browsers, asterisk, request["call"])
        since = len(browsers.seen[agent])
        asterisk.hang_up(leg, f"PJSIP/{agent}-1")
        asterisk.hang_up(request["call"], caller(request["call"]))
        await browsers.wait(agent, since, agent_state("ready"))
        return {"ok": 1}
    raise ValueError(f"unknown op {op!r}")


async def main(url: str) -> None:
    more_files()
    changes = Changes()
    asterisk = Asterisk(changes)
    tokens = Tokens(os.environ[SECRET_ENV], ttl=3600.0, clock=time.time)
    browsers = Browsers(url, tokens, changes)
    print(json.dumps({"ami": await asterisk.start()}), flush=True)
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader(limit=1 << 20)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    try:
        while line := await stdin.readline():
            try:
                reply = await handle(json.loads(line), browsers, asterisk)
            except Exception as exc:
                reply = {"error": f"{type(exc).__name__}: {exc}"}
            print(json.dumps(reply), flush=True)
    finally:
        await asterisk.close()
        await browsers.aclose()


class Peers:
    """The bench's end of the pipe to the peers' process."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self._process = process
        self.pid = process.pid

    @classmethod
    @contextlib.asynccontextmanager
    async def running(cls, url: str, secret: str) -> AsyncIterator[tuple[Peers, int]]:
        """The peers' process, its sockets to open at ``url``; and the fake AMI's port."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, __file__, url, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, env={**os.environ, SECRET_ENV: secret},
            start_new_session=True,  # Ctrl-C goes to the bench, which ends this process
        )  # fmt: skip
        peers = cls(process)
        try:
            yield peers, (await peers.reply())["ami"]
        finally:
            await peers.stop()

    async def send(self, **request: Any) -> None:
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(request).encode() + b"\n")
        await self._process.stdin.drain()

    async def reply(self) -> Message:
        assert self._process.stdout is not None
        line = await self._process.stdout.readline()
        if not line:
            raise RuntimeError("the peers' process ended")
        reply: Message = json.loads(line)
        if "error" in reply:
            raise RuntimeError(f"peers: {reply['error']}")
        return reply

    async def ask(self, **request: Any) -> Message:
        await self.send(**request)
        return await self.reply()

    async def stop(self) -> None:
        """End of input: the process closes its sockets and exits (killed if it lingers)."""
        process = self._process
        if process.returncode is not None:
            return
        if process.stdin is not None and not process.stdin.is_closing():
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
