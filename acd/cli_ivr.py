"""``acd ivr``: lint, simulate and describe IVR flows."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from acd.config import Settings
from acd.directory import Directory
from acd.ivr.catalog import Catalog
from acd.ivr.lint import check, flow_files
from acd.ivr.publisher import fingerprint
from acd.ivr.schema import json_schema
from acd.ivr.simulate import simulate
from acd.routing_policy import load_policy

EXIT_PROBLEMS = 1


def add_commands(commands: Any) -> None:
    ivr = commands.add_parser("ivr", help="check, try and describe IVR flows")
    sub = ivr.add_subparsers(title="ivr commands", required=True, metavar="COMMAND")

    lint = sub.add_parser("lint", help="check flow files; print PATH:LINE:COL: problem")
    lint.add_argument("paths", nargs="+", type=Path, help="flow files or directories")
    _checks_arguments(lint)
    lint.set_defaults(func=_lint)

    sim = sub.add_parser("simulate", help="run a flow without Asterisk and print where it ends")
    sim.add_argument("path", type=Path, help="a flow file, or a directory of flows")
    sim.add_argument("--caller", required=True, help="the caller's number")
    sim.add_argument("--flow", help="flow name or dialed number (default: the file's flow)")
    sim.add_argument("--at", type=_when, help="the time of the call, ISO-8601 (default: now)")
    sim.add_argument("--input", default="", help='keys, one token per prompt: "1 2 1234#"')
    sim.add_argument("--directory", type=Path, help="customers JSON (default: ACD_DIRECTORY)")
    sim.add_argument("--json", action="store_true", help="print JSON instead of text")
    _checks_arguments(sim)
    sim.set_defaults(func=_simulate)

    schema = sub.add_parser("schema", help="print the JSON Schema of flow files")
    schema.set_defaults(func=_schema)


def _checks_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sounds", type=Path, help="sound directory (default: ACD_SOUNDS_DIR)")
    parser.add_argument("--routing", type=Path, help="routing policy (default: ACD_ROUTING)")


def _when(text: str) -> dt.datetime:
    when = dt.datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _checked(settings: Settings, args: argparse.Namespace, paths: list[Path]) -> Any:
    sounds: Path | None = args.sounds or settings.sounds_dir
    if sounds is not None and not sounds.is_dir():
        print(f"note: sound directory {sounds} not found; sounds not checked", file=sys.stderr)
        sounds = None
    policy, problems = load_policy(args.routing or settings.routing)
    checked = check(flow_files(paths), sounds=sounds, policy=policy)
    return checked, sorted(problems + checked.problems)


def _lint(settings: Settings, args: argparse.Namespace) -> int:
    _, problems = _checked(settings, args, args.paths)
    for problem in problems:
        print(problem)
    return EXIT_PROBLEMS if problems else 0


def _simulate(settings: Settings, args: argparse.Namespace) -> int:
    folder = args.path if args.path.is_dir() else args.path.parent
    checked, problems = _checked(settings, args, [folder])
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return EXIT_PROBLEMS
    name = args.flow
    if name is None:
        own = [f for f in checked.flows.values() if Path(f.source) == args.path]
        name = own[0].name if own else args.path.stem
    catalog = Catalog(fingerprint(flow_files([folder])), checked.flows)
    directory_file = args.directory or settings.directory
    directory = Directory.from_json(directory_file) if directory_file else None
    result = simulate(
        catalog,
        name,
        caller=args.caller,
        keys=args.input,
        at=args.at or dt.datetime.now(dt.UTC),
        directory=directory,
    )
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        print("visited:", " -> ".join(result.visited))
        print("heard:  ", " ".join(result.heard))
        print("outcome:", json.dumps(result.as_json()["outcome"], ensure_ascii=False))
        print("vars:   ", json.dumps(result.vars, ensure_ascii=False))
    return 0


def _schema(_: Settings, __: argparse.Namespace) -> int:
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return 0
