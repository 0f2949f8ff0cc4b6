"""``acd simulate`` and ``acd report`` speak the same figures: a simulated day's records,
folded into call records as a live acd's would be, give the report exactly the queue figures,
AHT and occupancy the simulator counted itself (docs/kpis.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from acd.call_book import CallBook
from acd.core import policy as core
from acd.records import Record, decode, encode
from acd.report import Period, agent_lines, lines
from acd.sim.engine import simulate
from acd.sim.model import Distribution, Scenario, Traffic

ZONE = ZoneInfo("Asia/Shanghai")
DAY = dt.datetime(2026, 11, 24, tzinfo=ZONE)
HOUR = 3600.0


def busy_day() -> Scenario:
    """Two call types, impatient callers (some hang up within 5 s), a wrap-up, a ring."""
    skills = ({"billing": 5}, {"tech": 5}, {"billing": 3, "tech": 3})
    profiles = {f"a{i}": core.AgentProfile(f"a{i}", skills[i % 3]) for i in range(7)}
    kinds = {name: core.CallType(name, (core.Step(0, core.Requirement.of({name: 1})),),
                                 wrap_up=15.0)
             for name in ("billing", "tech")}  # fmt: skip
    policy = core.Policy(kinds, profiles)
    traffic = tuple(
        Traffic(name, rate, Distribution("exponential", 240.0),
                Distribution("exponential", patience))
        for name, rate, patience in (("billing", 50.0, 60.0), ("tech", 40.0, 20.0))
    )  # fmt: skip
    return Scenario(7, 8 * HOUR, HOUR, 20, traffic, policy, ring_time=3.0)


def test_the_report_of_a_simulated_day_equals_the_simulators_own_figures() -> None:
    logged: list[Record] = []
    result = simulate(busy_day(), log=logged.append, epoch=DAY.timestamp())
    records = [decode(encode(record)) for record in logged]  # as stored in the event log
    book = CallBook()
    for record in records:
        book.apply(record)
    window = Period(DAY + dt.timedelta(hours=1), DAY + dt.timedelta(hours=9), None, ZONE)
    report = {line["call_type"]: line for line in lines(book.search(limit=10**9), window)}
    own: Any = result.as_json()["call_types"]
    for name in ("billing", "tech"):
        mine, theirs = report[name], own[name]
        assert theirs["offered"] > 200 and theirs["short_abandoned"] > 5  # a real test
        for figure in ("offered", "answered", "abandoned", "short_abandoned"):
            assert mine[figure] == theirs[figure], (name, figure)
        assert mine["service_level_20s"] == round(theirs["service_level"], 4)
        assert mine["answer_rate"] == round(theirs["answered"] / theirs["offered"], 4)
        assert mine["asa_s"] == pytest.approx(round(theirs["asa_s"], 4), abs=1e-4)
        assert mine["avg_abandon_wait_s"] == pytest.approx(
            round(theirs["avg_abandon_wait_s"], 4), abs=1e-4)  # fmt: skip
    everyone = {agent: "all" for agent in busy_day().policy.agents}
    [team] = agent_lines(records, window, everyone)  # every agent in one team
    overall: Any = result.as_json()
    assert team["aht_s"] == round(overall["overall"]["aht_s"], 1)
    assert team["occupancy"] == round(overall["occupancy"], 4)
