"""A waiting caller's place in its call type's line, and every agent's verdict on it."""

from __future__ import annotations

from acd.core import messages as m
from acd.core.router import Router
from tests.unit.test_router import kind, offers, ready, req, router, talk, the_offer

TECH = kind("tech", (0.0, req(tech=3)))
BILLING = kind("billing", (0.0, req(billing=3)))


def arrive(r: Router, *calls: tuple[float, str, str], priority: int | None = None) -> None:
    for at, call, call_type in calls:
        r.handle(m.CallArrived(at, call, call_type, priority=priority))


def positions(r: Router, *calls: str) -> list[int | None]:
    return [r.position(call) for call in calls]


def test_position_follows_arrival_when_calls_of_one_type_wait() -> None:
    r = router({"a": {"tech": 5}}, TECH)
    arrive(r, (1.0, "c1", "tech"), (2.0, "c2", "tech"), (3.0, "c3", "tech"))
    assert positions(r, "c1", "c2", "c3") == [1, 2, 3]


def test_position_is_none_when_the_call_is_unknown() -> None:
    r = router({"a": {"tech": 5}}, TECH)
    arrive(r, (1.0, "c1", "tech"))
    assert r.position("nobody") is None


def test_a_later_call_of_higher_priority_goes_ahead_when_both_wait() -> None:
    r = router({"a": {"tech": 5}}, TECH)
    arrive(r, (1.0, "c1", "tech"), (2.0, "c2", "tech"))
    arrive(r, (3.0, "vip", "tech"), priority=5)
    assert positions(r, "vip", "c1", "c2") == [1, 2, 3]


def test_an_older_call_stays_ahead_of_a_higher_priority_when_aging_made_up_the_difference() -> None:
    r = router({"a": {"tech": 5}}, TECH, aging=1.0)  # a point a second
    arrive(r, (0.0, "old", "tech"))
    arrive(r, (10.0, "vip", "tech"), priority=5)  # 5 points up, 10 s later
    assert positions(r, "old", "vip") == [1, 2]
    assert offers(ready(r, "a", at=11.0)) == [("old", "a")]  # as the router itself picks


def test_position_one_is_the_call_the_next_ready_agent_gets() -> None:
    r = router({"a": {"tech": 5}}, TECH)
    arrive(r, (1.0, "c1", "tech"), (2.0, "c2", "tech"))
    arrive(r, (3.0, "vip", "tech"), priority=2)
    first = next(call for call in ("c1", "c2", "vip") if r.position(call) == 1)
    assert offers(ready(r, "a", at=4.0)) == [(first, "a")]


def test_calls_of_another_call_type_do_not_count_when_they_wait_too() -> None:
    r = router({"a": {"tech": 5}, "b": {"billing": 5}}, TECH, BILLING)
    arrive(r, (1.0, "t1", "tech"), (2.0, "b1", "billing"), (3.0, "t2", "tech"))
    arrive(r, (4.0, "b2", "billing"))
    assert positions(r, "t1", "t2", "b1", "b2") == [1, 2, 1, 2]


def test_a_ringing_call_has_no_position_and_does_not_count_for_the_calls_behind() -> None:
    r = router({"a": {"tech": 5}}, TECH)
    ready(r, "a", at=0.0)
    arrive(r, (1.0, "c1", "tech"), (2.0, "c2", "tech"), (3.0, "c3", "tech"))  # c1 rings a
    assert r.calls["c1"].agent == "a"
    assert positions(r, "c1", "c2", "c3") == [None, 1, 2]


def test_a_talking_call_has_no_position_and_does_not_count_for_the_calls_behind() -> None:
    r = router({"a": {"tech": 5}}, TECH)
    ready(r, "a", at=0.0)
    arrive(r, (1.0, "c1", "tech"), (2.0, "c2", "tech"))
    r.handle(m.Answered(3.0, "c1", "a"))
    assert r.calls["c1"].talking
    assert positions(r, "c1", "c2") == [None, 1]


def test_a_call_has_no_position_when_it_ended() -> None:
    r = router({"a": {"tech": 5}}, TECH)
    ready(r, "a", at=0.0)
    arrive(r, (1.0, "c1", "tech"))
    talk(r, "c1", "a", at=2.0, until=30.0)
    assert r.position("c1") is None


def test_the_second_caller_becomes_first_when_the_first_abandons() -> None:
    r = router({"a": {"tech": 5}}, TECH)
    arrive(r, (1.0, "c1", "tech"), (2.0, "c2", "tech"), (3.0, "c3", "tech"))
    r.handle(m.CallAbandoned(10.0, "c1"))
    assert positions(r, "c1", "c2", "c3") == [None, 1, 2]


def test_a_call_an_agent_let_ring_out_has_a_position_again_when_it_goes_back_to_the_line() -> None:
    r = router({"a": {"tech": 5}}, TECH, max_misses=3)
    ready(r, "a", at=0.0)
    arrive(r, (1.0, "c1", "tech"), (2.0, "c2", "tech"))  # c1 rings a, c2 waits
    assert positions(r, "c1", "c2") == [None, 1]
    out = r.handle(m.RingFailed(3.0, "c1", "a"))  # a is ready again: rung for c2, not c1
    assert offers(out) == [("c2", "a")]
    assert positions(r, "c1", "c2") == [1, None]


def test_verdicts_of_a_waiting_call_list_every_agent_with_why_not_when_none_may_take_it() -> None:
    agents = {"a": {"tech": 5}, "b": {"billing": 5}, "c": {"tech": 5}, "d": {"tech": 4}}
    r = router(agents, TECH, max_misses=3)
    ready(r, "a", at=0.0)
    r.handle(m.LoggedIn(0.0, "c"))  # logged in, not ready
    arrive(r, (1.0, "c1", "tech"))  # rings a
    r.handle(m.RingFailed(2.0, "c1", "a"))  # a: ready again, but let c1 ring out
    ready(r, "b", at=3.0)
    assert r.position("c1") == 1
    assert r.verdicts("c1") == (
        m.Verdict("a", "ready", True, "did not answer this call before"),
        m.Verdict("b", "ready", False, "skills {'billing': 5} do not meet the requirement"),
        m.Verdict("c", "not_ready", True, "eligible but not_ready"),
        m.Verdict("d", "logged_out", True, "eligible but logged_out"),
    )


def test_verdicts_are_empty_when_the_call_is_unknown() -> None:
    r = router({"a": {"tech": 5}}, TECH)
    assert r.verdicts("nobody") == ()


def test_a_router_explaining_some_calls_gives_verdicts_for_those_only() -> None:
    r = router({"a": {}, "b": {}}, explain=frozenset({"c2"}))
    ready(r, "a", "b")
    first = the_offer(r.handle(m.CallArrived(1.0, "c1", "any")))
    second = the_offer(r.handle(m.CallArrived(2.0, "c2", "any")))
    assert first.decision.verdicts == ()
    assert [v.agent for v in second.decision.verdicts] == ["a", "b"]
