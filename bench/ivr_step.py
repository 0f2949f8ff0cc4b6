"""IVR step: one AGI command's round trip on a real Asterisk 22, FastAGI vs AsyncAGI.

    PYTHONPATH=scripts .venv/bin/python bench/ivr_step.py [--fastagi 2000] [--asyncagi 100]

Starts its own rig (the Asterisk of the system tests) and puts one Local channel in each:
  fastagi:  Local/4008@from-trunk runs the real dialplan, Answer() then
            AGI(agi://127.0.0.1:<port>/ivr), answered by acd's AgiServer; each sample
            is one ``await channel.send("GET VARIABLE", "CHANNEL")``.
  asyncagi: Local/5000@acd-bench, a context added at run time through the CLI
            (Answer() then AGI(agi:async)); each sample is from sending the AMI action
            ``AGI`` (Command: GET VARIABLE CHANNEL) through acd's AmiClient to the
            ``AsyncAGIExec`` event carrying its CommandID. Measured twice, as the
            other half of the Local channel decides how often Asterisk looks at the
            queued command: while no frame arrives its AsyncAGI loop polls every
            100 ms (``asyncagi``: the other half runs Wait), while frames arrive
            (``asyncagi_media``: MusicOnHold, a frame every 20 ms like a caller's RTP)
            it looks after each frame.
GET VARIABLE does no media wait, so the figures are transport plus Asterisk's command
dispatch. Warm-up commands are not counted. Prints one line per transport, then one
line of JSON with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import itertools
import json
import platform
import statistics
import time
from typing import Any

from machine import machine
from rig.session import Rig

from acd.adapters.agi.server import AgiChannel, AgiServer
from acd.adapters.ami.client import AmiClient
from acd.adapters.ami.events import AmiEvent, AsyncAGIExec, AsyncAGIStart

GOAL = {"p50_ms": 2.0, "p99_ms": 10.0}
BENCH_CONTEXT = "acd-bench"
BENCH_EXTEN = "5000"
SETUP_TIMEOUT = 20.0


def summary(samples_ns: list[int]) -> dict[str, Any]:
    """n, p50, p99 and max in milliseconds (percentiles by sorting, inclusive method)."""
    cuts = statistics.quantiles(samples_ns, n=100, method="inclusive")
    return {
        "n": len(samples_ns),
        "p50_ms": round(cuts[49] / 1e6, 3),
        "p99_ms": round(cuts[98] / 1e6, 3),
        "max_ms": round(max(samples_ns) / 1e6, 3),
    }


class Events:
    """The AMI event sink: AsyncAGIStart and AsyncAGIExec handed to whoever waits."""

    def __init__(self) -> None:
        loop = asyncio.get_running_loop()
        self.started: asyncio.Future[AsyncAGIStart] = loop.create_future()
        self.waiting: dict[str, asyncio.Future[AsyncAGIExec]] = {}

    def __call__(self, event: AmiEvent) -> None:
        if isinstance(event, AsyncAGIStart):
            ours = event.channel.startswith(f"Local/{BENCH_EXTEN}@{BENCH_CONTEXT}")
            if ours and not self.started.done():
                self.started.set_result(event)
        elif isinstance(event, AsyncAGIExec):
            # Asterisk 22 spells it CommandId, so AsyncAGIExec.command_id (CommandID) is empty
            future = self.waiting.pop(event.get("CommandId") or event.command_id, None)
            if future is not None and not future.done():
                future.set_result(event)


async def bench_fastagi(rig: Rig, ami: AmiClient, count: int, warmup: int) -> list[int]:
    loop = asyncio.get_running_loop()
    finished: asyncio.Future[list[int]] = loop.create_future()

    async def handler(channel: AgiChannel) -> None:
        try:
            samples: list[int] = []
            expected = channel.env["agi_channel"]
            for i in range(warmup + count):
                start = time.perf_counter_ns()
                reply = await channel.send("GET VARIABLE", "CHANNEL")
                elapsed = time.perf_counter_ns() - start
                if not (reply.ok and reply.result == 1 and reply.data == expected):
                    raise RuntimeError(f"unexpected reply to GET VARIABLE: {reply}")
                if i >= warmup:
                    samples.append(elapsed)
            finished.set_result(samples)
        except BaseException as exc:
            if not finished.done():
                finished.set_exception(exc)
            raise

    server = AgiServer(handler, "127.0.0.1", rig.agi_port)
    await server.start()
    try:
        await ami.send_action(
            {
                "Action": "Originate",
                "Channel": "Local/4008@from-trunk",
                "Application": "Wait",
                "Data": "600",
                "Async": "true",
            }
        )
        # the handler returns once done: the connection closes, the dialplan goes on and
        # hangs the call up itself (acd-unavailable), taking the Local pair down with it
        return await asyncio.wait_for(finished, SETUP_TIMEOUT + count * 0.05)
    finally:
        await server.close()


async def bench_asyncagi(
    ami: AmiClient, events: Events, count: int, warmup: int, peer: tuple[str, str]
) -> list[int]:
    """``peer`` is the application (and its data) on the other half of the Local channel."""
    loop = asyncio.get_running_loop()
    events.started = loop.create_future()
    await ami.send_action(
        {
            "Action": "Originate",
            "Channel": f"Local/{BENCH_EXTEN}@{BENCH_CONTEXT}",
            "Application": peer[0],
            "Data": peer[1],
            "Async": "true",
        }
    )
    channel = (await asyncio.wait_for(events.started, SETUP_TIMEOUT)).channel
    ids = itertools.count(1)
    samples: list[int] = []
    try:
        for i in range(warmup + count):
            command_id = f"ivr-step-{next(ids)}"
            future: asyncio.Future[AsyncAGIExec] = loop.create_future()
            events.waiting[command_id] = future
            start = time.perf_counter_ns()
            await ami.send_action(
                {
                    "Action": "AGI",
                    "Channel": channel,
                    "Command": "GET VARIABLE CHANNEL",
                    "CommandID": command_id,
                }
            )
            executed = await asyncio.wait_for(future, 10)
            elapsed = time.perf_counter_ns() - start
            if not executed.result.startswith("200%20result%3D1"):
                raise RuntimeError(f"unexpected AsyncAGIExec result: {executed.result}")
            if i >= warmup:
                samples.append(elapsed)
    finally:
        await ami.send_action({"Action": "Hangup", "Channel": channel})
    return samples


async def run(rig: Rig, fastagi_count: int, asyncagi_count: int, warmup: int) -> dict[str, Any]:
    events = Events()
    ami = AmiClient(
        host="127.0.0.1",
        port=rig.target.ports.ami,
        username="acd",
        secret=rig.ami_secret,
        on_event=events,
        action_timeout=10.0,
    )
    task = asyncio.create_task(ami.run())
    try:
        await asyncio.wait_for(ami.connected.wait(), SETUP_TIMEOUT)
        fast = await bench_fastagi(rig, ami, fastagi_count, warmup)
        for priority, app in ((1, "Answer()"), (2, "AGI(agi:async)")):
            rig.target.cli(
                f"dialplan add extension {BENCH_EXTEN},{priority},{app} into {BENCH_CONTEXT}"
            )
        warm = min(warmup, 5)
        silent = await bench_asyncagi(ami, events, asyncagi_count, warm, ("Wait", "600"))
        media = await bench_asyncagi(ami, events, asyncagi_count, warm, ("MusicOnHold", "default"))
    finally:
        await ami.close()
        task.cancel()
    return {
        "fastagi": summary(fast),
        "asyncagi": summary(silent),
        "asyncagi_media": summary(media),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fastagi", type=int, default=2000, help="FastAGI commands to time")
    parser.add_argument("--asyncagi", type=int, default=100, help="AsyncAGI commands to time")
    parser.add_argument("--warmup", type=int, default=20, help="untimed commands first")
    args = parser.parse_args()

    with Rig.create() as rig:
        version = rig.target.cli("core show version").split(" built ")[0].strip()
        print(f"{version} (rig), command: GET VARIABLE CHANNEL, loopback", flush=True)
        figures = asyncio.run(run(rig, args.fastagi, args.asyncagi, args.warmup))

    for name, figure in figures.items():
        print(
            f"{name:<14} n={figure['n']:<5} p50 {figure['p50_ms']:8.3f} ms  "
            f"p99 {figure['p99_ms']:8.3f} ms  max {figure['max_ms']:8.3f} ms"
        )
    fast = figures["fastagi"]
    met = fast["p50_ms"] <= GOAL["p50_ms"] and fast["p99_ms"] <= GOAL["p99_ms"]
    print(
        f"goal (FastAGI p50 <= {GOAL['p50_ms']:g} ms, p99 <= {GOAL['p99_ms']:g} ms): "
        f"{'met' if met else 'NOT met'}; AsyncAGI p50 is "
        f"{figures['asyncagi']['p50_ms'] / fast['p50_ms']:,.0f}x FastAGI's silent, "
        f"{figures['asyncagi_media']['p50_ms'] / fast['p50_ms']:,.0f}x with media"
    )
    print(
        json.dumps(
            {
                "bench": "ivr_step",
                "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "command": "GET VARIABLE CHANNEL",
                **figures,
                "goal": GOAL,
                "met": met,
                "asterisk": version,
                "python": platform.python_version(),
                "machine": machine(),
            }
        )
    )


if __name__ == "__main__":
    main()
