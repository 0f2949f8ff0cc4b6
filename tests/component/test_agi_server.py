"""acd's FastAGI server against scripted Asterisk-side peers (real sockets, no Asterisk)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from acd.adapters.agi import server as agi
from acd.adapters.agi.server import AgiChannel, AgiHangup, AgiServer

ENV = b"agi_network: yes\nagi_request: agi://127.0.0.1/ivr?flow=hotline\nagi_uniqueid: 17.1\n\n"


class Recorder:
    """A handler that runs a script of commands and keeps what came back."""

    def __init__(self, *commands: tuple[str, ...]) -> None:
        self.commands = commands
        self.replies: list[object] = []
        self.channels: list[AgiChannel] = []
        self.done = asyncio.Event()

    async def __call__(self, channel: AgiChannel) -> None:
        self.channels.append(channel)
        try:
            for verb, *arguments in self.commands:
                self.replies.append(await channel.send(verb, *arguments))
        except AgiHangup:
            self.replies.append("hangup")
            raise
        finally:
            self.done.set()


@pytest.fixture
async def started() -> AsyncIterator[tuple[AgiServer, Recorder]]:
    recorder = Recorder(("STREAM FILE", "hello", "12"), ("WAIT FOR DIGIT", "5000"))
    server = AgiServer(recorder, "127.0.0.1", 0)
    await server.start()
    yield server, recorder
    await server.close()


async def connect(server: AgiServer) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", server.port)


async def test_commands_and_replies_round_trip(started: tuple[AgiServer, Recorder]) -> None:
    server, recorder = started
    reader, writer = await connect(server)
    writer.write(ENV)
    assert await reader.readline() == b'STREAM FILE "hello" "12"\n'
    writer.write(b"200 result=50 endpos=800\n")
    assert await reader.readline() == b'WAIT FOR DIGIT "5000"\n'
    writer.write(b"200 result=0\n")
    await asyncio.wait_for(recorder.done.wait(), 2)
    assert [r.key for r in recorder.replies] == ["2", ""]  # type: ignore[attr-defined]
    assert recorder.channels[0].script == "ivr"
    assert recorder.channels[0].params == {"flow": "hotline"}
    assert recorder.channels[0].uniqueid == "17.1"
    assert await reader.read() == b""  # the server closed the call's connection
    writer.close()


async def test_hangup_mid_command_ends_the_call_for_the_handler(
    started: tuple[AgiServer, Recorder],
) -> None:
    server, recorder = started
    reader, writer = await connect(server)
    writer.write(ENV)
    await reader.readline()
    writer.write(b"HANGUP\n200 result=-1 endpos=1200\n")
    await asyncio.wait_for(recorder.done.wait(), 2)
    assert recorder.replies == ["hangup"]
    writer.close()


async def test_usage_error_text_is_skipped_to_its_end(started: tuple[AgiServer, Recorder]) -> None:
    server, recorder = started
    reader, writer = await connect(server)
    writer.write(ENV)
    await reader.readline()
    writer.write(
        b"520-Invalid command syntax.  Proper usage follows:\n"
        b" Usage: ...\n"
        b"520 End of proper usage.\n"
    )
    assert await reader.readline() == b'WAIT FOR DIGIT "5000"\n'
    writer.write(b"200 result=0\n")
    await asyncio.wait_for(recorder.done.wait(), 2)
    assert [r.code for r in recorder.replies] == [520, 200]  # type: ignore[attr-defined]
    writer.close()


async def test_rogue_clients_do_not_stop_a_real_call(
    started: tuple[AgiServer, Recorder], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(agi, "HEADER_TIMEOUT", 0.3)
    server, recorder = started
    _, early_close = await connect(server)
    early_close.write(b"agi_network: yes\n")  # closes before the blank line
    early_close.close()
    silent_reader, silent = await connect(server)  # never says anything
    garbage_reader, garbage = await connect(server)
    garbage.write(b"GET / HTTP/1.1\r\n\r\n\n\n")
    flood_reader, flood = await connect(server)
    flood.write(b"agi_x: " + b"y" * (agi.MAX_HEADER + 10))

    reader, writer = await connect(server)  # a real call, meanwhile
    writer.write(ENV)
    assert await asyncio.wait_for(reader.readline(), 2) == b'STREAM FILE "hello" "12"\n'
    writer.write(b"200 result=0 endpos=1\n")
    await reader.readline()
    writer.write(b"200 result=0\n")
    await asyncio.wait_for(recorder.done.wait(), 2)
    for stream in (silent_reader, garbage_reader, flood_reader):
        assert await asyncio.wait_for(stream.read(), 2) == b""  # each was dropped
    assert len(recorder.channels) == 1
    for w in (silent, garbage, flood, writer):
        w.close()
