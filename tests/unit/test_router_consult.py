"""Attended transfers in the router: the consulted agent is held for the consult (offered
nothing), then either takes the call (its agent goes to wrap-up) or goes back to where they
were; nobody is left stuck whatever ends the call."""

from __future__ import annotations

from acd.core import messages as m
from acd.core.router import Router
from tests.unit.test_router import kind, offers, ready, req, router


def talking() -> Router:
    """a answers c1 (tech, 10 s wrap-up); b is ready too."""
    r = router({"a": {"tech": 5}, "b": {"tech": 5}}, kind("tech", (0.0, req(tech=3)), wrap_up=10.0))
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "tech"))
    r.handle(m.Answered(2.0, "c1", "a"))
    ready(r, "b", at=3.0)
    return r


def consult(r: Router, step: str, at: float, to: str = "agent:b") -> list[m.Command]:
    return r.handle(m.Consult(at, "c1", "a", to, step))


def states(r: Router) -> dict[str, tuple[str, str, str | None]]:
    return {a.id: (a.state.value, a.reason, a.call) for a in r.agents.values()}


def test_a_consulted_agent_is_on_the_call_and_offered_nothing_else() -> None:
    r = talking()
    consult(r, "started", 4.0)
    assert states(r)["b"] == ("on_call", "consult", "c1")
    assert offers(r.handle(m.CallArrived(5.0, "c2", "tech"))) == []  # b is busy


def test_completed_the_call_is_the_consulted_agents_and_its_agent_wraps_up() -> None:
    r = talking()
    consult(r, "started", 4.0)
    out = consult(r, "completed", 9.0)
    assert states(r) == {"a": ("wrap_up", "", None), "b": ("on_call", "", "c1")}
    assert [(c.agent, c.state) for c in out if isinstance(c, m.AgentChanged)] == [
        ("a", "wrap_up"), ("b", "on_call")]  # fmt: skip
    assert r.calls["c1"].agent == "b"
    r.handle(m.CallEnded(20.0, "c1", "caller"))
    assert states(r)["b"] == ("wrap_up", "", None)  # b's call now: b's wrap-up
    r.handle(m.Tick(30.0))
    assert states(r) == {"a": ("ready", "", None), "b": ("ready", "", None)}


def test_cancelled_or_failed_the_consulted_agent_is_back_and_takes_the_next_call() -> None:
    for step in ("cancelled", "failed"):
        r = talking()
        consult(r, "started", 4.0)
        r.handle(m.CallArrived(5.0, "c2", "tech"))
        out = consult(r, step, 6.0)
        assert offers(out) == [("c2", "b")]  # ready again: the waiting call is theirs
        assert states(r)["a"] == ("on_call", "", "c1") and r.calls["c1"].agent == "a"


def test_an_agent_on_a_break_goes_back_to_it_after_the_consult_or_the_call() -> None:
    r = talking()
    r.handle(m.SetNotReady(3.5, "b", "coaching"))
    consult(r, "started", 4.0)
    consult(r, "cancelled", 5.0)
    assert states(r)["b"] == ("not_ready", "coaching", None)
    consult(r, "started", 6.0)
    consult(r, "completed", 7.0)
    r.handle(m.CallEnded(8.0, "c1", "caller"))
    r.handle(m.Tick(18.0))
    assert states(r)["b"] == ("not_ready", "coaching", None)


def test_the_caller_hanging_up_during_the_consult_frees_both_agents() -> None:
    r = talking()
    consult(r, "started", 4.0)
    r.handle(m.CallEnded(5.0, "c1", "caller"))
    assert states(r) == {"a": ("wrap_up", "", None), "b": ("ready", "", None)}
    assert consult(r, "completed", 6.0) == []  # too late: the call is over


def test_a_busy_or_logged_out_agent_cannot_be_consulted() -> None:
    r = talking()
    r.handle(m.LoggedOut(3.5, "b"))
    out = consult(r, "started", 4.0)
    assert [(c.agent, c.request) for c in out if isinstance(c, m.Refused)] == [("b", "Consult")]
    assert r.calls["c1"].consultant is None
    assert consult(r, "completed", 5.0) == [] and r.calls["c1"].agent == "a"


def test_a_supervisors_phone_is_outside_routing() -> None:
    r = talking()
    assert consult(r, "started", 4.0, to="phone:s") == []
    assert states(r)["b"] == ("ready", "", None)
