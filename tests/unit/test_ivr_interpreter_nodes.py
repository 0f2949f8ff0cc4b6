"""Each node kind on small inline flows, run with ``simulate``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from acd.directory import Directory
from acd.ivr import steps as s
from tests.unit.ivr_helpers import CUSTOMERS, MONDAY_10, catalog, run

GATHER = """
name: gather
entry: ask
nodes:
  ask:
    type: gather
    prompts: [enter-account]
    into: account
    min_digits: 4
    max_digits: 6
    pattern: "[0-9]+"
    next: done
    fallback: bye
  done: {type: transfer, agent: "1001", prompts: [transferring]}
  bye: {type: hangup}
"""

SWITCH = """
name: switch
numbers: ["5000"]
entry: route
timezone: Europe/Berlin
nodes:
  route:
    type: switch
    cases:
      - {when: {var: caller_id, matches: "^1415"}, goto: us}
      - {when: {var: caller_id, equals: "999"}, goto: test_line}
      - {when: {var: caller_id, one_of: ["100", "101"]}, goto: internal}
      - {when: {var: dialed, present: true}, goto: dialed_in}
      - {when: {days: [sat, sun]}, goto: weekend}
      - {when: {time: "08:00-12:00", days: [mon, tue, wed, thu, fri]}, goto: morning}
    default: other
  us: {type: voicemail, mailbox: us}
  test_line: {type: voicemail, mailbox: test_line}
  internal: {type: voicemail, mailbox: internal}
  dialed_in: {type: voicemail, mailbox: dialed_in}
  weekend: {type: voicemail, mailbox: weekend}
  morning: {type: voicemail, mailbox: morning}
  other: {type: voicemail, mailbox: other}
"""

LOOKUP = """
name: lookup
entry: who
nodes:
  who: {type: lookup, found: known, not_found: stranger, failed: down}
  known:
    type: queue
    call_type: priority
    skills: {billing: 7, mandarin: 3}
    priority: 50
    language: "${customer_language}"
  stranger: {type: voicemail, mailbox: strangers}
  down: {type: voicemail, mailbox: down}
"""

FRONT = """
name: front
entry: menu
nodes:
  menu:
    type: menu
    prompts: [hello]
    choices: {"1": identify, "2": jump, "3": rate, "4": bye}
    fallback: bye
  identify: {type: subflow, flow: identify, next: after}
  after: {type: transfer, call_type: billing}
  jump: {type: goto, flow: sales, node: pitch}
  rate: {type: survey, prompts: [rate-us], scale: 5}
  bye: {type: hangup, prompts: [goodbye]}
"""
IDENTIFY = """
name: identify
entry: ask
nodes:
  ask: {type: gather, prompts: [enter-account], into: account, next: back, fallback: back}
  back: {type: return}
"""
SALES = """
name: sales
entry: start
nodes:
  start: {type: hangup}
  pitch: {type: play, prompts: [offer], next: queue}
  queue: {type: queue, call_type: sales}
"""


def test_gather_takes_digits_up_to_the_terminator(tmp_path: Path) -> None:
    result = run(catalog(tmp_path, GATHER), "gather", "1234#")

    assert result.visited == ("gather.ask", "gather.done")
    assert result.heard == ("enter-account", "transferring")
    assert result.outcome == s.Transferred(agent="1001")
    assert result.vars == {"caller_id": "14155550100", "dialed": "", "account": "1234"}


def test_gather_retries_too_few_digits_and_a_pattern_miss_and_stops_at_max(
    tmp_path: Path,
) -> None:
    result = run(catalog(tmp_path, GATHER), "gather", "12# 12*4# 123456789")

    assert result.heard == (
        "enter-account", "pbx-invalid", "enter-account", "pbx-invalid", "enter-account",
        "transferring",
    )  # fmt: skip
    assert result.vars["account"] == "123456"


def test_gather_falls_back_when_the_retries_are_used_up(tmp_path: Path) -> None:
    result = run(catalog(tmp_path, GATHER), "gather", "1# _ 99#")

    assert result.visited == ("gather.ask", "gather.bye")
    assert result.heard == ("enter-account", "pbx-invalid") * 3 + ("vm-goodbye",)
    assert result.outcome == s.HungUp("flow")
    assert "account" not in result.vars


@pytest.mark.parametrize(
    ("caller", "dialed", "at", "mailbox"),
    [
        ("14155550100", "switch", dt.datetime(2026, 3, 7, 9, 0, tzinfo=dt.UTC), "us"),
        ("999", "switch", MONDAY_10, "test_line"),
        ("101", "switch", MONDAY_10, "internal"),
        ("102", "5000", MONDAY_10, "dialed_in"),
        ("102", "switch", dt.datetime(2026, 3, 7, 9, 0, tzinfo=dt.UTC), "weekend"),  # Saturday
        ("102", "switch", dt.datetime(2026, 3, 2, 7, 30, tzinfo=dt.UTC), "morning"),  # 08:30 CET
        ("102", "switch", dt.datetime(2026, 3, 2, 6, 30, tzinfo=dt.UTC), "other"),  # 07:30 CET
        ("102", "switch", dt.datetime(2026, 3, 2, 11, 0, tzinfo=dt.UTC), "other"),  # 12:00 CET
        ("102", "switch", dt.datetime(2026, 7, 6, 6, 30, tzinfo=dt.UTC), "morning"),  # 08:30 CEST
    ],
)
def test_switch_takes_the_first_case_that_holds(
    tmp_path: Path, caller: str, dialed: str, at: dt.datetime, mailbox: str
) -> None:
    result = run(catalog(tmp_path, SWITCH), dialed, caller=caller, at=at)

    assert result.visited == ("switch.route", f"switch.{mailbox}")
    assert result.outcome == s.ToVoicemail(mailbox)


def test_lookup_found_queues_with_skills_priority_and_the_customers_language(
    tmp_path: Path,
) -> None:
    result = run(catalog(tmp_path, LOOKUP), "lookup", caller="13800000001")

    assert result.visited == ("lookup.who", "lookup.known")
    assert result.outcome == s.Queued("priority", {"billing": 7, "mandarin": 3}, 50, "zh")
    assert result.vars == {
        "caller_id": "13800000001", "dialed": "", "customer_id": "C0001",
        "customer_name": "王芳", "customer_account": "100200", "customer_tier": "vip",
        "customer_language": "zh",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("directory", "broken", "mailbox", "error"),
    [
        (CUSTOMERS, lambda c: False, "strangers", None),
        (CUSTOMERS, lambda c: isinstance(c, s.FindCustomer), "down", "simulated failure"),
        (None, lambda c: False, "down", "no directory given"),
    ],
)
def test_lookup_not_found_and_failed_take_their_branches(
    tmp_path: Path,
    directory: Directory | None,
    broken: Callable[[s.Command], bool],
    mailbox: str,
    error: str | None,
) -> None:
    flows = catalog(tmp_path, LOOKUP)

    result = run(flows, "lookup", caller="13700000000", directory=directory, broken=broken)

    assert result.outcome == s.ToVoicemail(mailbox)
    assert result.vars.get("lookup_error") == error


def test_subflow_returns_to_the_next_node_of_the_calling_flow(tmp_path: Path) -> None:
    result = run(catalog(tmp_path, FRONT, IDENTIFY, SALES), "front", "1 5678#")

    assert result.visited == (
        "front.menu", "front.identify", "identify.ask", "identify.back", "front.after",
    )  # fmt: skip
    assert result.heard == ("hello", "enter-account")
    assert result.outcome == s.Transferred(call_type="billing")
    assert result.vars == {
        "caller_id": "14155550100", "dialed": "", "menu_path": "menu:1", "account": "5678",
    }  # fmt: skip


def test_goto_continues_in_the_other_flow_at_the_node_named(tmp_path: Path) -> None:
    result = run(catalog(tmp_path, FRONT, IDENTIFY, SALES), "front", "2")

    assert result.visited == ("front.menu", "front.jump", "sales.pitch", "sales.queue")
    assert result.heard == ("hello", "offer")
    assert result.outcome == s.Queued("sales", {}, 0, "")


@pytest.mark.parametrize(
    ("keys", "rating", "heard"),
    [
        ("3 4", 4, ("hello", "rate-us", "auth-thankyou")),
        ("3 9 _", None, ("hello", "rate-us", "rate-us")),
    ],
)
def test_survey_keeps_a_rating_in_scale_or_none(
    tmp_path: Path, keys: str, rating: int | None, heard: tuple[str, ...]
) -> None:
    result = run(catalog(tmp_path, FRONT, IDENTIFY, SALES), "front", keys)

    assert result.visited == ("front.menu", "front.rate")
    assert result.heard == heard
    assert result.outcome == s.Rated(rating)
    assert result.vars.get("rating") == (str(rating) if rating else None)


def test_hangup_plays_its_prompts_and_ends_the_call(tmp_path: Path) -> None:
    result = run(catalog(tmp_path, FRONT, IDENTIFY, SALES), "front", "4")

    assert result.visited == ("front.menu", "front.bye")
    assert result.heard == ("hello", "goodbye")
    assert result.outcome == s.HungUp("flow")
