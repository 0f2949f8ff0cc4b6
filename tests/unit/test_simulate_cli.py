"""`acd simulate SCENARIO.yaml --json`: the documented keys, the policy file, bad scenarios."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from acd.cli import main

REPO = Path(__file__).resolve().parents[2]
KEYS = {"offered", "answered", "abandoned", "short_abandoned", "service_level", "asa_s",
        "aht_s", "avg_abandon_wait_s"}  # fmt: skip


def test_json_has_the_documented_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(REPO / "samples" / "scenario.yaml"), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert set(figures) == {"call_types", "overall", "occupancy"}
    assert set(figures["call_types"]) == {"billing"}
    assert set(figures["call_types"]["billing"]) == KEYS == set(figures["overall"])
    billing = figures["call_types"]["billing"]
    assert billing["offered"] == billing["answered"] + billing["abandoned"] > 20_000
    assert 0 < billing["service_level"] < 1 and 0.5 < figures["occupancy"] < 1
    # the same seed gives the same day
    assert main(["simulate", str(REPO / "samples" / "scenario.yaml"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == figures


def test_a_scenario_can_use_the_servers_policy_and_another_strategy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "routing.yaml").write_text((REPO / "routing.yaml").read_text())
    scenario = """\
seed: 7
duration_s: 36000
warmup_s: 600
policy: routing.yaml
strategy: best_skill
call_types:
  billing: {arrivals_per_hour: 40, handle_time_s: {exponential: 240}}
  tech: {arrivals_per_hour: 30, handle_time_s: {lognormal: [300, 120]},
         patience_s: {uniform: [30, 200]}}
agents:
  - {count: 3, skills: {billing: 8, mandarin: 6}, team: Billing}
  - {count: 3, skills: {tech: 5}}
"""
    (tmp_path / "scenario.yaml").write_text(scenario)
    assert main(["simulate", str(tmp_path / "scenario.yaml"), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert set(figures["call_types"]) == {"billing", "tech"}
    # billing wraps up 30 s after each call in routing.yaml: AHT is talk plus that
    assert figures["call_types"]["billing"]["aht_s"] == pytest.approx(240 + 30, rel=0.1)
    assert figures["call_types"]["tech"]["abandoned"] > 0


def test_every_problem_of_a_scenario_has_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = """\
duration_s: -5
call_types:
  billing: {arrivals_per_hour: 10, handle_time_s: {exponential: 60, fixed: 3}}
agents: []
"""
    (tmp_path / "s.yaml").write_text(scenario)
    assert main(["simulate", str(tmp_path / "s.yaml")]) == 1
    assert capsys.readouterr().err.replace(f"{tmp_path}/", "").splitlines() == [
        "s.yaml:1:1: duration_s: Input should be greater than 0",
        "s.yaml:3:36: call_types.billing.handle_time_s: Value error, "
        "give exactly one of exponential, fixed, uniform, lognormal",
        "s.yaml:4:1: agents: List should have at least 1 item after validation, not 0",
    ]


def test_report_over_the_simulators_records_gives_its_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "day.jsonl"
    scenario = str(REPO / "samples" / "scenario.yaml")
    assert main(["simulate", scenario, "--json", "--log", str(log), "--start", "2026-11-24"]) == 0
    own = json.loads(capsys.readouterr().out)["call_types"]["billing"]
    window = ["--from", "2026-11-24T01:00", "--to", "2026-12-03T01:00"]  # 720,000 s measured
    assert main(["report", "--log", str(log), *window, "--format", "json"]) == 0
    [line] = json.loads(capsys.readouterr().out)
    for figure in ("offered", "answered", "abandoned", "short_abandoned"):
        assert line[figure] == own[figure] > 0, figure
    assert line["service_level_20s"] == round(own["service_level"], 4)
    assert line["asa_s"] == round(own["asa_s"], 4)
