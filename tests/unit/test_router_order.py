"""Router scenarios for the order calls are taken in: priority first, then the longest wait
across every call type an agent serves (Asterisk #1637 is the bug to avoid), priority aging."""

from __future__ import annotations

import pytest

from acd.core import messages as m
from tests.unit.test_router import kind, offers, ready, req, router, talk, the_offer

# cross-queue order -----------------------------------------------------------------------

SALES = kind("sales", (0.0, req(sales=1)))
SUPPORT = kind("support", (0.0, req(support=1)))
VIP = kind("vip", (0.0, req(support=1)), priority=5)


def test_a_freed_agent_takes_priority_then_the_oldest_call_across_its_queues() -> None:
    """Asterisk #1637: an agent in two queues must not starve the older call of the other."""
    r = router({"both": {"sales": 1, "support": 1}, "other": {}}, SALES, SUPPORT, VIP)
    r.handle(m.CallArrived(0.0, "support-1", "support"))
    r.handle(m.CallArrived(5.0, "sales-1", "sales"))
    r.handle(m.CallArrived(6.0, "support-2", "support"))
    r.handle(m.CallArrived(8.0, "vip-1", "vip"))
    r.handle(m.LoggedIn(9.0, "both"))
    got: list[str] = []
    for n in range(4):
        at = 10.0 + 10 * n
        out = r.handle(m.SetReady(at, "both")) if n == 0 else talk(r, got[-1], "both", at - 5, at)
        offer = the_offer(out)
        assert offer.decision.trigger == "agent ready"
        assert offer.decision.strategy == "priority, wait"
        got.append(offer.call)
    assert got == ["vip-1", "support-1", "sales-1", "support-2"]


def test_a_new_call_does_not_jump_an_older_one_in_another_queue() -> None:
    r = router({"both": {"sales": 1, "support": 1}}, SALES, SUPPORT)
    r.handle(m.CallArrived(0.0, "sales-1", "sales"))
    ready(r, "both", at=1.0)
    r.handle(m.CallArrived(2.0, "support-1", "support"))  # waits: both is ringing
    r.handle(m.CallArrived(3.0, "sales-2", "sales"))
    out = talk(r, "sales-1", "both", 4.0, 5.0)
    assert offers(out) == [("support-1", "both")]


@pytest.mark.parametrize(
    ("high_arrived", "first"), [(10.0, "low"), (3.0, "high")], ids=["aged", "not-aged-enough"]
)
def test_priority_aging_lets_an_old_call_overtake_a_higher_priority(
    high_arrived: float, first: str
) -> None:
    """One point a second: at 12 the low call (0 + 12) beats a priority-5 call from 10 (5 + 2)
    but not one from 3 (5 + 9)."""
    low, high = kind("low"), kind("high", priority=5)
    r = router({"a": {}}, low, high, aging=1.0)
    r.handle(m.CallArrived(0.0, "low", "low"))
    r.handle(m.CallArrived(high_arrived, "high", "high"))
    assert offers(ready(r, "a", at=12.0)) == [(first, "a")]


def test_without_aging_priority_always_wins() -> None:
    low, high = kind("low"), kind("high", priority=1)
    r = router({"a": {}}, low, high)
    r.handle(m.CallArrived(0.0, "low", "low"))
    r.handle(m.CallArrived(1000.0, "high", "high"))
    assert offers(ready(r, "a", at=2000.0)) == [("high", "a")]


def test_a_call_can_carry_its_own_priority() -> None:
    r = router({"a": {}})
    r.handle(m.CallArrived(0.0, "plain", "any"))
    r.handle(m.CallArrived(1.0, "gold", "any", priority=3))
    assert offers(ready(r, "a", at=2.0)) == [("gold", "a")]


def test_an_agent_freed_as_a_call_widens_sees_the_widened_call() -> None:
    """Regression: at one instant the agent's timer ran first, so it took a lower-priority
    call and the offer said step 0 for a call that had reached step 1."""
    tech = kind("tech", (0.0, req(tech=5)), (10.0, req(tech=1)), priority=5)
    r = router({"x": {"tech": 1}}, kind("other"), tech, ring_timeout=10.0, max_misses=2)
    ready(r, "x", at=0.0)
    assert offers(r.handle(m.CallArrived(0.0, "o1", "other"))) == [("o1", "x")]
    r.handle(m.CallArrived(0.0, "t1", "tech"))  # its step 1 is due when x's ring times out
    r.handle(m.CallArrived(0.0, "o2", "other"))
    out = r.handle(m.Tick(10.0))
    assert offers(out) == [("t1", "x")]  # priority 5, not the equally old o2
    assert the_offer(out).decision.step == 1
