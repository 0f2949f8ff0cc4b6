"""A call's story replayed from the event log: what happened, and why each agent got it or not."""

from __future__ import annotations

import json

import pytest

from acd.core import messages as m
from acd.core.policy import AgentProfile, CallType, Policy, Requirement, Step
from acd.explain import Story, story
from acd.records import Rang, Record, Waiting

NEEDS_BILLING = "skills {'sales': 5} do not meet the requirement"


def policy() -> Policy:
    """billing needs billing>=5 at first, anyone after 30 s; a1 has billing, a2 sales only."""
    billing = CallType(
        "billing", (Step(0.0, Requirement.of({"billing": 5})), Step(30.0, Requirement()))
    )
    agents = {
        "a1": AgentProfile("a1", {"billing": 5}),
        "a2": AgentProfile("a2", {"sales": 5}),
    }
    return Policy({"billing": billing}, agents, ring_timeout=15.0)


def agents_ready() -> list[Record]:
    return [m.LoggedIn(1.0, "a1"), m.SetReady(1.0, "a1"),
            m.LoggedIn(2.0, "a2"), m.SetReady(2.0, "a2")]  # fmt: skip


def answered_on_second_offer(miss: Record) -> list[Record]:
    """c1 rings a1, a1 misses (``miss``), the step widens at 40, a2 answers, the call ends."""
    return [
        *agents_ready(),
        Waiting(10.0, "c1", "PJSIP/caller-01"),
        m.CallArrived(10.0, "c1", "billing"),
        Rang(10.0, "c1", "a1", "leg-1"),
        miss,
        m.Tick(40.0),
        Rang(40.0, "c1", "a2", "leg-2"),
        m.Answered(45.0, "c1", "a2"),
        m.CallEnded(100.0, "c1"),
    ]


MISSES: dict[str, tuple[Record, tuple[float, str]]] = {
    "ring failed": (m.RingFailed(12.0, "c1", "a1"), (12.0, "agent a1 did not answer")),
    "ring timeout": (m.Tick(25.0), (25.0, "stopped ringing a1: no answer")),
}


def told(records: list[Record], call: str = "c1") -> Story:
    found = story(policy(), records, call)
    assert found is not None
    return found


@pytest.mark.parametrize("how", list(MISSES))
def test_story_tells_each_step_in_order_when_the_call_is_answered_on_a_second_offer(
    how: str,
) -> None:
    miss, miss_line = MISSES[how]
    lines = told(answered_on_second_offer(miss)).lines
    heads = [(at, what.splitlines()[0]) for at, what in lines]
    assert heads == [
        (10.0, "arrived for billing"),
        (10.0, "offered to a1 (call waiting) after 0.0 s: step 0, needs billing>=5; "
               "picked by longest_idle, key [1.0, 0, 'a1']"),
        (10.0, "rang agent a1 (leg leg-1)"),
        miss_line,
        (40.0, "offered to a2 (call waiting) after 30.0 s: step 1, needs billing>=5 or "
               "anyone; picked by longest_idle, key [2.0, 0, 'a2']"),
        (40.0, "rang agent a2 (leg leg-2)"),
        (45.0, "answered by a2"),
        (100.0, "call ended"),
    ]  # fmt: skip


def test_story_gives_each_decision_with_every_agents_verdict_when_offered_twice() -> None:
    first, second = told(answered_on_second_offer(MISSES["ring failed"][0])).decisions
    assert (first.agent, first.step, first.requirement) == ("a1", 0, "billing>=5")
    assert first.verdicts == (
        m.Verdict("a1", "ringing", True, "chosen"),
        m.Verdict("a2", "ready", False, NEEDS_BILLING),
    )
    assert (second.agent, second.step, second.waited) == ("a2", 1, 30.0)
    assert second.verdicts == (
        m.Verdict("a1", "not_ready", True, "did not answer this call before"),
        m.Verdict("a2", "ringing", True, "chosen"),
    )


def test_story_text_names_the_agents_and_the_offers_when_printed() -> None:
    found = told(answered_on_second_offer(MISSES["ring failed"][0]))
    text = found.text()
    assert text.splitlines()[0] == "call c1 (times in UTC)"
    assert "offered to a1" in text and "offered to a2" in text
    assert "a1" in text and "a2" in text and NEEDS_BILLING in text
    assert "1970-01-01 00:00:10.000  arrived for billing" in text
    assert text.index("offered to a1") < text.index("offered to a2") < text.index("call ended")
    assert "still waiting" not in text and found.waiting == ()


def test_story_leaves_out_other_calls_when_the_log_holds_several() -> None:
    records: list[Record] = [
        *agents_ready(),
        m.CallArrived(5.0, "c0", "billing"),  # takes a1 first
        Rang(5.0, "c0", "a1", "leg-0"),
        m.CallArrived(10.0, "c1", "billing"),
        m.Answered(11.0, "c0", "a1"),
        m.CallAbandoned(20.0, "c1"),
    ]
    found = told(records)
    assert found.lines == [(10.0, "arrived for billing"),
                           (20.0, "caller hung up after waiting 10.0 s")]  # fmt: skip
    assert found.decisions == [] and found.waiting == ()


def test_story_gives_waiting_verdicts_when_the_call_still_waits_at_the_end_of_the_log() -> None:
    records: list[Record] = [
        m.LoggedIn(1.0, "a1"),  # logged in, not ready
        m.LoggedIn(2.0, "a2"),
        m.SetReady(2.0, "a2"),  # ready but without the skill
        Waiting(10.0, "c2", "PJSIP/caller-02"),
        m.CallArrived(10.0, "c2", "billing", {"billing": 5}, 3),
        m.Tick(20.0),
    ]
    found = told(records, "c2")
    assert found.lines == [(10.0, "arrived for billing, priority 3, needs also {'billing': 5}")]
    assert found.decisions == []
    assert found.waiting == (
        m.Verdict("a1", "not_ready", True, "eligible but not_ready"),
        m.Verdict("a2", "ready", False, NEEDS_BILLING),
    )
    text = found.text()
    assert "still waiting; the agents now:" in text
    assert "eligible but not_ready" in text and NEEDS_BILLING in text


def test_story_gives_no_waiting_verdicts_when_the_call_is_ringing_at_the_end_of_the_log() -> None:
    records: list[Record] = [*agents_ready(), m.CallArrived(10.0, "c1", "billing")]
    found = told(records)
    assert [d.agent for d in found.decisions] == ["a1"] and found.waiting == ()


@pytest.mark.parametrize("call", ["nope", "a1", ""])
def test_story_is_none_when_the_call_is_not_in_the_log(call: str) -> None:
    assert story(policy(), answered_on_second_offer(MISSES["ring failed"][0]), call) is None


def test_story_is_none_when_the_log_is_empty() -> None:
    assert story(policy(), [], "c1") is None


def test_story_as_json_is_serialisable_and_keeps_the_decisions_when_dumped() -> None:
    found = told(answered_on_second_offer(MISSES["ring timeout"][0]))
    back = json.loads(json.dumps(found.as_json()))
    assert back["call"] == "c1"
    assert [e["at"] for e in back["events"]] == [at for at, _ in found.lines]
    assert [d["agent"] for d in back["decisions"]] == ["a1", "a2"]
    assert back["decisions"][0]["key"] == [1.0, 0, "a1"]
    assert back["decisions"][0]["verdicts"][1] == {
        "agent": "a2", "state": "ready", "eligible": False, "why": NEEDS_BILLING,
    }  # fmt: skip
    assert back["waiting_verdicts"] == []


def test_story_as_json_lists_waiting_verdicts_when_the_call_still_waits() -> None:
    records: list[Record] = [m.LoggedIn(1.0, "a1"), m.CallArrived(10.0, "c2", "billing")]
    back = json.loads(json.dumps(told(records, "c2").as_json()))
    assert back["waiting_verdicts"] == [
        {"agent": "a1", "state": "not_ready", "eligible": True, "why": "eligible but not_ready"},
        {"agent": "a2", "state": "logged_out", "eligible": False, "why": NEEDS_BILLING},
    ]
