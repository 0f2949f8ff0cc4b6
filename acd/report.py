"""Queue figures per interval and call type, from call records (pure): what ``acd report``
prints. Each call counts in the interval in which it queued (``docs/kpis.md``); intervals
count from the period's start, in the center's time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from acd import kpis
from acd.agent_figures import AgentFigures, by_agent
from acd.call_book import CallRow
from acd.records import Record

COLUMNS = ("interval", "call_type", "offered", "answered", "abandoned", "short_abandoned",
           "answer_rate", "service_level_10s", "service_level_20s", "asa_s",
           "avg_abandon_wait_s")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Period:
    start: dt.datetime
    end: dt.datetime
    interval: dt.timedelta | None
    """None: the whole period as one line per call type."""
    zone: ZoneInfo

    def label(self, at: float) -> str:
        """An interval's name: when it starts, local time, to the minute."""
        return dt.datetime.fromtimestamp(at, self.zone).isoformat(timespec="minutes")


def lines(rows: Iterable[CallRow], period: Period, short_abandon_s: float = 5.0
          ) -> Iterator[dict[str, object]]:  # fmt: skip
    """One line per interval and call type that had calls, in order; then the period's
    total per call type (``interval``: ``total``)."""
    start, end = period.start.timestamp(), period.end.timestamp()
    step = period.interval.total_seconds() if period.interval else end - start
    buckets: dict[tuple[int, str], list[CallRow]] = {}
    for row in rows:
        if row.queued is None or not start <= row.queued < end:
            continue
        index = int((row.queued - start) // step)
        buckets.setdefault((index, row.call_type or "none"), []).append(row)
    totals: dict[str, kpis.QueueFigures] = {}
    for (index, call_type), calls in sorted(buckets.items()):
        figures = kpis.by_call_type(calls, short_abandon_s)[call_type]
        for row in calls:
            totals.setdefault(call_type, kpis.QueueFigures()).add(row, short_abandon_s)
        if period.interval is not None:
            yield queue_line(period.label(start + index * step), call_type, figures)
    for call_type, figures in sorted(totals.items()):
        yield queue_line("total", call_type, figures)


AGENT_COLUMNS = ("interval", "agent", "answered", "logged_in_s", "ready_s", "not_ready_s",
                 "talk_s", "wrap_up_s", "aht_s", "acw_s", "avg_talk_s", "occupancy",
                 "not_ready_rate", "logouts")  # fmt: skip


def agent_lines(records: list[Record], period: Period, teams: Mapping[str, str | None] | None = None
                ) -> Iterator[dict[str, object]]:  # fmt: skip
    """One line per interval and agent (or team, with ``teams``: agent -> team), then the
    period's; the ``agent`` column holds the team's name then."""
    start, end = period.start.timestamp(), period.end.timestamp()
    step = period.interval.total_seconds() if period.interval else end - start
    windows = [(start + i * step, min(end, start + (i + 1) * step))
               for i in range(int(-(-(end - start) // step)))]  # fmt: skip
    if period.interval is not None:
        for begin, finish in windows:
            yield from agent_line(period.label(begin), by_agent(records, begin, finish), teams)
    yield from agent_line("total", by_agent(records, start, end), teams)


def agent_line(interval: str, figures: dict[str, AgentFigures],
               teams: Mapping[str, str | None] | None) -> Iterator[dict[str, object]]:  # fmt: skip
    """The lines of one interval: one per agent (or team, with ``teams``), by name."""
    if teams is not None:
        grouped: dict[str, AgentFigures] = {}
        for agent, mine in figures.items():
            grouped.setdefault(teams.get(agent) or "(no team)", AgentFigures()).add(mine)
        figures = grouped
    for name, mine in sorted(figures.items()):
        shown = mine.public()
        shown.pop("not_ready_reasons")
        yield {"interval": interval, "agent": name, **shown}


def queue_line(interval: str, call_type: str, figures: kpis.QueueFigures) -> dict[str, object]:
    shown = figures.public()
    levels: dict[str, object] = shown.pop("service_level")  # type: ignore[assignment]
    return {"interval": interval, "call_type": call_type, **shown,
            "service_level_10s": levels["10s"], "service_level_20s": levels["20s"]}  # fmt: skip
