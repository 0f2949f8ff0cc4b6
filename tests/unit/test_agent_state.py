"""The agent state machine on its own: every allowed transition, every refused one, requests
kept for after a call, missed rings and wrap-up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from acd.core.agent import MISSED, Agent, NotAllowed, State
from acd.core.policy import AgentProfile

RING = 15.0


def agent_in(state: State) -> Agent:
    """A fresh agent brought to ``state`` by the ordinary path, ending at t=4."""
    agent = Agent(AgentProfile("a1", {"sales": 2}))
    if state is State.LOGGED_OUT:
        return agent
    agent.log_in(1.0)
    if state is State.NOT_READY:
        agent.set_not_ready(2.0, "break")
        return agent
    agent.set_ready(2.0)
    if state is State.READY:
        return agent
    agent.offer(3.0, "c1", RING, sequence=7)
    if state is State.RINGING:
        return agent
    agent.answer(4.0)
    if state is State.ON_CALL:
        return agent
    agent.call_ended(5.0, wrap_up=30.0)
    assert agent.state is State.WRAP_UP
    return agent


def snapshot(agent: Agent) -> tuple[Any, ...]:
    return (
        agent.state, agent.reason, agent.since, agent.call, agent.then, agent.misses,
        agent.handled, agent.offered, agent.epoch, agent.deadline,
    )  # fmt: skip


def pending(agent: Agent) -> tuple[State, str] | None:
    """The request kept for after the call (a call, so that mypy does not narrow it)."""
    return agent.then


Request = Callable[[Agent], None]
REQUESTS: dict[str, Request] = {
    "log_in": lambda a: a.log_in(10.0),
    "set_ready": lambda a: a.set_ready(10.0),
    "set_not_ready": lambda a: a.set_not_ready(10.0, "lunch"),
    "log_out": lambda a: a.log_out(10.0),
    "offer": lambda a: a.offer(10.0, "c2", RING, sequence=9),
    "answer": lambda a: a.answer(10.0),
    "missed": lambda a: a.missed(10.0, max_misses=1),
    "caller_left": lambda a: a.caller_left(10.0),
    "call_ended": lambda a: a.call_ended(10.0, wrap_up=0.0),
    "extend_wrap_up": lambda a: a.extend_wrap_up(5.0),
    "wrap_up_done": lambda a: a.wrap_up_done(10.0),
}
S = State
# (from, request) -> the state it leads to; every pair not listed is refused
ALLOWED: dict[tuple[State, str], State] = {
    (S.LOGGED_OUT, "log_in"): S.NOT_READY,
    (S.READY, "set_ready"): S.READY,
    (S.READY, "set_not_ready"): S.NOT_READY,
    (S.READY, "log_out"): S.LOGGED_OUT,
    (S.READY, "offer"): S.RINGING,
    (S.NOT_READY, "set_ready"): S.READY,
    (S.NOT_READY, "set_not_ready"): S.NOT_READY,
    (S.NOT_READY, "log_out"): S.LOGGED_OUT,
    (S.RINGING, "set_ready"): S.RINGING,
    (S.RINGING, "set_not_ready"): S.RINGING,
    (S.RINGING, "log_out"): S.RINGING,
    (S.RINGING, "answer"): S.ON_CALL,
    (S.RINGING, "missed"): S.NOT_READY,
    (S.RINGING, "caller_left"): S.READY,
    (S.ON_CALL, "set_ready"): S.ON_CALL,
    (S.ON_CALL, "set_not_ready"): S.ON_CALL,
    (S.ON_CALL, "log_out"): S.ON_CALL,
    (S.ON_CALL, "call_ended"): S.READY,
    (S.WRAP_UP, "set_ready"): S.WRAP_UP,
    (S.WRAP_UP, "set_not_ready"): S.WRAP_UP,
    (S.WRAP_UP, "log_out"): S.WRAP_UP,
    (S.WRAP_UP, "extend_wrap_up"): S.WRAP_UP,
    (S.WRAP_UP, "wrap_up_done"): S.READY,
}
PAIRS = [(state, name) for state in State for name in REQUESTS]


@pytest.mark.parametrize(
    ("start", "request_name"),
    [p for p in PAIRS if p in ALLOWED],
    ids=lambda v: getattr(v, "value", v),
)
def test_allowed_transition(start: State, request_name: str) -> None:
    agent = agent_in(start)
    REQUESTS[request_name](agent)
    assert agent.state is ALLOWED[start, request_name]
    if agent.state is not start:
        assert agent.since == 10.0
    if agent.state not in {State.RINGING, State.ON_CALL}:
        assert agent.call is None
    if agent.state not in {State.RINGING, State.ON_CALL, State.WRAP_UP}:
        assert agent.then is None and agent.deadline is None


@pytest.mark.parametrize(
    ("start", "request_name"),
    [p for p in PAIRS if p not in ALLOWED],
    ids=lambda v: getattr(v, "value", v),
)
def test_refused_transition_changes_nothing(start: State, request_name: str) -> None:
    agent = agent_in(start)
    before = snapshot(agent)
    with pytest.raises(NotAllowed):
        REQUESTS[request_name](agent)
    assert snapshot(agent) == before


def test_every_change_bumps_the_epoch_and_clears_the_deadline() -> None:
    agent = agent_in(State.READY)
    epoch = agent.epoch
    agent.offer(3.0, "c1", RING, sequence=7)
    assert (agent.call, agent.offered, agent.deadline) == ("c1", 7, 18.0)
    assert agent.epoch == epoch + 1
    agent.answer(4.0)
    assert agent.deadline is None and agent.call == "c1" and agent.epoch == epoch + 2


def test_log_in_starts_not_ready_with_a_clean_slate() -> None:
    agent = agent_in(State.LOGGED_OUT)
    agent.misses = 3
    agent.log_in(1.0)
    assert (agent.state, agent.reason, agent.misses, agent.then) == (
        State.NOT_READY, "logged in", 0, None,
    )  # fmt: skip


def test_not_ready_with_another_reason_changes_the_reason() -> None:
    agent = agent_in(State.NOT_READY)
    agent.set_not_ready(9.0, "meeting")
    assert (agent.state, agent.reason, agent.since) == (State.NOT_READY, "meeting", 9.0)


def test_ready_while_ready_is_a_no_op() -> None:
    agent = agent_in(State.READY)
    before = snapshot(agent)
    agent.set_ready(9.0)
    assert snapshot(agent) == before


# requests during a call ------------------------------------------------------------------


@pytest.mark.parametrize("busy", [State.RINGING, State.ON_CALL, State.WRAP_UP])
def test_break_during_a_call_is_applied_when_its_work_ends(busy: State) -> None:
    agent = agent_in(busy)
    agent.set_not_ready(6.0, "lunch")
    assert agent.state is busy and pending(agent) == (State.NOT_READY, "lunch")
    finish(agent, 20.0)
    assert (agent.state, agent.reason, agent.since, agent.then) == (
        State.NOT_READY, "lunch", 20.0, None,
    )  # fmt: skip


@pytest.mark.parametrize("busy", [State.RINGING, State.ON_CALL, State.WRAP_UP])
def test_logout_during_a_call_is_applied_when_its_work_ends(busy: State) -> None:
    agent = agent_in(busy)
    agent.log_out(6.0)
    assert agent.state is busy and pending(agent) == (State.LOGGED_OUT, "")
    finish(agent, 20.0)
    assert (agent.state, agent.then, agent.call) == (State.LOGGED_OUT, None, None)


@pytest.mark.parametrize("busy", [State.RINGING, State.ON_CALL, State.WRAP_UP])
def test_ready_during_a_call_cancels_a_pending_break(busy: State) -> None:
    agent = agent_in(busy)
    agent.set_not_ready(6.0, "lunch")
    agent.set_ready(7.0)
    assert agent.state is busy and agent.then is None
    finish(agent, 20.0)
    assert agent.state is State.READY


def test_the_last_request_during_a_call_wins() -> None:
    agent = agent_in(State.ON_CALL)
    agent.log_out(6.0)
    agent.set_not_ready(7.0, "training")
    finish(agent, 20.0)
    assert (agent.state, agent.reason) == (State.NOT_READY, "training")


def finish(agent: Agent, at: float) -> None:
    """End the current call's work the ordinary way (answered, ended, wrap-up done)."""
    if agent.state is State.RINGING:
        agent.answer(at)
    if agent.state is State.ON_CALL:
        agent.call_ended(at, wrap_up=0.0)
    if agent.state is State.WRAP_UP:
        agent.wrap_up_done(at)


def test_caller_leaving_applies_the_pending_request_and_is_not_a_miss() -> None:
    agent = agent_in(State.RINGING)
    agent.set_not_ready(5.0, "lunch")
    agent.caller_left(6.0)
    assert (agent.state, agent.reason, agent.misses, agent.call) == (
        State.NOT_READY, "lunch", 0, None,
    )  # fmt: skip


# missed rings ----------------------------------------------------------------------------


def test_misses_count_up_to_max_then_not_ready_missed() -> None:
    agent = agent_in(State.READY)
    for n in (1, 2):
        agent.offer(10.0 * n, f"c{n}", RING, sequence=n)
        agent.missed(10.0 * n + 1, max_misses=3)
        assert (agent.state, agent.misses, agent.call) == (State.READY, n, None)
    agent.offer(30.0, "c3", RING, sequence=3)
    agent.missed(31.0, max_misses=3)
    assert (agent.state, agent.reason, agent.misses) == (State.NOT_READY, MISSED, 3)


def test_an_answer_resets_the_misses() -> None:
    agent = agent_in(State.READY)
    agent.offer(10.0, "c1", RING, sequence=1)
    agent.missed(11.0, max_misses=2)
    agent.offer(12.0, "c2", RING, sequence=2)
    agent.answer(13.0)
    assert agent.misses == 0
    agent.call_ended(14.0, wrap_up=0.0)
    agent.offer(15.0, "c3", RING, sequence=3)
    agent.missed(16.0, max_misses=2)
    assert (agent.state, agent.misses) == (State.READY, 1)  # not two in a row


def test_ready_again_after_missed_resets_the_misses() -> None:
    agent = agent_in(State.RINGING)
    agent.missed(10.0, max_misses=1)
    assert (agent.state, agent.reason) == (State.NOT_READY, MISSED)
    agent.set_ready(11.0)
    assert (agent.state, agent.misses) == (State.READY, 0)
    agent.offer(12.0, "c2", RING, sequence=8)
    agent.missed(13.0, max_misses=2)
    assert agent.state is State.READY  # one miss, not two


def test_a_miss_below_the_limit_applies_the_pending_break() -> None:
    agent = agent_in(State.RINGING)
    agent.set_not_ready(5.0, "lunch")
    agent.missed(10.0, max_misses=2)
    assert (agent.state, agent.reason, agent.then) == (State.NOT_READY, "lunch", None)


def test_missed_at_the_limit_overrides_a_pending_break() -> None:
    agent = agent_in(State.RINGING)
    agent.set_not_ready(5.0, "lunch")
    agent.missed(10.0, max_misses=1)
    assert (agent.state, agent.reason, agent.then) == (State.NOT_READY, MISSED, None)


def test_missed_at_the_limit_keeps_a_pending_logout() -> None:
    """Regression: the miss used to drop the logout asked for during the ring."""
    agent = agent_in(State.RINGING)
    agent.log_out(5.0)
    agent.missed(10.0, max_misses=1)
    assert (agent.state, agent.then, agent.call) == (State.LOGGED_OUT, None, None)


# wrap-up ---------------------------------------------------------------------------------


def test_call_ended_with_wrap_up_sets_its_deadline() -> None:
    agent = agent_in(State.ON_CALL)
    agent.call_ended(5.0, wrap_up=30.0)
    assert (agent.state, agent.deadline, agent.handled, agent.call) == (
        State.WRAP_UP, 35.0, 1, None,
    )  # fmt: skip


def test_call_ended_without_wrap_up_is_ready_at_once() -> None:
    agent = agent_in(State.ON_CALL)
    agent.call_ended(5.0, wrap_up=0.0)
    assert (agent.state, agent.since, agent.handled, agent.deadline) == (
        State.READY, 5.0, 1, None,
    )  # fmt: skip


def test_wrap_up_extended_moves_the_deadline_and_the_epoch() -> None:
    agent = agent_in(State.WRAP_UP)
    epoch = agent.epoch
    agent.extend_wrap_up(20.0)
    agent.extend_wrap_up(10.0)
    assert (agent.state, agent.deadline, agent.epoch) == (State.WRAP_UP, 65.0, epoch + 2)


def test_wrap_up_finished_early() -> None:
    agent = agent_in(State.WRAP_UP)
    agent.wrap_up_done(12.0)
    assert (agent.state, agent.since, agent.deadline) == (State.READY, 12.0, None)
