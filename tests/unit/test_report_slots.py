"""Interval data: a report added up from stored 15-minute slots equals the report computed
from the records, for call types and agents, any whole-day period and interval."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from acd.call_book import CallBook
from acd.core import messages as m
from acd.records import Record
from acd.report import Period, agent_lines, lines
from acd.report_slots import SLOT, Slots, fold, queue_lines
from acd.report_slots import agent_lines as slot_agent_lines
from acd.sim.engine import simulate
from tests.unit.test_simulate_report import DAY, ZONE, busy_day

TEAMS = {f"a{i}": ("red" if i % 2 else "blue") for i in range(7)}


def two_days() -> tuple[list[Record], CallBook]:
    """A simulated day and a half from midnight, with breaks and a logout; as logged."""
    scenario = busy_day()
    logged: list[Record] = []
    simulate(scenario, log=logged.append, epoch=DAY.timestamp())
    at = DAY.timestamp() + 5 * 3600 + 10.0  # a break and a logout the simulator lacks
    logged += [m.AgentChanged("a1", "not_ready", "meal", at),
               m.AgentChanged("a1", "ready", "", at + 1800.0),
               m.AgentChanged("a2", "logged_out", "", at + 60.0)]  # fmt: skip
    logged.sort(key=lambda record: record.at)
    book = CallBook()
    for record in logged:
        book.apply(record)
    return logged, book


def stored(records: list[Record], book: CallBook, days: int) -> Slots:
    """Each day folded on its own and through JSON, as kept in Redis, then put together."""
    slots = Slots()
    for day in range(days):
        start = (DAY + dt.timedelta(days=day)).timestamp()
        end = start + 86_400
        rows = book.search(since=start - 86_400, until=end, limit=10**9)
        slots.update(Slots.from_json(fold(rows, records, start, end, 5.0).to_json()))
    return slots


def same(ours: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> None:
    assert [(a["interval"], a.get("call_type", a.get("agent"))) for a in ours] == [
        (b["interval"], b.get("call_type", b.get("agent"))) for b in theirs]  # fmt: skip
    for a, b in zip(ours, theirs, strict=True):
        assert a == pytest.approx(b, abs=0.11), a["interval"]  # seconds rounded to 0.1


@pytest.mark.parametrize("interval", [None, 15, 30, 60])
def test_slots_add_up_to_the_records_report(interval: int | None) -> None:
    records, book = two_days()
    slots = stored(records, book, 2)
    step = dt.timedelta(minutes=interval) if interval else None
    for days in (1, 2):
        period = Period(DAY, DAY + dt.timedelta(days=days), step, ZONE)
        rows = book.search(limit=10**9)
        same(list(queue_lines(slots, period)), list(lines(rows, period)))
        same(list(slot_agent_lines(slots, period)), list(agent_lines(records, period)))
        same(list(slot_agent_lines(slots, period, TEAMS)),
             list(agent_lines(records, period, TEAMS)))  # fmt: skip
    assert any(line["not_ready_s"] for line in agent_lines(records, period))
    assert any(line["logouts"] for line in agent_lines(records, period))


def test_every_local_midnight_is_a_slot_edge() -> None:
    assert DAY.timestamp() % SLOT == 0
    for zone in ("Asia/Kathmandu", "Australia/Eucla", "America/St_Johns"):  # +5:45, +8:45, -3:30
        midnight = dt.datetime(2026, 11, 24, tzinfo=ZoneInfo(zone))
        assert midnight.timestamp() % SLOT == 0, zone
