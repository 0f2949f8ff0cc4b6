"""Screen-pop: from what starts an agent's ringing to the ``call_offered`` on that agent's
socket, with 5,000 agent sockets on one acd process; and acd's memory per idle socket.

    PYTHONPATH=scripts .venv/bin/python bench/screenpop.py [--agents 5000 --samples 1000]
                                           [--warmup 20 --idle 10000] [--verdicts]

acd: one event loop wired as ``acd.app.serve`` wires it, logging at INFO to a file: the
runtime task (the push feed's ``ivr_ended``, then ``LiveRouting``: ``--agents`` agents, one
skill), the ``Journal`` over ``RedisEventLog``, ``RedisPushStore`` (on a Redis of the bench's
own), 500 customers in the directory, the ``Hub`` at ``/ws``. Its AMI peer (a fake Asterisk)
and every agent's browser run in another process (screenpop_peers.py), so their CPU is not
acd's; both processes read CLOCK_MONOTONIC (``time.monotonic_ns``).

Memory: acd's VmRSS (after gc) before and after ``--idle`` sockets connect and say hello,
over their number (every agent logged in before); all but the agents' sockets then close.

Latency, a cycle per agent (a different one each time; the other agents are not ready): the
agent's socket asks ``set_state ready``. handed_over: t0 in acd just before the IVR's
``IvrEnded`` (Queued; the caller's number is in the directory) goes to the runtime, as the
FastAGI handler sends it; t1 as the agent's socket gets ``call_offered``. The fake Asterisk
answers the agent's leg; a second caller is handed over and waits. agent_freed: t0 in the
peers' process as the fake Asterisk writes the Hangups (AMI) of the agent's leg and caller;
acd ends the call and offers the waiting caller to the agent at once; t1 as the socket gets
``call_offered``. That call is answered and hung up; the agent asks ``set_state not_ready``.
Each t1 - t0 holds the runtime (the directory lookup, the router's decision), the event log
write before the effects, the push store's Lua (INCR, XADD history, PUBLISH), pub/sub back to
the hub, the socket's queue and write, and the client's read. Every caller has called three
times before (answered, with a disposition): the pop carries that history from the call
book, which the journal keeps current with every record (the IVR outcome is logged too).
Prints readable lines, then one line of JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import gc
import json
import logging
import platform
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

from aiohttp import web
from machine import machine
from rig.ports import free_port
from rig.redis import RedisServer
from screenpop_peers import Peers, more_files

from acd.adapters.ami.client import AmiClient
from acd.adapters.redis.event_log import RedisEventLog
from acd.adapters.redis.push_store import RedisPushStore
from acd.agent_desk import AgentDesk
from acd.auth import Tokens
from acd.call_book import CallBook
from acd.call_log import CallLog
from acd.callers import Callers
from acd.core import messages as m
from acd.core import policy as core
from acd.directory import Customer, Directory
from acd.ivr import steps as s
from acd.journal import Journal
from acd.push_feed import PushFeed
from acd.push_hub import Hub
from acd.records import Disposed, IvrFinished, Record
from acd.routing_live import AgentRequest, LiveRouting
from acd.runtime import Runtime

GOAL = {"p99_ms": 20.0, "kib_per_socket": 20.0}
KINDS = {
    "handed_over": "caller handed over by the IVR, agent waiting (t0 in acd: IvrEnded)",
    "agent_freed": "agent freed, caller waiting (t0 in Asterisk: AMI Hangup written)",
}
SKILL, CUSTOMERS = "support", 500
NUMBERS = [f"+1415555{i:04d}" for i in range(CUSTOMERS)]
DIRECTORY = Directory([
    Customer(id=f"cu{i}", name=f"Customer {i}", phones=(number,), account=f"{100_000 + i}",
             tier="gold" if i % 10 == 0 else "standard", language="en")
    for i, number in enumerate(NUMBERS)
])  # fmt: skip


def past_calls(per_customer: int = 3) -> Iterator[Record]:
    """Calls each customer made in the last days, answered and filed: the pops' history."""
    at = time.time() - 86_400 * 7
    for round_ in range(per_customer):
        for i, number in enumerate(NUMBERS):
            call, at = f"past-{round_}-{i}", at + 60
            yield IvrFinished(at, call, number, "hotline@v1", "Queued")
            yield m.CallArrived(at + 20, call, SKILL)
            yield m.Answered(at + 30, call, "a0")
            yield m.CallEnded(at + 200, call)
            yield Disposed(at + 230, call, "a0", "billing question", "explained the invoice")


class Acd:
    """acd's server side, wired as ``acd.app.serve`` wires it (no IVR, no HTTP desk)."""

    def __init__(self, agents: int, redis_url: str, ami_port: int, secret: str) -> None:
        self.busy_ns = 0  # time spent in the runtime task's handlers
        self.runtime: Runtime[Any] = Runtime(self._apply)
        self.ami = AmiClient(host="127.0.0.1", port=ami_port, username="acd", secret="bench",
                             on_event=self.runtime.submit)  # fmt: skip
        self.event_log = RedisEventLog(redis_url, site="bench")
        self.book = CallBook()
        self.journal = Journal(self.event_log, on_record=self.book.apply)
        self.store = RedisPushStore(redis_url, site="bench")
        teams: dict[str, str | None] = {f"a{i}": None for i in range(agents)}
        history = lambda number, call: self.book.history(number, without=call)  # noqa: E731
        self.feed = PushFeed(self.store, {}, teams, Callers(DIRECTORY), history)
        self.call_log = CallLog(self.journal, self.book, teams, time.time, self.runtime.submit)
        for record in past_calls():
            self.book.apply(record)
        profiles = {agent: core.AgentProfile(agent, {SKILL: 5}) for agent in teams}
        anyone = core.Step(0.0, core.Requirement.of({SKILL: 1}))
        policy = core.Policy({SKILL: core.CallType(SKILL, (anyone,))}, profiles, ring_timeout=600)
        self.routing = LiveRouting(policy, self.ami, time.time, self.runtime.submit,
                                   self.journal, on_routed=self.feed.routed)  # fmt: skip
        desk = AgentDesk(teams, time.time, self.runtime.submit)
        self.hub = Hub(self.store, Tokens(secret, ttl=3600.0, clock=time.time), desk.command)

    def _apply(self, event: object) -> None:
        began = time.perf_counter_ns()
        self.feed.ivr_ended(event)
        self.call_log.apply(event)
        self.routing.apply(event)
        self.busy_ns += time.perf_counter_ns() - began


@contextlib.asynccontextmanager
async def acd_running(args: argparse.Namespace, redis_url: str, log_file: Path
                      ) -> AsyncIterator[tuple[Acd, Peers]]:  # fmt: skip
    """acd's tasks and ``/ws``, the peers' process on its AMI, every agent logged in."""
    logging.basicConfig(level="INFO", filename=log_file, force=True,
                        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s")  # fmt: skip
    more_files()
    secret, port = secrets.token_urlsafe(32), free_port()
    async with Peers.running(f"http://127.0.0.1:{port}/ws", secret) as (peers, ami_port):
        acd = Acd(args.agents, redis_url, ami_port, secret)
        acd.routing.router.explain = args.verdicts
        app = web.Application()
        app.router.add_get("/ws", acd.hub.handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        work = (acd.runtime.run(), acd.journal.run(), acd.feed.run(), acd.hub.run(), acd.ami.run())
        tasks = [asyncio.create_task(job) for job in work]
        try:
            await web.TCPSite(runner, "127.0.0.1", port).start()
            await asyncio.wait_for(acd.ami.connected.wait(), 10)
            acd.routing.went_live()
            for i in range(args.agents):
                acd.runtime.submit(AgentRequest(m.LoggedIn(0.0, f"a{i}")))
            while await acd.store.last(f"a{args.agents - 1}") < 1:  # noqa: ASYNC110 (Redis)
                await asyncio.sleep(0.05)  # the last agent_state is out: all are
            yield acd, peers
        finally:  # acd leaves the fake AMI, the sockets close, then acd stops
            await acd.ami.close()
            await peers.stop()
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await runner.cleanup()
            await acd.event_log.close()
            await acd.store.close()


def handed_over(call: str, number: str) -> s.IvrEnded:
    """The IVR's hand-over of a caller who chose support; their number is in the directory."""
    ivr_vars = {"caller_id": number, "language": "en", "menu_path": "2>1"}
    path = ("hotline.welcome", "hotline.language", "hotline.menu", "hotline.support")
    finish = s.Finish(s.Queued(SKILL, {}, 0, "en"), ivr_vars, path)
    return s.IvrEnded(call, "hotline", "v1", finish, channel=f"PJSIP/trunk-{call}")


class FullCollections:
    """``gc.callbacks``: how many full (generation 2) collections, and the longest one."""

    def __init__(self) -> None:
        self.count, self.longest_ms, self._began = 0, 0.0, 0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter_ns()
        elif info["generation"] == 2:
            self.count += 1
            self.longest_ms = max(self.longest_ms, (time.perf_counter_ns() - self._began) / 1e6)


def rss_kib() -> int:
    return int(Path("/proc/self/status").read_text().split("VmRSS:")[1].split()[0])


async def until(done: Callable[[], bool], timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):
        while True:
            if done():
                return
            await asyncio.sleep(0.001)


async def memory(acd: Acd, peers: Peers, agents: int, sockets: int) -> dict[str, Any]:
    gc.collect()
    await asyncio.sleep(0.5)
    before = rss_kib()
    began = time.monotonic()
    await peers.ask(op="connect", prefix="a", start=0, end=agents)
    await peers.ask(op="connect", prefix="idle", start=0, end=sockets - agents)
    seconds = time.monotonic() - began
    await until(lambda: acd.hub.sockets == sockets)
    gc.collect()
    await asyncio.sleep(1.0)
    after = rss_kib()
    await peers.ask(op="close", prefix="idle", start=0, end=sockets - agents)
    await until(lambda: acd.hub.sockets == agents)
    return {"sockets": sockets, "rss_before_mib": round(before / 1024, 1),
            "rss_after_mib": round(after / 1024, 1), "connect_s": round(seconds, 1),
            "kib_per_socket": round((after - before) / sockets, 2)}  # fmt: skip


async def cycle(acd: Acd, peers: Peers, agent: str, serial: int
                ) -> tuple[tuple[int, int], tuple[int, int]]:  # fmt: skip
    """One agent, two samples: (t1 - t0, runtime handler time) for each kind, in ns."""
    first, second = f"{serial}.1", f"{serial}.2"
    await peers.ask(op="state", agent=agent, state="ready")
    await peers.send(op="pop", agent=agent, call=first)
    busy, t0 = acd.busy_ns, time.monotonic_ns()
    acd.runtime.submit(handed_over(first, random.choice(NUMBERS)))
    t1 = (await peers.reply())["t1"]
    arrival = (t1 - t0, acd.busy_ns - busy)
    await peers.ask(op="answer", call=first)
    acd.runtime.submit(handed_over(second, random.choice(NUMBERS)))
    await until(lambda: second in acd.routing.router.calls and acd.journal.backlog == 0)
    busy = acd.busy_ns
    freed = await peers.ask(op="free", agent=agent, ended=first, next=second)
    sample = (freed["t1"] - freed["t0"], acd.busy_ns - busy)
    await peers.ask(op="end", call=second)
    await peers.ask(op="state", agent=agent, state="not_ready")
    return arrival, sample


async def latency(acd: Acd, peers: Peers, args: argparse.Namespace
                  ) -> dict[str, list[tuple[int, int]]]:  # fmt: skip
    rng = random.Random(1)
    picks = args.warmup + args.samples
    order = rng.sample(range(args.agents), min(picks, args.agents))
    order += rng.choices(range(args.agents), k=picks - len(order))
    taken: dict[str, list[tuple[int, int]]] = {kind: [] for kind in KINDS}
    for serial, n in enumerate(order):
        arrival, freed = await cycle(acd, peers, f"a{n}", 1_700_000_000 + serial)
        if serial >= args.warmup:
            taken["handed_over"].append(arrival)
            taken["agent_freed"].append(freed)
    return taken


async def history_shown(acd: Acd, agents: int) -> int:
    """How many past calls the first pop found in the push store carried."""
    for n in range(agents):
        for pushed in await acd.store.since(f"a{n}", 0) or []:
            body = json.loads(pushed.body)
            if body["event"] == "call_offered":
                return len(body["data"]["history"])
    return 0


def summary(samples: list[tuple[int, int]]) -> dict[str, Any]:
    """n, p50, p99 (inclusive), max of t1 - t0 in ms; p50 and p99 of the runtime's part."""
    total, handler = [s[0] / 1e6 for s in samples], [s[1] / 1e6 for s in samples]
    cuts = statistics.quantiles(total, n=100, method="inclusive")
    handler_cuts = statistics.quantiles(handler, n=100, method="inclusive")
    return {"n": len(total), "p50_ms": round(cuts[49], 3), "p99_ms": round(cuts[98], 3),
            "max_ms": round(max(total), 3), "runtime_p50_ms": round(handler_cuts[49], 3),
            "runtime_p99_ms": round(handler_cuts[98], 3)}  # fmt: skip


async def run(args: argparse.Namespace, redis_url: str, log_file: Path) -> dict[str, Any]:
    async with acd_running(args, redis_url, log_file) as (acd, peers):
        verdicts = "on" if args.verdicts else "off"
        print(f"acd: {args.agents} agents logged in, not ready (router verdicts {verdicts}); "
              f"peers' process {peers.pid}", flush=True)  # fmt: skip
        mem = await memory(acd, peers, args.agents, args.idle)
        print(f"memory: {mem['sockets']} idle sockets: RSS {mem['rss_before_mib']} -> "
              f"{mem['rss_after_mib']} MiB: {mem['kib_per_socket']} KiB per socket "
              f"(connected in {mem['connect_s']} s)", flush=True)  # fmt: skip
        began, collections = time.monotonic(), FullCollections()
        gc.callbacks.append(collections)
        try:
            taken = await latency(acd, peers, args)
        finally:
            gc.callbacks.remove(collections)
        server = {"full_gcs": collections.count, "longest_gc_ms": round(collections.longest_ms, 1),
                  "rss_after_mib": round(rss_kib() / 1024, 1),
                  "history_per_pop": await history_shown(acd, args.agents)}  # fmt: skip
        print(f"latency: {args.warmup} + {args.samples} cycles with {acd.hub.sockets} sockets "
              f"connected, {time.monotonic() - began:.1f} s; in acd meanwhile "
              f"{collections.count} full garbage collections (longest {server['longest_gc_ms']}"
              f" ms), RSS after {server['rss_after_mib']} MiB; past calls in each pop "
              f"{server['history_per_pop']}", flush=True)  # fmt: skip
    figures = {kind: summary(samples) for kind, samples in taken.items()}
    figures["all"] = summary([s for samples in taken.values() for s in samples])
    return {"memory": mem, "screenpop": figures, "server": server}


def report(args: argparse.Namespace, result: dict[str, Any]) -> None:
    for kind, f in result["screenpop"].items():
        print(f"{kind:<12} n={f['n']:<5} pop: p50 {f['p50_ms']:7.3f} ms  p99 {f['p99_ms']:7.3f}"
              f" ms  max {f['max_ms']:7.3f} ms   (runtime handler p50 {f['runtime_p50_ms']:.3f}"
              f", p99 {f['runtime_p99_ms']:.3f} ms)  {KINDS.get(kind, 'both kinds')}")  # fmt: skip
    p99, kib = result["screenpop"]["all"]["p99_ms"], result["memory"]["kib_per_socket"]
    met = {"p99_ms": p99 <= GOAL["p99_ms"], "kib_per_socket": kib <= GOAL["kib_per_socket"]}
    print(f"goal: pop p99 <= {GOAL['p99_ms']:g} ms with {args.agents} sockets: "
          f"{'met' if met['p99_ms'] else 'NOT met'} ({p99} ms); <= {GOAL['kib_per_socket']:g} "
          f"KiB per idle socket with {args.idle}: {'met' if met['kib_per_socket'] else 'NOT met'}"
          f" ({kib} KiB)")  # fmt: skip
    print(json.dumps({
        "bench": "screenpop",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "agents": args.agents, "verdicts": args.verdicts, **result,
        "goal": GOAL, "met": met,
        "python": platform.python_version(),
        "machine": machine(),
    }))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=5000, help="agent sockets (and agents)")
    parser.add_argument("--samples", type=int, default=1000, help="timed cycles (2 samples)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed cycles first")
    parser.add_argument("--idle", type=int, default=10_000, help="sockets for the memory part")
    parser.add_argument(
        "--verdicts", action="store_true", help="every agent's verdict on each offer (acd: off)"
    )
    args = parser.parse_args()
    if args.samples < 2 or args.idle < args.agents:
        parser.error("--samples: at least 2; --idle: at least --agents")
    redis = RedisServer()
    redis.start()
    try:
        with tempfile.TemporaryDirectory(prefix="screenpop-") as tmp:
            log_file = Path(tmp) / "acd.log"
            try:
                result = asyncio.run(run(args, redis.url, log_file))
            except Exception:
                print(f"acd's log, last lines:\n{log_file.read_text()[-3000:]}", file=sys.stderr)
                raise
            logged = log_file.read_text().splitlines()
    finally:
        logging.shutdown()
        redis.stop()
    bad = [line for line in logged if " WARNING " in line or " ERROR " in line]
    print(f"acd's log: {len(logged)} lines, {len(bad)} warnings or errors", *bad[:5], sep="\n")
    report(args, result)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:  # everything started is stopped by then
        sys.exit(130)
