"""A call that waits for one agent first (a transfer to them): offered to nobody else until
its time for them is up, then to whoever its call type allows."""

from __future__ import annotations

from acd.core import messages as m
from acd.core.router import Router
from tests.unit.test_router import kind, offers, ready, req, router, the_offer


def billing_floor() -> Router:
    """a: billing, idle longest; x: no billing skill at all."""
    return router({"a": {"billing": 5}, "x": {}}, kind("billing", (0.0, req(billing=3))))


def test_a_call_for_one_agent_goes_to_them_whatever_their_skills_or_idle_time() -> None:
    r = billing_floor()
    ready(r, "a", at=0.0)
    ready(r, "x", at=5.0)
    out = r.handle(m.CallArrived(10.0, "c1", "billing", agent="x", agent_for=30.0))
    assert offers(out) == [("c1", "x")]
    assert the_offer(out).decision.requirement == "agent x"


def test_while_it_waits_for_its_agent_nobody_else_gets_it_then_the_call_type_decides() -> None:
    r = billing_floor()
    ready(r, "a", at=0.0)
    r.handle(m.LoggedIn(0.0, "x"))  # logged in, not ready
    assert offers(r.handle(m.CallArrived(10.0, "c1", "billing", agent="x", agent_for=30.0))) == []
    assert r.handle(m.Tick(39.0)) == []  # a is ready, but the call waits for x
    out = r.handle(m.Tick(40.0))
    assert offers(out) == [("c1", "a")]
    assert the_offer(out).decision.requirement == "billing>=3"


def test_its_agent_getting_ready_in_time_takes_it() -> None:
    r = billing_floor()
    ready(r, "a", at=0.0)
    r.handle(m.LoggedIn(0.0, "x"))
    r.handle(m.CallArrived(10.0, "c1", "billing", agent="x", agent_for=30.0))
    assert offers(r.handle(m.SetReady(20.0, "x"))) == [("c1", "x")]


def test_its_agent_not_answering_leaves_the_call_to_the_others_once_the_time_is_up() -> None:
    r = billing_floor()
    ready(r, "a", "x", at=0.0)
    r.handle(m.CallArrived(10.0, "c1", "billing", agent="x", agent_for=30.0))
    r.handle(m.RingFailed(15.0, "c1", "x"))
    assert [c.id for c in r.waiting()] == ["c1"]
    assert offers(r.handle(m.Tick(40.0))) == [("c1", "a")]


def test_without_time_for_the_agent_the_call_type_decides_at_once() -> None:
    r = billing_floor()
    ready(r, "a", "x", at=0.0)
    out = r.handle(m.CallArrived(10.0, "c1", "billing", agent="x", agent_for=0.0))
    assert offers(out) == [("c1", "a")]


def test_the_others_are_told_why_not_while_the_call_waits_for_its_agent() -> None:
    r = billing_floor()
    ready(r, "a", at=0.0)
    r.handle(m.LoggedIn(0.0, "x"))
    r.handle(m.CallArrived(10.0, "c1", "billing", agent="x", agent_for=30.0))
    why = {v.agent: v.why for v in r.verdicts("c1")}
    assert why == {"a": "the call waits for agent x first", "x": "eligible but not_ready"}
