"""Agent figures from the logged state changes (``AgentChanged`` records), as
``docs/kpis.md`` defines them (pure).

Each agent's time in the period is split by the state they were in (a state entered before
the period counts from its start; the last one runs to its end). Handling is ringing, talk
and wrap-up; available time is logged-in time less not-ready time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from acd.core import messages as m
from acd.records import Record


@dataclass(slots=True)
class AgentFigures:
    seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    """Seconds per state (``not_ready`` also per reason, as ``not_ready:REASON``)."""
    answered: int = 0
    logouts: int = 0

    def add(self, other: AgentFigures) -> None:
        for state, seconds in other.seconds.items():
            self.seconds[state] += seconds
        self.answered += other.answered
        self.logouts += other.logouts

    def public(self) -> dict[str, object]:
        logged_in = sum(s for k, s in self.seconds.items() if k != "logged_out" and ":" not in k)
        not_ready = self.seconds["not_ready"]
        handling = self.seconds["ringing"] + self.seconds["on_call"] + self.seconds["wrap_up"]
        return {
            "answered": self.answered,
            "logged_in_s": round(logged_in, 1),
            "ready_s": round(self.seconds["ready"], 1),
            "not_ready_s": round(not_ready, 1),
            "talk_s": round(self.seconds["on_call"], 1),
            "wrap_up_s": round(self.seconds["wrap_up"], 1),
            "aht_s": _ratio(self.seconds["on_call"] + self.seconds["wrap_up"], self.answered),
            "acw_s": _ratio(self.seconds["wrap_up"], self.answered),
            "avg_talk_s": _ratio(self.seconds["on_call"], self.answered),
            "occupancy": _ratio(handling, logged_in - not_ready, 4),
            "not_ready_rate": _ratio(not_ready, logged_in, 4),
            "not_ready_reasons": {
                k.split(":", 1)[1]: round(s, 1) for k, s in sorted(self.seconds.items()) if ":" in k
            },
            "logouts": self.logouts,
        }


def by_agent(records: Iterable[Record], start: float, end: float) -> dict[str, AgentFigures]:
    """Each agent's figures over ``[start, end)``; ``records`` in log order."""
    figures: dict[str, AgentFigures] = {}
    current: dict[str, tuple[str, str, float]] = {}  # agent -> (state, reason, since)
    for record in records:
        if isinstance(record, m.AgentChanged):
            before = current.get(record.agent)
            if before is not None:
                _add(figures, record.agent, before, min(record.at, end), start)
            current[record.agent] = (record.state, record.reason, record.at)
            if record.state == "logged_out" and start <= record.at < end and before:
                figures.setdefault(record.agent, AgentFigures()).logouts += 1
        elif isinstance(record, m.Answered) and start <= record.at < end:
            figures.setdefault(record.agent, AgentFigures()).answered += 1
    for agent, state in current.items():
        _add(figures, agent, state, end, start)
    return figures


def _add(figures: dict[str, AgentFigures], agent: str, state: tuple[str, str, float],
         until: float, start: float) -> None:  # fmt: skip
    name, reason, since = state
    seconds = until - max(since, start)
    if seconds <= 0:
        return
    counted = figures.setdefault(agent, AgentFigures()).seconds
    counted[name] += seconds
    if name == "not_ready":
        counted[f"not_ready:{reason or 'unspecified'}"] += seconds


def _ratio(part: float, whole: float, digits: int = 1) -> float | None:
    return round(part / whole, digits) if whole > 0 else None
