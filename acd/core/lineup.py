"""The router's answers about a call in line: each agent's verdict on it (why it is or is
not theirs) and its place among the calls of its type."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from acd.core import messages as m
from acd.core.agent import Agent, State
from acd.core.queues import Call


def verdicts(agents: Mapping[str, Agent], call: Call) -> Iterator[m.Verdict]:
    """Every agent's verdict on ``call`` now, by agent id."""
    bucket = call.bucket
    for agent in sorted(agents.values(), key=lambda a: a.id):
        eligible = bucket is not None and bucket.eligible(agent)
        if agent.id == call.agent:
            why = "chosen"
        elif call.declined_by(agent):
            why = "did not answer this call before"
        elif not eligible and call.prefer is not None:
            why = f"the call waits for {call.prefer} first"
        elif not eligible:
            why = f"skills {dict(agent.profile.skills)} do not meet the requirement"
        elif agent.state is not State.READY:
            why = f"eligible but {agent.state.value}"
        else:
            why = "eligible and ready, ranked lower"
        yield m.Verdict(agent.id, agent.state.value, eligible, why)


def position(calls: Mapping[str, Call], call_id: str) -> int | None:
    """A waiting call's place in its call type's line (1: next); None if not waiting.

    Counts the waiting calls of the same type an agent would take first (higher priority,
    then longer wait): one pass over the waiting calls, for announcements."""
    call = calls.get(call_id)
    if call is None or call.agent is not None or call.talking:
        return None
    key, kind = (call.order, call.arrived, call.seq), call.kind
    ahead = sum(
        1 for other in calls.values()
        if other.kind is kind and other.agent is None and not other.talking
        and (other.order, other.arrived, other.seq) < key
    )  # fmt: skip
    return ahead + 1
