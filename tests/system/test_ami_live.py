"""acd's AMI adapter against a real Asterisk 22: calls seen, audio heard, reconnects, bad secret."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from rig.ports import free_port
from rig.session import Rig
from rig.sipcaller import SipCaller, wav_rms

from acd.adapters.ami import events as ev
from tests.ami_helpers import running_client

ACD = str(Path(sys.executable).with_name("acd"))


async def test_originated_call_is_seen_from_newchannel_to_hangup(rig: Rig) -> None:
    async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (ami, log):
        reply = await ami.send_action(
            {
                "Action": "Originate",
                "Channel": "Local/9000@from-trunk",
                "Context": "acd-originate",
                "Exten": "park",
                "Priority": "1",
                "CallerID": '"acd test" <5550100>',
                "Async": "true",
            }
        )
        assert reply.fields["Response"] == "Success"
        result = await log.wait_for(ev.OriginateResponse)
        assert result.response == "Success"
        opened = await log.wait_for(ev.Newchannel, lambda e: e.channel.startswith("Local/9000@"))
        # the line check plays its prompts and hangs up by itself
        hung = await log.wait_for(ev.Hangup, lambda e: e.uniqueid == opened.uniqueid, timeout=20)
        assert hung.channel == opened.channel


async def test_sip_caller_hears_the_line_check_prompt(rig: Rig, tmp_path: Path) -> None:
    loop = asyncio.get_running_loop()
    async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (_, log):
        with SipCaller(port=free_port(), record_dir=tmp_path) as phone:
            call = phone.call(f"sip:9000@127.0.0.1:{rig.target.ports.sip}")
            await loop.run_in_executor(None, phone.wait_state, call, "CONFIRMED", 10.0)
            opened = await log.wait_for(
                ev.Newchannel, lambda e: e.channel.startswith("PJSIP/trunk-")
            )
            assert opened.exten == "9000"
            hung = await log.wait_for(
                ev.Hangup, lambda e: e.uniqueid == opened.uniqueid, timeout=20
            )
            await loop.run_in_executor(None, phone.wait_state, call, "DISCONNECTED", 10.0)
            recording = phone.recording(call)
    assert hung.cause == "16"  # normal clearing: Asterisk hung up after the prompt
    assert wav_rms(recording) > 100, "the caller heard silence"


async def test_client_reconnects_after_asterisk_restarts_logging_once_each(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="acd.ami")
    loop = asyncio.get_running_loop()
    async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (ami, log):
        await loop.run_in_executor(None, rig.target.stop)
        await log.wait_for(ev.ConnectionLost)
        await asyncio.sleep(3)  # several reconnect attempts while Asterisk is down
        await loop.run_in_executor(None, rig.target.start)
        restored = await log.wait_for(ev.ConnectionRestored, timeout=20)
        reply = await ami.send_action({"Action": "Ping"})
    assert reply.fields["Response"] == "Success"
    assert restored.downtime >= 3
    lost = [r for r in caplog.records if r.levelno >= logging.WARNING and "lost" in r.message]
    back = [r for r in caplog.records if r.levelno >= logging.WARNING and "restored" in r.message]
    assert len(lost) == 1 and len(back) == 1, [r.message for r in caplog.records]
    retries = [r for r in caplog.records if "next try" in r.message]
    assert len(retries) >= 2 and all(r.levelno == logging.DEBUG for r in retries)


def _acd(rig: Rig, *args: str, secret: str, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **rig.acd_env(), "ACD_AMI_SECRET": secret, "ACD_HTTP_PORT": "0"}
    return subprocess.run(
        [ACD, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_ami_check_reports_the_asterisk_version(rig: Rig) -> None:
    done = _acd(rig, "ami", "check", secret=rig.ami_secret, timeout=20)
    assert done.returncode == 0, done.stderr
    assert "Asterisk 22." in done.stdout


@pytest.mark.parametrize("command", [["ami", "check"], ["run"]])
def test_wrong_ami_secret_gives_one_clear_error_and_exit_2(rig: Rig, command: list[str]) -> None:
    done = _acd(rig, *command, secret="not-the-secret", timeout=30)
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1, done.stderr
    assert "refused AMI login as 'acd'" in errors[0]


async def test_carrier_call_reaches_the_target_and_sends_dtmf(rig: Rig) -> None:
    assert rig.carrier is not None
    async with (
        running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (_, log),
        running_client(
            port=rig.carrier.ports.ami, secret=rig.carrier.values["AMI_SECRET"], user="carrier"
        ) as (carrier, _carrier_log),
    ):
        await carrier.send_action(
            {
                "Action": "Originate",
                "Channel": "PJSIP/9000@target",
                "Context": "carrier",
                "Exten": "dtmf",
                "Priority": "1",
                "Async": "true",
                "Variable": ["DIGITS=42", "WAITS=0.5"],
            }
        )
        opened = await log.wait_for(ev.Newchannel, lambda e: e.channel.startswith("PJSIP/trunk-"))
        received = [
            await log.wait_for(ev.DTMFEnd, lambda e: e.direction == "Received" and e.digit == "4"),
            await log.wait_for(ev.DTMFEnd, lambda e: e.direction == "Received" and e.digit == "2"),
        ]
        await log.wait_for(ev.Hangup, lambda e: e.uniqueid == opened.uniqueid, timeout=20)
    assert {d.uniqueid for d in received} == {opened.uniqueid}


def test_acd_run_reports_ami_up_on_health_and_stops_on_sigint(rig: Rig) -> None:
    http_port = free_port()
    env = {**os.environ, **rig.acd_env(), "ACD_HTTP_PORT": str(http_port)}
    server = subprocess.Popen([ACD, "run"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        health = _poll_health(http_port, until_status=200, timeout=15)
        assert health["ami"] == "up"
        server.send_signal(signal.SIGINT)
        _, stderr = server.communicate(timeout=15)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert server.returncode == 0, stderr
    assert "AMI connected" in stderr and "stopped" in stderr


def _poll_health(port: int, *, until_status: int, timeout: float) -> dict[str, object]:
    end = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as reply:
                if reply.status == until_status:
                    body: dict[str, object] = json.load(reply)
                    return body
        except (OSError, urllib.error.HTTPError):
            pass
        if time.monotonic() > end:
            raise TimeoutError(f"/health on port {port} never answered {until_status}")
        time.sleep(0.1)
