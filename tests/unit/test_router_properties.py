"""Property tests: arbitrary interleavings of every event kind, in time order, against a
small policy; after every step the router's invariants hold.

- no agent holds two calls, and a call and its agent point at each other;
- every offer goes to a ready agent eligible for the call at that moment, never to one who
  already let it ring out;
- work-conserving: no call waits while a ready agent who may take it sits idle;
- no agent is stuck: ringing and wrap-up have a live timer, on call has a live call; time
  passing with nothing else happening ends every ring and every wrap-up;
- the commands tell a runtime everything it needs: every state change, every ring;
- replaying the same events gives the same commands and the same state.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from acd.core import messages as m
from acd.core.agent import State
from acd.core.policy import Policy, Strategy
from acd.core.router import RING, WRAP, Router
from tests.unit.test_router_model import (
    AGENTS,
    CALL_TYPES,
    CheckedRouter,
    agent_state,
    eligible,
    requirements,
    snapshot,
    step_at,
)

AGENT_IDS = [*AGENTS, "ghost"]
DT = st.sampled_from([0.0, 0.0, 0.5, 1.0, 2.0, 5.0, 8.0, 16.0])
"""Time steps, all multiples of 0.5 so that sums are exact."""
HOW = st.sampled_from(["plausible", "plausible", "late", "random"])
SOON = st.sampled_from([0.0, 0.0, 0.5, 1.0, 3.0])
"""Time steps for answers and ring failures: phones ring a few seconds."""


class RouterMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.router = CheckedRouter(Policy(CALL_TYPES, AGENTS))
        self.policy = self.router.policy
        self.now = 0.0
        self.events: list[m.Event] = []
        self.outputs: list[list[m.Command]] = []
        self.ringing: dict[str, str] = {}
        """What a runtime following the commands believes: call -> agent ringing for it."""
        self.talking: dict[str, str] = {}
        self.next_call = 0
        self.broken = False

    @initialize(
        strategy=st.sampled_from(Strategy),
        max_misses=st.integers(1, 3),
        aging=st.sampled_from([0.0, 0.5]),
        ring_timeout=st.sampled_from([4.0, 15.0]),
        explain=st.booleans(),
        ready=st.sets(st.sampled_from(list(AGENTS)), min_size=2),
    )
    def setup(
        self, *, strategy: Strategy, max_misses: int, aging: float, ring_timeout: float,
        explain: bool, ready: set[str],
    ) -> None:  # fmt: skip
        self.policy = Policy(CALL_TYPES, AGENTS, strategy, ring_timeout, max_misses, aging)
        self.router = CheckedRouter(self.policy, explain=explain)
        for agent in sorted(ready):
            self.send(m.LoggedIn(0.0, agent))
            self.send(m.SetReady(0.0, agent))

    # driving it ------------------------------------------------------------------------

    def send(self, event: m.Event) -> list[m.Command]:
        r = self.router
        before = {a.id: (a.state, a.reason) for a in r.agents.values()}
        timers_due = r.next_deadline is not None and r.next_deadline <= event.at
        frozen = {a.id: agent_state(a) for a in r.agents.values()}
        r.made.clear()
        self.events.append(event)
        self.broken = True  # until handle() returns: no replay after a failure
        out = r.handle(event)
        self.broken = False
        self.now = event.at
        self.outputs.append(out)
        self.check_offers(out)
        self.check_changes(before, out)
        if any(isinstance(c, m.Refused) for c in out) and not timers_due:
            agent = getattr(event, "agent", None)
            if agent in frozen:  # refused: nothing about the agent changed
                assert agent_state(r.agents[agent]) == frozen[agent]
        self.follow(out)
        return out

    def follow(self, out: list[m.Command]) -> None:
        """Track rings and talks as a runtime would, from the commands alone."""
        for c in out:
            if isinstance(c, m.Offer):
                assert c.call not in self.ringing and c.call not in self.talking
                self.ringing[c.call] = c.agent
            elif isinstance(c, m.CancelOffer):
                assert self.ringing.pop(c.call) == c.agent
            elif isinstance(c, m.Overflow):
                assert c.call not in self.ringing and c.call not in self.talking
            elif isinstance(c, m.AgentChanged) and c.state != "ringing":
                mine = [call for call, agent in self.ringing.items() if agent == c.agent]
                for call in mine:
                    del self.ringing[call]
                    if c.state == "on_call":
                        self.talking[call] = c.agent
                if c.state != "on_call":
                    gone = [call for call, agent in self.talking.items() if agent == c.agent]
                    for call in gone:
                        del self.talking[call]

    def later(self, dt: float) -> float:
        return self.now + dt

    def some_call(self, data: st.DataObject) -> str:
        known = [f"c{n}" for n in range(self.next_call)]
        return data.draw(st.sampled_from([*known, "nope"]))

    @rule(
        dt=DT, kind=st.sampled_from([*CALL_TYPES, *CALL_TYPES, "gone"]),
        vip=st.booleans(), priority=st.sampled_from([None, None, 0, 3]),
        early=st.sampled_from([0.0, 0.0, 0.0, 5.0, 20.0]),
    )  # fmt: skip
    def arrive(self, dt: float, kind: str, vip: bool, priority: int | None, early: float) -> None:
        at = self.later(dt)
        call, self.next_call = f"c{self.next_call}", self.next_call + 1
        skills = {"vip": 1} if vip else {}
        arrived = at - early if early else None
        self.send(m.CallArrived(at, call, kind, skills, priority, arrived))

    @precondition(lambda self: self.next_call > 0)
    @rule(dt=DT, data=st.data(), kind=st.sampled_from(list(CALL_TYPES)))
    def arrive_again(self, dt: float, data: st.DataObject, kind: str) -> None:
        self.send(m.CallArrived(self.later(dt), self.some_call(data), kind))

    @rule(dt=DT, data=st.data(), how=HOW)
    def abandon(self, dt: float, data: st.DataObject, how: str) -> None:
        pool = sorted({*(c.id for c in self.router.waiting()), *self.ringing})
        if how == "late":  # hung up as the agent answered
            pool += sorted(self.talking)
        call = data.draw(st.sampled_from(pool)) if pool and how != "random" else None
        call = call or self.some_call(data)
        self.send(m.CallAbandoned(self.later(dt), call))

    def ring_pair(self, data: st.DataObject, how: str) -> tuple[str, str]:
        """A ringing pair, a pair that was ringing or talks now (told late or twice), or
        any call with any agent."""
        pool = sorted(self.ringing.items())
        if how == "late":
            pool += sorted(self.talking.items())
        if how != "random" and pool:
            pair: tuple[str, str] = data.draw(st.sampled_from(pool))
            return pair
        return self.some_call(data), data.draw(st.sampled_from(AGENT_IDS))

    @rule(dt=SOON, data=st.data(), how=HOW)
    def answer(self, dt: float, data: st.DataObject, how: str) -> None:
        call, agent = self.ring_pair(data, how)
        self.send(m.Answered(self.later(dt), call, agent))

    @rule(dt=SOON, data=st.data(), how=HOW)
    def ring_failed(self, dt: float, data: st.DataObject, how: str) -> None:
        call, agent = self.ring_pair(data, how)
        self.send(m.RingFailed(self.later(dt), call, agent))

    @rule(dt=DT, data=st.data(), how=HOW)
    def call_ended(self, dt: float, data: st.DataObject, how: str) -> None:
        pool = sorted(self.talking)
        if how == "late":  # ended before it was answered
            pool += sorted(self.ringing)
        call = data.draw(st.sampled_from(pool)) if pool and how != "random" else None
        self.send(m.CallEnded(self.later(dt), call or self.some_call(data)))

    @rule(
        dt=DT, agent=st.sampled_from([*AGENTS, *AGENTS, "ghost"]),
        request=st.sampled_from(["in", "ready", "ready", "ready", "break", "missed", "out", "done",
                                 "more"]),
    )  # fmt: skip
    def agent_request(self, dt: float, agent: str, request: str) -> None:
        at = self.later(dt)
        events: dict[str, m.Event] = {
            "in": m.LoggedIn(at, agent), "ready": m.SetReady(at, agent),
            "break": m.SetNotReady(at, agent, "break"),
            "missed": m.SetNotReady(at, agent, "missed"),
            "out": m.LoggedOut(at, agent), "done": m.WrapUpDone(at, agent),
            "more": m.WrapUpExtended(at, agent, 5.0),
        }  # fmt: skip
        self.send(events[request])

    @precondition(lambda self: self.ringing)
    @rule()
    def answer_now(self) -> None:
        """The usual case, made common: the longest ringing phone is picked up."""
        call, agent = next(iter(self.ringing.items()))
        self.send(m.Answered(self.now, call, agent))

    @precondition(lambda self: self.talking)
    @rule(dt=DT)
    def hang_up_now(self, dt: float) -> None:
        call = next(iter(self.talking))
        self.send(m.CallEnded(self.later(dt), call))

    @precondition(lambda self: self.in_wrap_up())
    @rule(dt=SOON, data=st.data(), done=st.booleans())
    def wrap_up_now(self, dt: float, data: st.DataObject, done: bool) -> None:
        agent = data.draw(st.sampled_from(self.in_wrap_up()))
        at = self.later(dt)
        self.send(m.WrapUpDone(at, agent) if done else m.WrapUpExtended(at, agent, 3.0))

    def in_wrap_up(self) -> list[str]:
        return sorted(a.id for a in self.router.agents.values() if a.state is State.WRAP_UP)

    @rule(dt=DT, kind=st.sampled_from(list(CALL_TYPES)), vip=st.booleans())
    def arrive_plain(self, dt: float, kind: str, vip: bool) -> None:
        self.arrive(dt, kind, vip, None, 0.0)

    @rule(dt=DT)
    def tick(self, dt: float) -> None:
        self.send(m.Tick(self.later(dt)))

    @rule()
    def time_passes(self) -> None:
        """Nothing but time: every ring and every wrap-up ends on its own."""
        self.send(m.Tick(self.now + 1_000))  # > every agent missing max_misses rings
        busy = {a.id: a.state for a in self.router.agents.values()}
        assert State.RINGING not in busy.values() and State.WRAP_UP not in busy.values(), busy

    # checks made on each event's commands ----------------------------------------------

    def check_offers(self, out: list[m.Command]) -> None:
        r = self.router
        made = r.made
        assert [(c.call, c.agent) for c in out if isinstance(c, m.Offer)] == [
            (o.call.id, o.agent.id) for o in made
        ]
        for o in made:
            assert o.state is State.READY, o
            assert o.agent.id not in o.declined, o
            assert o.step == step_at(o.call.kind, o.at - o.call.arrived), o
            needs = requirements(o.call.kind, o.step, r.extra[o.call])
            assert eligible(o.agent, needs), (o, needs)
            assert o.bucket is not None and o.bucket.eligible(o.agent)
        for offer in (c for c in out if isinstance(c, m.Offer)):
            verdicts = offer.decision.verdicts
            if r.explain:
                assert sorted(v.agent for v in verdicts) == sorted(AGENTS)
                assert [v.agent for v in verdicts if v.why == "chosen"] == [offer.agent]

    def check_changes(
        self, before: dict[str, tuple[State, str]], out: list[m.Command]
    ) -> None:  # fmt: skip
        """Every change of state is told, and the last word told is the agent's state."""
        told: dict[str, tuple[str, str]] = {}
        for c in out:
            if isinstance(c, m.AgentChanged):
                told[c.agent] = (c.state, c.reason)
        for agent in self.router.agents.values():
            now = (agent.state.value, agent.reason)
            if (agent.state, agent.reason) != before[agent.id]:
                assert told.get(agent.id) == now, (agent.id, before[agent.id], told)
            elif agent.id in told:
                assert told[agent.id] == now

    # invariants after every step -------------------------------------------------------

    @invariant()
    def one_call_per_agent_and_both_sides_agree(self) -> None:
        r = self.router
        held = [a.call for a in r.agents.values() if a.call is not None]
        assert len(held) == len(set(held))
        for agent in r.agents.values():
            if agent.state in (State.RINGING, State.ON_CALL):
                assert agent.call is not None and agent.call in r.calls, agent.id
                call = r.calls[agent.call]
                assert call.agent == agent.id
                assert call.talking is (agent.state is State.ON_CALL)
            else:
                assert agent.call is None, agent.id
            if agent.state not in (State.RINGING, State.ON_CALL, State.WRAP_UP):
                assert agent.then is None
        for call in r.calls.values():
            if call.agent is not None:
                assert r.agents[call.agent].call == call.id

    @invariant()
    def work_conserving(self) -> None:
        r = self.router
        for call in r.waiting():
            assert call.step == step_at(call.kind, self.now - call.arrived), call.id
            needs = requirements(call.kind, call.step, r.extra[call])
            for agent in r.agents.values():
                if agent.state is State.READY and eligible(agent, needs):
                    assert call.declined_by(agent), (call.id, agent.id, needs)

    @invariant()
    def no_agent_is_stuck(self) -> None:
        r = self.router
        assert r.next_deadline is None or r.next_deadline > self.now  # all due timers ran
        for agent in r.agents.values():
            if agent.state in (State.RINGING, State.WRAP_UP):
                kind = RING if agent.state is State.RINGING else WRAP
                assert agent.deadline is not None and agent.deadline > self.now
                live = [t for t in r.timers
                        if t[3] is agent and t[4] == agent.epoch and t[1] == kind]  # fmt: skip
                assert [t[0] for t in live] == [agent.deadline], agent.id
            elif agent.state is State.ON_CALL:
                assert agent.call in r.calls

    @invariant()
    def commands_tell_the_runtime_who_rings_and_talks(self) -> None:
        calls = self.router.calls.values()
        assert self.ringing == {c.id: c.agent for c in calls if c.agent and not c.talking}
        assert self.talking == {c.id: c.agent for c in calls if c.agent and c.talking}

    def teardown(self) -> None:
        """Replay: a fresh router fed the same events says and ends up the same."""
        if self.broken:
            return
        again = Router(self.policy, explain=self.router.explain)
        assert [again.handle(e) for e in self.events] == self.outputs
        assert snapshot(again) == snapshot(self.router)


RouterMachine.TestCase.settings = settings(
    max_examples=200, stateful_step_count=60, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip
TestRouterProperties = pytest.mark.timeout(600)(RouterMachine.TestCase)  # time to shrink
