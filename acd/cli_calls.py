"""``acd calls explain CALL_ID``: why a call waited and who got it, from the event log."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from typing import Any

from acd.adapters.redis.event_log import RedisEventLog
from acd.agents_file import load_live_policy
from acd.config import Settings
from acd.event_log import EventLog, EventLogDown
from acd.explain import story
from acd.records import BadRecord, Record, decode

EXIT_NOT_FOUND = 1
EXIT_CONFIG = 2


def add_commands(commands: Any) -> None:
    calls = commands.add_parser("calls", help="calls in the event log")
    sub = calls.add_subparsers(title="calls commands", required=True, metavar="COMMAND")
    explain = sub.add_parser(
        "explain", help="how a call was routed: each offer with every agent's verdict"
    )
    explain.add_argument("call", metavar="CALL_ID", help="the caller's channel Uniqueid")
    explain.add_argument("--json", action="store_true", help="print JSON instead of text")
    explain.set_defaults(func=_explain)


async def read_records(
    event_log: EventLog, progress: Callable[[int], None] | None = None
) -> list[Record]:
    """Every record in the log; entries this acd cannot read are reported and skipped.
    ``progress`` is told how many entries were read so far, now and then."""
    records: list[Record] = []
    read = 0
    async for batch in event_log.read(batch=5000 if progress else 1000):
        read += len(batch)
        if progress is not None:
            progress(read)
        for entry in batch:
            try:
                records.append(decode(entry))
            except BadRecord as exc:
                print(f"acd: skipped: {exc}", file=sys.stderr)
    return records


def _explain(settings: Settings, args: argparse.Namespace) -> int:
    policy, _, problems = load_live_policy(settings.routing, settings.agents)
    if policy is None:
        print("\n".join(map(str, problems)), file=sys.stderr)
        return EXIT_CONFIG

    async def read() -> list[Record]:
        event_log = RedisEventLog(settings.redis_url, site=settings.site)
        try:
            return await read_records(event_log)
        finally:
            await event_log.close()

    try:
        records = asyncio.run(read())
    except EventLogDown as exc:
        print(f"acd: cannot read the event log: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    found = story(policy, records, args.call)
    if found is None:
        print(f"acd: no call {args.call} in the event log", file=sys.stderr)
        return EXIT_NOT_FOUND
    print(json.dumps(found.as_json(), indent=2) if args.json else found.text())
    return 0
