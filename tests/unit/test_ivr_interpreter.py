"""The interpreter on the sample hotline, driven by ``simulate`` (and directly, to hang up).

Times are UTC instants; the hotline runs on Asia/Shanghai (UTC+8, no daylight saving).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acd.directory import Directory
from acd.ivr import steps as s
from acd.ivr.catalog import Catalog
from acd.ivr.interpreter import IvrCall
from acd.ivr.lint import check
from acd.ivr.simulate import Simulation, simulate

ROOT = Path(__file__).resolve().parents[2]
MONDAY_10 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # Mon 10:00 in Shanghai: open
SUNDAY_10 = dt.datetime(2026, 3, 8, 2, 0, tzinfo=dt.UTC)  # Sun 10:00: closed all day
LANGUAGE_MENU: tuple[str, ...] = (
    "vm-press", "digits/1", "for", "vm-Cust1", "vm-press", "digits/2", "for", "vm-Cust2",
)  # fmt: skip
OUTCOMES = (s.Queued, s.Transferred, s.ToVoicemail, s.CallbackRequested, s.Rated, s.HungUp)


@cache
def hotline() -> Catalog:
    checked = check([ROOT / "ivr_flows" / "hotline.yaml"])
    assert checked.problems == []
    return Catalog("sample", checked.flows)


@cache
def customers() -> Directory:
    return Directory.from_json(ROOT / "samples" / "customers.json")


def call(
    keys: str,
    *,
    at: dt.datetime = MONDAY_10,
    caller: str = "14155550100",
    flow: str = "hotline",
    broken: Callable[[s.Command], bool] = lambda _: False,
) -> Simulation:
    return simulate(
        hotline(), flow, caller=caller, keys=keys, at=at, directory=customers(), broken=broken
    )


def visited(*nodes: str) -> tuple[str, ...]:
    return tuple(f"hotline.{node}" for node in nodes)


def test_verified_caller_dialing_4008_reaches_the_billing_queue_with_their_record() -> None:
    result = call("1 1 100200# 4321#", caller="13800000001", flow="4008")

    assert result.visited == visited(
        "greeting", "hours", "language", "main_menu", "verify_billing", "billing_queue"
    )
    assert result.heard == (
        "hello", *LANGUAGE_MENU, "basic-pbx-ivr-main", "agent-user", "agent-pass",
        "pls-hold-while-try",
    )  # fmt: skip
    assert result.outcome == s.Queued(
        call_type="billing", skills={"billing": 5}, priority=5, language="zh",
        max_wait=300, on_max_wait="hotline.offer_callback", callback_after=120,
        survey="hotline.survey",
    )  # fmt: skip
    assert result.vars == {
        "caller_id": "13800000001", "dialed": "4008", "language": "zh",
        "menu_path": "language:1>main_menu:1", "verified": "yes", "account": "100200",
        "customer_id": "C0001", "customer_name": "王芳", "customer_account": "100200",
        "customer_tier": "vip", "customer_language": "zh",
    }  # fmt: skip
    assert (result.flow, result.version) == ("hotline", "sample")


def test_a_number_matching_the_pattern_enters_the_hotline() -> None:
    result = call("2 0", flow="40081234")

    assert result.visited == visited("greeting", "hours", "language", "main_menu", "agent_queue")
    assert result.vars["dialed"] == "40081234"
    assert result.outcome == s.Queued("general", {}, 0, "en", survey="hotline.survey")


def test_three_wrong_pins_send_the_caller_to_an_agent_unverified() -> None:
    result = call("2 1 100201# 0000# 100201# 1111# 100299# 1234#")

    assert result.visited == visited(
        "greeting", "hours", "language", "main_menu", "verify_billing", "agent_queue"
    )
    attempt = ("agent-user", "agent-pass", "auth-incorrect")
    assert result.heard == (
        "hello", *LANGUAGE_MENU, "basic-pbx-ivr-main", *attempt, *attempt, *attempt,
        "pls-hold-while-try",
    )  # fmt: skip
    assert result.outcome == s.Queued("general", {}, 0, "en", survey="hotline.survey")
    assert result.vars == {
        "caller_id": "14155550100", "dialed": "", "language": "en",
        "menu_path": "language:2>main_menu:1", "verified": "no", "verify_attempts": "3",
    }  # fmt: skip


def test_menu_retries_a_wrong_key_and_silence_then_falls_back() -> None:
    result = call("9 _ 7 3")

    assert result.visited == visited(
        "greeting", "hours", "language", "main_menu", "complaints_queue"
    )
    assert result.heard == (
        "hello", *LANGUAGE_MENU, "pbx-invalid", *LANGUAGE_MENU, "please-try-again",
        *LANGUAGE_MENU, "pbx-invalid", "basic-pbx-ivr-main", "pls-hold-while-try",
    )  # fmt: skip
    assert result.outcome == s.Queued("complaints", {}, 10, "", survey="hotline.survey")
    assert result.vars == {"caller_id": "14155550100", "dialed": "", "menu_path": "main_menu:3"}


def test_queue_language_is_empty_when_the_caller_never_chose_one() -> None:
    assert call("_ _ _ 0").outcome == s.Queued("general", {}, 0, "", survey="hotline.survey")


@pytest.mark.parametrize(
    ("at", "branch"),
    [
        (MONDAY_10, "language"),
        (dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC), "language"),  # 09:30 local
        (dt.datetime(2026, 3, 2, 4, 30, tzinfo=dt.UTC), "after_hours"),  # 12:30, lunch
        (dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), "after_hours"),  # 18:00, end excluded
        (dt.datetime(2026, 3, 7, 3, 0, tzinfo=dt.UTC), "language"),  # Saturday 11:00
        (dt.datetime(2026, 3, 7, 9, 30, tzinfo=dt.UTC), "after_hours"),  # Saturday 17:30
        (SUNDAY_10, "after_hours"),
        (dt.datetime(2026, 10, 1, 2, 0, tzinfo=dt.UTC), "after_hours"),  # holiday, a Thursday
        (dt.datetime(2026, 10, 10, 9, 30, tzinfo=dt.UTC), "language"),  # override Sat 17:30
        (dt.datetime(2026, 1, 1, 2, 0, tzinfo=dt.UTC), "after_hours"),  # New Year, 10:00
        (dt.datetime(2026, 1, 2, 2, 0, tzinfo=dt.UTC), "language"),  # the Friday after
    ],
)
def test_hours_follow_the_week_holidays_and_overrides_in_shanghai_time(
    at: dt.datetime, branch: str
) -> None:
    assert call("", at=at).visited[:3] == visited("greeting", "hours", branch)


def test_after_hours_caller_asks_for_a_callback() -> None:
    result = call("1", at=SUNDAY_10, caller="13900000003")

    assert result.visited == visited("greeting", "hours", "after_hours", "take_callback")
    assert result.heard == (
        "hello", "vm-nobodyavail", "vm-tocallback", "vm-press", "digits/1", "auth-thankyou",
        "goodbye",
    )  # fmt: skip
    assert result.outcome == s.CallbackRequested("13900000003", "callback")
    assert result.vars == {
        "caller_id": "13900000003", "dialed": "", "menu_path": "after_hours:1",
        "callback_number": "13900000003",
    }  # fmt: skip


def test_after_hours_caller_leaves_a_voicemail() -> None:
    result = call("2", at=SUNDAY_10)

    assert result.visited == visited("greeting", "hours", "after_hours", "voicemail")
    assert result.outcome == s.ToVoicemail("hotline")


def test_a_vanished_sound_sends_the_call_to_on_error() -> None:
    result = call("1 1", broken=lambda c: isinstance(c, s.Play) and s.Sound("hello") in c.audio)

    assert result.visited == visited("greeting", "sorry", "agent_queue")
    assert result.heard == ("sorry-youre-having-problems", "pls-hold-while-try")
    assert result.outcome == s.Queued("general", {}, 0, "", survey="hotline.survey")
    assert result.vars == {
        "caller_id": "14155550100",
        "dialed": "",
        "ivr_error": "simulated failure",
    }


def test_a_failure_in_on_error_itself_queues_to_the_error_call_type() -> None:
    gone = {s.Sound("hello"), s.Sound("sorry-youre-having-problems")}

    result = call("", broken=lambda c: isinstance(c, s.Play) and bool(gone & set(c.audio)))

    assert result.visited == visited("greeting", "sorry")
    assert result.heard == ()
    assert result.outcome == s.Queued("general", {}, 0, "")
    assert result.vars["ivr_error"] == "simulated failure"


def test_caller_hanging_up_mid_menu_ends_the_call_where_it_stood() -> None:
    ivr = IvrCall(hotline(), "hotline", caller_id="14155550100")

    first = ivr.start(MONDAY_10)
    menu = ivr.resume(s.Heard(), MONDAY_10)
    finish = ivr.hang_up(MONDAY_10)

    assert first == s.Play((s.Sound("hello"),))
    assert menu == s.Play(tuple(map(s.Sound, LANGUAGE_MENU)), s.KEYS)
    assert finish == s.Finish(
        s.HungUp("caller"),
        {"caller_id": "14155550100", "dialed": ""},
        visited("greeting", "hours", "language"),
    )
    assert ivr.outcome == s.HungUp("caller")


@settings(max_examples=150, deadline=None)
@given(
    keys=st.text(alphabet="0123456789*#_ ", max_size=60),
    at=st.datetimes(
        min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31),
        timezones=st.just(dt.UTC),
    ),
)  # fmt: skip
def test_any_keys_at_any_time_end_the_hotline_call_with_an_outcome(
    keys: str, at: dt.datetime
) -> None:
    result = call(keys, at=at)

    assert isinstance(result.outcome, OUTCOMES)
    assert result.visited[:2] == visited("greeting", "hours")
    assert len(result.visited) <= 6  # greeting hours language main_menu verify_billing queue
