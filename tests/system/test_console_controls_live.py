"""The buttons of a call in the agent console, in a real browser on the real rig: the keypad
sends digits Asterisk receives; Hold puts the caller on Asterisk's music and Resume takes them
back; Mute silences what the caller hears; Consult first rings a colleague on the agent's own
call and Complete transfer hands them the caller; the console reads in Chinese."""

from __future__ import annotations

import asyncio
import gc
import struct
import time
import wave
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect
from rig.ports import free_port
from rig.session import Rig
from rig.sipcaller import SipCaller

from acd.adapters.ami.events import AmiEvent
from tests.ami_helpers import EventLog, running_client
from tests.system.phones import add_agent_phone
from tests.system.server import acd_running
from tests.system.test_console_live import (
    AGENT,
    CALLER,
    TIMEOUT_MS,
    artifacts,
    browser_page,
    chromium,
    console_rig,
    media_both_ways,
    popped_while_ringing,
    sign_in_and_go_ready,
)
from tests.system.test_ivr_live import OPEN, sample_flows
from tests.system.test_routing_live import call_support, desk, get, wait_incoming

__all__ = ["chromium", "console_rig"]  # fixtures, used by name
COLLEAGUE = "2002"  # Support, on a SIP desk phone that answers by itself


@pytest.fixture(autouse=True)
def collected() -> Iterator[None]:
    yield
    gc.collect()  # Playwright's frames keep the SipCaller alive: see test_console_live


def window_rms(path: Path, start: float, end: float) -> float:
    """Root mean square of a 16-bit mono WAV between two offsets (seconds)."""
    with wave.open(str(path)) as wav:
        rate = wav.getframerate()
        wav.setpos(min(wav.getnframes(), int(start * rate)))
        frames = wav.readframes(max(0, int((end - start) * rate)))
    samples = struct.unpack(f"<{len(frames) // 2}h", frames[: len(frames) // 2 * 2])
    return float((sum(s * s for s in samples) / max(1, len(samples))) ** 0.5)


async def agent_channel(log: EventLog) -> str:
    """The browser agent's channel (acd's leg to their phone)."""
    found = await log.wait_for(AmiEvent, lambda e: e.name == "Newchannel"
                               and e.get("Channel").startswith(f"PJSIP/{AGENT}-"))  # fmt: skip
    return found.get("Channel")


def on(channel: str, name: str) -> Callable[[AmiEvent], bool]:
    """An event ``name`` of ``channel``."""
    return lambda e: e.name == name and e.get("Channel") == channel


async def toggled(page: Page, button: str, pressed: str) -> None:
    await page.get_by_test_id(button).click()
    await expect(page.get_by_test_id(button)).to_have_attribute("aria-pressed", pressed,
                                                                timeout=TIMEOUT_MS)  # fmt: skip


async def test_keypad_hold_mute_consult_and_chinese(
    console_rig: Rig, chromium: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rig, seen = console_rig, dict[str, Any]()
    monkeypatch.setenv("ACD_ASTERISK_HTTP_PORT", str(rig.target.ports.http))
    shot = artifacts() / "console-controls-zh.png"
    with (
        acd_running(rig, sample_flows(tmp_path), OPEN, tmp_path / "acd.log") as http,
        SipCaller(port=free_port(), record_dir=tmp_path, user=CALLER) as phones,
    ):
        assert add_agent_phone(phones, rig, COLLEAGUE) == ("REGISTERED", 200)
        assert desk(http, COLLEAGUE, "login") == 202  # not ready: consulted all the same
        async with (
            browser_page(chromium) as page,
            running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (_, log),
        ):
            await sign_in_and_go_ready(page, http)
            call, caller_channel = await call_support(phones, rig, log)
            pop = await popped_while_ringing(page)
            await page.get_by_test_id("answer").click()
            leg = await agent_channel(log)
            await media_both_ways(page)
            await page.get_by_test_id("keypad-toggle").click()
            await page.get_by_test_id("key-5").click()
            seen["digit"] = await log.wait_for(
                AmiEvent, lambda e: e.name == "DTMFEnd" and e.get("Channel") == leg
            )
            await toggled(page, "hold", "true")
            seen["held"] = await log.wait_for(AmiEvent, on(caller_channel, "MusicOnHoldStart"))
            await toggled(page, "hold", "false")
            seen["resumed"] = await log.wait_for(AmiEvent, on(caller_channel, "MusicOnHoldStop"))
            await asyncio.sleep(1.5)
            talking = time.monotonic()  # the second before: the agent's voice
            await toggled(page, "mute", "true")
            await asyncio.sleep(2.0)
            muted = time.monotonic()  # the 1.2 s before: silence
            await toggled(page, "mute", "false")
            await consult_and_complete(page, phones, call, seen)
            await page.get_by_test_id("lang").click()
            await expect(page.get_by_test_id("wrap-up")).to_be_visible(timeout=TIMEOUT_MS)
            await expect(page.locator(".brand")).to_have_text("坐席工作台")
            await page.screenshot(path=shot)
            await page.get_by_test_id("lang").click()  # back to English for the next test
            record: dict[str, Any] = get(http, f"/calls/{pop['call']}", "2999")
            phones.hangup(call)
            hung_up = time.monotonic()
        await asyncio.sleep(0.5)
    assert seen["digit"].get("Digit") == "5"
    assert seen["consulted"] == "CONFIRMED" and seen["caller_after"] == "CONFIRMED"
    assert record["transfers"] == [f"agent:{COLLEAGUE}"] and record["agent"] == COLLEAGUE
    heard = phones.recording(call)
    with wave.open(str(heard)) as wav:
        length = wav.getnframes() / wav.getframerate()

    def before(at: float, seconds: float) -> tuple[float, float]:
        """The ``seconds`` before ``at`` (monotonic), as offsets into the recording."""
        end = length - (hung_up - at)
        return end - seconds, end

    loud, quiet = window_rms(heard, *before(talking, 1.0)), window_rms(heard, *before(muted, 1.2))
    print(f"caller heard RMS {loud:.0f} talking, {quiet:.0f} while the agent was muted")
    assert loud > 100 and quiet < loud / 10
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000


async def consult_and_complete(page: Page, phones: SipCaller, call: int, seen: dict[str, Any]
                               ) -> None:  # fmt: skip
    """Transfer, To: agent 2002, Consult first; 2002 answers; Complete transfer."""
    await page.get_by_test_id("transfer-toggle").click()
    await page.get_by_test_id("transfer-kind").select_option("agent")
    await page.get_by_test_id("transfer-target").select_option(COLLEAGUE)
    await page.get_by_test_id("consult-start").click()
    consulted = await wait_incoming(phones, COLLEAGUE, timeout=20)
    phones.wait_state(consulted, "CONFIRMED")
    consult = page.get_by_test_id("consult")
    await expect(consult).to_have_attribute("data-state", "consulting", timeout=TIMEOUT_MS)
    await asyncio.sleep(0.5)  # acd has seen the answer
    await page.get_by_test_id("consult-complete").click()
    panel = page.get_by_test_id("call-panel")
    await expect(panel).to_have_attribute("data-call", "idle", timeout=TIMEOUT_MS)
    seen["consulted"] = phones.state(consulted)[0]
    seen["caller_after"] = phones.state(call)[0]
