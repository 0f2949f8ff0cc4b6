"""An agent's readiness follows their phone: offline takes them out of ready, back puts
them in again (only when it was the phone that took them out)."""

from __future__ import annotations

import pytest

from acd.adapters.ami import actions
from acd.core import messages as m
from acd.core.agent import Agent
from acd.records import Waiting
from acd.routing_recovery import PHONE_OFFLINE, Channel, Stranger, phones
from tests.unit.test_router import ready, router


def agents_in(states: dict[str, str]) -> dict[str, Agent]:
    r = router({"a": {}, "b": {}})
    ready(r, "a", "b")
    for agent, state in states.items():
        if state == "not ready":
            r.handle(m.SetNotReady(1.0, agent, "break"))
        elif state == "offline":
            r.handle(m.SetNotReady(1.0, agent, PHONE_OFFLINE))
        elif state == "logged out":
            r.handle(m.LoggedOut(1.0, agent))
    return r.agents


@pytest.mark.parametrize("device", ["UNAVAILABLE", "INVALID"])
def test_a_ready_agent_whose_phone_goes_offline_is_put_in_not_ready(device: str) -> None:
    assert phones(5.0, agents_in({}), {"a": device}) == [m.SetNotReady(5.0, "a", PHONE_OFFLINE)]


def test_the_agent_is_ready_again_once_the_phone_is_back() -> None:
    agents = agents_in({"a": "offline"})
    assert phones(9.0, agents, {"a": "NOT_INUSE"}) == [m.SetReady(9.0, "a")]


@pytest.mark.parametrize(
    ("agent_state", "device"),
    [
        ("not ready", "NOT_INUSE"),  # on a break: the phone coming back changes nothing
        ("not ready", "UNAVAILABLE"),
        ("logged out", "UNAVAILABLE"),
        ("offline", "UNAVAILABLE"),  # still offline
        ("ready", "UNKNOWN"),  # Asterisk does not know: leave the agent be
        ("ready", "INUSE"),
    ],
)
def test_nothing_changes_when_the_phone_does_not_explain_the_state(
    agent_state: str, device: str
) -> None:
    agents = agents_in({"a": agent_state} if agent_state != "ready" else {})
    assert phones(5.0, agents, {"a": device}) == []


def test_phones_of_agents_acd_does_not_know_are_ignored() -> None:
    assert phones(5.0, agents_in({}), {"9999": "UNAVAILABLE"}) == []


def test_a_stranger_on_hold_is_queued_with_its_ivr_choices_and_its_age() -> None:
    channel = Channel("77.1", "PJSIP/trunk-01", "acd-hold", "", 42.0)
    found = {"CALL_TYPE": "billing", "PRIORITY": "5", "SKILLS": "billing=5,mandarin=3",
             "SURVEY": "hotline.survey"}  # fmt: skip
    waiting, arrived = Stranger(channel, found).arrival(100.0) or (None, None)
    assert waiting == Waiting(100.0, "77.1", "PJSIP/trunk-01", "hotline.survey")
    assert arrived == m.CallArrived(100.0, "77.1", "billing", {"billing": 5, "mandarin": 3},
                                    5, 58.0)  # fmt: skip


def test_a_stranger_without_a_call_type_is_not_adopted() -> None:
    channel = Channel("77.1", "PJSIP/trunk-01", "acd-hold", "", 42.0)
    assert Stranger(channel, {"CALL_TYPE": "", "SKILLS": "x"}).arrival(100.0) is None


def test_ringing_an_agent_records_and_bridges_then_sends_the_caller_to_survey_or_goodbye(
) -> None:  # fmt: skip
    survey = actions.ring("2002", "acd-2002-9.1-1", "PJSIP/trunk-1", "9.1", timeout=15,
                          after="hotline.survey", record="/rec/acd-2002-9.1-1.wav")  # fmt: skip
    assert survey == {
        "Action": "Originate", "Channel": "PJSIP/2002", "ChannelId": "acd-2002-9.1-1",
        "Timeout": "15000", "Context": "acd-agent", "Exten": "s", "Priority": "1",
        "Variable": "ACD_CALLER=PJSIP/trunk-1,ACD_AFTER=acd-ivr^hotline.survey^1,"
                    "ACD_RECORD=/rec/acd-2002-9.1-1.wav",
        "CallerID": "acd <9.1>", "Async": "true",
    }  # fmt: skip
    plain = actions.ring("2002", "l", "PJSIP/trunk-1", "9.1", timeout=15, after=None)
    assert plain["Variable"] == "ACD_CALLER=PJSIP/trunk-1,ACD_AFTER=acd-bye^s^1,ACD_RECORD="


def test_an_overflow_goes_to_its_ivr_node_or_to_the_apology() -> None:
    assert actions.redirect("PJSIP/t-1", "hotline.offer_callback") == {
        "Action": "Redirect", "Channel": "PJSIP/t-1", "Context": "acd-ivr",
        "Exten": "hotline.offer_callback", "Priority": "1",
    }  # fmt: skip
    assert actions.redirect("PJSIP/t-1", None)["Context"] == "acd-unavailable"
