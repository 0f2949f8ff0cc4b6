"""Router scenarios for odd events (unknown, repeated, out of turn), the explanations it
gives, and replay: the same events rebuild the same state ("pause lost on restart")."""

from __future__ import annotations

from typing import Any

import pytest

from acd.core import messages as m
from acd.core.router import Router
from tests.unit.test_router import kind, offers, ready, req, router, states, talk, the_offer

# unknown and repeated events -------------------------------------------------------------


@pytest.mark.parametrize(
    "event",
    [
        m.CallAbandoned(5.0, "nope"),
        m.Answered(5.0, "nope", "a"),
        m.Answered(5.0, "c1", "nobody"),
        m.RingFailed(5.0, "nope", "a"),
        m.RingFailed(5.0, "c1", "nobody"),
        m.CallEnded(5.0, "nope"),
        m.Tick(5.0),
    ],
    ids=repr,
)
def test_events_for_unknown_calls_or_agents_are_ignored(event: m.Event) -> None:
    r = router({"a": {}})
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))
    assert r.handle(event) == []
    assert states(r) == {"a": "ringing"} and r.calls["c1"].agent == "a"


@pytest.mark.parametrize(
    "event",
    [
        m.LoggedIn(1.0, "zz"), m.SetReady(1.0, "zz"), m.SetNotReady(1.0, "zz", "break"),
        m.LoggedOut(1.0, "zz"), m.WrapUpDone(1.0, "zz"), m.WrapUpExtended(1.0, "zz", 5.0),
    ],
    ids=lambda e: type(e).__name__,
)  # fmt: skip
def test_requests_for_an_unknown_agent_are_refused(event: m.Event) -> None:
    r = router({"a": {}})
    assert r.handle(event) == [m.Refused("zz", type(event).__name__, "no such agent")]


def test_requests_the_state_does_not_allow_are_refused_and_change_nothing() -> None:
    r = router({"a": {}})
    assert r.handle(m.SetReady(1.0, "a")) == [m.Refused("a", "SetReady", "not logged in")]
    assert r.handle(m.LoggedOut(1.0, "a")) == [m.Refused("a", "LoggedOut", "not logged in")]
    ready(r, "a", at=2.0)
    assert r.handle(m.LoggedIn(3.0, "a")) == [
        m.Refused("a", "LoggedIn", "already logged in (ready)")
    ]
    assert states(r) == {"a": "ready"} and r.agents["a"].since == 2.0


def test_a_call_of_an_unknown_type_overflows_at_once() -> None:
    """Regression: this used to raise KeyError out of handle()."""
    r = router({"a": {}})
    ready(r, "a", at=0.0)
    assert r.handle(m.CallArrived(1.0, "c1", "gone")) == [m.Overflow("c1", None, 0.0)]
    assert r.calls == {} and states(r) == {"a": "ready"}


def test_a_duplicate_call_arrived_is_ignored() -> None:
    r = router({"a": {}}, kind("sales"), kind("other", priority=9))
    r.handle(m.CallArrived(1.0, "c1", "sales"))
    call = r.calls["c1"]
    assert r.handle(m.CallArrived(2.0, "c1", "other", priority=9)) == []
    assert r.calls["c1"] is call and call.arrived == 1.0 and call.kind.name == "sales"
    assert offers(ready(r, "a", at=3.0)) == [("c1", "a")]
    assert r.handle(m.CallArrived(4.0, "c1", "sales")) == []  # nor while ringing


def test_a_repeated_answer_is_ignored() -> None:
    """Regression: the second Answered raised NotAllowed out of handle()."""
    r = router({"a": {}})
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))
    assert r.handle(m.Answered(2.0, "c1", "a")) == [m.AgentChanged("a", "on_call", "", 2.0)]
    assert r.handle(m.Answered(3.0, "c1", "a")) == []
    assert r.handle(m.RingFailed(3.0, "c1", "a")) == []
    assert states(r) == {"a": "on_call"} and r.agents["a"].since == 2.0


def test_an_answer_from_the_wrong_agent_is_ignored() -> None:
    r = router({"a": {}, "b": {}})
    ready(r, "a", "b", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))
    assert r.handle(m.Answered(2.0, "c1", "b")) == []
    assert states(r) == {"a": "ringing", "b": "ready"}


def test_a_repeated_call_ended_is_ignored() -> None:
    r = router({"a": {}})
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))
    talk(r, "c1", "a", 2.0, 3.0)
    assert r.handle(m.CallEnded(4.0, "c1")) == []
    assert r.handle(m.CallAbandoned(4.0, "c1")) == []
    assert states(r) == {"a": "ready"}


def test_an_agent_not_in_the_policy_cannot_be_rung() -> None:
    r = router({"a": {}})
    assert r.handle(m.LoggedIn(0.0, "b"))[0] == m.Refused("b", "LoggedIn", "no such agent")
    assert r.handle(m.CallArrived(1.0, "c1", "any")) == []


# explanations ----------------------------------------------------------------------------


def test_explain_gives_a_verdict_for_every_agent() -> None:
    billing = kind("billing", (0.0, req(billing=2)))
    agents = {"e": {"billing": 2}, "d": {"billing": 1}, "c": {"billing": 3}, "b": {"billing": 2},
              "a": {"billing": 2}, "f": {"billing": 2}}  # fmt: skip
    r = router(agents, billing, explain=True, max_misses=2)
    ready(r, "a", "b", "c", "e", at=0.0)
    r.handle(m.LoggedIn(0.0, "f"))
    r.handle(m.CallArrived(1.0, "c0", "billing"))  # a rings c0
    r.handle(m.CallArrived(1.0, "c1", "billing"))  # b rings c1
    r.handle(m.RingFailed(2.0, "c1", "b"))  # ... and misses it: c1 to c
    offer = the_offer(r.handle(m.RingFailed(2.0, "c0", "a")))  # c0 to e
    assert offer.agent == "e"
    verdicts = {v.agent: (v.state, v.eligible, v.why) for v in offer.decision.verdicts}
    assert [v.agent for v in offer.decision.verdicts] == ["a", "b", "c", "d", "e", "f"]
    assert verdicts == {
        "a": ("ready", True, "did not answer this call before"),
        "b": ("ready", True, "eligible and ready, ranked lower"),
        "c": ("ringing", True, "eligible but ringing"),
        "d": ("logged_out", False, "skills {'billing': 1} do not meet the requirement"),
        "e": ("ringing", True, "chosen"),
        "f": ("not_ready", True, "eligible but not_ready"),
    }


def test_without_explain_there_are_no_verdicts() -> None:
    r = router({"a": {}})
    ready(r, "a", at=0.0)
    assert the_offer(r.handle(m.CallArrived(1.0, "c1", "any"))).decision.verdicts == ()


# replay ----------------------------------------------------------------------------------

TYPES = (
    kind("sales", (0.0, req(sales=2)), (10.0, req(sales=1)), max_wait=40.0, fallback="general"),
    kind("general", wrap_up=20.0),
)
AGENTS = {"a": {"sales": 2}, "b": {"sales": 1}, "c": {}}
EVENTS: list[m.Event] = [
    m.LoggedIn(0.0, "a"), m.SetReady(0.0, "a"), m.LoggedIn(0.0, "b"),
    m.SetNotReady(1.0, "b", "training"), m.LoggedIn(1.0, "c"), m.SetReady(1.0, "c"),
    m.CallArrived(2.0, "s1", "sales", skills={"fr": 1}), m.CallArrived(3.0, "s2", "sales"),
    m.CallArrived(3.5, "g1", "general"), m.Answered(4.0, "s2", "a"),
    m.Answered(4.0, "g1", "c"), m.SetNotReady(5.0, "a", "lunch"), m.CallEnded(30.0, "g1"),
    m.WrapUpExtended(31.0, "c", 10.0), m.CallEnded(35.0, "s2"), m.SetNotReady(36.0, "c", "break"),
    m.Tick(60.0), m.CallArrived(61.0, "s3", "sales"), m.SetReady(62.0, "b"), m.Tick(90.0),
]  # fmt: skip


def snapshot(r: Router) -> Any:
    agents = {a.id: (a.state, a.reason, a.since, a.call, a.then, a.misses, a.handled,
                     a.deadline) for a in r.agents.values()}  # fmt: skip
    calls = {c.id: (c.kind.name, c.arrived, c.step, c.agent, c.talking, sorted(c.declined.items()))
             for c in r.calls.values()}  # fmt: skip
    return agents, calls, [c.id for c in r.waiting()], r.next_deadline


def test_replaying_the_same_events_rebuilds_the_same_state() -> None:
    """A restart replays the log: breaks, pending requests and waiting calls all come back."""
    first, second = router(AGENTS, *TYPES), router(AGENTS, *TYPES)
    first_out = [c for e in EVENTS for c in first.handle(e)]
    second_out = [c for e in EVENTS for c in second.handle(e)]
    assert first_out == second_out
    assert snapshot(first) == snapshot(second)
    agents, calls, waiting, _ = snapshot(first)
    assert {k: (v[0].value, v[1], v[2]) for k, v in agents.items()} == {
        "a": ("not_ready", "lunch", 35.0),  # asked for during the call, kept after it
        "b": ("not_ready", "missed", 77.0),  # rang s1 at 62, did not answer
        "c": ("not_ready", "break", 60.0),  # after the extended wrap-up
    }  # fmt: skip
    assert waiting == ["s1", "s3"]
    assert calls["s1"] == ("general", 2.0, 0, None, False, [("b", 1)])  # fell back at 42


def test_replay_stops_and_resumes_anywhere_with_the_same_result() -> None:
    whole = router(AGENTS, *TYPES)
    for event in EVENTS:
        whole.handle(event)
    for cut in range(len(EVENTS)):
        before = router(AGENTS, *TYPES)
        for event in EVENTS[:cut]:
            before.handle(event)
        restarted = router(AGENTS, *TYPES)
        for event in EVENTS[:cut]:
            restarted.handle(event)
        assert snapshot(restarted) == snapshot(before)
        for event in EVENTS[cut:]:
            restarted.handle(event)
        assert snapshot(restarted) == snapshot(whole)


def test_a_break_is_still_a_break_after_replay() -> None:
    events: list[m.Event] = [
        m.LoggedIn(0.0, "a"), m.SetReady(1.0, "a"), m.SetNotReady(2.0, "a", "meeting"),
    ]  # fmt: skip
    r = router({"a": {}})
    for event in events:
        r.handle(event)
    assert (r.agents["a"].state.value, r.agents["a"].reason, r.agents["a"].since) == (
        "not_ready", "meeting", 2.0,
    )  # fmt: skip
    assert r.handle(m.CallArrived(3.0, "c1", "any")) == []
