"""The ACD: waiting calls, agents, and who gets which call. Pure: ``handle(event)`` in,
commands out, time only from the events.

Calls wait in *buckets*, one per distinct requirement (what any agent must meet now). Each
bucket keeps a heap of its calls (highest priority, then longest wait: a key that does not
change while the call waits, since every call ages at the same rate) and a heap of the ready
agents eligible for it (ordered by the strategy). Every agent knows its eligible buckets, so
a freed agent looks only at those buckets' first calls: oldest-first across every call type
it serves, priority respected. Entries are removed lazily: each carries the call's token or
the agent's epoch at push time and is dropped when they no longer match.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Any

from acd.core import lineup
from acd.core import messages as m
from acd.core.agent import Agent, NotAllowed, State
from acd.core.policy import Policy, Requirement
from acd.core.queues import AGENT_KEYS, Bucket, Call, first_live

STEP, MAX_WAIT, RING, WRAP = 0, 1, 2, 3
"""Timer kinds, in the order they run at one instant: the calls' before the agents', so an
agent freed at the moment a call widens or leaves sees the call as it is at that moment."""
PREFERENCE_OVER = -1
"""A ``STEP`` timer's step when a call stops waiting for its one agent."""


class Router:
    def __init__(self, policy: Policy, *, explain: bool | frozenset[str] = False) -> None:
        """``explain``: record every agent's verdict in each decision (for these calls only,
        if a set: a replay that explains one call stays fast)."""
        self.policy, self.explain = policy, explain
        self.agents = {a.id: Agent(a) for a in policy.agents.values()}
        self.calls: dict[str, Call] = {}
        self.buckets: dict[tuple[Requirement, ...], Bucket] = {}
        self.timers: list[tuple[float, int, int, Any, int]] = []
        self._seq = 0
        self._out: list[m.Command] = []
        self._agent_key = AGENT_KEYS[policy.strategy]
        for kind in policy.call_types.values():  # up front: a new bucket scans every agent
            for last in range(len(kind.steps)):
                self._new_bucket(tuple(step.requirement for step in kind.steps[: last + 1]))
        self._handlers: dict[type, Callable[[Any], None]] = {
            m.CallArrived: self._arrived, m.CallAbandoned: self._hung_up,
            m.Answered: self._answered, m.RingFailed: self._ring_failed,
            m.CallEnded: self._hung_up, m.LoggedIn: self._agent_request,
            m.SetReady: self._agent_request, m.SetNotReady: self._agent_request,
            m.LoggedOut: self._agent_request, m.WrapUpDone: self._agent_request,
            m.WrapUpExtended: self._agent_request, m.Consult: self._consult,
            m.Tick: lambda _: None,
        }  # fmt: skip

    # the one entry point --------------------------------------------------------------

    def handle(self, event: m.Event) -> list[m.Command]:
        out: list[m.Command] = []
        self._out = out
        self._run_timers(event.at)
        self._handlers[type(event)](event)
        return out

    @property
    def next_deadline(self) -> float | None:
        return self.timers[0][0] if self.timers else None

    # calls ----------------------------------------------------------------------------

    def _arrived(self, e: m.CallArrived) -> None:
        if e.call in self.calls:
            return  # told twice (a replayed or repeated event)
        kind = self.policy.call_types.get(e.call_type)
        if kind is None:  # a call type the policy no longer has: nobody could take it
            waited = 0.0 if e.arrived is None else e.at - e.arrived
            self._out.append(m.Overflow(e.call, None, waited))
            return
        first = kind.steps[0].requirement
        if e.skills:
            merged = dict(first.skills)
            for name, level in e.skills.items():
                merged[name] = max(level, merged.get(name, 0))
            first = Requirement.of(merged, first.team)
        arrived = e.at if e.arrived is None else e.arrived
        priority = kind.priority if e.priority is None else e.priority
        self._seq += 1
        call = Call(e.call, kind, first, priority, arrived,
                    -(priority - self.policy.aging * arrived), self._seq)  # fmt: skip
        self.calls[call.id] = call
        waited = e.at - arrived
        while call.step + 1 < len(kind.steps) and kind.steps[call.step + 1].after <= waited:
            call.step += 1
        for index in range(call.step + 1, len(kind.steps)):
            self._timer(arrived + kind.steps[index].after, STEP, call, index)
        call.fallback = e.fallback
        if e.agent is not None and e.agent_for > 0:
            call.prefer = Requirement(agent=e.agent)
            self._timer(e.at + e.agent_for, STEP, call, PREFERENCE_OVER)
        max_wait = kind.max_wait if e.max_wait is None else e.max_wait
        if max_wait is not None:
            call.limit = e.at + max_wait
            self._timer(call.limit, MAX_WAIT, call, 0)
        self._queue(call, e.at)

    def _queue(self, call: Call, at: float) -> None:
        """Put the call in the bucket of its current step and offer it if an agent is ready."""
        steps = (call.first, *(s.requirement for s in call.kind.steps[1 : call.step + 1]))
        any_of = steps if call.prefer is None else (call.prefer,)
        bucket = self.buckets.get(any_of) or self._new_bucket(any_of)
        call.token += 1
        call.bucket, call.agent = bucket, None
        ready = bucket.ready
        while ready:
            _, _, _, epoch, agent = ready[0]
            if epoch != agent.epoch or agent.state is not State.READY:
                heapq.heappop(ready)
            elif call.declined_by(agent):
                self._offer_past_declined(call, bucket, at)
                return
            else:
                self._offer(call, agent, at, "call waiting", ready[0][:3])
                return
        heapq.heappush(bucket.calls, (call.order, call.arrived, call.seq, call.token, call))

    def _offer_past_declined(self, call: Call, bucket: Bucket, at: float) -> None:
        for key in sorted(bucket.ready):
            agent = key[4]
            if key[3] == agent.epoch and agent.state is State.READY and not call.declined_by(agent):
                self._offer(call, agent, at, "call waiting", key[:3])
                return
        heapq.heappush(bucket.calls, (call.order, call.arrived, call.seq, call.token, call))

    def _new_bucket(self, any_of: tuple[Requirement, ...]) -> Bucket:
        bucket = self.buckets[any_of] = Bucket(any_of)
        for agent in self.agents.values():
            if bucket.eligible(agent):
                agent.buckets.append(bucket)
                if agent.state is State.READY:
                    self._push_ready(agent, bucket)
        return bucket

    def _hung_up(self, e: m.CallAbandoned | m.CallEnded) -> None:
        """The call is gone, whatever it was doing: waiting, ringing an agent or talking."""
        call = self.calls.pop(e.call, None)
        if call is None:
            return
        call.token += 1
        if call.consultant is not None:
            self._consult_over(self.agents[call.consultant], e.at, taken=False)
        if call.agent is None:
            return
        agent = self.agents[call.agent]
        if call.talking:
            self._call_done(agent, e.at, call.kind.wrap_up)
            return
        agent.caller_left(e.at)  # while the agent's phone rang: not the agent's miss
        self._out.append(m.CancelOffer(call.id, agent.id))
        self._changed(agent, e.at)
        self._agent_free(agent, e.at)

    def _answered(self, e: m.Answered) -> None:
        call, agent = self.calls.get(e.call), self.agents.get(e.agent)
        if call is None or agent is None or call.agent != agent.id or agent.call != call.id:
            return
        if agent.state is not State.RINGING:
            return  # told twice
        agent.answer(e.at)
        call.talking = True
        self._changed(agent, e.at)

    def _consult(self, e: m.Consult) -> None:
        """An attended transfer to an agent: held for the consult, then handed the call (the
        consulting agent's part ends), or back to where they were."""
        kind, _, name = e.to.partition(":")
        call, agent = self.calls.get(e.call), self.agents.get(name)
        if kind != "agent" or call is None or agent is None or not call.talking:
            return  # a supervisor's phone, or a call already over
        if e.step == "answered":
            return  # the consulted agent is on the call already
        if e.step == "started":
            try:
                agent.consulted(e.at, call.id)
            except NotAllowed as refused:
                self._out.append(m.Refused(agent.id, "Consult", str(refused)))
                return
            call.consultant = agent.id
            self._changed(agent, e.at)
        elif call.consultant == agent.id:
            taken = e.step == "completed" and call.agent is not None
            if taken and call.agent is not None:
                former = self.agents[call.agent]
                call.agent = agent.id
                self._call_done(former, e.at, call.kind.wrap_up)
            self._consult_over(agent, e.at, taken=taken)
            call.consultant = None

    def _consult_over(self, agent: Agent, at: float, *, taken: bool) -> None:
        agent.consult_over(at, taken=taken)
        self._changed(agent, at)
        self._agent_free(agent, at)

    def _call_done(self, agent: Agent, at: float, wrap_up: float) -> None:
        """The agent's part of a call is over: wrap-up (timed), or free."""
        agent.call_ended(at, wrap_up)
        self._changed(agent, at)
        if agent.deadline is not None:
            self._timer(agent.deadline, WRAP, agent, agent.epoch)
        self._agent_free(agent, at)

    def _ring_failed(self, e: m.RingFailed) -> None:
        agent = self.agents.get(e.agent)
        if agent is not None and agent.state is State.RINGING and agent.call == e.call:
            self._no_answer(agent, e.at)

    def _no_answer(self, agent: Agent, at: float) -> None:
        call = self.calls[agent.call] if agent.call else None
        agent.missed(at, self.policy.max_misses)
        self._changed(agent, at)
        if call is not None:
            call.declined[agent.id] = agent.readied
            if call.limit is not None and at >= call.limit:
                self._overflow(call, at)
            else:
                self._queue(call, at)  # same key as before: back at the head of its queue
        self._agent_free(agent, at)

    def _overflow(self, call: Call, at: float) -> None:
        self.calls.pop(call.id, None)
        call.token += 1
        to = call.fallback or call.kind.fallback
        if to is not None and to in self.policy.call_types:
            kind = self.policy.call_types[to]
            self._arrived(m.CallArrived(at, call.id, kind.name, arrived=call.arrived))
        else:
            self._out.append(m.Overflow(call.id, to, at - call.arrived))

    # agents ---------------------------------------------------------------------------

    def _agent_request(self, e: Any) -> None:
        agent = self.agents.get(e.agent)
        if agent is None:
            self._out.append(m.Refused(e.agent, type(e).__name__, "no such agent"))
            return
        before = (agent.state, agent.reason, agent.then)
        try:
            _REQUESTS[type(e)](agent, e)
        except NotAllowed as refused:
            self._out.append(m.Refused(agent.id, type(e).__name__, str(refused)))
            return
        if isinstance(e, m.WrapUpExtended) and agent.deadline is not None:
            self._timer(agent.deadline, WRAP, agent, agent.epoch)
        if (agent.state, agent.reason) != before[:2]:
            self._changed(agent, e.at)
            self._agent_free(agent, e.at)

    def _agent_free(self, agent: Agent, at: float) -> None:
        """An agent just became ready: the best call it may take, else wait in the heaps."""
        if agent.state is not State.READY:
            return
        best: tuple[float, float, int, int, Call] | None = None
        for bucket in agent.buckets:
            calls = bucket.calls
            while calls and calls[0][3] != calls[0][4].token:
                heapq.heappop(calls)
            if calls:
                top = calls[0] if not calls[0][4].declined_by(agent) else first_live(calls, agent)
                if top is not None and (best is None or top[:3] < best[:3]):
                    best = top
        if best is not None:
            self._offer(best[4], agent, at, "agent ready", best[:3])
            return
        for bucket in agent.buckets:
            self._push_ready(agent, bucket)

    def _push_ready(self, agent: Agent, bucket: Bucket) -> None:
        first, second = self._agent_key(agent, bucket)
        heapq.heappush(bucket.ready, (first, second, agent.id, agent.epoch, agent))

    def _offer(
        self, call: Call, agent: Agent, at: float, trigger: str, key: tuple[Any, ...]
    ) -> None:
        call.token += 1
        call.agent = agent.id
        self._seq += 1
        agent.offer(at, call.id, self.policy.ring_timeout, self._seq)
        self._timer(at + self.policy.ring_timeout, RING, agent, agent.epoch)
        requirement = call.bucket.label if call.bucket else ""  # always queued before
        strategy = self.policy.strategy.value if trigger == "call waiting" else "priority, wait"
        explain = self.explain if isinstance(self.explain, bool) else call.id in self.explain
        verdicts = tuple(lineup.verdicts(self.agents, call)) if explain else ()
        decision = m.Decision(at, call.id, agent.id, trigger, at - call.arrived, call.step,
                              requirement, strategy, key, verdicts)  # fmt: skip
        self._out.append(m.Offer(call.id, agent.id, decision))
        self._changed(agent, at)

    def _changed(self, agent: Agent, at: float) -> None:
        self._out.append(m.AgentChanged(agent.id, agent.state.value, agent.reason, at))

    # timers ---------------------------------------------------------------------------

    def _timer(self, at: float, kind: int, subject: Any, check: int) -> None:
        self._seq += 1
        heapq.heappush(self.timers, (at, kind, self._seq, subject, check))

    def _run_timers(self, now: float) -> None:
        timers = self.timers
        while timers and timers[0][0] <= now:
            at, kind, _, subject, check = heapq.heappop(timers)
            if kind == STEP:
                self._widen(subject, check, at)
            elif kind == MAX_WAIT:
                waiting: Call = subject
                if self.calls.get(waiting.id) is waiting and waiting.agent is None:
                    self._overflow(waiting, at)
            elif subject.epoch == check:  # RING or WRAP, unless the agent moved on since
                if kind == RING:
                    if subject.call is not None:
                        self._out.append(m.CancelOffer(subject.call, subject.id, "no answer"))
                    self._no_answer(subject, at)
                else:
                    subject.wrap_up_done(at)
                    self._changed(subject, at)
                    self._agent_free(subject, at)

    def _widen(self, call: Call, step: int, at: float) -> None:
        """A step timer: the call's next step, or the end of its wait for one agent."""
        if self.calls.get(call.id) is not call:
            return
        if step == PREFERENCE_OVER:
            call.prefer = None
        elif call.step < step:
            call.step = step
        else:
            return
        if call.agent is None and not call.talking:
            self._queue(call, at)

    # explanations and checks (acd.core.lineup) --------------------------------------

    def verdicts(self, call_id: str) -> tuple[m.Verdict, ...]:
        """Each agent's verdict on a call now: why a waiting call is not offered to them."""
        call = self.calls.get(call_id)
        return () if call is None else tuple(lineup.verdicts(self.agents, call))

    def position(self, call_id: str) -> int | None:
        """A waiting call's place in its call type's line (1: next); None if not waiting."""
        return lineup.position(self.calls, call_id)

    def waiting(self) -> list[Call]:
        """Calls waiting for an agent (not ringing, not talking)."""
        return [c for c in self.calls.values() if c.agent is None]


_REQUESTS: dict[type, Callable[[Agent, Any], None]] = {
    m.LoggedIn: lambda a, e: a.log_in(e.at),
    m.SetReady: lambda a, e: a.set_ready(e.at),
    m.SetNotReady: lambda a, e: a.set_not_ready(e.at, e.reason),
    m.LoggedOut: lambda a, e: a.log_out(e.at),
    m.WrapUpDone: lambda a, e: a.wrap_up_done(e.at),
    m.WrapUpExtended: lambda a, e: a.extend_wrap_up(e.seconds),
}
