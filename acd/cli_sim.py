"""``acd simulate``: the routing core on a virtual clock, for a scenario file."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from acd.config import Settings
from acd.records import encode
from acd.sim.engine import simulate
from acd.sim.scenario import load_scenario

EXIT_PROBLEMS = 1
BAR = 40


def add_commands(commands: Any) -> None:
    sim = commands.add_parser("simulate", help="run a scenario through the router, virtual clock")
    sim.add_argument("scenario", type=Path, help="scenario YAML (traffic, agents, policy)")
    sim.add_argument("--json", action="store_true", help="print the figures as JSON")
    sim.add_argument("--quiet", action="store_true", help="no progress bar")
    sim.add_argument("--log", type=Path, help="also write the run's records (JSON lines) to "
                     "this file, for `acd report --log` (same figures)")  # fmt: skip
    sim.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2026, 1, 1),
                     help="the day it starts at midnight, ACD_TIMEZONE (for --log)")  # fmt: skip
    sim.set_defaults(func=_simulate)


def _simulate(settings: Settings, args: argparse.Namespace) -> int:
    scenario, problems = load_scenario(args.scenario)
    for problem in problems:
        print(problem, file=sys.stderr)
    if scenario is None:
        return EXIT_PROBLEMS
    began = time.monotonic()
    show = None if args.quiet or not sys.stderr.isatty() else _bar
    midnight = dt.datetime.combine(args.start, dt.time(), ZoneInfo(settings.timezone))
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(args.log.open("w")) if args.log else None
        log = None if out is None else (lambda record: out.write(encode(record) + "\n"))
        result = simulate(scenario, show, log=log, epoch=midnight.timestamp(),
                          short_abandon_s=settings.short_abandon_s)  # fmt: skip
    if show is not None:
        print(file=sys.stderr)
    figures = result.as_json()
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    seconds = time.monotonic() - began
    hours, warmup = scenario.duration / 3600, scenario.warmup / 3600
    print(f"{result.calls} calls simulated in {seconds:.1f} s "
          f"({hours:g} h measured after {warmup:g} h of warm-up)")  # fmt: skip
    rows = [*figures["call_types"].items(), ("overall", figures["overall"])]  # type: ignore[attr-defined]
    print(f"{'call type':<14}{'offered':>9}{'answered':>9}{'abandon':>9}{'short':>7}{'SL':>8}"
          f"{'ASA s':>8}{'AHT s':>8}{'aband. wait':>12}")  # fmt: skip
    for name, row in rows:
        print(f"{name:<14}{row['offered']:>9}{row['answered']:>9}{row['abandoned']:>9}"
              f"{row['short_abandoned']:>7}{row['service_level']:>8.1%}{row['asa_s']:>8.1f}"
              f"{row['aht_s']:>8.1f}{row['avg_abandon_wait_s']:>12.1f}")  # fmt: skip
    print(f"occupancy {figures['occupancy']:.1%}")
    if args.log:
        start = midnight + dt.timedelta(seconds=scenario.warmup)
        end = start + dt.timedelta(seconds=scenario.duration)
        print(f"records in {args.log}; the same figures: acd report --log {args.log} "
              f"--from {start.isoformat(timespec='seconds')} "
              f"--to {end.isoformat(timespec='seconds')}")  # fmt: skip
    return 0


def _bar(done: float) -> None:
    filled = int(done * BAR)
    print(f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done:4.0%}", end="", file=sys.stderr)
