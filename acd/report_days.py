"""Reports over whole days: the days of a period, and their interval data kept in Redis.

A day is kept once it is over and settled: the log has moved ``SETTLE`` past its end and
none of its calls is still in progress. What is kept depends on how calls are counted, so
the time zone and the short-abandon threshold are part of its name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from acd.adapters.redis.report_store import RedisReportStore
from acd.call_book import CallRow
from acd.config import Settings
from acd.report import Period
from acd.report_slots import SLOT, Slots

SETTLE = 6 * 3600.0


@dataclass(frozen=True, slots=True)
class Day:
    label: str
    start: float
    end: float


def whole_days(period: Period) -> list[Day] | None:
    """The period's days, if it is made of whole local days and its interval of slots."""
    step = period.interval.total_seconds() if period.interval else SLOT
    start, end = (moment.astimezone(period.zone) for moment in (period.start, period.end))
    if step % SLOT or any(moment.time() != dt.time() for moment in (start, end)):
        return None
    days, day = [], start.date()
    while day < end.date():
        begin = dt.datetime.combine(day, dt.time(), period.zone)
        after = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), period.zone)
        days.append(Day(day.isoformat(), begin.timestamp(), after.timestamp()))
        day += dt.timedelta(days=1)
    return days


def _field(day: Day, settings: Settings) -> str:
    return f"{day.label}|{settings.timezone}|{settings.short_abandon_s:g}"


async def stored_slots(settings: Settings, days: Sequence[Day]) -> Slots | None:
    """Every day's kept slots together; None if one of the days is not kept."""
    store = RedisReportStore(settings.redis_url, site=settings.site)
    try:
        found = await store.get([_field(day, settings) for day in days])
    finally:
        await store.close()
    if len(found) < len(days):
        return None
    slots = Slots()
    for text in found.values():
        slots.update(Slots.from_json(text))
    return slots


def aligned(period: Period) -> bool:
    """Whether the period's edges and interval fall on slots (then slots give the report)."""
    step = period.interval.total_seconds() if period.interval else SLOT
    edges = (period.start.timestamp(), period.end.timestamp(), step)
    return all(edge % SLOT == 0 for edge in edges)


async def keep_slots(settings: Settings, days: Sequence[Day], slots: Slots,
                     rows: Sequence[CallRow], last: float) -> int:  # fmt: skip
    """Keep the days of ``days`` that are settled (the log's last record at ``last``;
    ``rows``: their calls, folded into ``slots``); how many were kept."""
    open_calls = [row.queued for row in rows if row.outcome == "in_progress" and row.queued]
    settled = [
        day for day in days
        if day.end + SETTLE <= last and not any(day.start <= q < day.end for q in open_calls)
    ]  # fmt: skip
    if not settled:
        return 0
    store = RedisReportStore(settings.redis_url, site=settings.site)
    try:
        for day in settled:
            await store.put(_field(day, settings), slots.between(day.start, day.end).to_json())
    finally:
        await store.close()
    return len(settled)
