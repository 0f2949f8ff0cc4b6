"""routing.yaml: validated with PATH:LINE:COL problems, turned into the router's policy."""

from __future__ import annotations

from pathlib import Path

from acd.core import policy as core
from acd.routing_policy import load_policy

REPO = Path(__file__).resolve().parents[2]


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "routing.yaml"
    path.write_text(text)
    policy, found = load_policy(path)
    assert (policy is None) == bool(found)
    return [str(p).replace(f"{tmp_path}/", "") for p in found]


def test_the_sample_policy_loads_with_widening_steps() -> None:
    policy, found = load_policy(REPO / "routing.yaml")
    assert found == [] and policy is not None
    billing = policy.to_core().call_types["billing"]
    assert billing.steps == (
        core.Step(0, core.Requirement.of({"billing": 7, "mandarin": 5})),
        core.Step(30, core.Requirement.of({"billing": 3})),
        core.Step(90, core.Requirement.of({}, "Billing")),
    )
    assert (billing.max_wait, billing.fallback, billing.wrap_up) == (
        300,
        "hotline.offer_callback",
        30,
    )
    assert policy.to_core().strategy is core.Strategy.LONGEST_IDLE


def test_every_problem_of_a_policy_has_its_place(tmp_path: Path) -> None:
    text = """\
skills: [billing, mandarin]
call_types:
  billing:
    skills: {billing: 3}
    steps:
      - {after_s: 5, skills: {billing: 7, klingon: 2}}
      - {after_s: 5, skills: {billing: 3}}
      - {after_s: 60, skills: {billing: 8}}
    fallback: nowhere
  other:
    fallback: billing
"""
    assert problems(tmp_path, text) == [
        "routing.yaml:4:5: give either skills or steps, not both",
        "routing.yaml:6:10: the first step starts at after_s: 0",
        "routing.yaml:6:43: unknown skill 'klingon'",
        "routing.yaml:7:10: steps must start later than the step before",
        "routing.yaml:8:9: this step lets no new agent in: "
        "an earlier step already allows all it does",
        "routing.yaml:9:15: fallback 'nowhere' is neither a call type nor flow.node",
        "routing.yaml:11:5: a fallback needs max_wait_s",
    ]


def test_schema_errors_point_at_the_key(tmp_path: Path) -> None:
    text = "skills: [billing]\nstrategy: fastest\ncall_types:\n  billing: {priority: 500}\n"
    assert problems(tmp_path, text) == [
        "routing.yaml:2:1: strategy: Input should be 'longest_idle', 'best_skill', "
        "'fewest_calls' or 'round_robin'",
        "routing.yaml:4:13: call_types.billing.priority: Input should be less than or equal to 100",
    ]
