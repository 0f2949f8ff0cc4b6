"""The router on a virtual clock: Poisson callers, their patience, agents who answer and
talk for a drawn time. The same ``Router`` as the server; only time and people are made up.

Figures count the calls that arrive after the warm-up and before its end, followed until
they are answered or abandoned, as ``docs/kpis.md`` defines them for reports: a caller who
hangs up within ``short_abandon_s`` is a short abandon, not offered; service level =
answered within ``service_level`` seconds / offered (every offered call settles here);
ASA over answered calls; AHT = talk and wrap-up time in the window / calls answered in it;
occupancy = ringing, talk and wrap-up time in the window / the agents' time in it.

``log`` is told every record a live acd would log for the run (the router's events and
its agents' state changes), its times shifted by ``epoch``: ``acd report`` over them gives
the same queue figures.
"""

from __future__ import annotations

import dataclasses
import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from acd.core import messages as m
from acd.core.router import Router
from acd.records import Record
from acd.sim.model import Scenario

ARRIVE, ABANDON, ANSWER, END = 0, 1, 2, 3


@dataclass(slots=True)
class Tally:
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    within: int = 0
    wait: float = 0.0
    handle: float = 0.0
    """Talk and wrap-up time inside the window (of calls answered before it too)."""
    handled: int = 0
    """Calls answered inside the window."""
    abandon_wait: float = 0.0

    def add(self, other: Tally) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self) -> dict[str, float]:
        answered = self.answered or 1
        return {
            "offered": self.offered,
            "answered": self.answered,
            "abandoned": self.abandoned,
            "short_abandoned": self.short_abandoned,
            "service_level": self.within / self.offered if self.offered else 0.0,
            "asa_s": self.wait / answered,
            "aht_s": self.handle / (self.handled or 1),
            "avg_abandon_wait_s": self.abandon_wait / (self.abandoned or 1),
        }


@dataclass(slots=True)
class _Caller:
    id: str
    call_type: str
    arrived: float
    counted: bool
    """Arrived inside the measured window."""
    answered: bool = False
    gone: bool = False


@dataclass(slots=True)
class Result:
    call_types: dict[str, Tally] = field(default_factory=dict)
    busy: float = 0.0
    agents: int = 0
    duration: float = 0.0
    calls: int = 0
    """Every call simulated, warm-up included."""

    def as_json(self) -> dict[str, object]:
        overall = Tally()
        for tally in self.call_types.values():
            overall.add(tally)
        capacity = self.agents * self.duration
        return {
            "call_types": {name: t.figures() for name, t in sorted(self.call_types.items())},
            "overall": overall.figures(),
            "occupancy": self.busy / capacity if capacity else 0.0,
        }


def simulate(
    scenario: Scenario,
    progress: Callable[[float], None] | None = None,
    *,
    log: Callable[[Record], None] | None = None,
    epoch: float = 0.0,
    short_abandon_s: float = 5.0,
) -> Result:
    """Run ``scenario`` to its end; ``progress`` is told the share of time done now and then."""
    return _Run(scenario, log, epoch, short_abandon_s).run(progress)


class _Run:
    def __init__(self, scenario: Scenario, log: Callable[[Record], None] | None,
                 epoch: float, short_abandon_s: float) -> None:  # fmt: skip
        self.log, self.epoch, self.short = log, epoch, short_abandon_s
        self.scenario = scenario
        self.rng = random.Random(scenario.seed)
        self.router = Router(scenario.policy)
        self.start, self.stop = scenario.warmup, scenario.warmup + scenario.duration
        self.result = Result(
            {t.call_type: Tally() for t in scenario.traffic},
            agents=len(self.router.agents),
            duration=scenario.duration,
        )
        self.traffic = {t.call_type: t for t in scenario.traffic}
        self.wrap_up = {name: kind.wrap_up for name, kind in scenario.policy.call_types.items()}
        self.callers: dict[str, _Caller] = {}
        self.ringing: dict[tuple[str, str], float] = {}  # (call, agent) -> rung at
        self.queue: list[tuple[float, int, int, str]] = []
        self.seq = 0

    def later(self, at: float, kind: int, subject: str) -> None:
        self.seq += 1
        heapq.heappush(self.queue, (at, self.seq, kind, subject))

    def handle(self, event: m.Event) -> list[m.Command]:
        commands = self.router.handle(event)
        if self.log is not None:
            self._logged(event, commands)
        return commands

    def _logged(self, event: m.Event, commands: list[m.Command]) -> None:
        assert self.log is not None
        if not isinstance(event, m.Tick):
            self.log(dataclasses.replace(event, at=event.at + self.epoch))
        for command in commands:
            if isinstance(command, m.AgentChanged):
                self.log(dataclasses.replace(command, at=command.at + self.epoch))

    def carry_out(self, commands: list[m.Command], now: float) -> None:
        for command in commands:
            if type(command) is m.Offer:
                self.ringing[command.call, command.agent] = now
                self.later(
                    now + self.scenario.ring_time, ANSWER, f"{command.call}\0{command.agent}"
                )
            elif type(command) is m.CancelOffer:
                self._rang(command.call, command.agent, now)

    def _rang(self, call: str, agent: str, now: float) -> None:
        """The ring is over: its time is the agent's busy time."""
        began = self.ringing.pop((call, agent), now)
        self.result.busy += self._inside(began, now)

    def _inside(self, begin: float, end: float) -> float:
        return max(0.0, min(end, self.stop) - max(begin, self.start))

    def run(self, progress: Callable[[float], None] | None) -> Result:
        router, queue = self.router, self.queue
        for agent in router.agents:
            self.handle(m.LoggedIn(0.0, agent))
            self.handle(m.SetReady(0.0, agent))
        for t in self.scenario.traffic:
            if t.arrivals_per_hour > 0:
                self.later(self.rng.expovariate(t.arrivals_per_hour / 3600.0), ARRIVE, t.call_type)
        steps = (self._arrive, self._abandon, self._answer, self._end)
        next_report = 0.0
        while queue:
            deadline = router.next_deadline
            if deadline is not None and deadline < queue[0][0]:
                self.carry_out(self.handle(m.Tick(deadline)), deadline)
                continue
            now, _, kind, subject = heapq.heappop(queue)
            steps[kind](now, subject)
            if progress is not None and now >= next_report:
                progress(min(1.0, now / self.stop))
                next_report = now + self.stop / 100
        return self.result

    def _arrive(self, now: float, call_type: str) -> None:
        if now >= self.stop:
            return
        spec = self.traffic[call_type]
        self.later(now + self.rng.expovariate(spec.arrivals_per_hour / 3600.0), ARRIVE, call_type)
        self.result.calls += 1
        caller = _Caller(f"c{self.result.calls}", call_type, now, now >= self.start)
        self.callers[caller.id] = caller
        if caller.counted:
            self.result.call_types[call_type].offered += 1
        if spec.patience is not None:
            self.later(now + spec.patience.draw(self.rng), ABANDON, caller.id)
        event = m.CallArrived(now, caller.id, call_type, spec.skills)
        self.carry_out(self.handle(event), now)

    def _abandon(self, now: float, call_id: str) -> None:
        caller = self.callers.get(call_id)
        if caller is None or caller.answered:
            return
        del self.callers[call_id]
        caller.gone = True
        if caller.counted:
            tally, waited = self.result.call_types[caller.call_type], now - caller.arrived
            if waited < self.short:  # not a real demand: out of offered
                tally.offered -= 1
                tally.short_abandoned += 1
            else:
                tally.abandoned += 1
                tally.abandon_wait += waited
        self.carry_out(self.handle(m.CallAbandoned(now, call_id)), now)

    def _answer(self, now: float, subject: str) -> None:
        call_id, agent = subject.split("\0")
        caller = self.callers.get(call_id)
        if caller is None:
            return  # hung up while the agent's phone rang
        caller.answered = True
        talk = self.traffic[caller.call_type].handle_time.draw(self.rng)
        wrap_up = self.wrap_up[caller.call_type]
        tally = self.result.call_types[caller.call_type]
        if caller.counted:
            waited = now - caller.arrived
            tally.answered += 1
            tally.wait += waited
            tally.within += waited <= self.scenario.service_level
        handling = self._inside(now, now + talk + wrap_up)
        tally.handle += handling
        tally.handled += self.start <= now < self.stop
        self._rang(call_id, agent, now)
        self.result.busy += handling
        self.carry_out(self.handle(m.Answered(now, call_id, agent)), now)
        self.later(now + talk, END, call_id)

    def _end(self, now: float, call_id: str) -> None:
        del self.callers[call_id]
        self.carry_out(self.handle(m.CallEnded(now, call_id)), now)
