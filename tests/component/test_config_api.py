"""Configuration over REST: who sees which agents, the policy and call types, and flows
checked before they are published (a broken flow never goes live)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from acd.agents_file import load_agent_specs
from acd.auth import Principal, Tokens
from acd.http_api import Api
from acd.http_auth import token_required
from acd.http_config import config_api
from acd.ivr.publisher import FlowPublisher
from acd.routing_policy import load_policy

REPO = Path(__file__).parents[2]
SECRET = "k" * 32
STATES = {"1001": "ready", "1004": "not_ready meal"}


class Config:
    """The configuration endpoints on the sample agents, policy and flows (copied)."""

    def __init__(self, tmp_path: Path) -> None:
        shutil.copytree(REPO / "ivr_flows", tmp_path / "flows")
        self.flows = FlowPublisher(tmp_path / "flows", policy=REPO / "routing.yaml", sounds=None)
        assert self.flows.refresh() == []
        specs, _ = load_agent_specs(REPO / "agents.yaml")
        policy, _ = load_policy(REPO / "routing.yaml")
        assert specs is not None and policy is not None
        api = Api("acd", "test")
        config_api(api, specs, policy, self.flows, lambda: dict(STATES))
        self.tokens = Tokens(SECRET, ttl=900, clock=lambda: 1000.0)
        app = web.Application(middlewares=[token_required(self.tokens)])
        api.add_to(app)
        self.http = TestClient(TestServer(app))

    async def __aenter__(self) -> Config:
        await self.http.start_server()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.http.close()

    async def call(self, method: str, path: str, who: Principal, **body: str) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.tokens.issue(who)[0]}"}
        reply = await self.http.request(method, path, json=body or None, headers=headers)
        return reply.status, await reply.json()


AGENT = Principal("1001", "agent", ("Billing",))
LEAD = Principal("1009", "supervisor", ("Support",))
ADMIN = Principal("1010", "admin")
FLOW = (REPO / "ivr_flows" / "hotline.yaml").read_text(encoding="utf-8")


async def test_an_agent_sees_themselves_a_supervisor_their_team_an_admin_everyone(
    tmp_path: Path,
) -> None:
    async with Config(tmp_path) as config:
        _, mine = await config.call("GET", "/agents", AGENT)
        _, team = await config.call("GET", "/agents", LEAD)
        _, everyone = await config.call("GET", "/agents", ADMIN)
    assert [a["id"] for a in mine] == ["1001"]
    assert mine[0]["state"] == "ready" and mine[0]["team"] == "Billing"
    assert "pin_hash" not in mine[0]
    assert [a["id"] for a in team] == ["1004", "1005", "1009", "1010"]  # and the staff
    assert team[0]["state"] == "not_ready meal"
    assert len(everyone) == 10 and everyone[8]["role"] == "supervisor"


async def test_skills_and_call_types_for_everyone_the_policy_for_supervisors(
    tmp_path: Path,
) -> None:
    async with Config(tmp_path) as config:
        _, skills = await config.call("GET", "/skills", AGENT)
        _, kinds = await config.call("GET", "/call-types", AGENT)
        refused, _ = await config.call("GET", "/routing/policy", AGENT)
        shown, policy = await config.call("GET", "/routing/policy", LEAD)
    assert "billing" in skills and "mandarin" in skills
    assert kinds["billing"]["wrap_up_s"] == 30
    assert kinds["billing"]["steps"][0]["skills"] == {"billing": 7, "mandarin": 5}
    assert (refused, shown) == (403, 200)
    assert policy["skills"] == skills and set(policy["call_types"]) == set(kinds)
    # each call type shows the codes its calls are filed under: its own, else the center's
    assert kinds["tech"]["dispositions"][0] == "password reset"
    assert kinds["general"]["dispositions"] == policy["dispositions"] != []
    assert policy["call_types"]["general"]["dispositions"] == []  # as written


async def test_a_policy_is_checked_without_being_used(tmp_path: Path) -> None:
    good = (REPO / "routing.yaml").read_text(encoding="utf-8")
    bad = good.replace("strategy: longest_idle", "strategy: fastest")
    async with Config(tmp_path) as config:
        _, fine = await config.call("POST", "/routing/policy/check", ADMIN, yaml=good)
        _, broken = await config.call("POST", "/routing/policy/check", ADMIN, yaml=bad)
        refused, _ = await config.call("POST", "/routing/policy/check", LEAD, yaml=good)
    assert fine == {"ok": True, "problems": []}
    assert broken["ok"] is False
    [problem] = broken["problems"]
    assert problem.startswith("routing.yaml:") and "strategy" in problem
    assert refused == 403


async def test_a_flow_that_passes_is_written_and_published_at_once(tmp_path: Path) -> None:
    changed = FLOW.replace("prompts: [hello]", "prompts: [hello-world]")
    async with Config(tmp_path) as config:
        before = config.flows.current
        status, checked = await config.call("POST", "/flows/hotline/check", ADMIN, yaml=changed)
        status_put, published = await config.call("PUT", "/flows/hotline", ADMIN, yaml=changed)
        _, listed = await config.call("GET", "/flows", LEAD)
    assert (status, checked) == (200, {"ok": True, "problems": []})
    assert status_put == 200 and published["version"] != before.version  # type: ignore[union-attr]
    assert (tmp_path / "flows" / "hotline.yaml").read_text(encoding="utf-8") == changed
    assert listed == {"version": published["version"], "flows": ["hotline"],
                      "files": ["hotline.yaml"]}  # fmt: skip


async def test_a_broken_flow_is_refused_with_its_lines_and_never_goes_live(
    tmp_path: Path,
) -> None:
    broken = FLOW.replace("next: hours", "next: nowhere", 1)
    async with Config(tmp_path) as config:
        version = config.flows.current.version  # type: ignore[union-attr]
        _, checked = await config.call("POST", "/flows/hotline/check", ADMIN, yaml=broken)
        status, refused = await config.call("PUT", "/flows/hotline", ADMIN, yaml=broken)
        bad_name, _ = await config.call("PUT", "/flows/..%2Fetc", ADMIN, yaml=FLOW)
        agent, _ = await config.call("PUT", "/flows/hotline", AGENT, yaml=FLOW)
        after = config.flows.current.version  # type: ignore[union-attr]
    assert checked["ok"] is False
    assert any(p.startswith("hotline.yaml:") and "nowhere" in p for p in checked["problems"])
    assert status == 422 and "nowhere" in refused["detail"]
    assert (tmp_path / "flows" / "hotline.yaml").read_text(encoding="utf-8") == FLOW
    assert after == version
    assert (bad_name, agent) == (400, 403)
