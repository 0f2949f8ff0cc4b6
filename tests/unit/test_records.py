"""The event log's records: every type survives encode/decode, anything else is refused."""

from __future__ import annotations

import json
from types import MappingProxyType

import pytest

from acd.core import messages as m
from acd.records import (
    TYPES,
    BadRecord,
    Disposed,
    IvrFinished,
    Overflowed,
    Rang,
    Record,
    RecordingsDeleted,
    TicketChanged,
    TicketOpened,
    Transferred,
    Waiting,
    decode,
    encode,
)

SAMPLES: list[Record] = [
    m.CallArrived(10.5, "c1", "billing"),
    m.CallArrived(11.0, "c2", "billing", {"billing": 3, "français": 2}, 7, 4.25),
    m.CallArrived(12.0, "c3", "sales", {}, 0, None),
    m.CallAbandoned(13.0, "c1"),
    m.Answered(14.0, "c2", "1001"),
    m.RingFailed(15.0, "c2", "1002"),
    m.CallEnded(16.0, "c2"),
    m.LoggedIn(1.0, "1001"),
    m.SetReady(2.0, "1001"),
    m.SetNotReady(3.0, "1001", "pause café"),
    m.LoggedOut(4.0, "1001"),
    m.WrapUpDone(5.0, "1001"),
    m.WrapUpExtended(6.0, "1001", 30.0),
    m.Consult(6.5, "c1", "1001", "agent:1002", "completed"),
    TicketOpened(6.6, "C-20261124-0001", "C1", "1001", "billing", "charged twice", "high", "c1"),
    TicketChanged(6.7, "C-20261124-0001", "1900", "escalated", "to billing", "1900", 90.0),
    m.Tick(1_700_000_000.125),
    Waiting(9.0, "c1", "PJSIP/caller-00000001"),
    Waiting(9.5, "c2", "PJSIP/caller-00000002", survey="survey.start"),
    Rang(10.5, "c1", "1001", "acd-1001-c1-1"),
    IvrFinished(
        9.0,
        "c1",
        "13800000001",
        "hotline@3",
        "Queued",
        ("hotline.start", "hotline.q"),
        {"customer_id": "C1", "verified": "yes"},
        {"call_type": "billing"},
        2.5,
    ),
    IvrFinished(30.0, "c2", "", "survey@3", "Rated", detail={"rating": "4"}),
    Overflowed(20.0, "c1", "hotline.callback"),
    Overflowed(21.0, "c3", None),
    Disposed(40.0, "c2", "1001", "billing question", "refund promised 王"),
    Transferred(35.0, "c2", "1001", "agent:1002"),
    m.AgentChanged("1001", "not_ready", "missed", 37.5),
    RecordingsDeleted(99.0, ("acd-1001-c2-1.wav", "acd-1002-c2-2.wav")),
    m.CallArrived(36.0, "c2", "billing", agent="1002", agent_for=60.0),
]


def test_samples_cover_every_record_type_when_listed() -> None:
    assert {type(record).__name__ for record in SAMPLES} == set(TYPES)


@pytest.mark.parametrize("record", SAMPLES, ids=repr)
def test_record_comes_back_equal_when_encoded_then_decoded(record: Record) -> None:
    text = encode(record)
    back = decode(text)
    assert type(back) is type(record)
    assert back == record
    assert decode(text.encode()) == record  # bytes, as a store may hand them back


@pytest.mark.parametrize("record", SAMPLES, ids=repr)
def test_record_is_one_flat_json_object_with_its_type_when_encoded(record: Record) -> None:
    fields = json.loads(encode(record))
    assert fields["t"] == type(record).__name__
    assert "\n" not in encode(record)


def test_call_arrived_keeps_its_skills_priority_and_arrival_when_decoded() -> None:
    back = decode(encode(m.CallArrived(11.0, "c2", "billing", {"billing": 3}, 7, 4.25)))
    assert isinstance(back, m.CallArrived)
    assert dict(back.skills) == {"billing": 3}
    assert back.priority == 7 and back.arrived == 4.25


def test_call_arrived_keeps_priority_none_when_decoded() -> None:
    back = decode(encode(m.CallArrived(11.0, "c2", "billing")))
    assert isinstance(back, m.CallArrived)
    assert back.priority is None and back.arrived is None and dict(back.skills) == {}


def test_call_arrived_skills_are_plain_json_when_given_a_read_only_mapping() -> None:
    record = m.CallArrived(1.0, "c", "billing", MappingProxyType({"billing": 2}))
    assert json.loads(encode(record))["skills"] == {"billing": 2}
    assert decode(encode(record)) == m.CallArrived(1.0, "c", "billing", {"billing": 2})


@pytest.mark.parametrize(
    "text",
    ["", "not json", "{", b"\xff\xfe", "null", "42", '"Tick"', "[]", '["Tick", 1.0]'],
    ids=repr,
)
def test_decode_raises_bad_record_when_given_garbage(text: str | bytes) -> None:
    with pytest.raises(BadRecord, match="not a record"):
        decode(text)


def test_decode_names_the_entry_when_given_garbage() -> None:
    with pytest.raises(BadRecord) as raised:
        decode("this is not json")
    assert "this is not json" in str(raised.value)


@pytest.mark.parametrize("kind", ["CallParked", "Decision", "Offer", "tick", "", "__class__"])
def test_decode_raises_bad_record_naming_the_type_when_t_is_unknown(kind: str) -> None:
    with pytest.raises(BadRecord, match="not a record") as raised:
        decode(json.dumps({"t": kind, "at": 1.0}))
    assert repr(kind) in str(raised.value)


def test_decode_raises_bad_record_when_t_is_missing() -> None:
    with pytest.raises(BadRecord, match="not a record"):
        decode('{"at": 1.0, "call": "c1"}')


def test_decode_raises_bad_record_when_t_is_not_a_string() -> None:
    with pytest.raises(BadRecord, match="not a record"):
        decode('{"t": ["Tick"], "at": 1.0}')


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"t": "Tick"}, "at"),
        ({"t": "Answered", "at": 1.0, "call": "c1"}, "agent"),
        ({"t": "Rang", "at": 1.0, "call": "c1", "agent": "1001"}, "leg"),
        ({"t": "CallArrived", "at": 1.0, "call": "c1"}, "call_type"),
        ({"t": "Waiting", "at": 1.0, "channel": "PJSIP/x"}, "call"),
    ],
    ids=lambda v: v["t"] if isinstance(v, dict) else v,
)
def test_decode_raises_bad_record_naming_the_field_when_one_is_missing(
    fields: dict[str, object], missing: str
) -> None:
    with pytest.raises(BadRecord, match="not a record") as raised:
        decode(json.dumps(fields))
    assert f"'{missing}'" in str(raised.value)


def test_decode_raises_bad_record_when_a_field_is_unknown() -> None:
    with pytest.raises(BadRecord, match="not a record") as raised:
        decode('{"t": "Tick", "at": 1.0, "agent": "1001"}')
    assert "'agent'" in str(raised.value)


def test_bad_record_message_is_short_when_the_entry_is_long() -> None:
    with pytest.raises(BadRecord) as raised:
        decode("x" * 10_000)
    assert len(str(raised.value)) < 400
