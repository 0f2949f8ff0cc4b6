"""Erlang C: the textbook figures for one queue of identical agents and Poisson callers who
never hang up, to check the simulator against and to staff by."""

from __future__ import annotations

import math


def wait_probability(agents: int, erlangs: float) -> float:
    """Probability that a caller waits at all (Erlang C formula)."""
    if erlangs >= agents:
        return 1.0
    term, total = 1.0, 1.0  # a^k / k!, summed for k < agents
    for k in range(1, agents):
        term *= erlangs / k
        total += term
    last = term * erlangs / agents * agents / (agents - erlangs)
    return last / (total + last)


def service_level(agents: int, erlangs: float, handle_time: float, threshold: float) -> float:
    """Share of callers answered within ``threshold`` seconds."""
    if erlangs >= agents:
        return 0.0
    rate = (agents - erlangs) / handle_time
    return 1.0 - wait_probability(agents, erlangs) * math.exp(-rate * threshold)


def average_speed_of_answer(agents: int, erlangs: float, handle_time: float) -> float:
    if erlangs >= agents:
        return math.inf
    return wait_probability(agents, erlangs) * handle_time / (agents - erlangs)
