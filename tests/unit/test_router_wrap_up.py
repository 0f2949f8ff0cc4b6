"""Router scenarios after a call: wrap-up (its timer, finished early, extended), and breaks
or logouts asked for during a call, applied when its work ends."""

from __future__ import annotations

import pytest

from acd.core import messages as m
from acd.core.router import Router
from tests.unit.test_router import kind, offers, ready, router

# wrap-up ---------------------------------------------------------------------------------

WRAP = kind("any", wrap_up=30.0)


def on_wrap_up(*waiting: str) -> Router:
    """Agent a ends c1 at 10 (wrap-up until 40); ``waiting`` calls arrive at 20."""
    r = router({"a": {}}, WRAP)
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))
    r.handle(m.Answered(2.0, "c1", "a"))
    assert r.handle(m.CallEnded(10.0, "c1")) == [m.AgentChanged("a", "wrap_up", "", 10.0)]
    for call in waiting:
        assert r.handle(m.CallArrived(20.0, call, "any")) == []
    return r


def test_the_wrap_up_timer_ends_the_work_no_earlier() -> None:
    r = on_wrap_up("c2")
    assert r.handle(m.Tick(39.99)) == []
    out = r.handle(m.Tick(40.0))
    assert out[0] == m.AgentChanged("a", "ready", "", 40.0)
    assert offers(out) == [("c2", "a")]


def test_wrap_up_done_ends_it_early() -> None:
    r = on_wrap_up("c2")
    out = r.handle(m.WrapUpDone(25.0, "a"))
    assert out[0] == m.AgentChanged("a", "ready", "", 25.0) and offers(out) == [("c2", "a")]
    r.handle(m.RingFailed(26.0, "c2", "a"))
    assert r.handle(m.Tick(40.0)) == []  # the old wrap-up timer is dead


def test_a_wrap_up_extension_delays_the_end() -> None:
    r = on_wrap_up()
    assert r.handle(m.WrapUpExtended(20.0, "a", 15.0)) == []
    assert r.next_deadline == 40.0  # the old timer, now dead
    assert r.handle(m.Tick(54.0)) == []
    assert r.handle(m.Tick(55.0)) == [m.AgentChanged("a", "ready", "", 55.0)]


def test_wrap_up_requests_outside_wrap_up_are_refused() -> None:
    r = router({"a": {}})
    ready(r, "a", at=0.0)
    assert r.handle(m.WrapUpDone(1.0, "a")) == [
        m.Refused("a", "WrapUpDone", "no wrap-up to finish (ready)")
    ]
    assert r.handle(m.WrapUpExtended(1.0, "a", 5.0)) == [
        m.Refused("a", "WrapUpExtended", "no wrap-up to extend (ready)")
    ]


# requests during a call ------------------------------------------------------------------


def test_a_break_asked_for_during_a_call_starts_after_wrap_up() -> None:
    r = on_wrap_up("c2")
    assert r.handle(m.SetNotReady(15.0, "a", "lunch")) == []
    assert r.handle(m.Tick(40.0)) == [m.AgentChanged("a", "not_ready", "lunch", 40.0)]
    assert [c.id for c in r.waiting()] == ["c2"]


@pytest.mark.parametrize("when", ["ringing", "on call", "wrap-up"])
def test_a_logout_asked_for_during_a_call_happens_after_its_work(when: str) -> None:
    r = router({"a": {}}, WRAP)
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))
    steps: list[m.Event] = [m.Answered(2.0, "c1", "a"), m.CallEnded(3.0, "c1"), m.Tick(33.0)]
    asked = {"ringing": 0, "on call": 1, "wrap-up": 2}[when]
    steps.insert(asked, m.LoggedOut(1.5 + asked, "a"))
    out = [c for e in steps for c in r.handle(e)]
    assert [(c.state, c.at) for c in out if isinstance(c, m.AgentChanged)] == [
        ("on_call", 2.0), ("wrap_up", 3.0), ("logged_out", 33.0),
    ]  # fmt: skip


def test_a_logout_asked_for_while_ringing_survives_a_missed_ring() -> None:
    """Regression: the miss turned it into not ready (missed) and the agent stayed logged in."""
    r = router({"a": {}})
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))
    r.handle(m.LoggedOut(2.0, "a"))
    assert r.handle(m.Tick(16.0)) == [
        m.CancelOffer("c1", "a", "no answer"),
        m.AgentChanged("a", "logged_out", "", 16.0),
    ]


def test_ready_during_a_call_cancels_the_break() -> None:
    r = router({"a": {}})
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))
    r.handle(m.Answered(2.0, "c1", "a"))
    r.handle(m.SetNotReady(3.0, "a", "lunch"))
    r.handle(m.SetReady(4.0, "a"))
    r.handle(m.CallArrived(4.5, "c2", "any"))
    out = r.handle(m.CallEnded(5.0, "c1"))
    assert out[0] == m.AgentChanged("a", "ready", "", 5.0) and offers(out) == [("c2", "a")]


def test_a_break_while_ready_takes_the_agent_out_of_the_running() -> None:
    r = router({"a": {}, "b": {}})
    ready(r, "a", at=0.0)
    ready(r, "b", at=1.0)
    assert r.handle(m.SetNotReady(2.0, "a", "meeting")) == [
        m.AgentChanged("a", "not_ready", "meeting", 2.0)
    ]
    assert offers(r.handle(m.CallArrived(3.0, "c1", "any"))) == [("c1", "b")]
    r.handle(m.LoggedOut(4.0, "a"))
    assert offers(r.handle(m.CallArrived(5.0, "c2", "any"))) == []
