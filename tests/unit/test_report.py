"""Report lines: each call in the interval it queued, per call type, then the period's
totals; figures as docs/kpis.md defines them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from acd.call_book import CallBook, CallRow
from acd.core import messages as m
from acd.records import Record
from acd.report import Period, agent_lines, lines

ZONE = ZoneInfo("Asia/Shanghai")
NINE = dt.datetime(2026, 11, 24, 9, 0, tzinfo=ZONE)
T = NINE.timestamp()


def rows() -> list[CallRow]:
    book = CallBook()
    script = [  # (queued after 9:00, call type, call, what happened after how many seconds)
        (60, "billing", "b1", ("answered", 8)), (600, "billing", "b2", ("answered", 25)),
        (1900, "billing", "b3", ("abandoned", 40)), (1950, "billing", "b4", ("abandoned", 3)),
        (100, "tech", "t1", ("answered", 15)), (-60, "tech", "early", ("answered", 1)),
        (3700, "tech", "late", ("answered", 1)),
    ]  # fmt: skip
    for after, kind, call, (fate, wait) in script:
        book.apply(m.CallArrived(T + after, call, kind))
        if fate == "answered":
            book.apply(m.Answered(T + after + wait, call, "1001"))
        else:
            book.apply(m.CallAbandoned(T + after + wait, call))
    return book.search(limit=100)


def test_half_hours_per_call_type_then_the_totals() -> None:
    period = Period(NINE, NINE + dt.timedelta(hours=1), dt.timedelta(minutes=30), ZONE)
    found = [(x["interval"], x["call_type"], x["offered"], x["answered"], x["abandoned"],
              x["short_abandoned"], x["service_level_20s"], x["asa_s"])
             for x in lines(rows(), period)]  # fmt: skip
    assert found == [
        ("2026-11-24T09:00+08:00", "billing", 2, 2, 0, 0, 0.5, 16.5),
        ("2026-11-24T09:00+08:00", "tech", 1, 1, 0, 0, 1.0, 15.0),
        ("2026-11-24T09:30+08:00", "billing", 1, 0, 1, 1, 0.0, None),
        ("total", "billing", 3, 2, 1, 1, 0.3333, 16.5),
        ("total", "tech", 1, 1, 0, 0, 1.0, 15.0),
    ]


def test_without_an_interval_only_the_totals() -> None:
    period = Period(NINE, NINE + dt.timedelta(hours=2), None, ZONE)
    found = [(x["interval"], x["call_type"], x["offered"]) for x in lines(rows(), period)]
    assert found == [("total", "billing", 3), ("total", "tech", 2)]  # "late" is in


def test_agent_lines_per_interval_then_the_period_and_teams_add_their_agents_up() -> None:
    start = dt.datetime.fromtimestamp(0, ZONE)
    changes: list[Record] = [
        m.AgentChanged("a", "ready", "", 0.0), m.AgentChanged("a", "on_call", "", 600.0),
        m.Answered(600.0, "c1", "a"), m.AgentChanged("a", "ready", "", 1500.0),
        m.AgentChanged("b", "not_ready", "break", 0.0),
        m.AgentChanged("b", "logged_out", "", 900.0),
    ]  # fmt: skip
    period = Period(start, start + dt.timedelta(minutes=30), dt.timedelta(minutes=15), ZONE)
    found = [(str(x["interval"])[-11:], x["agent"], x["talk_s"], x["logged_in_s"], x["logouts"])
             for x in agent_lines(changes, period)]  # fmt: skip
    assert found == [
        ("08:00+08:00", "a", 300.0, 900.0, 0), ("08:00+08:00", "b", 0.0, 900.0, 0),
        ("08:15+08:00", "a", 600.0, 900.0, 0), ("08:15+08:00", "b", 0.0, 0.0, 1),
        ("total", "a", 900.0, 1800.0, 0), ("total", "b", 0.0, 900.0, 1),
    ]  # fmt: skip
    teams = list(agent_lines(changes, Period(start, period.end, None, ZONE), {"a": "T", "b": "T"}))
    assert [(x["agent"], x["talk_s"], x["logged_in_s"], x["answered"]) for x in teams] == [
        ("T", 900.0, 2700.0, 1)]  # fmt: skip
