"""``acd agents``: check the agents file, hash a PIN for it."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from acd.agents_file import load_agents
from acd.config import Settings
from acd.directory import hash_pin

EXIT_PROBLEMS = 1
MIN_PIN = 4


def add_commands(commands: Any) -> None:
    agents = commands.add_parser("agents", help="the agents file (skills, teams, PINs)")
    sub = agents.add_subparsers(title="agents commands", required=True, metavar="COMMAND")
    check = sub.add_parser("check", help="check ACD_AGENTS against ACD_ROUTING; PATH:LINE:COL")
    check.set_defaults(func=_check)
    pin = sub.add_parser(
        "hash-pin", help="read a PIN (typed, or one line on stdin), print its hash"
    )
    pin.set_defaults(func=_hash_pin)


def _check(settings: Settings, _: argparse.Namespace) -> int:
    agents, _policy, problems = load_agents(settings.agents, settings.routing)
    for problem in problems:
        print(problem)
    if agents is None:
        return EXIT_PROBLEMS
    print(f"{len(agents)} agents, every call type step can be met")
    return 0


def _hash_pin(_: Settings, __: argparse.Namespace) -> int:
    pin = getpass.getpass("PIN: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    if len(pin) < MIN_PIN or not pin.isdigit():
        print(f"a PIN is at least {MIN_PIN} digits", file=sys.stderr)
        return EXIT_PROBLEMS
    print(hash_pin(pin))
    return 0
