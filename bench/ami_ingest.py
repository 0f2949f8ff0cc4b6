"""AMI ingest: events/s through acd's pipeline vs plain panoramisk, on one core.

    .venv/bin/python bench/ami_ingest.py [--events 300000] [--runs 3]

A peer process (pinned to the other core) logs the client in, then replays the AMI
stream recorded from a real Asterisk 22 (tests/fixtures/ami/calls.ami) over loopback,
as fast as the socket takes it. The client process is pinned to one core and times
from login to the moment its consumer has taken the last event off the queue:
  acd:        AmiClient (parse -> typed event) -> Runtime queue -> handler
  panoramisk: Manager with a '*' event callback -> asyncio.Queue -> consumer
Prints one line per run, then one line of JSON with the medians.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import socket
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from panoramisk import Manager

from acd.adapters.ami.client import AmiClient
from acd.adapters.ami.parser import AmiParser
from acd.runtime import Runtime

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "ami" / "calls.ami"


def _peer(listener: socket.socket, stream: bytes, core: int) -> None:
    """Accept one client, answer its Login, send the stream, wait for the client to close."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {core})
    conn, _ = listener.accept()
    conn.sendall(b"Asterisk Call Manager/9.0.0\r\n")
    request = b""
    while b"\r\n\r\n" not in request:
        request += conn.recv(4096)
    fields = dict(line.split(": ", 1) for line in request.decode().split("\r\n") if ": " in line)
    reply = f"Response: Success\r\nActionID: {fields.get('ActionID', '')}\r\n"
    conn.sendall(reply.encode() + b"Message: Authentication accepted\r\n\r\n")
    conn.sendall(stream)
    while conn.recv(65536):
        pass
    conn.close()


def _serve(stream: bytes, core: int) -> tuple[int, multiprocessing.Process]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = int(listener.getsockname()[1])
    process = multiprocessing.Process(target=_peer, args=(listener, stream, core), daemon=True)
    process.start()
    listener.close()
    return port, process


async def _measure(connect: Callable[[Callable[[], None]], Any], expected: int) -> float:
    """Seconds from login until the consumer has taken ``expected`` events."""
    done = asyncio.get_running_loop().create_future()
    count = 0

    def consumed() -> None:
        nonlocal count
        count += 1
        if count == expected and not done.done():
            done.set_result(time.perf_counter())

    start, closer = await connect(consumed)
    end = await asyncio.wait_for(done, 300)
    await closer()
    return float(end - start)


def run_acd(port: int, expected: int) -> float:
    async def connect(consumed: Callable[[], None]) -> tuple[float, Any]:
        runtime: Runtime[Any] = Runtime(lambda _event: consumed())
        client = AmiClient(
            host="127.0.0.1",
            port=port,
            username="bench",
            secret="bench",
            on_event=runtime.submit,
            ping_interval=3600,
        )
        await client.connect()
        start = time.perf_counter()
        task = asyncio.create_task(runtime.run())

        async def close() -> None:
            task.cancel()
            await client.close()

        return start, close

    return asyncio.run(_measure(connect, expected))


def run_panoramisk(port: int, expected: int) -> float:
    async def connect(consumed: Callable[[], None]) -> tuple[float, Any]:
        queue: asyncio.Queue[Any] = asyncio.Queue()
        manager = Manager(
            host="127.0.0.1",
            port=port,
            username="bench",
            secret="bench",
            ping_delay=0,
            reconnect_timeout=3600,
        )
        manager.register_event("*", lambda _manager, message: queue.put_nowait(message))
        await manager.connect()
        start = time.perf_counter()

        async def consume() -> None:
            while True:
                await queue.get()
                consumed()

        task = asyncio.create_task(consume())

        async def close() -> None:
            task.cancel()
            manager.close()

        return start, close

    return asyncio.run(_measure(connect, expected))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    recorded = FIXTURE.read_bytes()
    events_per_copy = sum(1 for m in AmiParser(greeting="").feed(recorded) if "Event" in m)
    copies = max(1, args.events // events_per_copy)
    stream, expected = recorded * copies, events_per_copy * copies
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    client_core, peer_core = cores[0], cores[-1]
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {client_core})
    print(
        f"stream: {len(stream) / 1e6:.1f} MB, {expected} events recorded from Asterisk 22, "
        f"client on core {client_core}, peer on core {peer_core}"
    )

    results: dict[str, list[float]] = {"acd": [], "panoramisk": []}
    for run in range(args.runs):
        for name, runner in (("acd", run_acd), ("panoramisk", run_panoramisk)):
            port, peer = _serve(stream, peer_core)
            seconds = runner(port, expected)
            peer.join(10)
            rate = expected / seconds
            results[name].append(rate)
            print(f"run {run + 1} {name:<10} {seconds:6.2f} s  {rate:>9,.0f} events/s")

    acd_rate = statistics.median(results["acd"])
    pano_rate = statistics.median(results["panoramisk"])
    print(
        f"median: acd {acd_rate:,.0f} events/s, panoramisk {pano_rate:,.0f} events/s, "
        f"ratio {acd_rate / pano_rate:.2f}"
    )
    print(
        json.dumps(
            {
                "bench": "ami_ingest",
                "events": expected,
                "acd_events_per_s": round(acd_rate),
                "panoramisk_events_per_s": round(pano_rate),
                "ratio": round(acd_rate / pano_rate, 2),
                "acd_range": [round(min(results["acd"])), round(max(results["acd"]))],
                "panoramisk_range": [
                    round(min(results["panoramisk"])),
                    round(max(results["panoramisk"])),
                ],
                "runs": args.runs,
                "python": platform.python_version(),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            }
        )
    )


if __name__ == "__main__":
    main()
