"""agents.yaml: checked against the routing policy, PATH:LINE:COL problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from acd.agents_file import load_agents
from acd.cli import main
from acd.core import policy as core
from acd.directory import pin_matches

REPO = Path(__file__).resolve().parents[2]
POLICY = """\
skills: [billing, mandarin]
call_types:
  billing:
    steps:
      - {skills: {billing: 7, mandarin: 5}}
      - {after_s: 30, team: Billing}
"""


def check(tmp_path: Path, agents: str) -> list[str]:
    (tmp_path / "routing.yaml").write_text(POLICY)
    (tmp_path / "agents.yaml").write_text(agents)
    profiles, _, problems = load_agents(tmp_path / "agents.yaml", tmp_path / "routing.yaml")
    assert (profiles is None) == bool(problems)
    return [str(p).replace(f"{tmp_path}/", "") for p in problems]


def test_the_sample_agents_meet_every_step_of_the_sample_policy() -> None:
    profiles, policy, problems = load_agents(REPO / "agents.yaml", REPO / "routing.yaml")
    assert problems == [] and profiles is not None and policy is not None
    assert profiles["1001"] == core.AgentProfile(
        "1001", {"billing": 8, "mandarin": 9, "english": 5}, "Billing", "王芳"
    )
    text = (REPO / "agents.yaml").read_text()
    assert "pin_hash: pbkdf2$" in text and "pin:" not in text  # only hashes are stored


def test_every_problem_of_an_agents_file_has_its_place(tmp_path: Path) -> None:
    agents = """\
agents:
  - {id: "1", skills: {billing: 6, mandarin: 9}}
  - {id: "1", skills: {klingon: 3}}
  - {id: "bad id", pin_hash: "1234"}
"""
    assert check(tmp_path, agents) == [
        "agents.yaml:4:6: agents.2.id: String should match pattern '^[A-Za-z0-9_-]{1,32}$'",
        "agents.yaml:4:20: agents.2.pin_hash: String should match pattern "
        "'^(pbkdf2\\$\\d+\\$[0-9a-f]+\\$[0-9a-f]{64})?$'",
    ]
    agents = agents.replace('  - {id: "bad id", pin_hash: "1234"}\n', "")
    assert check(tmp_path, agents) == [
        "agents.yaml:1:1: call type 'billing' step 1 (billing>=7 and mandarin>=5): "
        "no agent in this file can ever meet it",
        "agents.yaml:1:1: call type 'billing' step 2 (team Billing): "
        "no agent in this file can ever meet it",
        "agents.yaml:3:10: agent '1' is listed twice",
        "agents.yaml:3:24: unknown skill 'klingon'",
    ]


def test_hash_pin_prints_a_hash_of_the_pin_and_refuses_a_short_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("482913\n"))
    assert main(["agents", "hash-pin"]) == 0
    stored = capsys.readouterr().out.strip()
    assert pin_matches("482913", stored) and "482913" not in stored
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("12\n"))
    assert main(["agents", "hash-pin"]) == 1
    assert "at least 4 digits" in capsys.readouterr().err
