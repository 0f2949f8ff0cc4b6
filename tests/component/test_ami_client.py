"""AmiClient against a scripted AMI peer on a real TCP socket: events, actions, failures."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

import pytest

from acd.adapters.ami import events as ev
from acd.adapters.ami.client import AmiAuthError, AmiClient, AmiNotConnected
from tests.ami_helpers import EventLog
from tests.component.ami_peer import AmiPeer, encode

SECRET = "s3cret"
BOUND = 5.0  # seconds: only so a hung test fails, never a claim about speed

NEWCHANNEL = {
    "Event": "Newchannel",
    "Channel": "PJSIP/trunk-00000001",
    "Uniqueid": "1700000000.1",
    "Linkedid": "1700000000.1",
    "CallerIDNum": "5550100",
    "Context": "from-trunk",
    "Exten": "1234",
}
NEWSTATE = {
    "Event": "Newstate",
    "Channel": "PJSIP/trunk-00000001",
    "Uniqueid": "1700000000.1",
    "ChannelStateDesc": "Up",
}
VARSET = {"Event": "VarSet", "Channel": "PJSIP/trunk-00000001", "Variable": "X", "Value": "1"}
HANGUP = {
    "Event": "Hangup",
    "Channel": "PJSIP/trunk-00000001",
    "Uniqueid": "1700000000.1",
    "Linkedid": "1700000000.1",
    "Cause": "16",
    "Cause-txt": "Normal Clearing",
}


@pytest.fixture
async def peer() -> AsyncIterator[AmiPeer]:
    server = AmiPeer(SECRET, silent={"Silent"})
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def make_client(port: int, events: EventLog, secret: str = SECRET) -> AmiClient:
    return AmiClient(
        host="127.0.0.1",
        port=port,
        username="acd",
        secret=secret,
        on_event=events,
        action_timeout=0.5,
        backoff_initial=0.02,
        backoff_max=0.1,
    )


@contextlib.asynccontextmanager
async def running(peer: AmiPeer) -> AsyncIterator[tuple[AmiClient, EventLog]]:
    events = EventLog()
    client = make_client(peer.port, events)
    task = asyncio.create_task(client.run())
    try:
        await asyncio.wait_for(client.connected.wait(), BOUND)
        yield client, events
    finally:
        await client.close()
        ended, _ = await asyncio.wait({task}, timeout=BOUND)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert ended, "run() kept going after close()"


async def wait_until(condition: Callable[[], bool], timeout: float = BOUND) -> None:
    """Poll a condition nothing signals (log records, the peer's connections)."""
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise TimeoutError(f"condition still false after {timeout} s")


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "acd.ami" and r.levelno >= logging.WARNING
    ]


async def test_client_delivers_typed_events_in_order_when_peer_sends_them(peer: AmiPeer) -> None:
    async with running(peer) as (_, events):
        await peer.push(encode(NEWCHANNEL) + encode(NEWSTATE))
        await peer.push(encode(VARSET) + encode(HANGUP))
        await events.wait_for(ev.Hangup, timeout=BOUND)

    assert [type(e) for e in events.events] == [ev.Newchannel, ev.Newstate, ev.AmiEvent, ev.Hangup]
    opened, state, varset, hung = events.events
    assert isinstance(opened, ev.Newchannel) and isinstance(hung, ev.Hangup)
    assert opened.channel == "PJSIP/trunk-00000001" and opened.caller_id_num == "5550100"
    assert isinstance(state, ev.Newstate) and state.state == "Up"
    assert varset.name == "VarSet" and varset.fields == VARSET
    assert hung.cause == "16" and hung.cause_text == "Normal Clearing"
    assert hung.fields == HANGUP


async def test_client_delivers_events_when_a_message_arrives_one_byte_at_a_time(
    peer: AmiPeer,
) -> None:
    async with running(peer) as (_, events):
        for byte in encode(NEWCHANNEL):
            await peer.push(bytes([byte]))
        opened = await events.wait_for(ev.Newchannel, timeout=BOUND)

    assert opened.fields == NEWCHANNEL


async def test_client_skips_garbage_with_a_warning_and_stays_up_when_peer_sends_junk(
    peer: AmiPeer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="acd.ami")
    garbage = (
        b"Event: Oops\r\nthis line has no colon\r\n\r\n"
        + b"Foo: bar\r\nBaz: qux\r\n\r\n"
        + b"\x00\xff\xfe\x80\x81 binary junk\r\n\r\n"
    )
    async with running(peer) as (client, events):
        await peer.push(encode(NEWCHANNEL) + garbage + encode(NEWSTATE))
        await peer.push(encode(HANGUP))
        await events.wait_for(ev.Hangup, timeout=BOUND)
        still_connected = client.connected.is_set()
        pong = await client.send_action({"Action": "Ping"})

    assert [e.name for e in events.events] == ["Newchannel", "Newstate", "Hangup"]
    assert still_connected
    assert pong.fields["Ping"] == "Pong"
    logged = warnings(caplog)
    assert any("this line has no colon" in m for m in logged), logged
    assert any("neither Event nor Response" in m and "Foo" in m for m in logged), logged
    assert any("binary junk" in m for m in logged), logged
    assert not any("lost" in m for m in logged), logged


async def test_client_logs_the_truncated_message_when_peer_closes_mid_message(
    peer: AmiPeer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="acd.ami")
    async with running(peer) as (_, events):
        await peer.push(b"Event: Newchannel\r\nChannel: PJSIP/trunk-0000")
        await peer.drop()
        await events.wait_for(ev.ConnectionLost, timeout=BOUND)

    truncated = [m for m in warnings(caplog) if "truncated" in m]
    assert len(truncated) == 1, warnings(caplog)
    assert "PJSIP/trunk-0000" in truncated[0]
    assert not any(isinstance(e, ev.Newchannel) for e in events.events)


async def test_client_run_raises_auth_error_after_one_login_when_secret_is_wrong(
    peer: AmiPeer,
) -> None:
    client = make_client(peer.port, EventLog(), secret="wrong")

    with pytest.raises(AmiAuthError, match="Authentication failed"):
        await asyncio.wait_for(client.run(), BOUND)

    assert peer.login_attempts == 1
    assert not client.connected.is_set()


async def test_client_action_times_out_when_peer_never_answers(peer: AmiPeer) -> None:
    async with running(peer) as (client, _):
        action = asyncio.create_task(client.send_action({"Action": "Silent"}))
        done, _ = await asyncio.wait({action}, timeout=BOUND)
        assert action in done, "the action timeout did not fire"
        assert isinstance(action.exception(), TimeoutError)
        pong = await client.send_action({"Action": "Ping"})

    assert pong.fields["Response"] == "Success"


async def test_client_returns_the_list_events_when_action_is_sent_with_collect(
    peer: AmiPeer,
) -> None:
    async with running(peer) as (client, events):
        reply = await client.send_action({"Action": "CoreShowChannels"}, collect=True)
        await client.send_action({"Action": "Ping"})  # anything stray has arrived by now

    assert reply.fields["Response"] == "Success"
    assert [e.name for e in reply.events] == ["CoreShowChannel"] * 3
    assert [e.get("Channel") for e in reply.events] == [f"PJSIP/a-{n:08x}" for n in range(3)]
    assert {e.get("ActionID") for e in reply.events} == {reply.fields["ActionID"]}
    assert events.events == [], "list events leaked to the event sink"


async def test_client_reports_lost_then_restored_when_peer_restarts(
    peer: AmiPeer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="acd.ami")
    async with running(peer) as (client, events):
        await peer.stop()
        await events.wait_for(ev.ConnectionLost, timeout=BOUND)

        def attempts() -> list[logging.LogRecord]:
            return [r for r in caplog.records if "next try" in r.getMessage()]

        await wait_until(lambda: len(attempts()) >= 3)
        await peer.start()
        restored = await events.wait_for(ev.ConnectionRestored, timeout=BOUND)
        pong = await client.send_action({"Action": "Ping"})

    kinds = [type(e) for e in events.events]
    assert kinds == [ev.ConnectionLost, ev.ConnectionRestored]
    lost = events.events[0]
    assert isinstance(lost, ev.ConnectionLost) and lost.reason
    assert restored.downtime > 0
    assert pong.fields["Ping"] == "Pong"
    assert peer.login_attempts == 2
    assert {r.levelno for r in attempts()} == {logging.DEBUG}
    logged = warnings(caplog)
    assert len([m for m in logged if "lost" in m]) == 1, logged
    assert len([m for m in logged if "restored" in m]) == 1, logged
    assert len(logged) == 2, logged


async def test_client_fails_pending_actions_with_not_connected_when_connection_drops(
    peer: AmiPeer,
) -> None:
    async with running(peer) as (client, events):
        action = asyncio.create_task(client.send_action({"Action": "Silent"}, timeout=BOUND))
        await peer.wait_action("Silent")
        await peer.drop()
        done, _ = await asyncio.wait({action}, timeout=BOUND)
        assert action in done
        assert isinstance(action.exception(), AmiNotConnected)
        await events.wait_for(ev.ConnectionRestored, timeout=BOUND)


async def test_client_refuses_an_action_when_not_connected(peer: AmiPeer) -> None:
    client = make_client(peer.port, EventLog())

    with pytest.raises(AmiNotConnected):
        await client.send_action({"Action": "Ping"})

    assert peer.actions == []


async def test_client_run_returns_when_close_comes_while_reconnecting(peer: AmiPeer) -> None:
    events = EventLog()
    client = make_client(peer.port, events)
    task = asyncio.create_task(client.run())
    try:
        await asyncio.wait_for(client.connected.wait(), BOUND)
        peer.login_gate.clear()
        await peer.drop()
        await peer.wait_action("Login", count=2)  # the client is inside connect() now
        await client.close()
        peer.login_gate.set()
        ended, _ = await asyncio.wait({task}, timeout=BOUND)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    assert task in ended, "run() kept the new connection after close()"
    assert not any(isinstance(e, ev.ConnectionRestored) for e in events.events)
    await wait_until(lambda: not peer.connections)
