"""Reconciling with Asterisk: the router's calls and acd's legs against the channels up."""

from __future__ import annotations

import pytest

from acd.core import messages as m
from acd.core.router import Router
from acd.routing_recovery import HOLD_CONTEXT, Channel, Leg, Repairs, reconcile
from tests.unit.test_router import ready, router

ASKED = 100.0
NOW = 105.0


def chan(uniqueid: str, *, context: str = HOLD_CONTEXT, bridge: str = "") -> Channel:
    return Channel(uniqueid, f"PJSIP/{uniqueid}-00000001", context, bridge, 30.0)


def routed() -> Router:
    """Three calls in three states: c-wait waits, c-ring rings agent a, c-talk talks to b."""
    r = router({"a": {}, "b": {}})
    ready(r, "b", at=0.0)
    r.handle(m.CallArrived(1.0, "c-talk", "any"))
    r.handle(m.Answered(2.0, "c-talk", "b"))
    ready(r, "a", at=3.0)
    r.handle(m.CallArrived(4.0, "c-ring", "any"))
    r.handle(m.CallArrived(5.0, "c-wait", "any"))
    assert r.calls["c-wait"].agent is None
    assert r.calls["c-ring"].agent == "a" and not r.calls["c-ring"].talking
    assert r.calls["c-talk"].agent == "b" and r.calls["c-talk"].talking
    return r


LEGS = {"leg-a": Leg("c-ring", "a", 4.0), "leg-b": Leg("c-talk", "b", 1.0)}
KNOWN = {"c-wait": "PJSIP/w", "c-ring": "PJSIP/r", "c-talk": "PJSIP/t"}


def everyone_up(**changed: Channel | None) -> dict[str, Channel]:
    """Every channel of ``routed()`` up (the talking pair bridged), with some replaced or gone."""
    up = {
        "c-wait": chan("c-wait"),
        "c-ring": chan("c-ring"),
        "leg-a": chan("leg-a", context="from-acd"),
        "c-talk": chan("c-talk", bridge="br-1"),
        "leg-b": chan("leg-b", context="from-acd", bridge="br-1"),
    }
    for name, channel in changed.items():
        key = name.replace("_", "-")
        if channel is None:
            del up[key]
        else:
            up[key] = channel
    return up


def repair(r: Router, up: dict[str, Channel], legs: dict[str, Leg] | None = None) -> Repairs:
    return reconcile(NOW, asked=ASKED, calls=r.calls, legs=LEGS if legs is None else legs,
                     known=KNOWN, up=up)  # fmt: skip


def test_reconcile_repairs_nothing_when_every_channel_is_as_the_router_thinks() -> None:
    repairs = repair(routed(), everyone_up())
    assert repairs == Repairs()


def test_reconcile_abandons_the_call_when_the_caller_is_gone_while_waiting() -> None:
    repairs = repair(routed(), everyone_up(c_wait=None))
    assert repairs.events == [m.CallAbandoned(NOW, "c-wait")]
    assert repairs.gone_callers == []  # the router knows the call: its event forgets it


def test_reconcile_abandons_the_call_when_the_caller_is_gone_while_ringing() -> None:
    repairs = repair(routed(), everyone_up(c_ring=None))
    assert repairs.events == [m.CallAbandoned(NOW, "c-ring")]


def test_reconcile_ends_the_call_when_the_caller_is_gone_while_talking() -> None:
    repairs = repair(routed(), everyone_up(c_talk=None))
    assert repairs.events == [m.CallEnded(NOW, "c-talk")]


def test_reconcile_ends_the_call_when_talking_and_the_agents_leg_is_gone() -> None:
    repairs = repair(routed(), everyone_up(leg_b=None))
    assert repairs.events == [m.CallEnded(NOW, "c-talk")]
    assert repairs.gone_legs == ["leg-b"]


def test_reconcile_fails_the_ring_when_ringing_and_the_leg_is_gone() -> None:
    repairs = repair(routed(), everyone_up(leg_a=None))
    assert repairs.events == [m.RingFailed(NOW, "c-ring", "a")]
    assert repairs.gone_legs == ["leg-a"]


def test_reconcile_fails_the_ring_when_ringing_and_acd_has_no_leg_for_it() -> None:
    repairs = repair(routed(), everyone_up(leg_a=None), legs={"leg-b": LEGS["leg-b"]})
    assert repairs.events == [m.RingFailed(NOW, "c-ring", "a")]
    assert repairs.gone_legs == []


def test_reconcile_answers_the_call_when_ringing_and_the_leg_is_bridged_with_the_caller() -> None:
    up = everyone_up(c_ring=chan("c-ring", bridge="br-2"),
                     leg_a=chan("leg-a", context="from-acd", bridge="br-2"))  # fmt: skip
    repairs = repair(routed(), up)
    assert repairs.events == [m.Answered(NOW, "c-ring", "a")]
    assert repairs.gone_legs == []


@pytest.mark.parametrize(
    ("caller_bridge", "leg_bridge"),
    [("", ""), ("br-2", ""), ("", "br-2"), ("br-2", "br-3")],
    ids=["neither bridged", "caller only", "leg only", "other bridges"],
)
def test_reconcile_repairs_nothing_when_ringing_with_the_leg_up_but_not_bridged_with_the_caller(
    caller_bridge: str, leg_bridge: str
) -> None:
    up = everyone_up(c_ring=chan("c-ring", bridge=caller_bridge),
                     leg_a=chan("leg-a", context="from-acd", bridge=leg_bridge))  # fmt: skip
    repairs = repair(routed(), up)
    assert repairs.events == [] and repairs.gone_legs == []


@pytest.mark.parametrize("rung", [ASKED, ASKED + 0.5], ids=["at asked", "after asked"])
def test_reconcile_leaves_a_leg_alone_when_it_was_rung_at_or_after_the_snapshot(
    rung: float,
) -> None:
    legs = {"leg-a": Leg("c-ring", "a", rung), "leg-b": LEGS["leg-b"]}
    repairs = repair(routed(), everyone_up(leg_a=None), legs=legs)
    assert repairs.events == []
    assert repairs.gone_legs == []


def test_reconcile_fails_a_leg_when_it_was_rung_just_before_the_snapshot() -> None:
    legs = {"leg-a": Leg("c-ring", "a", ASKED - 0.001), "leg-b": LEGS["leg-b"]}
    repairs = repair(routed(), everyone_up(leg_a=None), legs=legs)
    assert repairs.events == [m.RingFailed(NOW, "c-ring", "a")]
    assert repairs.gone_legs == ["leg-a"]


def test_reconcile_lists_gone_legs_when_legs_of_old_calls_are_not_up() -> None:
    legs = {**LEGS, "leg-old": Leg("c-done", "a", 1.0), "leg-new": Leg("c-x", "b", ASKED + 1)}
    repairs = repair(routed(), everyone_up(), legs=legs)
    assert repairs.gone_legs == ["leg-old"]
    assert repairs.events == []


def test_reconcile_lists_gone_callers_when_known_callers_are_neither_up_nor_routed() -> None:
    r = routed()
    known = {**KNOWN, "c-left": "PJSIP/l", "c-still": "PJSIP/s"}
    up = {**everyone_up(c_wait=None), "c-still": chan("c-still")}
    repairs = reconcile(NOW, asked=ASKED, calls=r.calls, legs=LEGS, known=known, up=up)
    assert repairs.gone_callers == ["c-left"]
    assert repairs.events == [m.CallAbandoned(NOW, "c-wait")]


def test_reconcile_reports_every_repair_when_several_calls_are_off() -> None:
    repairs = repair(routed(), everyone_up(c_wait=None, leg_a=None, leg_b=None))
    assert repairs.events == [
        m.CallEnded(NOW, "c-talk"),
        m.RingFailed(NOW, "c-ring", "a"),
        m.CallAbandoned(NOW, "c-wait"),
    ]
    assert sorted(repairs.gone_legs) == ["leg-a", "leg-b"]


def test_reconcile_finds_strangers_when_unknown_callers_wait_in_the_hold_context() -> None:
    stranger = chan("c-new")
    up = {
        **everyone_up(),
        "c-new": stranger,
        "c-bridged": chan("c-bridged", bridge="br-9"),
        "c-ivr": chan("c-ivr", context="acd-ivr"),
        "c-local": chan("c-local", context="from-internal"),
    }
    repairs = repair(routed(), up)
    assert repairs.strangers == [stranger]
    assert repairs.events == []


def test_reconcile_finds_no_stranger_when_the_hold_caller_is_known_but_not_routed() -> None:
    r = routed()
    up = {**everyone_up(), "c-known": chan("c-known")}
    repairs = reconcile(NOW, asked=ASKED, calls=r.calls, legs=LEGS,
                        known={**KNOWN, "c-known": "PJSIP/k"}, up=up)  # fmt: skip
    assert repairs.strangers == []


def test_reconcile_finds_no_stranger_when_the_hold_caller_is_routed_but_not_known() -> None:
    r = routed()
    known = {k: v for k, v in KNOWN.items() if k != "c-wait"}
    repairs = reconcile(NOW, asked=ASKED, calls=r.calls, legs=LEGS, known=known, up=everyone_up())
    assert repairs.strangers == []


def test_channel_from_fields_reads_duration_when_given_hh_mm_ss() -> None:
    fields = {
        "Event": "CoreShowChannel",
        "Uniqueid": "1712345678.42",
        "Channel": "PJSIP/caller-0000002a",
        "Context": "acd-hold",
        "BridgeId": "9b1c2d3e",
        "Duration": "01:02:03",
    }
    assert Channel.from_fields(fields) == Channel(
        "1712345678.42", "PJSIP/caller-0000002a", "acd-hold", "9b1c2d3e", 3723
    )


@pytest.mark.parametrize(
    ("duration", "seconds"), [("00:00:00", 0), ("00:00:59", 59), ("00:10:00", 600),
                              ("100:00:01", 360_001)],
)  # fmt: skip
def test_channel_from_fields_counts_seconds_when_duration_is_given(
    duration: str, seconds: int
) -> None:
    assert Channel.from_fields({"Duration": duration}).seconds == seconds


@pytest.mark.parametrize("fields", [{}, {"Duration": ""}], ids=["absent", "empty"])
def test_channel_from_fields_gives_empty_values_when_fields_are_missing(
    fields: dict[str, str],
) -> None:
    assert Channel.from_fields(fields) == Channel("", "", "", "", 0)
