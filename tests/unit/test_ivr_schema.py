"""The committed JSON Schema and the sample flows stay in step with the code."""

from __future__ import annotations

import json
from pathlib import Path

from acd.ivr import nodes as n
from acd.ivr.lint import check
from acd.ivr.schema import json_schema
from acd.routing_policy import load_policy

ROOT = Path(__file__).resolve().parents[2]


def test_committed_schema_is_what_acd_ivr_schema_prints() -> None:
    """``acd ivr schema > ivr_flows/schema.json`` after changing a node; this fails until then."""
    written = (ROOT / "ivr_flows" / "schema.json").read_text(encoding="utf-8")

    assert written == json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def test_schema_offers_every_node_kind_and_forbids_unknown_keys() -> None:
    schema = json_schema()
    kinds = schema["properties"]["nodes"]["additionalProperties"]["discriminator"]["mapping"]

    assert sorted(kinds) == [
        "callback", "gather", "goto", "hangup", "hours", "lookup", "menu", "play", "queue",
        "return", "set", "subflow", "survey", "switch", "transfer", "verify", "voicemail",
    ]  # fmt: skip
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["name", "entry", "nodes"]
    assert schema["$defs"]["Menu"]["additionalProperties"] is False


def test_sample_hotline_passes_lint_with_the_sample_routing_policy() -> None:
    policy, problems = load_policy(ROOT / "routing.yaml")
    assert problems == []

    checked = check([ROOT / "ivr_flows" / "hotline.yaml"], policy=policy)

    assert checked.problems == []
    hotline = checked.flows["hotline"]
    assert (hotline.entry, hotline.numbers, hotline.timezone) == (
        "greeting",
        ("4008", "_4008X."),
        "Asia/Shanghai",
    )
    assert (hotline.on_error, hotline.error_call_type) == ("sorry", "general")
    assert len(hotline.nodes) == 15
    assert hotline.nodes["main_menu"] == n.Menu(
        prompts=("basic-pbx-ivr-main",),
        choices={
            "1": "verify_billing",
            "2": "tech_queue",
            "3": "complaints_queue",
            "0": "agent_queue",
        },
        fallback="agent_queue",
    )
