"""The IVR on real calls: a SIP caller dials the sample hotline on a real Asterisk 22."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from rig.audio import best_match, envelope
from rig.ports import free_port
from rig.session import SOUNDS, Rig
from rig.sipcaller import SipCaller

from acd.adapters.ami.events import AmiEvent
from tests.ami_helpers import EventLog, running_client

ACD = str(Path(sys.executable).with_name("acd"))
REPO = Path(__file__).resolve().parents[2]
OPEN = "2026-11-24T10:00:00+08:00"  # a Tuesday morning in Shanghai
CLOSED = "2026-11-24T22:00:00+08:00"


@contextmanager
def acd_running(rig: Rig, flows: Path, clock: str, log_file: Path) -> Iterator[int]:
    """``acd run`` on the rig with ``flows`` and its clock at ``clock``; yields the HTTP port."""
    http_port = free_port()
    env = {
        **os.environ,
        **rig.acd_env(),
        "ACD_HTTP_PORT": str(http_port),
        "ACD_FLOWS_DIR": str(flows),
        "ACD_FLOWS_POLL": "0.2",
        "ACD_CLOCK_START": clock,
        "ACD_ROUTING": str(REPO / "routing.yaml"),
        "ACD_DIRECTORY": str(REPO / "samples" / "customers.json"),
    }
    with log_file.open("w") as log:
        server = subprocess.Popen([ACD, "run"], env=env, stderr=log)
    try:
        health(http_port, wait=True)
        yield http_port
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def health(port: int, *, wait: bool = False) -> dict[str, object]:
    end = time.monotonic() + 15
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as reply:
                body: dict[str, object] = json.load(reply)
                return body
        except (OSError, urllib.error.HTTPError):
            if not wait or time.monotonic() > end:
                raise
        time.sleep(0.1)


def sample_flows(tmp_path: Path) -> Path:
    flows = tmp_path / "flows"
    shutil.copytree(REPO / "ivr_flows", flows)
    return flows


async def playing(events: EventLog, sound: str, timeout: float = 20) -> AmiEvent:
    """Wait until the IVR starts playing ``sound`` (Asterisk's AGIExecStart event)."""
    return await events.wait_for(
        AmiEvent,
        lambda e: e.name == "AGIExecStart" and e.get("Command").startswith(f'STREAM FILE "{sound}"'),
        timeout,
    )


async def getvar(client: object, channel: str, name: str) -> str:
    reply = await client.send_action({"Action": "Getvar", "Channel": channel, "Variable": name})  # type: ignore[attr-defined]
    return str(reply.fields.get("Value", ""))


def reference(rig: Rig, sound: str, tmp: Path) -> list[float]:
    """The loudness envelope of one of Asterisk's sounds, decoded by Asterisk itself."""
    inner = PurePosixPath(rig.target.inner) / f"{sound}.wav"
    rig.target.cli("module load res_convert.so")  # test-only: the product does not need it
    rig.target.cli(f"file convert {SOUNDS}/en/{sound}.gsm {inner}")
    wav = rig.install.host_path(inner)
    shutil.copy(wav, tmp / f"{sound}.wav")
    return envelope(tmp / f"{sound}.wav")


async def test_caller_verifies_and_reaches_the_billing_queue_with_its_choices(
    rig: Rig, tmp_path: Path
) -> None:
    with (
        acd_running(rig, sample_flows(tmp_path), OPEN, tmp_path / "acd.log") as http,
        SipCaller(port=free_port(), record_dir=tmp_path, user="13800000001") as phone,
    ):
        async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (ami, log):
            call = phone.call(f"sip:4008@127.0.0.1:{rig.target.ports.sip}")
            greeting = await playing(log, "hello")
            channel = greeting.get("Channel")
            await playing(log, "vm-press")
            phone.dtmf(call, "1")  # Mandarin
            await playing(log, "basic-pbx-ivr-main")
            phone.dtmf(call, "1")  # billing
            await playing(log, "agent-user")
            phone.dtmf(call, "100200#")
            await playing(log, "agent-pass")
            phone.dtmf(call, "4321#")
            await log.wait_for(
                AmiEvent, lambda e: e.name == "MusicOnHoldStart" and e.get("Channel") == channel
            )
            values = {n: await getvar(ami, channel, n) for n in (
                "ACD_OUTCOME", "ACD_CALL_TYPE", "ACD_SKILLS", "ACD_PRIORITY",
                "ACD_MENU_PATH", "ACD_VERIFIED", "ACD_LANGUAGE",
            )}  # fmt: skip
            status = health(http)
            phone.hangup(call)
            await asyncio.sleep(0.5)
    assert values == {
        "ACD_OUTCOME": "Queued",
        "ACD_CALL_TYPE": "billing",
        "ACD_SKILLS": "billing=5",
        "ACD_PRIORITY": "5",
        "ACD_MENU_PATH": "language:1>main_menu:1",
        "ACD_VERIFIED": "yes",
        "ACD_LANGUAGE": "zh",
    }
    assert status["ivr"] == {"version": status["ivr"]["version"], "in_menu": 0, "ended": {"Queued": 1}}  # type: ignore[index]
    heard = envelope(phone.recording(call))
    score, at = best_match(heard[:150], reference(rig, "hello", tmp_path))
    other, _ = best_match(heard[:150], reference(rig, "vm-goodbye", tmp_path))
    assert score > 0.8 and score - other > 0.2, (score, at, other)
