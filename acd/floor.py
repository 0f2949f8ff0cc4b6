"""The wallboard: per call type, calls waiting now and today's figures; per agent, their state,
for how long, and their call. ``GET /floor`` gives it; supervisors and admins also get it
pushed (``floor`` events) within a second of any change.

"Today" is since midnight in the center's time zone. A supervisor's board shows the agents
of their teams; the call types are the whole center's.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from acd import kpis
from acd.call_book import CallBook
from acd.routing_view import RoutingView

PUSH_EVERY = 1.0
REFRESH_EVERY = 30.0
"""Seconds after which the board goes out again even if nothing happened."""


class Floor:
    def __init__(
        self,
        view: RoutingView,
        book: CallBook,
        clock: Callable[[], float],
        zone: ZoneInfo,
        *,
        short_abandon_s: float = 5.0,
        complaints: Callable[[tuple[str, ...] | None, float], dict[str, Any]] | None = None,
    ) -> None:
        """``complaints``: the complaint tickets' figures (of teams; None: all), at a time."""
        self._view, self._book, self._clock, self._zone = view, book, clock, zone
        self._short, self._complaints = short_abandon_s, complaints
        self._changed = asyncio.Event()

    def board(self, teams: tuple[str, ...] | None = None) -> dict[str, Any]:
        """The board now (of ``teams``' agents only, if given)."""
        now = self._clock()
        local = dt.datetime.fromtimestamp(now, self._zone)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
        today = self._book.search(since=midnight, limit=1_000_000)
        figures = kpis.by_call_type(today, self._short)
        router = self._view.router
        waits: dict[str, list[float]] = {}
        for call in router.waiting():
            waits.setdefault(call.kind.name, []).append(now - call.arrived)
        call_types = {
            name: {"waiting": len(waits.get(name, ())),
                   "longest_wait_s": round(max(waits.get(name, [0.0])), 1),
                   "oldest_waiting_since": now - max(waits[name]) if name in waits else None,
                   **figures.get(name, kpis.QueueFigures()).public()}
            for name in sorted(router.policy.call_types)
        }  # fmt: skip
        agents = {
            a.id: {"name": a.profile.name, "team": a.profile.team, "state": a.state.value,
                   "reason": a.reason, "since": a.since, "call": a.call}
            for a in sorted(router.agents.values(), key=lambda a: a.id)
            if teams is None or a.profile.team in teams
        }  # fmt: skip
        board = {"at": now, "day": local.date().isoformat(), "zone": self._zone.key,
                 "call_types": call_types, "agents": agents}  # fmt: skip
        if self._complaints is not None:
            board["complaints"] = self._complaints(teams, now)
        return board

    def changed(self, _: object = None) -> None:
        """Something happened (a router event or command): the board is due again."""
        self._changed.set()

    async def push(self, staff: Mapping[str, tuple[str, ...] | None],
                   tell: Callable[[str, str, dict[str, Any]], None]) -> None:  # fmt: skip
        """Tell each of ``staff`` (user -> their teams, None: all) the board after changes,
        at most once every ``PUSH_EVERY`` seconds, and every ``REFRESH_EVERY`` seconds
        regardless (overdue tickets, the longest waits)."""
        while True:
            with contextlib.suppress(TimeoutError):  # what time alone changes (overdue, waits)
                await asyncio.wait_for(self._changed.wait(), REFRESH_EVERY)
            self._changed.clear()
            boards: dict[tuple[str, ...] | None, dict[str, Any]] = {}
            for user, teams in staff.items():
                if teams not in boards:
                    boards[teams] = self.board(teams)
                tell(user, "floor", boards[teams])
            await asyncio.sleep(PUSH_EVERY)
