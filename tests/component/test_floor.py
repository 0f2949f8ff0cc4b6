"""The wallboard from the same records acd replays: today's figures per call type, exactly
as docs/kpis.md defines them, the calls waiting now, and each agent's state and call."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from acd.adapters.ami.client import AmiClient
from acd.call_book import CallBook
from acd.core import messages as m
from acd.core.policy import AgentProfile, Policy
from acd.event_log import MemoryEventLog
from acd.floor import Floor
from acd.journal import Journal
from acd.records import IvrFinished, Rang, Record, Waiting
from acd.routing_live import LiveRouting
from acd.routing_view import RoutingView
from tests.unit.test_router import kind, req

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI).timestamp()
MIDNIGHT = dt.datetime(2026, 11, 24, 0, 0, tzinfo=SHANGHAI).timestamp()
POLICY = Policy(
    {"tech": kind("tech", (0.0, req(tech=3))), "billing": kind("billing", (0.0, req(billing=3)))},
    {"a": AgentProfile("a", {"tech": 5}, "Support", "Ann"),
     "b": AgentProfile("b", {"tech": 5}, "Billing", "Bo")},
)  # fmt: skip


def call(at: float, call_id: str) -> list[Record]:
    """A caller leaves the IVR for the tech queue at ``at`` (seconds before now)."""
    return [IvrFinished(NOW - at, call_id, "5551", "h@v1", "Queued"),
            Waiting(NOW - at, call_id, f"PJSIP/t-{call_id}"),
            m.CallArrived(NOW - at, call_id, "tech")]  # fmt: skip


def answered(at: float, call_id: str, agent: str) -> list[Record]:
    return [Rang(NOW - at, call_id, agent, f"acd-{agent}-{call_id}-1"),
            m.Answered(NOW - at, call_id, agent)]  # fmt: skip


DAY: list[Record] = [
    m.LoggedIn(MIDNIGHT - 7200, "a"), m.SetReady(MIDNIGHT - 7200, "a"),
    *call(NOW - MIDNIGHT + 600, "y1"),  # yesterday at 23:50: not today's
    *answered(NOW - MIDNIGHT + 590, "y1", "a"),
    m.CallEnded(MIDNIGHT - 500, "y1"),
    *call(300, "c1"), *answered(295, "c1", "a"),  # waited 5 s
    *call(250, "c2"), m.CallAbandoned(NOW - 248, "c2"),  # 2 s: a short abandon
    *call(240, "c3"), m.CallAbandoned(NOW - 210, "c3"),  # waited 30 s
    m.CallEnded(NOW - 200, "c1"), m.LoggedOut(NOW - 199, "a"),
    m.LoggedIn(NOW - 190, "b"), m.SetReady(NOW - 190, "b"),
    *call(180, "c4"), *answered(168, "c4", "b"),  # waited 12 s
    *call(30, "c5"),  # waiting now: a is out, b is on c4
]  # fmt: skip


def board(teams: tuple[str, ...] | None = None, **options: Any) -> dict[str, object]:
    ami = AmiClient(host="127.0.0.1", port=1, username="x", secret="x", on_event=print)
    live = LiveRouting(POLICY, ami, lambda: NOW, print, Journal(MemoryEventLog()))
    book = CallBook()
    for record in DAY:
        book.apply(record)
        live.replay(record)
    view = RoutingView(live, lambda: NOW)
    return Floor(view, book, lambda: NOW, SHANGHAI, **options).board(teams)


def test_todays_figures_per_call_type_are_exact() -> None:
    tech = board()["call_types"]["tech"]  # type: ignore[index]
    assert tech == {
        "waiting": 1, "longest_wait_s": 30.0, "oldest_waiting_since": NOW - 30,
        "offered": 4, "answered": 2, "abandoned": 1, "short_abandoned": 1,
        "answer_rate": 0.6667, "service_level": {"10s": 0.3333, "20s": 0.6667},
        "asa_s": 8.5, "avg_abandon_wait_s": 30.0,
    }  # fmt: skip


def test_an_idle_call_type_is_on_the_board_with_nothing_to_show() -> None:
    billing = board()["call_types"]["billing"]  # type: ignore[index]
    assert billing["waiting"] == 0 and billing["offered"] == 0
    assert billing["answer_rate"] is None and billing["asa_s"] is None


def test_each_agent_with_their_state_since_when_and_call_a_supervisor_their_teams() -> None:
    everyone, support = board(), board(("Support",))
    assert everyone["agents"] == {
        "a": {"name": "Ann", "team": "Support", "state": "logged_out", "reason": "",
              "since": NOW - 199, "call": None},
        "b": {"name": "Bo", "team": "Billing", "state": "on_call", "reason": "",
              "since": NOW - 168, "call": "c4"},
    }  # fmt: skip
    assert list(support["agents"]) == ["a"]  # type: ignore[call-overload]
    assert support["call_types"] == everyone["call_types"]
    assert everyone["day"] == "2026-11-24" and everyone["zone"] == "Asia/Shanghai"


def test_the_complaints_of_the_supervisor_s_teams_are_on_the_board() -> None:
    asked: list[tuple[object, float]] = []

    def complaints(teams: tuple[str, ...] | None, now: float) -> dict[str, object]:
        asked.append((teams, now))
        return {"overdue": 1}

    assert board(("Billing",), complaints=complaints)["complaints"] == {"overdue": 1}
    assert asked == [(("Billing",), NOW)]
    assert "complaints" not in board()
