"""The IVR on real calls: a SIP caller dials the sample hotline on a real Asterisk 22."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path, PurePosixPath
from typing import Any

from rig.audio import best_match, envelope
from rig.ports import free_port
from rig.session import SOUNDS, Rig
from rig.sipcaller import SipCaller, wav_rms

from acd.adapters.ami.client import AmiClient
from acd.adapters.ami.events import AmiEvent
from tests.ami_helpers import EventLog, running_client
from tests.system.server import REPO, acd_running, health

QUEUE_VARS = (
    "ACD_OUTCOME", "ACD_CALL_TYPE", "ACD_SKILLS", "ACD_PRIORITY",
    "ACD_MENU_PATH", "ACD_VERIFIED", "ACD_LANGUAGE",
)  # fmt: skip
OPEN = "2026-11-24T10:00:00+08:00"  # a Tuesday morning in Shanghai
CLOSED = "2026-11-24T22:00:00+08:00"


def sample_flows(tmp_path: Path) -> Path:
    flows = tmp_path / "flows"
    shutil.copytree(REPO / "ivr_flows", flows)
    return flows


async def playing(
    events: EventLog, sound: str, channel: str | None = None, timeout: float = 20
) -> AmiEvent:
    """Wait until the IVR starts playing ``sound`` (Asterisk's AGIExecStart event)."""
    return await events.wait_for(
        AmiEvent,
        lambda e: (
            e.name == "AGIExecStart"
            and e.get("Command").startswith(f'STREAM FILE "{sound}"')
            and channel in (None, e.get("Channel"))
        ),
        timeout,
    )


async def on_hold(events: EventLog, channel: str) -> None:
    """The caller entered ``acd-hold``: acd's announcement on hold began (or the music)."""
    await events.wait_for(
        AmiEvent,
        lambda e: (
            e.get("Channel") == channel
            and (
                e.name == "MusicOnHoldStart"
                or e.get("Command").startswith('SET VARIABLE "ACD_ANNOUNCE_EVERY"')
            )
        ),
    )


async def channels(client: AmiClient) -> list[str]:
    reply = await client.send_action({"Action": "CoreShowChannels"}, collect=True)
    return [e.get("Channel") for e in reply.events if e.name == "CoreShowChannel"]


async def getvars(client: AmiClient, channel: str, *names: str) -> dict[str, str]:
    values = {}
    for name in names:
        action = {"Action": "Getvar", "Channel": channel, "Variable": name}
        values[name] = (await client.send_action(action)).fields.get("Value", "")
    return values


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
            await on_hold(log, channel)
            values = await getvars(ami, channel, *QUEUE_VARS)
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
    assert status["ivr"] == {
        "version": status["ivr"]["version"],
        "in_menu": 0,
        "ended": {"Queued": 1},
    }
    heard = envelope(phone.recording(call))
    first_seconds = heard[:300]
    score, at = best_match(first_seconds, reference(rig, "hello", tmp_path))
    other, _ = best_match(first_seconds, reference(rig, "vm-goodbye", tmp_path))
    # measured: 0.99 for the greeting at 0.01 s, 0.60 for a prompt that was not played
    assert score > 0.9 and at < 1.0 and other < 0.8, (score, at, other)


def sip_uri(rig: Rig, number: str) -> str:
    return f"sip:{number}@127.0.0.1:{rig.target.ports.sip}"


async def test_wrong_pin_three_times_sends_the_caller_unverified_to_an_agent(
    rig: Rig, tmp_path: Path
) -> None:
    with (
        acd_running(rig, sample_flows(tmp_path), OPEN, tmp_path / "acd.log"),
        SipCaller(port=free_port(), record_dir=tmp_path, user="13800000001") as phone,
    ):
        async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (ami, log):
            call = phone.call(sip_uri(rig, "4008"))
            channel = (await playing(log, "vm-press")).get("Channel")
            phone.dtmf(call, "2")  # English
            await playing(log, "basic-pbx-ivr-main", channel)
            phone.dtmf(call, "1")
            for _ in range(3):
                await playing(log, "agent-user", channel)
                phone.dtmf(call, "100200#")
                await playing(log, "agent-pass", channel)
                phone.dtmf(call, "0000#")
                await playing(log, "auth-incorrect", channel)
                log.events.clear()
            await on_hold(log, channel)
            values = await getvars(ami, channel, *QUEUE_VARS)
            phone.hangup(call)
    assert values == {
        "ACD_OUTCOME": "Queued",
        "ACD_CALL_TYPE": "general",
        "ACD_SKILLS": "",
        "ACD_PRIORITY": "0",
        "ACD_MENU_PATH": "language:2>main_menu:1",
        "ACD_VERIFIED": "no",
        "ACD_LANGUAGE": "en",
    }


async def test_after_hours_caller_asks_for_a_callback_and_is_hung_up_politely(
    rig: Rig, tmp_path: Path
) -> None:
    with (
        acd_running(rig, sample_flows(tmp_path), CLOSED, tmp_path / "acd.log") as http,
        SipCaller(port=free_port(), record_dir=tmp_path, user="14155550100") as phone,
    ):
        async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (_, log):
            call = phone.call(sip_uri(rig, "4008"))
            channel = (await playing(log, "vm-nobodyavail")).get("Channel")
            phone.dtmf(call, "1")
            await playing(log, "auth-thankyou", channel)
            await playing(log, "goodbye", channel)
            hangup = await log.wait_for(
                AmiEvent, lambda e: e.name == "Hangup" and e.get("Channel") == channel
            )
            phone.wait_state(call, "DISCONNECTED", 5)
            status = health(http)
    assert hangup.get("Cause") == "16"  # normal clearing: the flow ended the call
    assert status["ivr"]["ended"] == {"CallbackRequested": 1}


async def test_caller_hanging_up_mid_menu_leaves_nothing_behind(rig: Rig, tmp_path: Path) -> None:
    with (
        acd_running(rig, sample_flows(tmp_path), OPEN, tmp_path / "acd.log") as http,
        SipCaller(port=free_port(), record_dir=tmp_path) as phone,
    ):
        async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (ami, log):
            call = phone.call(sip_uri(rig, "4008"))
            channel = (await playing(log, "vm-press")).get("Channel")
            phone.dtmf(call, "1")
            await playing(log, "basic-pbx-ivr-main", channel)
            assert health(http)["ivr"]["in_menu"] == 1
            phone.hangup(call)
            await log.wait_for(
                AmiEvent, lambda e: e.name == "Hangup" and e.get("Channel") == channel
            )
            status = await _settled(http)
            left = await channels(ami)
    assert status["ivr"]["in_menu"] == 0 and status["ivr"]["ended"] == {"HungUp": 1}
    assert left == []
    assert "Traceback" not in (tmp_path / "acd.log").read_text()


async def _settled(http: int) -> dict[str, Any]:
    """/health once no call is in a menu (acd notices a hang-up within milliseconds)."""
    for _ in range(50):
        status = health(http)
        if status["ivr"]["in_menu"] == 0:
            return status
        await asyncio.sleep(0.1)
    return status


async def test_a_new_flow_version_reaches_the_next_caller_not_the_one_mid_menu(
    rig: Rig, tmp_path: Path
) -> None:
    flows = sample_flows(tmp_path)
    hotline = flows / "hotline.yaml"
    original = hotline.read_text()
    swapped = {'"1": verify_billing': '"1": tech_queue', '"2": tech_queue': '"2": verify_billing'}
    changed = original
    for old, new in swapped.items():
        changed = changed.replace(old, new)
    assert changed != original
    with (
        acd_running(rig, flows, OPEN, tmp_path / "acd.log") as http,
        SipCaller(port=free_port(), record_dir=tmp_path) as phone,
    ):
        async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (ami, log):
            first_version = health(http)["ivr"]["version"]
            early = phone.call(sip_uri(rig, "4008"))
            early_channel = (await playing(log, "vm-press")).get("Channel")

            hotline.write_text(original.replace("nodes:", "nodes: [", 1))  # a broken save
            await asyncio.sleep(1.0)
            assert health(http)["ivr"]["version"] == first_version
            hotline.write_text(changed)
            second_version = await _new_version(http, first_version)

            log.events.clear()
            late = phone.call(sip_uri(rig, "4008"))
            late_channel = (await playing(log, "hello")).get("Channel")
            await playing(log, "vm-press", late_channel)
            phone.dtmf(late, "1")
            await playing(log, "basic-pbx-ivr-main", late_channel)
            phone.dtmf(late, "1")
            await on_hold(log, late_channel)
            late_values = await getvars(ami, late_channel, "ACD_CALL_TYPE", "ACD_FLOW")

            phone.dtmf(early, "1")
            await playing(log, "basic-pbx-ivr-main", early_channel)
            phone.dtmf(early, "1")
            await playing(log, "agent-user", early_channel)  # the old menu: billing asks first
            phone.hangup(early)
            phone.hangup(late)
    assert late_values == {"ACD_CALL_TYPE": "tech", "ACD_FLOW": f"hotline@{second_version}"}
    text = (tmp_path / "acd.log").read_text()
    assert f"flows not published, version {first_version} stays live" in text
    assert "hotline.yaml:" in text and ": YAML: expected ',' or ']'" in text


async def _new_version(http: int, old: object) -> object:
    for _ in range(50):
        version = health(http)["ivr"]["version"]
        if version != old:
            return version
        await asyncio.sleep(0.1)
    raise AssertionError("the good flow file was never published")


PROBE = """
name: probe
numbers: ["4009"]
entry: find
on_error: sorry
nodes:
  find:
    type: lookup
    source: http
    url: "http://127.0.0.1:{port}/customers/${{key}}"
    timeout: 1
    found: doomed
    not_found: doomed
    failed: doomed
  doomed: {{type: play, prompts: [{sound}], next: bye}}
  bye: {{type: hangup}}
  sorry: {{type: play, prompts: [sorry], next: agents}}
  agents: {{type: queue, call_type: general}}
"""


async def test_a_crm_that_is_down_and_a_vanished_sound_end_in_an_apology_and_an_agent(
    rig: Rig, tmp_path: Path
) -> None:
    flows = sample_flows(tmp_path)
    sounds = rig.install.host_path(SOUNDS)
    language = next(d for d in sounds.iterdir() if (d / "hello.gsm").is_file())
    vanishing = language / f"acd-test-vanishing-{os.getpid()}.gsm"
    shutil.copy(language / "hello.gsm", vanishing)
    (flows / "probe.yaml").write_text(PROBE.format(port=free_port(), sound=vanishing.stem))
    try:
        with (
            acd_running(rig, flows, OPEN, tmp_path / "acd.log"),
            SipCaller(port=free_port(), record_dir=tmp_path) as phone,
        ):
            vanishing.unlink()  # published while it existed; gone when the caller comes
            async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (
                ami,
                log,
            ):
                call = phone.call(sip_uri(rig, "4009"))
                channel = (await playing(log, vanishing.stem)).get("Channel")
                await playing(log, "sorry", channel)
                await on_hold(log, channel)
                values = await getvars(ami, channel, "ACD_OUTCOME", "ACD_CALL_TYPE")
                phone.hangup(call)
    finally:
        vanishing.unlink(missing_ok=True)
    assert values == {"ACD_OUTCOME": "Queued", "ACD_CALL_TYPE": "general"}
    text = (tmp_path / "acd.log").read_text()
    assert "customer lookup failed: ClientConnectorError" in text
    assert f"cannot play Sound(name='{vanishing.stem}')" in text


async def test_caller_sent_back_for_the_survey_rates_the_call(rig: Rig, tmp_path: Path) -> None:
    with (
        acd_running(rig, sample_flows(tmp_path), OPEN, tmp_path / "acd.log") as http,
        SipCaller(port=free_port(), record_dir=tmp_path) as phone,
    ):
        async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (ami, log):
            call = phone.call(sip_uri(rig, "4008"))
            channel = (await playing(log, "vm-press")).get("Channel")
            phone.dtmf(call, "2")
            await playing(log, "basic-pbx-ivr-main", channel)
            phone.dtmf(call, "2")  # technical support
            await on_hold(log, channel)
            queued = await getvars(ami, channel, "ACD_CALL_TYPE", "ACD_SURVEY")
            # what routing does once the agent hangs up: back into the flow for the survey
            survey = queued["ACD_SURVEY"]
            redirect = {"Action": "Redirect", "Channel": channel, "Context": "acd-ivr",
                        "Exten": survey, "Priority": "1"}  # fmt: skip
            assert (await ami.send_action(redirect)).fields["Response"] == "Success"
            await playing(log, "demo-thanks", channel)
            phone.dtmf(call, "4")
            await playing(log, "auth-thankyou", channel)
            await log.wait_for(
                AmiEvent, lambda e: e.name == "Hangup" and e.get("Channel") == channel
            )
            status = health(http)
    assert queued == {"ACD_CALL_TYPE": "tech", "ACD_SURVEY": "hotline.survey"}
    assert status["ivr"]["ended"] == {"Queued": 1, "Rated": 1}
    text = (tmp_path / "acd.log").read_text()
    assert "left the IVR: Rated after hotline.survey" in text


async def test_after_hours_caller_leaves_a_voicemail(rig: Rig, tmp_path: Path) -> None:
    inbox = rig.target.home / "spool" / "voicemail" / "acd" / "hotline" / "INBOX"
    before = set(inbox.glob("msg*.txt")) if inbox.exists() else set()
    with (
        acd_running(rig, sample_flows(tmp_path), CLOSED, tmp_path / "acd.log"),
        SipCaller(port=free_port(), record_dir=tmp_path, user="14155550104") as phone,
    ):
        async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (_, log):
            call = phone.call(sip_uri(rig, "4008"))
            channel = (await playing(log, "vm-nobodyavail")).get("Channel")
            phone.dtmf(call, "2")
            # the mailbox's "not available" greeting and instructions, the beep, then the
            # caller's tone is recorded for a few seconds
            await asyncio.sleep(14)
            phone.hangup(call)
            await log.wait_for(
                AmiEvent, lambda e: e.name == "Hangup" and e.get("Channel") == channel
            )
            await asyncio.sleep(1)
    messages = set(inbox.glob("msg*.txt")) - before
    assert len(messages) == 1
    message = next(iter(messages))
    assert "14155550104" in message.read_text()  # the caller ID is kept with the message
    assert wav_rms(message.with_suffix(".wav")) > 1000  # the caller's tone (measured ~8800)
