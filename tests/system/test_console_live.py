"""The agent console in a real browser (headless Chromium, fake microphone) on the real rig:
the agent signs in on the page, goes ready, the caller's record pops while the browser
phone rings, the agent answers, audio flows both ways, the caller hangs up, and the wrap-up
filed on the page is in the call's record."""

from __future__ import annotations

import asyncio
import gc
import struct
import time
import wave
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, async_playwright, expect
from rig.ports import free_port
from rig.session import Rig
from rig.sipcaller import SipCaller, wav_rms

from tests.ami_helpers import EventLog, running_client
from tests.system.conftest import AGENTS
from tests.system.server import acd_running
from tests.system.test_ivr_live import OPEN, sample_flows
from tests.system.test_routing_live import call_support, get

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    "--disable-features=WebRtcHideLocalIpsWithMdns",  # real host IPs in ICE, not *.local names
]  # fmt: skip
AGENT, PIN = "2003", "9003"
PIN_HASH = (
    "pbkdf2$20000$a20c75a78f3dde72$"  # `acd agents hash-pin` of 9003
    "937f750c86f9f748549e529ef32a62d8714ce82c2097ecac2f9f44a20f1249c4"
)
BROWSER_AGENT = f"""
  - id: "{AGENT}"
    name: Web Agent
    team: Support
    skills: {{tech: 7, english: 8}}
    phone: webrtc
    pin_hash: {PIN_HASH}
"""
"""A support agent on the browser phone."""
CALLER = "14155550100"  # samples/customers.json: Alice Smith, account 100201
TIMEOUT_MS = 15_000
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def artifacts() -> Path:
    """``tests/system/artifacts/``: kept after the run, ignored by git (its own .gitignore)."""
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / ".gitignore").write_text("*\n")
    return ARTIFACTS


@pytest.fixture(scope="module")
def console_rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    """The system tests' agents and a browser agent, on a rig of their own: the other tests
    count the agents of ``tests/system/agents.yaml``."""
    agents = tmp_path_factory.mktemp("console") / "agents.yaml"
    agents.write_text(AGENTS.read_text() + BROWSER_AGENT)
    with Rig.create(agents=agents) as rig:
        yield rig


@pytest.fixture(autouse=True)
def collected() -> Iterator[None]:
    """Playwright keeps the stack of its last call, frames and so their locals (the
    SipCaller), in a reference cycle; the next test may make a pjsua2 endpoint only once
    this one's is gone: collect it now, not whenever the garbage collector runs."""
    yield
    gc.collect()


@pytest.fixture
def chromium() -> Path:
    """Debian's Chromium (provisioning installs it): never skipped, a clear failure."""
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run scripts/provision.sh (or `make test`)")
    return CHROMIUM


@asynccontextmanager
async def browser_page(chromium: Path) -> AsyncIterator[Page]:
    """A page of headless Chromium with a fake microphone, at 1366×768; on a failure, the
    page's last console lines are printed."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
        )
        logged: list[str] = []
        try:
            page = await browser.new_page(viewport={"width": 1366, "height": 768})
            page.on("console", lambda message: logged.append(message.text))
            yield page
        except BaseException:
            print("browser console:", *logged[-30:], sep="\n  ")
            raise
        finally:
            await browser.close()


async def test_an_agent_answers_in_the_browser_with_the_pop_shown_while_ringing(
    console_rig: Rig, chromium: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rig, started = console_rig, time.time()
    monkeypatch.setenv("ACD_ASTERISK_HTTP_PORT", str(rig.target.ports.http))  # its WebSocket
    shots = {name: artifacts() / f"console-{name}.png"
             for name in ("ringing", "on-call", "wrap-up", "history")}  # fmt: skip
    with (
        acd_running(rig, sample_flows(tmp_path), OPEN, tmp_path / "acd.log") as http,
        SipCaller(port=free_port(), record_dir=tmp_path, user=CALLER) as caller,
    ):
        async with (
            browser_page(chromium) as page,
            running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (_, log),
        ):
            await sign_in_and_go_ready(page, http)
            call, _ = await call_support(caller, rig, log)
            pop = await popped_while_ringing(page)
            await page.screenshot(path=shots["ringing"])
            rtp, answered = await answer_and_talk(page, shots["on-call"])
            caller.hangup(call)
            talked = time.monotonic() - answered
            caller.wait_state(call, "DISCONNECTED", 10)
            filed = await wrap_up(page, shots["wrap-up"])
            again = await call_again(page, caller, rig, log, shots["history"])
        await asyncio.sleep(0.5)  # the caller's recording is closed with the call
        record = get(http, f"/calls/{pop['call']}", "2999")
    for shown in (pop, again):
        print(ring_to_pop(shown))
    print("browser RTP:", rtp)
    for name, path in shots.items():
        print(f"screenshot {name}: {path}")
    heard = wav_rms(caller.recording(call))
    agent_heard = tail_rms(caller.recording(call), talked - 0.5)
    print(f"caller's recording RMS: {heard:.0f} in all, {agent_heard:.0f} while talking "
          "to the agent")  # fmt: skip
    assert pop["name"] == "Alice Smith" and pop["account"] == "100201"
    assert pop["call_type"].startswith("tech") and pop["number"] == CALLER
    assert pop["panel"] == "ringing" and pop["answer_enabled"]  # shown before the answer
    assert rtp["packetsReceived"] > 0 and rtp["packetsSent"] > 0
    assert heard > 100 and agent_heard > 100  # the browser's fake microphone reached them
    assert (record["agent"], record["outcome"]) == (AGENT, "answered")
    assert (record["disposition"], record["note"]) == filed
    assert record["disposed_by"] == AGENT
    assert again["history"][0][1:] == [AGENT, "answered", filed[0], filed[1]]
    assert again["call"] != pop["call"] and again["withdrawn"]
    for path in shots.values():
        assert path.read_bytes().startswith(b"\x89PNG") and path.stat().st_size > 10_000
        assert path.stat().st_mtime > started - 1  # this run's


async def sign_in_and_go_ready(page: Page, http: int) -> None:
    """Sign in on the page; the browser phone registers; the agent clicks Ready."""
    await page.goto(f"http://127.0.0.1:{http}/")
    await page.get_by_test_id("login-user").fill(AGENT)
    await page.get_by_test_id("login-pin").fill(PIN)
    await page.get_by_test_id("login-pin").press("Enter")
    await expect(page.get_by_test_id("phone-status")).to_have_attribute(
        "data-status", "registered", timeout=TIMEOUT_MS
    )
    await expect(page.get_by_test_id("push-status")).to_have_attribute("data-status", "up")
    state = page.get_by_test_id("agent-state")
    await expect(state).to_have_attribute("data-state", "not_ready", timeout=TIMEOUT_MS)
    await page.get_by_test_id("go-ready").click()
    await expect(state).to_have_attribute("data-state", "ready", timeout=TIMEOUT_MS)


async def popped_while_ringing(page: Page) -> dict[str, Any]:
    """Wait for the ring and the pop; what the page shows then, and when each came (ms on
    the page's own clock, ``performance.now()``)."""
    await expect(page.get_by_test_id("ring")).to_be_visible(timeout=30_000)
    await expect(page.get_by_test_id("pop")).to_be_visible(timeout=TIMEOUT_MS)
    await expect(page.get_by_test_id("pop-name")).to_have_text("Alice Smith", timeout=TIMEOUT_MS)
    shown: dict[str, Any] = await page.evaluate(
        """() => {
            const text = (id) => document.querySelector(`[data-testid="${id}"]`).textContent;
            const {ring, pop} = window.acd.marks();
            return {
                ring: ring.at(-1), pop: pop.at(-1), ring_to_pop_ms: pop.at(-1) - ring.at(-1),
                name: text('pop-name'), account: text('pop-account'),
                number: text('pop-number'), call_type: text('pop-call-type'),
                call: text('pop-call-id'),
                panel: document.querySelector('[data-testid="call-panel"]').dataset.call,
                answer_enabled: !document.querySelector('[data-testid="answer"]').disabled,
            };
        }"""
    )
    return shown


async def call_again(
    page: Page, caller: SipCaller, rig: Rig, log: EventLog, shot: Path
) -> dict[str, Any]:
    """The agent is ready again; the customer calls again: the pop lists the first call
    with what the agent filed; the caller gives up while it rings: the pop goes away."""
    await expect(page.get_by_test_id("agent-state")).to_have_attribute(
        "data-state", "ready", timeout=TIMEOUT_MS
    )
    call, _ = await call_support(caller, rig, log)
    shown = await popped_while_ringing(page)
    shown["history"] = await page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="pop-history-row"]')]
                 .map((row) => [...row.cells].map((cell) => cell.textContent))"""
    )
    await page.screenshot(path=shot)
    caller.hangup(call)
    await expect(page.get_by_test_id("pop")).to_be_hidden(timeout=TIMEOUT_MS)
    await expect(page.get_by_test_id("ring")).to_be_hidden(timeout=TIMEOUT_MS)
    shown["withdrawn"] = await page.get_by_test_id("no-pop").is_visible()
    return shown


def ring_to_pop(shown: dict[str, Any]) -> str:
    took = shown["ring_to_pop_ms"]
    when = f"{took:.1f} ms after" if took >= 0 else f"{-took:.1f} ms before"
    return (f"ring→pop: the pop was visible {when} the browser phone rang "
            f"(newRTCSession at {shown['ring']:.1f} ms, pop at {shown['pop']:.1f} ms on the "
            f"page's clock), call {shown['call']}")  # fmt: skip


async def answer_and_talk(page: Page, shot: Path) -> tuple[dict[str, Any], float]:
    """The agent clicks Answer and talks until packets have gone both ways for a while; the
    browser's RTP counters, and when the call was answered (``time.monotonic()``)."""
    await page.get_by_test_id("answer").click()
    await expect(page.get_by_test_id("call-panel")).to_have_attribute(
        "data-call", "talking", timeout=TIMEOUT_MS
    )
    answered = time.monotonic()
    stats = await media_both_ways(page)
    await page.screenshot(path=shot)
    return stats, answered


async def media_both_ways(page: Page) -> dict[str, Any]:
    """The browser's RTP counters once packets have gone both ways for a while."""
    end = time.monotonic() + 15
    while True:
        stats: dict[str, Any] | None = await page.evaluate("window.acd.rtpStats()")
        if stats and stats["packetsReceived"] > 100 and stats["packetsSent"] > 100:
            return stats
        assert time.monotonic() < end, f"no media both ways: {stats}"
        await asyncio.sleep(0.5)


async def wrap_up(page: Page, shot: Path) -> tuple[str, str]:
    """The wrap-up form comes with the caller's hang-up; file it; (disposition, note)."""
    form = page.get_by_test_id("wrap-up")
    await expect(form).to_be_visible(timeout=TIMEOUT_MS)
    filed = ("password reset", "Sent a reset link; customer will call back if it fails.")
    await page.get_by_test_id("disposition").select_option(filed[0])
    await page.get_by_test_id("wrap-up-note").fill(filed[1])
    await page.screenshot(path=shot)
    await page.get_by_test_id("wrap-up-finish").click()
    await expect(form).to_be_hidden(timeout=TIMEOUT_MS)
    return filed


def tail_rms(path: Path, seconds: float) -> float:
    """Root mean square of the last ``seconds`` of a 16-bit mono WAV (as ``wav_rms``)."""
    with wave.open(str(path)) as wav:
        count = min(wav.getnframes(), int(seconds * wav.getframerate()))
        wav.setpos(wav.getnframes() - count)
        frames = wav.readframes(count)
    samples = struct.unpack(f"<{len(frames) // 2}h", frames[: len(frames) // 2 * 2])
    return float((sum(s * s for s in samples) / max(1, len(samples))) ** 0.5)
