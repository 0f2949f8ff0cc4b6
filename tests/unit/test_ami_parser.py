"""The pure AMI parser and the translation of its messages into typed events."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from acd.adapters.ami import events as ev
from acd.adapters.ami.parser import AmiParser, Message
from acd.adapters.ami.translate import to_event

GREETING = b"Asterisk Call Manager/9.0.0\r\n"

MESSAGES: list[Message] = [
    {"Response": "Success", "ActionID": "acd-1", "Message": "Authentication accepted"},
    {"Event": "FullyBooted", "Privilege": "system,all", "Status": "Fully Booted"},
    {
        "Event": "Newchannel",
        "Channel": "PJSIP/trunk-00000001",
        "CallerIDNum": "5550100",
        "CallerIDName": "José 北京 ☎",
        "AccountCode": "",
        "Uniqueid": "1700000000.1",
    },
    {"Response": "Error", "ActionID": "acd-2", "Message": "Channel: not found: PJSIP/x"},
    {"Event": "Hangup", "Channel": "PJSIP/trunk-00000001", "Cause": "16"},
]


def encode(message: Message) -> bytes:
    return "".join(f"{k}: {v}\r\n" for k, v in message.items()).encode() + b"\r\n"


STREAM = GREETING + b"".join(encode(m) for m in MESSAGES)
INSIDE_BEI = STREAM.index("北".encode()) + 1  # between the 1st and 2nd byte of a 3-byte char
INSIDE_END = STREAM.index(b"\r\n\r\n") + 2  # between the two CRLFs that end a message


def chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    bounds = [0, *sorted(set(cuts)), len(data)]
    return [data[a:b] for a, b in pairwise(bounds)]


def feed_all(parser: AmiParser, parts: list[bytes]) -> list[Message]:
    return [message for part in parts for message in parser.feed(part)]


def test_parser_keeps_the_greeting_apart_when_it_arrives_in_pieces() -> None:
    parser = AmiParser()

    first = parser.feed(b"Asterisk Call")
    second = parser.feed(b" Manager/9.0.0\r\nEvent: Ping\r\n\r\n")

    assert first == []
    assert parser.greeting == "Asterisk Call Manager/9.0.0"
    assert second == [{"Event": "Ping"}]
    assert parser.rejects == []


def test_parser_returns_nothing_when_no_message_is_complete_yet() -> None:
    parser = AmiParser()

    assert parser.feed(GREETING + b"Event: Hangup\r\nChannel: x\r\n") == []
    assert parser.feed(b"\r\n") == [{"Event": "Hangup", "Channel": "x"}]


@given(st.lists(st.integers(min_value=0, max_value=len(STREAM)), max_size=30))
@example([INSIDE_BEI])
@example([INSIDE_END])
@example(list(range(len(STREAM))))
def test_parser_gives_the_same_messages_when_the_stream_is_split_anywhere(cuts: list[int]) -> None:
    parser = AmiParser()

    messages = feed_all(parser, chunks(STREAM, cuts))
    parser.finish()

    assert messages == MESSAGES
    assert parser.greeting == "Asterisk Call Manager/9.0.0"
    assert parser.rejects == []


def test_parser_accepts_a_key_without_space_and_leading_blank_lines_when_lenient() -> None:
    parser = AmiParser()

    messages = parser.feed(
        GREETING + b"\r\n\r\nEvent: UserEvent\r\nUserEvent:Queued\r\nChannel: PJSIP/a\r\n\r\n"
    )

    assert messages == [{"Event": "UserEvent", "UserEvent": "Queued", "Channel": "PJSIP/a"}]
    assert parser.rejects == []


def test_parser_keeps_pairs_when_a_key_without_space_meets_a_value_with_colon() -> None:
    parser = AmiParser()

    messages = parser.feed(
        GREETING + b"Event: UserEvent\r\nUserEvent:Queued\r\nAppData: PJSIP/a: b\r\n\r\n"
    )

    assert messages == [{"Event": "UserEvent", "UserEvent": "Queued", "AppData": "PJSIP/a: b"}]


@pytest.mark.parametrize(
    "bad",
    [
        b"Event: Newchannel\r\nthis line has no colon\r\nChannel: PJSIP/a\r\n\r\n",
        b"this line has no colon\r\n\r\n",
        # the colon-less line next to a value holding ": " must not pair them up
        b"Event: Newchannel\r\nthis line has no colon\r\nAppData: a: b\r\n\r\n",
    ],
)
def test_parser_rejects_the_message_but_keeps_the_next_ones_when_a_line_has_no_colon(
    bad: bytes,
) -> None:
    parser = AmiParser()

    messages = parser.feed(GREETING + bad + encode(MESSAGES[0]) + encode(MESSAGES[4]))

    assert messages == [MESSAGES[0], MESSAGES[4]]
    assert len(parser.rejects) == 1
    assert "this line has no colon" in parser.rejects[0].reason


def test_parser_rejects_the_message_when_a_key_has_surrounding_space() -> None:
    parser = AmiParser()

    messages = parser.feed(GREETING + b"Event: A\r\nKey :v\r\n\r\n" + encode(MESSAGES[1]))

    assert messages == [MESSAGES[1]]
    assert len(parser.rejects) == 1


BIG = {"Event": "Big", "Data": "x" * 300}
SMALL_MAX = 200
OVERSIZED_STREAM = GREETING + b"".join(encode(m) for m in [MESSAGES[0], BIG, *MESSAGES[1:]])
BIG_AT = OVERSIZED_STREAM.index(b"Event: Big")
BIG_END = OVERSIZED_STREAM.index(b"\r\n\r\n", BIG_AT)


@given(st.lists(st.integers(min_value=0, max_value=len(OVERSIZED_STREAM)), max_size=30))
@example([])  # the whole oversized message in one read
@example([BIG_AT + SMALL_MAX + 1])  # its start alone is already over the limit
@example([BIG_AT + SMALL_MAX + 1, BIG_END + 3])  # dropped, then its end is split
@example([BIG_END + 2, BIG_END + 3])  # limit crossed while the end marker is split
@example([BIG_AT, BIG_END + 2, BIG_END + 3])  # the same, in a read holding no end marker
@example([BIG_AT, BIG_END + 1])
@example([BIG_AT - 5, BIG_AT + SMALL_MAX + 40])  # one read ends a message and overflows
def test_parser_drops_an_oversized_message_and_resumes_when_it_exceeds_max_message(
    cuts: list[int],
) -> None:
    parser = AmiParser(max_message=SMALL_MAX)

    messages = feed_all(parser, chunks(OVERSIZED_STREAM, cuts))
    parser.finish()

    assert messages == MESSAGES
    assert len(parser.rejects) == 1, parser.rejects
    assert f"over {SMALL_MAX} bytes" in parser.rejects[0].reason


def test_parser_rejects_a_huge_message_once_when_it_arrives_in_many_small_reads() -> None:
    parser = AmiParser(max_message=SMALL_MAX)
    huge = encode({"Event": "Huge", "Data": "y" * (SMALL_MAX * 10)})
    data = GREETING + huge + encode(MESSAGES[4])

    messages = feed_all(parser, [data[i : i + 16] for i in range(0, len(data), 16)])

    assert messages == [MESSAGES[4]]
    assert len(parser.rejects) == 1, parser.rejects


def test_parser_reports_a_truncated_message_when_the_stream_ends_inside_it() -> None:
    parser = AmiParser()
    parser.feed(GREETING + encode(MESSAGES[0]) + b"Event: Hangup\r\nChannel: PJSIP/a-00")

    parser.finish()

    assert len(parser.rejects) == 1
    assert "truncated" in parser.rejects[0].reason
    assert "PJSIP/a-00" in parser.rejects[0].sample


def test_parser_reports_nothing_at_finish_when_the_stream_ends_between_messages() -> None:
    parser = AmiParser()
    parser.feed(GREETING + encode(MESSAGES[0]))

    parser.finish()

    assert parser.rejects == []


def test_to_event_builds_a_typed_newchannel_when_the_event_is_known() -> None:
    fields = {
        "Event": "Newchannel",
        "Privilege": "call,all",
        "Channel": "PJSIP/trunk-00000001",
        "Uniqueid": "1700000000.1",
        "Linkedid": "1700000000.0",
        "CallerIDNum": "5550100",
        "Context": "from-trunk",
        "Exten": "1234",
    }

    event = to_event(fields)

    assert isinstance(event, ev.Newchannel)
    assert event.name == "Newchannel"
    assert (event.channel, event.uniqueid, event.linkedid) == (
        "PJSIP/trunk-00000001",
        "1700000000.1",
        "1700000000.0",
    )
    assert (event.caller_id_num, event.context, event.exten) == ("5550100", "from-trunk", "1234")
    assert event.fields == fields


def test_to_event_builds_a_typed_hangup_with_empty_defaults_when_fields_are_missing() -> None:
    fields = {"Event": "Hangup", "Channel": "PJSIP/a-1", "Cause": "16", "Cause-txt": "Normal"}

    event = to_event(fields)

    assert isinstance(event, ev.Hangup)
    assert (event.channel, event.cause, event.cause_text) == ("PJSIP/a-1", "16", "Normal")
    assert event.uniqueid == "" and event.linkedid == ""
    assert event.fields == fields


@pytest.mark.parametrize("name", ["VarSet", "PeerStatus", "newchannel"])
def test_to_event_returns_a_generic_event_keeping_all_fields_when_the_name_is_unknown(
    name: str,
) -> None:
    fields = {"Event": name, "Channel": "PJSIP/a-1", "Odd Key": "value: with colon"}

    event = to_event(fields)

    assert type(event) is ev.AmiEvent
    assert event.name == name
    assert event.fields == fields
    assert event.get("Odd Key") == "value: with colon"
    assert event.get("Missing", "dflt") == "dflt"


def test_to_event_types_every_message_of_a_parsed_stream_when_translated() -> None:
    parser = AmiParser()
    events = [to_event(m) for m in parser.feed(STREAM) if "Event" in m]

    assert [type(e) for e in events] == [ev.FullyBooted, ev.Newchannel, ev.Hangup]
    booted, opened, _ = events
    assert isinstance(booted, ev.FullyBooted) and booted.status == "Fully Booted"
    assert opened.fields["CallerIDName"] == "José 北京 ☎"
