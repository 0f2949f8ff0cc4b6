"""The announcement on hold over FastAGI: acd's real ``AgiServer`` running
``HoldAnnouncements``, a scripted Asterisk on the other end of a socket; and the place it
announces, read from live routing."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

import pytest

from acd.adapters.agi.hold import HoldAnnouncements
from acd.adapters.agi.server import AgiChannel, AgiServer
from acd.adapters.ami.translate import to_event
from acd.core.policy import AgentProfile, Policy
from acd.event_log import MemoryEventLog
from acd.routing_live import LiveRouting
from acd.routing_view import Place, RoutingView
from tests.component.test_routing_live import agent_ready, queued
from tests.component.test_routing_live import live_routing as live
from tests.unit.test_router import kind, req

CALL = "17.1"


class Hold:
    """``HoldAnnouncements`` over a table of places, keeping which calls it asked about and
    how each AGI call ended for it."""

    def __init__(self, places: dict[str, Place]) -> None:
        self.asked: list[str] = []
        self.ended: list[str] = []
        self._places = places
        self._hold = HoldAnnouncements(self._place)

    def _place(self, call: str) -> Place | None:
        self.asked.append(call)
        return self._places.get(call)

    async def __call__(self, channel: AgiChannel) -> None:
        try:
            await self._hold.handle(channel)
        except BaseException as exc:
            self.ended.append(f"raised {exc!r}")
            raise
        self.ended.append("returned")


@contextlib.asynccontextmanager
async def agi_server(places: dict[str, Place]) -> AsyncIterator[tuple[AgiServer, Hold]]:
    hold = Hold(places)
    server = AgiServer(hold, "127.0.0.1", 0)
    await server.start()
    try:
        yield server, hold
    finally:
        await server.close()


async def asterisk(
    port: int, call: str = CALL, *, hang_up_after: int = 0, how: str = ""
) -> list[str]:
    """An Asterisk channel in ``acd-hold``: asks /hold and answers every command with
    ``200 result=0`` (or hangs up, ``how``, after ``hang_up_after`` commands); returns the
    command lines acd sent until it closed the connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"agi_network: yes\nagi_network_script: hold\n"
        b"agi_request: agi://127.0.0.1/hold\n"
        b"agi_channel: PJSIP/trunk-00000001\n" + f"agi_uniqueid: {call}\n\n".encode()
    )
    received: list[str] = []
    while line := await asyncio.wait_for(reader.readline(), 5):
        received.append(line.decode().removesuffix("\n"))
        if len(received) != hang_up_after:
            writer.write(b"200 result=0\n")
        elif how == "HANGUP":
            writer.write(b"HANGUP\n200 result=-1 endpos=0\n")
        else:
            writer.write_eof()  # the channel is gone: Asterisk closes its side
    writer.close()
    return received


PLACE = Place(2, 90.0, 30.0)
SAID = [
    'SET VARIABLE "ACD_ANNOUNCE_EVERY" "30"',
    'STREAM FILE "queue-thereare" ""',
    'SAY NUMBER "2" ""',
    'STREAM FILE "queue-callswaiting" ""',
    'STREAM FILE "queue-holdtime" ""',
    'SAY NUMBER "2" ""',
    'STREAM FILE "queue-minutes" ""',
    'STREAM FILE "queue-thankyou" ""',
]


def problems(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


async def test_hold_says_place_and_wait_and_sets_the_interval_when_the_call_waits(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with agi_server({CALL: PLACE}) as (server, hold):
        received = await asterisk(server.port)
    assert received == SAID
    assert hold.asked == [CALL] and hold.ended == ["returned"]
    assert problems(caplog) == []


async def test_hold_only_sets_the_interval_to_zero_when_the_call_is_unknown() -> None:
    async with agi_server({CALL: PLACE}) as (server, hold):
        received = await asterisk(server.port, "99.9")
    assert received == ['SET VARIABLE "ACD_ANNOUNCE_EVERY" "0"']
    assert hold.asked == ["99.9", "99.9"] and hold.ended == ["returned"]  # asked again, later


async def test_hold_keeps_the_interval_but_says_nothing_while_the_agent_rings() -> None:
    async with agi_server({CALL: Place(None, None, 30.0)}) as (server, hold):
        received = await asterisk(server.port)
    assert received == ['SET VARIABLE "ACD_ANNOUNCE_EVERY" "30"']
    assert hold.ended == ["returned"]


async def test_hold_only_sets_the_interval_to_zero_when_the_call_type_never_announces() -> None:
    async with agi_server({CALL: Place(1, 30.0, 0.0)}) as (server, hold):
        received = await asterisk(server.port)
    assert received == ['SET VARIABLE "ACD_ANNOUNCE_EVERY" "0"']
    assert hold.ended == ["returned"]


@pytest.mark.parametrize("how", ["HANGUP", "close"])
@pytest.mark.parametrize("after", [1, 3])
async def test_hold_stops_quietly_when_the_caller_hangs_up_midway(
    how: str, after: int, caplog: pytest.LogCaptureFixture
) -> None:
    async with agi_server({CALL: PLACE}) as (server, hold):
        received = await asterisk(server.port, hang_up_after=after, how=how)
    assert received == SAID[:after]  # nothing more was sent once the caller had gone
    assert hold.ended == ["returned"]
    assert problems(caplog) == []


# the place, from live routing ------------------------------------------------------------

POLICY = Policy(
    {"tech": kind("tech", (0.0, req(tech=3)), announce_every=45.0)},
    {"a": AgentProfile("a", {"tech": 5})},
)


@contextlib.asynccontextmanager
async def live_routing(clock: Callable[[], float]) -> AsyncIterator[LiveRouting]:
    async with live(MemoryEventLog(), POLICY, clock) as started:
        yield started.routing


async def test_place_gives_each_callers_position_and_no_wait_when_no_agent_answered_yet() -> None:
    async with live_routing(lambda: 1000.0) as routing:
        view = RoutingView(routing, lambda: 1000.0)
        routing.apply(queued("c1"))
        routing.apply(queued("c2"))
        places = [view.place("c1"), view.place("c2"), view.place("nobody")]
    assert places == [Place(1, None, 45.0), Place(2, None, 45.0), None]


async def test_place_gives_the_wait_from_the_pace_when_three_calls_were_answered_lately() -> None:
    now = [1000.0]
    async with live_routing(lambda: now[0]) as routing:
        view = RoutingView(routing, lambda: now[0])
        agent_ready(routing, "a")
        for n, call in enumerate(["c1", "c2", "c3"]):
            now[0] = 1000.0 + 60 * n
            routing.apply(queued(call))  # a is rung at once
            assert view.place(call) == Place(None, None, 45.0)  # ringing: not in line
            leg = f"acd-a-{call}-1"
            routing.apply(to_event({"Event": "OriginateResponse", "Uniqueid": leg,
                                    "Response": "Success"}))  # fmt: skip
            if call != "c3":  # c3 goes on talking
                routing.apply(to_event({"Event": "Hangup", "Uniqueid": leg, "Channel": "x"}))
        routing.apply(queued("w1"))
        routing.apply(queued("w2"))
        now[0] = 1300.0
        places = [view.place("w1"), view.place("w2"), view.place("c3")]
    assert places == [Place(1, 60.0, 45.0), Place(2, 120.0, 45.0), Place(None, None, 45.0)]
