"""Interval data: the reports' figures per 15-minute slot, kept per day once the day is over,
so a report over a month adds up slots instead of reading millions of records (pure).

Every figure is a count or a sum of seconds, so a 30-minute, hourly or daily line is the sum
of its slots, and ratios are taken last (``kpis``, ``agent_figures``). Slots are aligned on
the epoch: every time zone's midnight falls on a slot's edge (offsets are whole quarters of
an hour), so a local day is a whole number of slots.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from acd import kpis
from acd.agent_figures import AgentFigures
from acd.call_book import CallRow
from acd.core import messages as m
from acd.records import Record
from acd.report import Period, agent_line, queue_line

SLOT = 900.0


@dataclass(slots=True)
class Slots:
    queues: dict[tuple[int, str], kpis.QueueFigures] = field(default_factory=dict)
    """(slot, call type): the calls that queued in the slot."""
    agents: dict[tuple[int, str], AgentFigures] = field(default_factory=dict)
    """(slot, agent): their time per state in the slot, calls answered, logouts."""

    def update(self, other: Slots) -> None:
        self.queues.update(other.queues)
        self.agents.update(other.agents)

    def between(self, start: float, end: float) -> Slots:
        """The slots of ``[start, end)`` (slot-aligned)."""
        first, last = int(start // SLOT), int(end // SLOT)
        return Slots(
            {key: f for key, f in self.queues.items() if first <= key[0] < last},
            {key: f for key, f in self.agents.items() if first <= key[0] < last},
        )

    def to_json(self) -> str:
        return json.dumps({
            "queues": [[s, name, _queue_out(f)] for (s, name), f in self.queues.items()],
            "agents": [[s, name, dict(f.seconds), f.answered, f.logouts]
                       for (s, name), f in self.agents.items()],
        }, separators=(",", ":"))  # fmt: skip

    @classmethod
    def from_json(cls, text: str | bytes) -> Slots:
        data = json.loads(text)
        slots = cls()
        for index, name, figures in data["queues"]:
            slots.queues[index, name] = _queue_in(figures)
        for index, name, seconds, answered, logouts in data["agents"]:
            slots.agents[index, name] = AgentFigures(defaultdict(float, seconds), answered, logouts)
        return slots


def fold(rows: Iterable[CallRow], records: Iterable[Record], start: float, end: float,
         short_abandon_s: float) -> Slots:  # fmt: skip
    """The slots of ``[start, end)`` (slot-aligned): calls by when they queued, agents'
    state changes (``records`` in log order) split at the slots' edges."""
    slots = Slots()
    for row in rows:
        if row.queued is not None and start <= row.queued < end:
            key = (int(row.queued // SLOT), row.call_type or "none")
            slots.queues.setdefault(key, kpis.QueueFigures()).add(row, short_abandon_s)
    current: dict[str, tuple[str, str, float]] = {}  # agent -> (state, reason, since)
    for record in records:
        if isinstance(record, m.AgentChanged):
            before = current.get(record.agent)
            if before is not None:
                spend(slots.agents, record.agent, before, start, min(record.at, end))
            current[record.agent] = (record.state, record.reason, record.at)
            if record.state == "logged_out" and start <= record.at < end and before:
                _agent(slots, record.at, record.agent).logouts += 1
        elif isinstance(record, m.Answered) and start <= record.at < end:
            _agent(slots, record.at, record.agent).answered += 1
    for agent, state in current.items():
        spend(slots.agents, agent, state, start, end)
    return slots


def queue_lines(slots: Slots, period: Period) -> Iterator[dict[str, object]]:
    """``report.lines`` from slots: one line per interval and call type, then the totals."""
    start = period.start.timestamp()
    step = period.interval.total_seconds() if period.interval else None
    totals: dict[str, kpis.QueueFigures] = {}
    by_interval: dict[tuple[int, str], kpis.QueueFigures] = {}
    for (index, name), figures in slots.queues.items():
        at = index * SLOT
        if not start <= at < period.end.timestamp():
            continue
        _add_queue(totals.setdefault(name, kpis.QueueFigures()), figures)
        if step is not None:
            key = (int((at - start) // step), name)
            _add_queue(by_interval.setdefault(key, kpis.QueueFigures()), figures)
    for (index, name), figures in sorted(by_interval.items()):
        assert step is not None
        yield queue_line(period.label(start + index * step), name, figures)
    for name, figures in sorted(totals.items()):
        yield queue_line("total", name, figures)


def agent_lines(slots: Slots, period: Period, teams: Mapping[str, str | None] | None = None
                ) -> Iterator[dict[str, object]]:  # fmt: skip
    """``report.agent_lines`` from slots."""
    start, end = period.start.timestamp(), period.end.timestamp()
    step = period.interval.total_seconds() if period.interval else end - start
    windows: dict[int, dict[str, AgentFigures]] = {}
    totals: dict[str, AgentFigures] = {}
    for (index, agent), figures in slots.agents.items():
        at = index * SLOT
        if not start <= at < end:
            continue
        totals.setdefault(agent, AgentFigures()).add(figures)
        window = windows.setdefault(int((at - start) // step), {})
        window.setdefault(agent, AgentFigures()).add(figures)
    if period.interval is not None:
        for index in range(int(-(-(end - start) // step))):
            yield from agent_line(period.label(start + index * step), windows.get(index, {}),
                                  teams)  # fmt: skip
    yield from agent_line("total", totals, teams)


def chart_data(slots: Slots, period: Period
               ) -> tuple[list[str], dict[str, dict[str, Any]], dict[str, float]]:  # fmt: skip
    """For ``report_chart``: the intervals, every call type's figures together per
    interval, and the agents logged in on average per interval."""
    start, end = period.start.timestamp(), period.end.timestamp()
    step = period.interval.total_seconds() if period.interval else end - start
    count = int(-(-(end - start) // step))
    names = [period.label(start + i * step) for i in range(count)]
    queues: dict[int, kpis.QueueFigures] = {}
    for (index, _), figures in slots.queues.items():
        if start <= index * SLOT < end:
            _add_queue(queues.setdefault(int((index * SLOT - start) // step), kpis.QueueFigures()),
                       figures)  # fmt: skip
    logged: dict[int, float] = {}
    for (index, _), agent in slots.agents.items():
        if start <= index * SLOT < end:
            seconds = sum(s for k, s in agent.seconds.items() if k != "logged_out" and ":" not in k)
            window = int((index * SLOT - start) // step)
            logged[window] = logged.get(window, 0.0) + seconds
    shown: dict[str, dict[str, Any]] = {}
    for i, figures in queues.items():
        line = queue_line(names[i], "all", figures)
        shown[names[i]] = {k: line[k] for k in ("offered", "answered", "service_level_20s")}
    agents_in = {names[i]: round(seconds / step, 2) for i, seconds in logged.items()}
    return names, shown, agents_in


def _agent(slots: Slots, at: float, agent: str) -> AgentFigures:
    return slots.agents.setdefault((int(at // SLOT), agent), AgentFigures())


def spend(agents: dict[tuple[int, str], AgentFigures], agent: str,
           state: tuple[str, str, float], start: float, until: float) -> None:  # fmt: skip
    """Count ``state``'s time in ``[max(since, start), until)``, slot by slot."""
    name, reason, since = state
    at = max(since, start)
    while at < until:
        index = int(at // SLOT)
        edge = min(until, (index + 1) * SLOT)
        counted = agents.setdefault((index, agent), AgentFigures()).seconds
        counted[name] += edge - at
        if name == "not_ready":
            counted[f"not_ready:{reason or 'unspecified'}"] += edge - at
        at = edge


def _add_queue(into: kpis.QueueFigures, figures: kpis.QueueFigures) -> None:
    for name in ("offered", "answered", "abandoned", "short_abandoned", "waiting",
                 "answer_wait", "abandon_wait"):  # fmt: skip
        setattr(into, name, getattr(into, name) + getattr(figures, name))
    for threshold, count in figures.answered_within.items():
        into.answered_within[threshold] = into.answered_within.get(threshold, 0) + count


def _queue_out(figures: kpis.QueueFigures) -> list[object]:
    return [figures.offered, figures.answered, figures.abandoned, figures.short_abandoned,
            figures.waiting, figures.answer_wait, figures.abandon_wait,
            [[t, n] for t, n in figures.answered_within.items()]]  # fmt: skip


def _queue_in(data: list[Any]) -> kpis.QueueFigures:
    offered, answered, abandoned, short, waiting, answer_wait, abandon_wait, within = data
    return kpis.QueueFigures(
        offered=offered, answered=answered, abandoned=abandoned, short_abandoned=short,
        waiting=waiting, answered_within={float(t): int(n) for t, n in within},
        answer_wait=answer_wait, abandon_wait=abandon_wait,
    )  # fmt: skip
