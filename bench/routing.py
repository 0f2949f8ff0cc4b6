"""Routing: decision latency of the pure router under load, and simulator throughput.

    .venv/bin/python bench/routing.py [--agents 2000 --skills 50 --waiting 10000 --decisions 20000]
                                      [--calls 1000000]

Decision latency: 2,000 agents with 3-6 of 50 skills each (levels 1-10), 200 call types
needing 1-2 skills with widening steps, and 10,000 calls waiting. Every agent some call
type needs is on a call; each measured decision is one ``router.handle(CallEnded)``: the
agent's call ends (no wrap-up), the router picks the best waiting call among every
bucket the agent serves, records the decision and offers it. Between decisions (not
timed) the offered call is answered and a new caller arrives: the queue stays at 10,000,
and about one waiting call's requirement widens per decision, as in a steady state.

Simulator throughput: ``acd simulate``'s engine on one call type, 200 agents at 85 %
occupancy with abandonment, until ``--calls`` calls have arrived. Pinned to one core.
Prints readable lines, then one line of JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import statistics
import time

from machine import machine

from acd.core import messages as m
from acd.core import policy as core
from acd.core.router import Router
from acd.sim.engine import simulate
from acd.sim.model import Distribution, Scenario, Traffic


def _policy(agents: int, skills: int, call_types: int, rng: random.Random) -> core.Policy:
    names = [f"s{i}" for i in range(skills)]
    profiles = {
        f"a{i}": core.AgentProfile(
            f"a{i}", {name: rng.randint(1, 10) for name in rng.sample(names, rng.randint(3, 6))}
        )
        for i in range(agents)
    }
    kinds = {}
    for i in range(call_types):
        needs = {name: rng.randint(3, 8) for name in rng.sample(names, rng.randint(1, 2))}
        relaxed = {name: max(1, level - 3) for name, level in needs.items()}
        steps = (
            core.Step(0, core.Requirement.of(needs)),
            core.Step(30, core.Requirement.of(relaxed)),
        )
        kinds[f"t{i}"] = core.CallType(f"t{i}", steps, priority=rng.choice((0, 0, 0, 5)))
    return core.Policy(kinds, profiles, ring_timeout=1e9)


def decision_latency(args: argparse.Namespace) -> dict[str, float]:
    rng = random.Random(1)
    policy = _policy(args.agents, args.skills, args.call_types, rng)
    router = Router(policy)
    kinds = list(policy.call_types)
    now, serial = 0.0, 0

    def answer(commands: list[m.Command]) -> None:
        for command in commands:
            if isinstance(command, m.Offer):
                router.handle(m.Answered(now, command.call, command.agent))

    for agent in router.agents:
        router.handle(m.LoggedIn(now, agent))
        router.handle(m.SetReady(now, agent))
    while len(router.waiting()) < args.waiting:
        now += 0.01  # the pace of the measurement: one arrival per decision
        serial += 1
        answer(router.handle(m.CallArrived(now, f"c{serial}", rng.choice(kinds))))
    busy = [a for a in router.agents.values() if a.call is not None]
    print(f"  set up: {len(busy)} agents on a call, {len(router.waiting())} calls waiting, "
          f"{len(router.buckets)} requirement buckets")  # fmt: skip
    samples: list[int] = []
    gc.collect()
    gc.freeze()
    for _ in range(args.decisions):
        now += 0.01
        chosen = rng.choice(busy)
        while chosen.call is None:  # freed earlier and nothing it may take was waiting
            chosen = rng.choice(busy)
        call = chosen.call
        event = m.CallEnded(now, call)
        started = time.perf_counter_ns()
        commands = router.handle(event)
        samples.append(time.perf_counter_ns() - started)
        answer(commands)
        serial += 1
        answer(router.handle(m.CallArrived(now, f"c{serial}", rng.choice(kinds))))
    waiting = len(router.waiting())
    cuts = statistics.quantiles(samples, n=100)
    return {
        "decisions": len(samples),
        "waiting_at_end": waiting,
        "p50_us": round(cuts[49] / 1000, 2),
        "p99_us": round(cuts[98] / 1000, 2),
        "max_us": round(max(samples) / 1000, 2),
    }


def throughput(calls: int) -> dict[str, float]:
    agents = {f"a{i}": core.AgentProfile(f"a{i}", {"billing": 5}) for i in range(200)}
    kind = core.CallType("billing", (core.Step(0, core.Requirement.of({"billing": 1})),))
    policy = core.Policy({"billing": kind}, agents)
    per_hour = 200 * 0.85 * 3600 / 240  # 85 % of 200 agents, 240 s calls
    traffic = Traffic("billing", per_hour, Distribution("exponential", 240.0),
                      Distribution("exponential", 180.0))  # fmt: skip
    scenario = Scenario(1, calls / per_hour * 3600, 0, 20, (traffic,), policy)
    started = time.perf_counter()
    result = simulate(scenario)
    seconds = time.perf_counter() - started
    return {"calls": result.calls, "seconds": round(seconds, 2),
            "calls_per_s": round(result.calls / seconds)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--skills", type=int, default=50)
    parser.add_argument("--call-types", type=int, default=200)
    parser.add_argument("--waiting", type=int, default=10_000)
    parser.add_argument("--decisions", type=int, default=20_000)
    parser.add_argument("--calls", type=int, default=1_000_000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    print(f"decision latency: {args.agents} agents, {args.skills} skills, "
          f"{args.call_types} call types, {args.waiting} waiting")  # fmt: skip
    latency = decision_latency(args)
    print(f"  p50 {latency['p50_us']} us, p99 {latency['p99_us']} us, max {latency['max_us']} us "
          f"over {latency['decisions']} decisions (goal p99 <= 50 us)")  # fmt: skip
    gc.unfreeze()
    print(f"simulator: {args.calls} calls")
    sim = throughput(args.calls)
    print(f"  {sim['calls']} calls in {sim['seconds']} s: {sim['calls_per_s']} calls/s "
          f"(goal 1,000,000 in <= 60 s)")  # fmt: skip
    met = latency["p99_us"] <= 50 and sim["seconds"] <= 60 * sim["calls"] / 1_000_000
    print(json.dumps({
        "bench": "routing",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "decision": latency,
        "simulator": sim,
        "goal": {"decision_p99_us": 50, "simulator_s_per_million_calls": 60},
        "met": met,
        "python": platform.python_version(),
        "machine": machine(),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
