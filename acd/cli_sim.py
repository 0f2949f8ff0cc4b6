"""``acd simulate``: the routing core on a virtual clock, for a scenario file."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from acd.config import Settings
from acd.sim.engine import simulate
from acd.sim.scenario import load_scenario

EXIT_PROBLEMS = 1
BAR = 40


def add_commands(commands: Any) -> None:
    sim = commands.add_parser("simulate", help="run a scenario through the router, virtual clock")
    sim.add_argument("scenario", type=Path, help="scenario YAML (traffic, agents, policy)")
    sim.add_argument("--json", action="store_true", help="print the figures as JSON")
    sim.add_argument("--quiet", action="store_true", help="no progress bar")
    sim.set_defaults(func=_simulate)


def _simulate(_: Settings, args: argparse.Namespace) -> int:
    scenario, problems = load_scenario(args.scenario)
    for problem in problems:
        print(problem, file=sys.stderr)
    if scenario is None:
        return EXIT_PROBLEMS
    began = time.monotonic()
    show = None if args.quiet or not sys.stderr.isatty() else _bar
    result = simulate(scenario, show)
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
    print(f"{'call type':<14}{'offered':>9}{'answered':>9}{'abandon':>9}{'SL':>8}"
          f"{'ASA s':>8}{'AHT s':>8}{'aband. wait':>12}")  # fmt: skip
    for name, row in rows:
        print(f"{name:<14}{row['offered']:>9}{row['answered']:>9}{row['abandoned']:>9}"
              f"{row['service_level']:>8.1%}{row['asa_s']:>8.1f}{row['aht_s']:>8.1f}"
              f"{row['avg_abandon_wait_s']:>12.1f}")  # fmt: skip
    print(f"occupancy {figures['occupancy']:.1%}")
    return 0


def _bar(done: float) -> None:
    filled = int(done * BAR)
    print(f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done:4.0%}", end="", file=sys.stderr)
