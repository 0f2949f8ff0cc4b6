"""Replay: how fast a restarted acd reads its event log from Redis and rebuilds its state.

    PYTHONPATH=scripts .venv/bin/python bench/replay.py [--calls 200000 --agents 100]

Writes a synthetic log to a Redis of its own (the rig's ``RedisServer``): ``--agents`` agents
log in and go ready, then one call a second for ``--calls`` seconds, each answered at once
and ended 50 s later (ten records a call: ``IvrFinished`` with the caller's number and
choices, ``Waiting``, ``CallArrived``, ``Rang``, ``Answered``, ``CallEnded``, ``Disposed``,
and the agent's three state changes; the router's own ``Offer`` picks the agent, as live).
Then times what ``acd run`` does at start-up: read the whole Stream, decode each record, and
replay it into a fresh ``LiveRouting`` and ``CallBook`` (the call records); and the memory
the call book holds.
Prints readable lines, then one line of JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import platform
import time
from pathlib import Path

from machine import machine
from rig.redis import RedisServer

from acd.adapters.ami.client import AmiClient
from acd.adapters.redis.event_log import RedisEventLog
from acd.call_book import CallBook
from acd.core import messages as m
from acd.core import policy as core
from acd.core.router import Router
from acd.event_log import MemoryEventLog
from acd.journal import Journal
from acd.records import Disposed, IvrFinished, Rang, Record, Waiting, decode, encode
from acd.routing_live import LiveRouting

HOLD = 50.0


def synthetic_log(calls: int, agents: int) -> tuple[core.Policy, list[Record]]:
    profiles = {f"a{i}": core.AgentProfile(f"a{i}", {"any": 5}) for i in range(agents)}
    anyone = core.Step(0.0, core.Requirement.of({"any": 1}))
    policy = core.Policy({"any": core.CallType("any", (anyone,))}, profiles, ring_timeout=1e9)
    router, records = Router(policy), []

    def feed(record: Record) -> list[m.Command]:
        records.append(record)
        commands = router.handle(record) if isinstance(record, m.Event) else []
        records.extend(c for c in commands if isinstance(c, m.AgentChanged))  # logged too
        return commands

    for agent in profiles:
        feed(m.LoggedIn(0.0, agent))
        feed(m.SetReady(0.0, agent))
    for i in range(calls):
        at = 1.0 + i
        if i >= HOLD:
            ended = f"c{i - int(HOLD)}"
            feed(m.CallEnded(at, ended))
            feed(Disposed(at, ended, "", "billing question", "explained the invoice"))
        feed(IvrFinished(at, f"c{i}", f"1380000{i % 50_000:04d}", "hotline@v1", "Queued",
                         ("hotline.greeting", "hotline.language", "hotline.billing_queue"),
                         {"customer_id": f"C{i % 50_000}", "language": "zh",
                          "menu_path": "language:1>main_menu:1", "verified": "yes"},
                         {"call_type": "any"}, at - 20))  # fmt: skip
        feed(Waiting(at, f"c{i}", f"PJSIP/trunk-{i:08x}"))
        offer = next(c for c in feed(m.CallArrived(at, f"c{i}", "any")) if isinstance(c, m.Offer))
        feed(Rang(at, offer.call, offer.agent, f"acd-{offer.agent}-{offer.call}-1"))
        feed(m.Answered(at, offer.call, offer.agent))
    return policy, records


async def measure(args: argparse.Namespace, url: str) -> dict[str, object]:
    policy, records = synthetic_log(args.calls, args.agents)
    log = RedisEventLog(url, site="bench")
    entries = [encode(r) for r in records]
    for start in range(0, len(entries), 5000):
        await log.append(entries[start : start + 5000])
    ami = AmiClient(host="127.0.0.1", port=1, username="x", secret="x", on_event=lambda _: None)
    live = LiveRouting(policy, ami, time.time, lambda _: None, Journal(MemoryEventLog()))
    book = CallBook()
    gc.collect()
    began, rss_before = time.perf_counter(), rss_kib()
    read = [entry async for batch in log.read() for entry in batch]
    reading = time.perf_counter() - began
    for entry in read:
        record = decode(entry)
        book.apply(record)
        live.replay(record)
    seconds = time.perf_counter() - began
    count = len(read)
    del read
    gc.collect()
    book_kib = rss_kib() - rss_before
    await log.close()
    on_call = sum(agent.state.value == "on_call" for agent in live.router.agents.values())
    return {
        "records": count, "seconds": round(seconds, 2), "read_s": round(reading, 2),
        "records_per_s": round(count / seconds),
        "calls_talking_after": len(live.router.calls), "agents_on_call_after": on_call,
        "call_records": len(book), "rss_growth_mib": round(book_kib / 1024, 1),
        "bytes_per_call_record": round(book_kib * 1024 / max(1, len(book))),
    }  # fmt: skip


def rss_kib() -> int:
    """This process's resident memory (VmRSS), KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--agents", type=int, default=100)
    args = parser.parse_args()
    server = RedisServer()
    server.start()
    try:
        figures = asyncio.run(measure(args, server.url))
    finally:
        server.stop()
    print(f"replayed {figures['records']} records ({args.calls} calls) in {figures['seconds']} s "
          f"(reading {figures['read_s']} s): {figures['records_per_s']} records/s; "
          f"{figures['calls_talking_after']} calls talking after; {figures['call_records']} "
          f"call records, RSS +{figures['rss_growth_mib']} MiB after the replay "
          f"(at most {figures['bytes_per_call_record']} bytes a call)")  # fmt: skip
    print(json.dumps({
        "bench": "replay",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "calls": args.calls, **figures,
        "python": platform.python_version(),
        "machine": machine(),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
