"""The agent console by keyboard alone, in a real browser on the real rig: the language
switch on the sign-in page; Enter answers; digits typed on the keypad reach Asterisk; Space
mutes (the caller hears silence) and holds (the caller hears Asterisk's music: the agent's
microphone is off meanwhile); a consult of a colleague is cancelled and the agent is back
with the caller; Enter hangs up, Extend grows the wrap-up countdown, the wrap-up is filed;
today's calls list the call with its disposition; the header's switch puts the page in
Chinese, kept across a reload."""

from __future__ import annotations

import asyncio
import gc
import re
import time
import wave
from collections.abc import Iterator
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
from tests.system.test_console_controls_live import COLLEAGUE, agent_channel, on, window_rms
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
FILED = ("password reset", "Reset by keyboard.")


@pytest.fixture(autouse=True)
def collected() -> Iterator[None]:
    yield
    gc.collect()  # Playwright's frames keep the SipCaller alive: see test_console_live


async def test_an_agent_works_a_call_by_keyboard(
    console_rig: Rig, chromium: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rig, seen, started = console_rig, dict[str, Any](), time.time()
    monkeypatch.setenv("ACD_ASTERISK_HTTP_PORT", str(rig.target.ports.http))
    shots = {name: artifacts() / f"console-{name}.png"
             for name in ("login-zh", "held", "consulting", "today", "zh")}  # fmt: skip
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
            seen["login"] = await login_page_in_chinese(page, http, shots["login-zh"])
            await sign_in_and_go_ready(page, http)
            call, caller_channel = await call_support(phones, rig, log)
            pop = await popped_while_ringing(page)
            await expect(page.get_by_test_id("answer")).to_be_focused()
            await page.keyboard.press("Enter")
            leg = await agent_channel(log)
            await media_both_ways(page)
            seen["digits"] = await digits_typed(page, log, leg)
            seen["times"] = await mute_then_hold(page, log, caller_channel, shots["held"])
            seen["consult"] = await consult_then_cancel(page, phones, call, shots["consulting"])
            await page.get_by_test_id("hangup").press("Enter")
            seen["left"] = await wrap_up_extended_and_filed(page)
            row = page.locator(f'[data-testid="todays-calls"] tr[data-call="{pop["call"]}"]')
            await expect(row).to_contain_text(FILED[0], timeout=TIMEOUT_MS)
            seen["today"] = await row.locator("td").all_text_contents()
            await page.screenshot(path=shots["today"])
            seen["zh"] = await header_switch_kept_across_reload(page, shots["zh"])
            record: dict[str, Any] = get(http, f"/calls/{pop['call']}", "2999")
            phones.hangup(call)  # the caller was in the survey after the agent hung up
            hung_up = time.monotonic()
            phones.wait_state(call, "DISCONNECTED", 10)
        await asyncio.sleep(0.5)  # the caller's recording is closed with the call
    voice, quiet, music = caller_heard(phones.recording(call), hung_up, seen["times"])
    print(f"caller heard RMS: {voice:.0f} talking, {quiet:.0f} while muted, "
          f"{music:.0f} on hold (the agent's microphone off)")  # fmt: skip
    print("consult cancelled:", seen["consult"])
    print("wrap-up left before and after Extend:", seen["left"], "today's row:", seen["today"])
    for name, path in shots.items():
        print(f"screenshot {name}: {path}")
    assert seen["login"] == ("zh-CN", "登录", "zh-CN")
    assert seen["digits"] == ("7#", ["7", "#"])
    assert voice > 100 and quiet < voice / 10
    assert music > 100  # Asterisk's music: the browser sends nothing on hold
    assert seen["consult"]["colleague"] == "DISCONNECTED"
    assert seen["consult"]["caller"] == "CONFIRMED" and seen["consult"]["panel"] == "talking"
    assert seen["consult"]["more_rtp"] > 25  # media with the caller again
    assert seen["left"][1] >= seen["left"][0] + 20  # 30 s more, less a few seconds
    assert seen["today"][1:] == [CALLER, "tech", "answered", FILED[0]]
    assert seen["zh"] == ("zh-CN", "置闲", "今日通话", "zh-CN", "置闲")
    assert record["agent"] == AGENT and record["transfers"] == []
    assert (record["disposition"], record["note"]) == FILED
    for path in shots.values():
        assert path.read_bytes().startswith(b"\x89PNG") and path.stat().st_size > 10_000
        assert path.stat().st_mtime > started - 1  # this run's


async def login_page_in_chinese(page: Page, http: int, shot: Path) -> tuple[str, str, str]:
    """The sign-in page's switch, by keyboard: (page language, heading, kept choice); then
    back to English."""
    await page.goto(f"http://127.0.0.1:{http}/")
    await page.get_by_test_id("login-lang").press("Enter")
    lang = await page.evaluate("document.documentElement.lang")
    heading = await page.locator("#login-view h2").first.text_content() or ""
    kept = await page.evaluate("localStorage.getItem('acd.lang')")
    await page.screenshot(path=shot)
    await page.get_by_test_id("login-lang").press("Enter")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    return lang, heading, kept


async def digits_typed(page: Page, log: EventLog, leg: str) -> tuple[str, list[str]]:
    """Open the keypad with Enter and type 7 and #: what the page shows it sent, and the
    digits Asterisk received on the agent's channel."""
    await page.get_by_test_id("keypad-toggle").press("Enter")
    await expect(page.get_by_test_id("key-1")).to_be_focused()
    await page.keyboard.press("7")
    await page.keyboard.press("#")
    got = []
    for digit in ("7", "#"):

        def received(e: AmiEvent, digit: str = digit) -> bool:
            return e.name == "DTMFEnd" and e.get("Channel") == leg and e.get("Digit") == digit

        got.append((await log.wait_for(AmiEvent, received)).get("Digit"))
    return await page.get_by_test_id("keypad-sent").inner_text(), got


async def mute_then_hold(page: Page, log: EventLog, caller: str, shot: Path) -> dict[str, float]:
    """Space on Mute, 2 s, Space again; Space on Hold: the caller's music starts; 3 s;
    Resume: it stops. When each happened (``time.monotonic()``)."""
    marks: dict[str, float] = {}
    mute, hold = page.get_by_test_id("mute"), page.get_by_test_id("hold")
    await mute.press("Space")
    await expect(mute).to_have_attribute("aria-pressed", "true")
    await expect(page.get_by_test_id("call-flags")).to_have_text("Muted")
    marks["muted"] = time.monotonic()
    await asyncio.sleep(2)
    marks["unmuted"] = time.monotonic()
    await mute.press("Space")
    await expect(mute).to_have_attribute("aria-pressed", "false")
    await hold.press("Space")
    await expect(hold).to_have_attribute("aria-pressed", "true", timeout=TIMEOUT_MS)
    await expect(page.get_by_test_id("call-panel")).to_have_attribute("data-held", "true")
    await expect(page.get_by_test_id("call-flags")).to_have_text("On hold")
    await expect(hold).to_have_text("Resume")
    await log.wait_for(AmiEvent, on(caller, "MusicOnHoldStart"))
    marks["music"] = time.monotonic()
    await page.screenshot(path=shot)
    await asyncio.sleep(3)
    marks["resumed"] = time.monotonic()
    await hold.press("Space")
    await expect(hold).to_have_attribute("aria-pressed", "false", timeout=TIMEOUT_MS)
    await log.wait_for(AmiEvent, on(caller, "MusicOnHoldStop"))
    marks["talking"] = time.monotonic()
    await asyncio.sleep(2)
    return marks


async def consult_then_cancel(page: Page, phones: SipCaller, call: int, shot: Path
                              ) -> dict[str, Any]:  # fmt: skip
    """Transfer (Enter), agent 2002, Consult first (Enter); 2002 answers; Back to the caller
    (Enter): the colleague's leg ends and media flows with the caller again."""
    await page.get_by_test_id("transfer-toggle").press("Enter")
    await expect(page.get_by_test_id("transfer-kind")).to_be_focused(timeout=TIMEOUT_MS)
    await page.get_by_test_id("transfer-kind").select_option("agent")
    await page.get_by_test_id("transfer-target").select_option(COLLEAGUE)
    await page.get_by_test_id("consult-start").press("Enter")
    consult = page.get_by_test_id("consult")
    await expect(consult).to_have_attribute("data-state", "consulting", timeout=TIMEOUT_MS)
    await expect(page.get_by_test_id("consult-complete")).to_be_focused()
    colleague = await wait_incoming(phones, COLLEAGUE, timeout=20)
    phones.wait_state(colleague, "CONFIRMED")
    await page.screenshot(path=shot)
    await page.get_by_test_id("consult-cancel").press("Enter")
    await expect(consult).to_be_hidden(timeout=TIMEOUT_MS)
    await expect(page.get_by_test_id("banner-info")).to_contain_text("back with the caller")
    await expect(page.get_by_test_id("hangup")).to_be_focused()
    phones.wait_state(colleague, "DISCONNECTED")
    before = await page.evaluate("window.acd.rtpStats()")
    await asyncio.sleep(1.5)
    after = await page.evaluate("window.acd.rtpStats()")
    return {
        "colleague": phones.state(colleague)[0], "caller": phones.state(call)[0],
        "panel": await page.get_by_test_id("call-panel").get_attribute("data-call"),
        "more_rtp": after["packetsReceived"] - before["packetsReceived"],
    }  # fmt: skip


def caller_heard(path: Path, hung_up: float, marks: dict[str, float]) -> tuple[float, ...]:
    """The RMS of the caller's recording while the agent talked, was muted, held."""
    with wave.open(str(path)) as wav:
        length = wav.getnframes() / wav.getframerate()

    def rms(start: float, end: float) -> float:
        """Between two ``time.monotonic()`` times: the recording ends with the hang-up."""
        return window_rms(path, length - (hung_up - start), length - (hung_up - end))

    return (rms(marks["talking"] + 0.4, marks["talking"] + 1.8),
            rms(marks["muted"] + 0.4, marks["unmuted"] - 0.2),
            rms(marks["music"] + 0.4, marks["resumed"] - 0.2))  # fmt: skip


def seconds(text: str) -> int:
    found = re.search(r"(\d+):(\d\d)", text)
    assert found, f"no time in {text!r}"
    return int(found[1]) * 60 + int(found[2])


async def wrap_up_extended_and_filed(page: Page) -> tuple[int, int]:
    """The wrap-up comes with the disposition focused; Extend (Enter) adds 30 s to the time
    left; the disposition and note are filed with Enter on Finish. The time left before
    and after Extend, in seconds."""
    await expect(page.get_by_test_id("wrap-up")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(page.get_by_test_id("disposition")).to_be_focused()
    left = page.get_by_test_id("wrap-up-left")
    await expect(left).to_contain_text("left", timeout=TIMEOUT_MS)
    before = seconds(await left.inner_text())
    await page.get_by_test_id("wrap-up-extend").press("Enter")
    await page.wait_for_function(  # the countdown moved up (by how much: the test says)
        """(before) => {
            const m = document.querySelector('[data-testid="wrap-up-left"]').textContent
                .match(/(\\d+):(\\d\\d)/);
            return m && Number(m[1]) * 60 + Number(m[2]) > before;
        }""", arg=before, timeout=TIMEOUT_MS)  # fmt: skip
    after = seconds(await left.inner_text())
    await page.get_by_test_id("disposition").select_option(FILED[0])
    await page.get_by_test_id("wrap-up-note").fill(FILED[1])
    await page.get_by_test_id("wrap-up-finish").press("Enter")
    await expect(page.get_by_test_id("wrap-up")).to_be_hidden(timeout=TIMEOUT_MS)
    return before, after


async def header_switch_kept_across_reload(page: Page, shot: Path) -> tuple[str, ...]:
    """The header's switch (Enter): the page in Chinese; a reload keeps it (and the agent
    signed in, the phone registered again); then back to English. Language, Ready's label,
    today's heading, then language and Ready's label after the reload."""
    await page.get_by_test_id("lang").press("Enter")
    ready, today = page.get_by_test_id("go-ready"), page.locator("#today-heading")
    shown = (await page.evaluate("document.documentElement.lang"), await ready.inner_text(),
             await today.inner_text())  # fmt: skip
    await page.reload()
    phone = page.get_by_test_id("phone-status")
    await expect(phone).to_have_attribute("data-status", "registered", timeout=TIMEOUT_MS)
    await expect(ready).to_have_text("置闲")
    await page.screenshot(path=shot)
    kept = (await page.evaluate("document.documentElement.lang"), await ready.inner_text())
    await page.get_by_test_id("lang").press("Enter")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    return (*shown, *kept)
