"""Report: `acd report` over a month of synthetic events, a million calls or more.

    PYTHONPATH=scripts .venv/bin/python bench/report.py [--calls 1010000 --days 30]

`acd simulate`'s engine makes the month, and the first day after it (a day is kept only once
the log has moved on past it): two call types, Poisson callers (some hang up), agents enough
for about 85 % occupancy, every record a live acd logs about routing (the router's events
and the agents' state changes). They go into a Redis of its own (the rig's ``RedisServer``)
as acd's event log. ``acd run`` keeps each day's interval data as the day settles
(``DayKeeper``): the bench does what it does over the month, day by day, and times it. Then
`acd report` over the month in 30-minute intervals adds up the kept days; and once more with
nothing kept, reading and folding every record (its progress bar shows). Both reports must be
equal. Prints readable lines, then one line of JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import redis
from machine import machine
from rig.redis import RedisServer

from acd.adapters.redis import keys
from acd.adapters.redis.event_log import RedisEventLog
from acd.call_book import CallBook
from acd.config import Settings
from acd.core import policy as core
from acd.day_keeper import DayKeeper
from acd.records import Record, encode
from acd.sim.engine import simulate
from acd.sim.model import Distribution, Scenario, Traffic

ZONE = "Asia/Shanghai"
START = dt.datetime(2026, 10, 1, tzinfo=ZoneInfo(ZONE))
HANDLE = 240.0
REPO = Path(__file__).resolve().parents[1]


def month(calls: int, days: int) -> Scenario:
    """``calls`` calls in ``days`` days, then one more day of the same."""
    hours = days * 24
    per_hour = calls / hours
    agents = round(per_hour * HANDLE / 3600 / 0.85)
    profiles = {f"a{i}": core.AgentProfile(f"a{i}", {"billing": 5, "tech": 5})
                for i in range(agents)}  # fmt: skip
    kinds = {name: core.CallType(name, (core.Step(0, core.Requirement.of({name: 1})),))
             for name in ("billing", "tech")}  # fmt: skip
    traffic = tuple(Traffic(name, per_hour / 2, Distribution("exponential", HANDLE),
                            Distribution("exponential", 180.0))
                    for name in ("billing", "tech"))  # fmt: skip
    return Scenario(1, (hours + 24) * 3600.0, 0.0, 20, traffic, core.Policy(kinds, profiles))


async def write(url: str, entries: list[str]) -> None:
    log = RedisEventLog(url, site="bench")
    for start in range(0, len(entries), 10_000):
        await log.append(entries[start : start + 10_000])
    await log.close()


async def keep_days(url: str, records: list[Record], days: int) -> float:
    """What ``acd run`` does over the month: fold each record as it is logged, and keep
    each day once settled (its keeper looks hourly; here once a day, at noon). Seconds."""
    settings = Settings(redis_url=url, site="bench", timezone=ZONE)
    now = [START.timestamp()]
    book = CallBook()
    keeper = DayKeeper(book, settings, lambda: now[0])
    began = time.perf_counter()
    for record in records:
        book.apply(record)
        keeper.apply(record)
    for day in range(1, days + 1):
        now[0] = (START + dt.timedelta(days=day, hours=12)).timestamp()
        await keeper.keep()
    return time.perf_counter() - began


def forget_days(url: str) -> None:
    """Drop what was kept: the next report reads every record."""
    redis.Redis.from_url(url).delete(keys.report_slots("bench"))


def report(url: str, days: int) -> tuple[float, str, str]:
    """``acd report`` over the month as JSON: seconds, output, stderr (the progress bar)."""
    end = START + dt.timedelta(days=days)
    env = {**os.environ, "ACD_REDIS_URL": url, "ACD_SITE": "bench", "ACD_TIMEZONE": ZONE}
    command = [sys.executable, "-m", "acd", "report", "--from", START.date().isoformat(),
               "--to", end.date().isoformat(), "--interval", "30m", "--format", "json"]  # fmt: skip
    began = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"acd report failed ({done.returncode}): {done.stderr[-2000:]}")
    return time.perf_counter() - began, done.stdout, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_010_000)  # Poisson: at least a million
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    began = time.perf_counter()
    scenario = month(args.calls, args.days)
    records: list[Record] = []
    simulate(scenario, log=records.append, epoch=START.timestamp())
    entries = [encode(record) for record in records]
    made = time.perf_counter() - began
    server = RedisServer()
    server.start()
    try:
        asyncio.run(write(server.url, entries))
        print(f"{len(entries)} records in the log for {args.days} + 1 days "
              f"(made in {made:.0f} s)", flush=True)  # fmt: skip
        keeping = asyncio.run(keep_days(server.url, records, args.days))
        del records
        kept, output, quiet = report(server.url, args.days)
        forget_days(server.url)
        first, again, bar = report(server.url, args.days)
    finally:
        server.stop()
    lines = json.loads(output)
    totals = [line for line in lines if line["interval"] == "total"]
    calls = sum(line["offered"] + line["short_abandoned"] for line in totals)
    offered = sum(line["offered"] for line in totals)
    assert again == output, "the days acd kept gave another report than the records"
    print(
        f"acd report, month in 30-minute lines: {kept:.2f} s from the days acd kept "
        f"(keeping them took {keeping:.0f} s over the month); {first:.1f} s reading every "
        f"record when none was kept (progress bar: "
        f"{'yes' if 'reading the event log [' in bar else 'no'}); {len(lines)} lines, "
        f"{calls} calls queued, {offered} offered"
    )
    print(json.dumps({
        "bench": "report",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "calls": calls, "offered": offered, "records_in_log": len(entries), "days": args.days,
        "kept_days_s": round(kept, 2), "keeping_s": round(keeping, 1),
        "all_records_s": round(first, 1), "progress_bar": "reading the event log [" in bar,
        "quiet_kept_run": quiet == "",
        "lines": len(lines),
        "python": platform.python_version(), "machine": machine(),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
