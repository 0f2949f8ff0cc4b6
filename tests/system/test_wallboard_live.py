"""The supervisor's wallboard in a real browser on the real rig: it signs in, the figures and
the agents' states change as calls happen (pushed, no polling), the supervisor listens to a
live call from the browser's own phone (a ChanSpy channel joins; caller and agent get no new
call), puts an agent on ready, and reads it all in Chinese."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Page, expect
from rig.ports import free_port
from rig.session import Rig
from rig.sipcaller import SipCaller

from acd.adapters.ami.events import AmiEvent
from acd.directory import hash_pin
from tests.ami_helpers import running_client
from tests.system.conftest import AGENTS
from tests.system.phones import add_agent_phone
from tests.system.server import acd_running
from tests.system.test_console_live import TIMEOUT_MS, artifacts, browser_page, chromium
from tests.system.test_ivr_live import OPEN, sample_flows
from tests.system.test_routing_live import call_support, desk, wait_incoming
from tests.system.test_routing_restart import uniqueid

__all__ = ["chromium"]  # the fixture, used by name
LEAD, PIN = "2901", "9011"


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


async def sign_in(page: Page, http: int) -> None:
    await page.goto(f"http://127.0.0.1:{http}/wallboard")
    await page.get_by_test_id("login-user").fill(LEAD)
    await page.get_by_test_id("login-pin").fill(PIN)
    await page.get_by_test_id("login-pin").press("Enter")
    await expect(page.get_by_test_id("board")).to_be_visible(timeout=TIMEOUT_MS)
    status = page.get_by_test_id("push-status")
    await expect(status).to_have_attribute("data-status", "up", timeout=TIMEOUT_MS)


async def test_the_wallboard_follows_the_floor_and_the_lead_listens_in(
    wallboard_rig: Rig, chromium: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rig, started = wallboard_rig, time.time()
    monkeypatch.setenv("ACD_ASTERISK_HTTP_PORT", str(rig.target.ports.http))
    shots = {name: artifacts() / f"wallboard-{name}.png"
             for name in ("waiting", "on-call", "listening", "zh")}  # fmt: skip
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
            await sign_in(page, http)
            state = page.get_by_test_id("agent-2002-state")
            await expect(state).to_have_text("Not ready (logged in)", timeout=TIMEOUT_MS)
            call, channel = await call_support(phones, rig, log)
            waiting = page.get_by_test_id("ct-tech-waiting")
            await expect(waiting).to_have_text("1", timeout=TIMEOUT_MS)
            await page.screenshot(path=shots["waiting"])
            await page.get_by_test_id("force-ready-2002").click()  # the lead puts them on
            leg = await wait_incoming(phones, "2002")
            phones.wait_state(leg, "CONFIRMED")
            caller = uniqueid(log, channel)
            await expect(state).to_have_text("On call", timeout=TIMEOUT_MS)
            await expect(page.get_by_test_id("agent-2002-call")).to_have_text(caller)
            await expect(page.get_by_test_id("ct-tech-answered")).to_have_text("1")
            await expect(page.get_by_test_id("ct-tech-waiting")).to_have_text("0")
            await page.screenshot(path=shots["on-call"])
            await page.get_by_test_id("listen-2002").click()
            spying = await log.wait_for(AmiEvent, lambda e: e.name == "ChanSpyStart")
            spy = page.get_by_test_id("spy")
            await expect(spy).to_have_attribute("data-state", "listening", timeout=TIMEOUT_MS)
            await page.screenshot(path=shots["listening"])
            unaware = (phones.state(call)[0], phones.state(leg)[0], phones.incoming["2002"])
            await page.get_by_test_id("spy-stop").click()
            await log.wait_for(AmiEvent, lambda e: e.name == "ChanSpyStop")
            await expect(spy).to_be_hidden(timeout=TIMEOUT_MS)
            phones.hangup(call)
            await expect(state).to_have_text("Wrap-up", timeout=TIMEOUT_MS)
            await page.get_by_test_id("lang").click()
            await expect(page.locator("h1")).to_have_text("监控大屏")
            await expect(state).to_have_text("话后处理")
            await page.screenshot(path=shots["zh"])
            await page.get_by_test_id("lang").click()  # back to English for the next user
            await asyncio.sleep(0.2)
    assert spying.get("SpyeeChannel").startswith("PJSIP/2002-")
    assert spying.get("SpyerChannel").startswith(f"PJSIP/{LEAD}-")  # the browser's phone
    assert unaware == ("CONFIRMED", "CONFIRMED", [leg])  # no new call to caller or agent
    for path in shots.values():
        assert path.read_bytes().startswith(b"\x89PNG") and path.stat().st_size > 10_000
        assert path.stat().st_mtime > started - 1
