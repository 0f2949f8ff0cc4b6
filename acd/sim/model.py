"""A simulated day's inputs, as the engine sees them (validated at the edge by ``scenario.py``)."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from acd.core.policy import Policy


@dataclass(frozen=True, slots=True)
class Distribution:
    """Seconds drawn as ``exponential`` (mean), ``fixed``, ``uniform`` (low, high) or
    ``lognormal`` (mean, sd of the value itself)."""

    kind: str
    a: float
    b: float = 0.0

    def draw(self, rng: random.Random) -> float:
        if self.kind == "exponential":
            return rng.expovariate(1.0 / self.a)
        if self.kind == "uniform":
            return rng.uniform(self.a, self.b)
        if self.kind == "lognormal":
            sigma2 = math.log(1 + (self.b / self.a) ** 2)
            return rng.lognormvariate(math.log(self.a) - sigma2 / 2, math.sqrt(sigma2))
        return self.a

    @property
    def mean(self) -> float:
        return (self.a + self.b) / 2 if self.kind == "uniform" else self.a


@dataclass(frozen=True, slots=True)
class Traffic:
    call_type: str
    arrivals_per_hour: float
    handle_time: Distribution
    patience: Distribution | None = None
    skills: Mapping[str, int] = field(default_factory=dict)
    """Extra minimum levels the callers of this type bring (as the IVR would add)."""


@dataclass(frozen=True, slots=True)
class Scenario:
    seed: int
    duration: float
    warmup: float
    service_level: float
    traffic: tuple[Traffic, ...]
    policy: Policy
    """Call types, agents (all logged in and ready from the start) and strategy."""
    ring_time: float = 0.0
    """Seconds an offered agent's phone rings before it is answered."""
