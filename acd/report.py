"""Queue figures per interval and call type, from call records (pure): what ``acd report``
prints. Each call counts in the interval in which it queued (``docs/kpis.md``); intervals
count from the period's start, in the center's time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from acd import kpis
from acd.call_book import CallRow

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
            at = dt.datetime.fromtimestamp(start + index * step, period.zone)
            yield _line(at.isoformat(timespec="minutes"), call_type, figures)
    for call_type, figures in sorted(totals.items()):
        yield _line("total", call_type, figures)


def _line(interval: str, call_type: str, figures: kpis.QueueFigures) -> dict[str, object]:
    shown = figures.public()
    levels: dict[str, object] = shown.pop("service_level")  # type: ignore[assignment]
    return {"interval": interval, "call_type": call_type, **shown,
            "service_level_10s": levels["10s"], "service_level_20s": levels["20s"]}  # fmt: skip
