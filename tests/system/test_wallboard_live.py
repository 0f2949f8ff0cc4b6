"""The supervisor's wallboard in a real browser on the real rig: it signs in, the figures and
the agents' states change as calls happen (pushed: one ``GET /floor`` at sign-in, no
polling), the lead listens to a live call from the browser's own phone (it answers acd's
ChanSpy call by itself; caller and agent get no new call), the board says when its live feed
is cut and back, shows a refusal, forces states (by keyboard too) and reads in Chinese."""

from __future__ import annotations

import asyncio
import gc
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.async_api import Page, Request, WebSocketRoute, expect
from rig.ports import free_port
from rig.session import Rig
from rig.sipcaller import SipCaller

from acd.adapters.ami.events import AmiEvent
from acd.directory import hash_pin
from tests.ami_helpers import EventLog, running_client
from tests.system.conftest import AGENTS
from tests.system.phones import add_agent_phone
from tests.system.server import acd_running
from tests.system.test_console_live import TIMEOUT_MS, artifacts, browser_page, chromium
from tests.system.test_ivr_live import OPEN, sample_flows
from tests.system.test_owner_first_live import open_ticket
from tests.system.test_routing_live import call_support, desk, get, wait_incoming
from tests.system.test_routing_restart import uniqueid

__all__ = ["chromium"]  # the fixture, used by name
LEAD, PIN = "2901", "9011"
SHOTS = ("waiting", "on-call", "listening", "refused", "zh")


@pytest.fixture(scope="module")
def wallboard_rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    """The system agents and a Support lead on a browser phone, on a rig of their own."""
    agents = tmp_path_factory.mktemp("wallboard") / "agents.yaml"
    lead = (f'\n  - id: "{LEAD}"\n    name: Web Lead\n    role: supervisor\n'
            f"    supervises: [Support]\n    phone: webrtc\n"
            f"    pin_hash: {hash_pin(PIN)}\n")  # fmt: skip
    agents.write_text(AGENTS.read_text() + lead)
    with Rig.create(agents=agents) as rig:
        yield rig


@pytest.fixture(autouse=True)
def collected() -> Iterator[None]:
    yield
    gc.collect()  # Playwright's frames keep the SipCaller alive: see test_console_live


class PushLink:
    """The page's push socket to acd, passed through Playwright so a test can cut it (the
    page sees its socket close, and each reconnect refused) and let it through again."""

    def __init__(self) -> None:
        self.cut = False
        self.open: list[WebSocketRoute] = []

    async def route(self, page_side: WebSocketRoute) -> None:
        if self.cut:
            await page_side.close(code=1001, reason="cut by the test")
            return
        page_side.connect_to_server()  # messages flow both ways untouched
        self.open.append(page_side)

    async def cut_off(self) -> None:
        self.cut = True
        for page_side in self.open:
            await page_side.close(code=1001, reason="cut by the test")
        self.open.clear()


async def sign_in(page: Page, http: int) -> None:
    await page.goto(f"http://127.0.0.1:{http}/wallboard")
    await page.get_by_test_id("login-user").fill(LEAD)
    await page.get_by_test_id("login-pin").fill(PIN)
    await page.get_by_test_id("login-pin").press("Enter")
    await expect(page.get_by_test_id("board")).to_be_visible(timeout=TIMEOUT_MS)
    status = page.get_by_test_id("push-status")
    await expect(status).to_have_attribute("data-status", "up", timeout=TIMEOUT_MS)


async def until(what: str, done: Callable[[], bool], timeout: float = 10) -> None:
    end = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < end, f"never: {what}"
        await asyncio.sleep(0.1)


async def heard_packets(page: Page, at_least: int, timeout: float = 10) -> int:
    """RTP packets the lead's browser phone received on the spy call, once ``at_least``."""
    end, got = time.monotonic() + timeout, 0
    while got < at_least and time.monotonic() < end:
        stats = await page.evaluate("() => window.acdWallboard.phone.stats()")
        got = int((stats or {}).get("packetsReceived", 0))
        await asyncio.sleep(0.2)
    return got


async def test_the_wallboard_follows_the_floor_and_the_lead_listens_in(
    wallboard_rig: Rig, chromium: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rig, started, link = wallboard_rig, time.time(), PushLink()
    monkeypatch.setenv("ACD_ASTERISK_HTTP_PORT", str(rig.target.ports.http))
    shots = {name: artifacts() / f"wallboard-{name}.png" for name in SHOTS}
    floors: list[str] = []

    def asked(request: Request) -> None:
        if urlparse(request.url).path == "/floor":
            floors.append(request.method)

    with (
        acd_running(rig, sample_flows(tmp_path), OPEN, tmp_path / "acd.log") as http,
        SipCaller(port=free_port(), record_dir=tmp_path, user="14155550100") as phones,
    ):
        assert add_agent_phone(phones, rig, "2002") == ("REGISTERED", 200)
        assert desk(http, "2002", "login") == 202
        async with (
            browser_page(chromium) as page,
            running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (_, log),
        ):
            page.on("request", asked)
            await page.route_web_socket(f"ws://127.0.0.1:{http}/ws", link.route)
            open_ticket(http, "2002")  # a Support agent's complaint ticket: on the lead's board
            await sign_in(page, http)
            phone = page.get_by_test_id("phone-status")
            await expect(phone).to_have_attribute("data-status", "registered", timeout=TIMEOUT_MS)
            await expect(page.get_by_test_id("complaints")).to_have_text(
                "Complaints: 1 open · 0 escalated · 0 awaiting their follow-up call · 0 overdue")
            answered = await a_call_is_answered(page, phones, rig, log, shots)
            call, leg, _ = answered
            spying, heard, unaware = await the_lead_listens(
                page, phones, log, answered, shots["listening"]
            )
            await stale_then_back(page, link, http, lambda: phones.hangup(call), shots["refused"])
            kept = await forced_in_two_languages(page, http, shots["zh"])
            asked_before_reload = list(floors)
            await page.reload()  # signed in still (this tab), and still in Chinese
            await expect(page.get_by_test_id("board")).to_be_visible(timeout=TIMEOUT_MS)
            await expect(page.locator("h1")).to_have_text("监控大屏")
            await page.get_by_test_id("lang").click()  # back to English for the next user
            await expect(page.locator("h1")).to_have_text("Wallboard")
    print(
        f"\nwallboard: GET /floor {len(asked_before_reload)}x before the reload; "
        f"{heard} RTP packets heard by the lead's browser; shots: "
        + ", ".join(f"{p} ({p.stat().st_size} B)" for p in shots.values())
    )
    assert asked_before_reload == ["GET"]  # the sign-in's; everything else was pushed
    assert kept == "zh-CN"
    assert spying.get("SpyeeChannel").startswith("PJSIP/2002-")
    assert spying.get("SpyerChannel").startswith(f"PJSIP/{LEAD}-")  # the browser's phone
    assert unaware == ("CONFIRMED", "CONFIRMED", {"2002": [leg]})  # no new call to anyone
    assert heard >= 50
    for path in shots.values():
        assert path.read_bytes().startswith(b"\x89PNG") and path.stat().st_size > 10_000
        assert path.stat().st_mtime > started - 1


async def a_call_is_answered(page: Page, phones: SipCaller, rig: Rig, log: EventLog,
                             shots: dict[str, Path]) -> tuple[int, int, str]:  # fmt: skip
    """A caller waits (the board counts them and their wait ticks), the lead puts 2002 on
    ready, 2002's phone answers: the board shows the call. The caller's call, 2002's, and
    the call's ID."""
    state = page.get_by_test_id("agent-2002-state")
    await expect(state).to_have_text("Not ready (logged in)", timeout=TIMEOUT_MS)
    for name in ("billing", "callback", "complaints", "general", "tech"):
        await expect(page.get_by_test_id(f"ct-{name}-waiting")).to_have_text("0")
    call, channel = await call_support(phones, rig, log)
    waiting = page.get_by_test_id("ct-tech-waiting")
    await expect(waiting).to_have_text("1", timeout=TIMEOUT_MS)
    longest = page.get_by_test_id("ct-tech-longest")  # ticks here, not pushed
    await expect(longest).to_have_text(re.compile(r"^0:0[2-9]$"), timeout=TIMEOUT_MS)
    await page.screenshot(path=shots["waiting"])
    await page.get_by_test_id("force-ready-2002").click()  # the lead puts them on
    leg = await wait_incoming(phones, "2002")
    phones.wait_state(leg, "CONFIRMED")
    caller = uniqueid(log, channel)
    await expect(state).to_have_text("On call", timeout=TIMEOUT_MS)
    await expect(page.get_by_test_id("agent-2002-call")).to_have_text(caller)
    await expect(page.get_by_test_id("ct-tech-answered")).to_have_text("1")
    await expect(waiting).to_have_text("0")
    await expect(longest).to_have_text("—")
    await expect(page.get_by_test_id("ct-tech-sl20")).to_have_text("100%")
    await page.screenshot(path=shots["on-call"])
    return call, leg, caller


async def the_lead_listens(
    page: Page, phones: SipCaller, log: EventLog, answered: tuple[int, int, str], shot: Path
) -> tuple[AmiEvent, int, tuple[Any, ...]]:
    """Listen: acd rings the lead's browser phone, which answers by itself into ChanSpy;
    then Stop. The ChanSpyStart event, RTP packets heard, and what caller and agent saw."""
    call, leg, caller = answered
    await page.get_by_test_id("listen-2002").click()
    spying = await log.wait_for(AmiEvent, lambda e: e.name == "ChanSpyStart")
    spy = page.get_by_test_id("spy")
    await expect(spy).to_have_attribute("data-state", "listening", timeout=TIMEOUT_MS)
    await expect(spy).to_contain_text(f"Listening to call {caller}")
    heard = await heard_packets(page, 50)  # the call's audio reaches the browser
    await page.screenshot(path=shot)
    unaware = (phones.state(call)[0], phones.state(leg)[0], dict(phones.incoming))
    await page.get_by_test_id("spy-stop").click()
    await log.wait_for(AmiEvent, lambda e: e.name == "ChanSpyStop")
    await expect(spy).to_be_hidden(timeout=TIMEOUT_MS)
    return spying, heard, unaware


async def stale_then_back(page: Page, link: PushLink, http: int, hang_up: Callable[[], None],
                          shot: Path) -> None:  # fmt: skip
    """The push link is cut: the board says so and stays as last pushed while the call ends
    (no polling); Listen on it is refused by acd, and shown; the link back, the board too."""
    await link.cut_off()
    await expect(page.get_by_test_id("banner-push")).to_contain_text("live feed is down")
    status = page.get_by_test_id("push-status")
    await expect(status).to_have_attribute("data-status", "down")
    hang_up()
    await until("2002 in wrap-up", lambda: get(http, "/floor", "2999")["agents"]["2002"]
                ["state"] == "wrap_up")  # fmt: skip
    state = page.get_by_test_id("agent-2002-state")
    await expect(state).to_have_text("On call")  # as last pushed
    await page.get_by_test_id("listen-2002").click()  # acd refuses: the call is over
    refused = page.get_by_test_id("banner-refused")
    await expect(refused).to_have_text("Listen refused: only a call an agent is on")
    await expect(refused).to_have_attribute("role", "alert")
    await page.screenshot(path=shot)
    link.cut = False  # the next reconnect goes through, and resumes
    await expect(page.get_by_test_id("banner-push")).to_have_text(
        "The live feed is back.", timeout=TIMEOUT_MS)  # fmt: skip
    await expect(status).to_have_attribute("data-status", "up")
    await expect(state).to_have_text("Wrap-up", timeout=TIMEOUT_MS)


async def forced_in_two_languages(page: Page, http: int, shot: Path) -> str | None:
    """2002 finishes wrap-up; the lead puts them on a meal break by keyboard, reads the
    board in Chinese and logs them out there. The language kept in ``acd.lang``."""
    state = page.get_by_test_id("agent-2002-state")
    assert desk(http, "2002", "wrap-up-done") == 202
    await expect(state).to_have_text("Ready", timeout=TIMEOUT_MS)
    await page.get_by_test_id("reason-2002").select_option("meal")
    force = page.get_by_test_id("force-not-ready-2002")
    await force.focus()
    await page.keyboard.press("Enter")  # a real button: the keyboard works it
    await expect(state).to_have_text("Not ready (Meal)", timeout=TIMEOUT_MS)
    await expect(force).to_be_focused()  # the push redrew the row; the focus stayed
    await page.get_by_test_id("lang").click()
    await expect(page.locator("h1")).to_have_text("监控大屏")
    await expect(state).to_have_text("示忙（用餐）")
    logout = page.get_by_test_id("force-logout-2002")
    await expect(logout).to_have_text("签出")
    await page.screenshot(path=shot)
    await logout.click()
    await expect(state).to_have_text("签出", timeout=TIMEOUT_MS)
    kept: str | None = await page.evaluate("() => localStorage.getItem('acd.lang')")
    return kept
