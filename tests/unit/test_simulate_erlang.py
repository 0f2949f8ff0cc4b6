"""``acd simulate`` against Erlang C: one call type, identical agents, nobody hangs up."""

from __future__ import annotations

from typing import Any

import pytest

from acd.core import policy as core
from acd.sim.engine import simulate
from acd.sim.erlang import average_speed_of_answer, service_level, wait_probability
from acd.sim.model import Distribution, Scenario, Traffic

CALLS = 1_000_000
"""Calls per run. Measured spread of ASA over seeds 1-5: ±4.5 % of Erlang C at 500,000 calls
(waits are correlated over long busy periods), so the run is twice that long."""


def test_erlang_c_gives_the_textbook_figures() -> None:
    # 10 erlangs offered to 11 agents: the wait probability tabulated in every staffing text
    assert wait_probability(11, 10.0) == pytest.approx(0.6821, abs=1e-4)
    assert wait_probability(5, 5.0) == 1.0
    # ASA = P(wait) * AHT / (N - A); SL(t) = 1 - P(wait) * exp(-(N - A) t / AHT)
    assert average_speed_of_answer(11, 10.0, 180) == pytest.approx(0.6821 * 180, rel=1e-3)
    assert service_level(11, 10.0, 180, 20) == pytest.approx(1 - 0.6821 * 0.89484, abs=1e-3)


def test_a_long_run_agrees_with_erlang_c() -> None:
    agents, arrivals_per_hour, handle_time = 10, 96.0, 300.0  # 8 erlangs: 80 % busy
    profiles = {f"a{i}": core.AgentProfile(f"a{i}", {"billing": 5}) for i in range(agents)}
    requires = core.Requirement.of({"billing": 1})
    policy = core.Policy({"billing": core.CallType("billing", (core.Step(0, requires),))}, profiles)
    traffic = Traffic("billing", arrivals_per_hour, Distribution("exponential", handle_time))
    duration = CALLS / arrivals_per_hour * 3600
    scenario = Scenario(1, duration, 20_000, 20, (traffic,), policy)

    figures: Any = simulate(scenario).as_json()["overall"]

    erlangs = arrivals_per_hour * handle_time / 3600
    assert figures["abandoned"] == 0 and figures["answered"] == figures["offered"] > 100_000
    assert figures["service_level"] == pytest.approx(
        service_level(agents, erlangs, handle_time, 20), abs=0.02
    )
    assert figures["asa_s"] == pytest.approx(
        average_speed_of_answer(agents, erlangs, handle_time), rel=0.05
    )
    assert figures["aht_s"] == pytest.approx(handle_time, rel=0.01)
