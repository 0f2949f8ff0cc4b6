"""Replay: how fast a restarted acd reads its event log from Redis and rebuilds its state.

    PYTHONPATH=scripts .venv/bin/python bench/replay.py [--calls 200000 --agents 100]

Writes a synthetic log to a Redis of its own (the rig's ``RedisServer``): ``--agents`` agents
log in and go ready, then one call a second for ``--calls`` seconds, each answered at once
and ended 50 s later (five records a call: ``Waiting``, ``CallArrived``, ``Rang``,
``Answered``, ``CallEnded``; the router's own ``Offer`` picks the agent, as live). Then times
what ``acd run`` does at start-up: read the whole Stream, decode each record, and replay it
into a fresh ``LiveRouting``. Prints readable lines, then one line of JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import platform
import time

from machine import machine
from rig.redis import RedisServer

from acd.adapters.ami.client import AmiClient
from acd.adapters.redis.event_log import RedisEventLog
from acd.core import messages as m
from acd.core import policy as core
from acd.core.router import Router
from acd.event_log import MemoryEventLog
from acd.journal import Journal
from acd.records import Rang, Record, Waiting, decode, encode
from acd.routing_live import LiveRouting

HOLD = 50.0


def synthetic_log(calls: int, agents: int) -> tuple[core.Policy, list[Record]]:
    profiles = {f"a{i}": core.AgentProfile(f"a{i}", {"any": 5}) for i in range(agents)}
    anyone = core.Step(0.0, core.Requirement.of({"any": 1}))
    policy = core.Policy({"any": core.CallType("any", (anyone,))}, profiles, ring_timeout=1e9)
    router, records = Router(policy), []

    def feed(record: Record) -> list[m.Command]:
        records.append(record)
        return router.handle(record) if not isinstance(record, Waiting | Rang) else []

    for agent in profiles:
        feed(m.LoggedIn(0.0, agent))
        feed(m.SetReady(0.0, agent))
    for i in range(calls):
        at = 1.0 + i
        if i >= HOLD:
            feed(m.CallEnded(at, f"c{i - int(HOLD)}"))
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
    began = time.perf_counter()
    read = [entry async for batch in log.read() for entry in batch]
    reading = time.perf_counter() - began
    for entry in read:
        live.replay(decode(entry))
    seconds = time.perf_counter() - began
    await log.close()
    on_call = sum(agent.state.value == "on_call" for agent in live.router.agents.values())
    return {
        "records": len(read), "seconds": round(seconds, 2), "read_s": round(reading, 2),
        "records_per_s": round(len(read) / seconds),
        "calls_talking_after": len(live.router.calls), "agents_on_call_after": on_call,
    }  # fmt: skip


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
          f"{figures['calls_talking_after']} calls talking after")  # fmt: skip
    print(json.dumps({
        "bench": "replay",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "calls": args.calls, **figures,
        "python": platform.python_version(),
        "machine": machine(),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
