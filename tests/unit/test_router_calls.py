"""Router scenarios over a call's life: unanswered rings, callers hanging up, maximum waits
and fallbacks."""

from __future__ import annotations

import pytest

from acd.core import messages as m
from acd.core.agent import MISSED
from tests.unit.test_router import kind, offers, ready, req, router, states, talk, the_offer

# ring-no-answer --------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["ring failed", "ring timeout"])
def test_an_unanswered_call_goes_back_to_the_head_and_the_next_agent_gets_it(how: str) -> None:
    r = router({"a": {}, "b": {}})
    ready(r, "a", at=0.0)
    r.handle(m.LoggedIn(0.0, "b"))
    assert offers(r.handle(m.CallArrived(1.0, "c1", "any"))) == [("c1", "a")]
    r.handle(m.CallArrived(2.0, "c2", "any"))  # waits behind c1
    event = m.RingFailed(3.0, "c1", "a") if how == "ring failed" else m.Tick(16.0)
    at = event.at
    stop = [m.CancelOffer("c1", "a", "no answer")] if how == "ring timeout" else []
    assert r.handle(event) == [*stop, m.AgentChanged("a", "not_ready", MISSED, at)]
    assert [c.id for c in r.waiting()] == ["c1", "c2"]
    out = r.handle(m.SetReady(20.0, "b"))
    assert out[0] == m.AgentChanged("b", "ready", "", 20.0)
    assert offers(out) == [("c1", "b")]  # c1 kept its place ahead of c2
    assert the_offer(out).decision.waited == 19.0


def test_the_agent_who_missed_is_not_rung_again_for_that_call() -> None:
    r = router({"a": {}}, max_misses=3)
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))
    out = r.handle(m.RingFailed(2.0, "c1", "a"))
    assert out == [m.AgentChanged("a", "ready", "", 2.0)]  # one miss of three: ready
    assert r.handle(m.Tick(1000.0)) == []  # no loop: a is never rung for c1 again
    assert [c.id for c in r.waiting()] == ["c1"] and r.calls["c1"].declined == {"a": 1}
    assert offers(r.handle(m.CallArrived(1001.0, "c2", "any"))) == [("c2", "a")]


def test_a_call_an_agent_missed_is_offered_to_them_again_once_they_choose_ready() -> None:
    r = router({"a": {}}, max_misses=1)
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))
    r.handle(m.RingFailed(2.0, "c1", "a"))  # a: not ready (missed); c1 waits
    assert r.agents["a"].reason == "missed" and [c.id for c in r.waiting()] == ["c1"]
    assert offers(r.handle(m.SetReady(60.0, "a"))) == [("c1", "a")]  # not stranded


def test_the_router_stops_the_ringing_when_its_ring_timer_runs_out() -> None:
    r = router({"a": {}, "b": {}})
    ready(r, "a", "b", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))  # a rings until 16
    out = r.handle(m.Tick(16.0))
    assert out[0] == m.CancelOffer("c1", "a", "no answer")
    assert offers(out) == [("c1", "b")]


def test_an_agent_who_missed_another_call_still_gets_this_one() -> None:
    r = router({"a": {}, "b": {}}, max_misses=2)
    ready(r, "a", "b", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))  # a
    r.handle(m.CallArrived(1.0, "c2", "any"))  # b
    out = r.handle(m.RingFailed(2.0, "c1", "a"))
    assert offers(out) == []  # c1: a declined it, b is ringing
    out = r.handle(m.RingFailed(3.0, "c2", "b"))
    assert offers(out) == [("c2", "a"), ("c1", "b")]  # c2 back in the queue, then b free


def test_after_max_misses_in_a_row_the_agent_is_not_ready_missed() -> None:
    r = router({"a": {}}, max_misses=2)
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))
    r.handle(m.RingFailed(2.0, "c1", "a"))
    out = r.handle(m.CallArrived(3.0, "c2", "any"))
    assert offers(out) == [("c2", "a")]
    assert r.handle(m.Tick(18.0)) == [
        m.CancelOffer("c2", "a", "no answer"),
        m.AgentChanged("a", "not_ready", MISSED, 18.0),
    ]
    assert r.agents["a"].misses == 2


def test_an_answer_between_misses_starts_the_count_again() -> None:
    r = router({"a": {}}, max_misses=2)
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))
    r.handle(m.RingFailed(2.0, "c1", "a"))
    r.handle(m.CallArrived(3.0, "c2", "any"))
    talk(r, "c2", "a", 4.0, 5.0)
    r.handle(m.CallArrived(6.0, "c3", "any"))
    assert r.handle(m.RingFailed(7.0, "c3", "a")) == [m.AgentChanged("a", "ready", "", 7.0)]


def test_ready_again_after_missed_clears_the_count() -> None:
    r = router({"a": {}}, max_misses=1)
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))
    r.handle(m.RingFailed(2.0, "c1", "a"))
    assert states(r) == {"a": "not_ready"} and r.agents["a"].reason == MISSED
    r.handle(m.SetReady(3.0, "a"))
    assert r.agents["a"].misses == 0


def test_a_ring_failed_for_another_call_or_agent_is_ignored() -> None:
    r = router({"a": {}, "b": {}})
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))
    assert r.handle(m.RingFailed(2.0, "c1", "b")) == []
    assert r.handle(m.RingFailed(2.0, "c9", "a")) == []
    assert states(r)["a"] == "ringing"


def test_unanswered_after_max_wait_overflows_instead_of_queueing_again() -> None:
    sales = kind("sales", max_wait=10.0, fallback="ivr.voicemail")
    r = router({"a": {}, "b": {}}, sales)
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "sales"))
    assert r.handle(m.Tick(11.0)) == []  # ringing at max wait: the ring decides
    out = r.handle(m.RingFailed(12.0, "c1", "a"))
    assert out == [m.AgentChanged("a", "not_ready", MISSED, 12.0),
                   m.Overflow("c1", "ivr.voicemail", 11.0)]  # fmt: skip
    assert "c1" not in r.calls


def test_a_widened_call_skips_the_ready_agent_who_missed_it_for_the_next_one() -> None:
    """The agent who let it ring out is first in the widened bucket: the next one gets it."""
    tech = kind("tech", (0.0, req(tech=2)), (10.0, req(tech=1)))
    r = router({"a": {"tech": 2}, "b": {"tech": 1}}, tech, max_misses=2)
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "tech"))
    assert r.handle(m.RingFailed(2.0, "c1", "a")) == [m.AgentChanged("a", "ready", "", 2.0)]
    ready(r, "b", at=3.0)  # idle less long than a, and only meets step 2
    out = r.handle(m.Tick(11.0))
    assert offers(out) == [("c1", "b")]
    assert the_offer(out).decision.key == (3.0, 0, "b")
    assert r.handle(m.Tick(100.0)) == [
        m.CancelOffer("c1", "b", "no answer"),
        m.AgentChanged("b", "ready", "", 26.0),
    ]
    assert [c.id for c in r.waiting()] == ["c1"]  # both ready, neither rung for c1 again


# the caller hangs up ---------------------------------------------------------------------


def test_caller_abandons_while_ringing_cancels_the_offer_and_the_agent_is_ready() -> None:
    r = router({"a": {}})
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))
    out = r.handle(m.CallAbandoned(2.0, "c1"))
    assert out == [m.CancelOffer("c1", "a"), m.AgentChanged("a", "ready", "", 2.0)]
    assert r.agents["a"].misses == 0 and r.calls == {}
    assert r.handle(m.Tick(100.0)) == []  # the ring timer is dead


def test_the_agent_freed_by_an_abandon_takes_the_next_call() -> None:
    r = router({"a": {}})
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))
    r.handle(m.CallArrived(1.5, "c2", "any"))
    out = r.handle(m.CallAbandoned(2.0, "c1"))
    assert offers(out) == [("c2", "a")]


def test_a_waiting_caller_who_hangs_up_leaves_the_queue() -> None:
    r = router({"a": {}})
    r.handle(m.CallArrived(1.0, "c1", "any"))
    r.handle(m.CallArrived(2.0, "c2", "any"))
    assert r.handle(m.CallAbandoned(3.0, "c1")) == []
    assert offers(ready(r, "a", at=4.0)) == [("c2", "a")]


def test_call_ended_while_ringing_is_the_caller_leaving() -> None:
    """Regression: this used to raise NotAllowed and left the agent ringing a dead call."""
    r = router({"a": {}})
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))
    out = r.handle(m.CallEnded(2.0, "c1"))
    assert out == [m.CancelOffer("c1", "a"), m.AgentChanged("a", "ready", "", 2.0)]
    assert r.handle(m.Tick(100.0)) == []


def test_call_abandoned_while_talking_ends_the_call() -> None:
    """Regression: this used to forget the call and leave the agent on call for ever."""
    r = router({"a": {}}, kind("any", wrap_up=5.0))
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))
    r.handle(m.Answered(2.0, "c1", "a"))
    assert r.handle(m.CallAbandoned(3.0, "c1")) == [m.AgentChanged("a", "wrap_up", "", 3.0)]
    assert r.handle(m.Tick(8.0)) == [m.AgentChanged("a", "ready", "", 8.0)]


# maximum wait ----------------------------------------------------------------------------


def test_max_wait_without_fallback_is_an_overflow_command() -> None:
    r = router({"a": {}}, kind("sales", max_wait=30.0))
    r.handle(m.CallArrived(5.0, "c1", "sales"))
    assert r.next_deadline == 35.0
    assert r.handle(m.Tick(34.9)) == []
    assert r.handle(m.Tick(35.0)) == [m.Overflow("c1", None, 30.0)]
    assert r.calls == {} and offers(ready(r, "a", at=36.0)) == []


def test_max_wait_to_an_ivr_node() -> None:
    r = router({}, kind("sales", max_wait=30.0, fallback="survey.start"))
    r.handle(m.CallArrived(0.0, "c1", "sales"))
    assert r.handle(m.Tick(40.0)) == [m.Overflow("c1", "survey.start", 30.0)]


def test_max_wait_to_another_call_type_keeps_the_callers_place() -> None:
    sales = kind("sales", (0.0, req(sales=1)), max_wait=30.0, fallback="general")
    general = kind("general", (0.0, req(general=1)))
    r = router({"g": {"general": 1}}, sales, general)
    r.handle(m.CallArrived(0.0, "s1", "sales"))
    r.handle(m.CallArrived(10.0, "g1", "general"))
    assert r.handle(m.Tick(30.0)) == []  # no command: it just moved
    moved = r.calls["s1"]
    assert (moved.kind.name, moved.arrived) == ("general", 0.0)
    out = ready(r, "g", at=40.0)
    assert offers(out) == [("s1", "g")]  # ahead of g1, which came later
    assert the_offer(out).decision.waited == 40.0


def test_the_ivrs_own_max_wait_and_fallback_override_the_call_types() -> None:
    r = router({}, kind("sales", max_wait=300.0, fallback="general"))
    r.handle(m.CallArrived(0.0, "c1", "sales", max_wait=20.0, fallback="hotline.offer_callback"))
    assert r.next_deadline == 20.0
    assert r.handle(m.Tick(20.0)) == [m.Overflow("c1", "hotline.offer_callback", 20.0)]


def test_an_ivr_fallback_alone_applies_at_the_call_types_max_wait() -> None:
    r = router({}, kind("sales", max_wait=30.0))
    r.handle(m.CallArrived(0.0, "c1", "sales", fallback="hotline.offer_callback"))
    assert r.handle(m.Tick(30.0)) == [m.Overflow("c1", "hotline.offer_callback", 30.0)]


def test_an_ivr_max_wait_alone_sends_the_call_to_the_call_types_fallback() -> None:
    general = kind("general")
    r = router({}, kind("sales", fallback="general"), general)
    r.handle(m.CallArrived(0.0, "c1", "sales", max_wait=15.0))
    assert r.handle(m.Tick(15.0)) == [] and r.calls["c1"].kind.name == "general"
    assert r.calls["c1"].arrived == 0.0 and r.next_deadline is None  # general has no max wait


def test_a_cycle_of_fallbacks_moves_once_per_max_wait_and_never_spins() -> None:
    """Regression: max wait counted from the first arrival, so a -> b -> a looped for ever."""
    a = kind("a", (0.0, req(a=1)), max_wait=30.0, fallback="b")
    b = kind("b", (0.0, req(b=1)), max_wait=20.0, fallback="a")
    r = router({"x": {"b": 1}}, a, b)
    r.handle(m.CallArrived(0.0, "c1", "a"))
    assert r.handle(m.Tick(30.0)) == [] and r.calls["c1"].kind.name == "b"
    assert r.handle(m.Tick(49.0)) == [] and r.calls["c1"].kind.name == "b"
    assert r.handle(m.Tick(50.0)) == [] and r.calls["c1"].kind.name == "a"
    assert r.next_deadline == 80.0


def test_a_call_type_falling_back_to_itself_restarts_its_wait() -> None:
    a = kind("a", max_wait=10.0, fallback="a")
    r = router({}, a)
    r.handle(m.CallArrived(0.0, "c1", "a"))
    assert r.handle(m.Tick(35.0)) == []
    assert r.calls["c1"].arrived == 0.0 and r.next_deadline == 40.0


def test_a_call_offered_in_time_does_not_overflow() -> None:
    r = router({"a": {}}, kind("sales", max_wait=30.0))
    r.handle(m.CallArrived(0.0, "c1", "sales"))
    ready(r, "a", at=10.0)
    r.handle(m.Answered(12.0, "c1", "a"))
    assert r.handle(m.Tick(100.0)) == []
    assert states(r) == {"a": "on_call"}
