"""Agent figures from logged state changes: time per state clipped to the period, AHT, ACW,
occupancy, not-ready rate, logouts."""

from __future__ import annotations

from acd.agent_figures import by_agent
from acd.core import messages as m
from acd.records import Record

DAY: list[Record] = [
    m.AgentChanged("a", "not_ready", "logged in", 50.0),  # before the period (100..1000)
    m.AgentChanged("a", "ready", "", 150.0),
    m.AgentChanged("a", "ringing", "", 200.0),
    m.Answered(205.0, "c1", "a"),
    m.AgentChanged("a", "on_call", "", 205.0),
    m.AgentChanged("a", "wrap_up", "", 385.0),  # talked 180 s
    m.AgentChanged("a", "ready", "", 415.0),  # wrapped up 30 s
    m.AgentChanged("a", "not_ready", "meal", 500.0),
    m.AgentChanged("a", "ready", "", 800.0),
    m.AgentChanged("a", "logged_out", "", 900.0),
    m.AgentChanged("b", "not_ready", "logged in", 950.0),  # ends with the period
    m.Answered(1200.0, "c9", "b"),  # after the period
]


def test_time_in_each_state_and_what_it_makes() -> None:
    figures = {agent: f.public() for agent, f in by_agent(DAY, 100.0, 1000.0).items()}
    a = figures["a"]
    assert (a["logged_in_s"], a["ready_s"], a["not_ready_s"]) == (800.0, 235.0, 350.0)
    assert (a["talk_s"], a["wrap_up_s"], a["answered"]) == (180.0, 30.0, 1)
    assert (a["aht_s"], a["acw_s"], a["avg_talk_s"]) == (210.0, 30.0, 180.0)
    assert a["occupancy"] == round(215 / 450, 4)  # ringing + talk + wrap-up / available
    assert a["not_ready_rate"] == round(350 / 800, 4)
    assert a["not_ready_reasons"] == {"logged in": 50.0, "meal": 300.0}
    assert a["logouts"] == 1
    b = figures["b"]
    assert (b["logged_in_s"], b["answered"], b["aht_s"], b["logouts"]) == (50.0, 0, None, 0)
