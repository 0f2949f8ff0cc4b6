"""The AGI wire format: environment block, command quoting, reply lines."""

from __future__ import annotations

import pytest

from acd.adapters.agi.protocol import AgiProtocolError, AgiReply, command, parse_env, parse_reply


def test_environment_block_becomes_a_dict() -> None:
    block = (
        b"agi_network: yes\n"
        b"agi_request: agi://127.0.0.1:4573/ivr?node=survey\n"
        b"agi_callerid: 1001\n\n"
    )
    assert parse_env(block) == {
        "agi_network": "yes",
        "agi_request": "agi://127.0.0.1:4573/ivr?node=survey",
        "agi_callerid": "1001",
    }


def test_environment_that_is_not_agi_is_refused() -> None:
    with pytest.raises(AgiProtocolError, match=r"not an AGI environment line: 'GET / HTTP/1\.1'"):
        parse_env(b"GET / HTTP/1.1\nHost: x\n\n")


@pytest.mark.parametrize(
    ("line", "reply"),
    [
        ("200 result=0 endpos=8000", AgiReply(200, 0, "", "endpos=8000")),
        ("200 result=49 endpos=1234", AgiReply(200, 49, "", "endpos=1234")),
        ("200 result=-1 endpos=0", AgiReply(200, -1, "", "endpos=0")),
        ("200 result=1 (SIP/1001-00000001)", AgiReply(200, 1, "SIP/1001-00000001", "")),
        ("200 result= (timeout)", AgiReply(200, None, "timeout", "")),
        ("510 Invalid or unknown command", AgiReply(510, None, "", "")),
        ("511 Command Not Permitted on a dead channel", AgiReply(511, None, "", "")),
        ("520-Invalid command syntax.  Proper usage follows:", AgiReply(520, None, "", "")),
    ],
)
def test_reply_lines(line: str, reply: AgiReply) -> None:
    assert parse_reply(line) == reply


def test_reply_key_is_the_pressed_key_or_nothing() -> None:
    assert parse_reply("200 result=35 endpos=1").key == "#"
    assert parse_reply("200 result=0 endpos=1").key == ""
    assert parse_reply("200 result=-1 endpos=0").key == ""


def test_garbage_reply_is_an_error_not_a_crash() -> None:
    with pytest.raises(AgiProtocolError, match="not an AGI reply"):
        parse_reply("hello there")


def test_arguments_are_quoted_so_asterisk_reads_them_back_unchanged() -> None:
    assert command("STREAM FILE", "hello-world", "0123456789*#") == (
        b'STREAM FILE "hello-world" "0123456789*#"\n'
    )
    assert command("SET VARIABLE", "X", 'say "hi" \\ bye') == (
        b'SET VARIABLE "X" "say \\"hi\\" \\\\ bye"\n'
    )
    assert command("STREAM FILE", "x", "") == b'STREAM FILE "x" ""\n'


def test_a_newline_in_an_argument_is_refused() -> None:
    with pytest.raises(ValueError, match="CR, LF or NUL"):
        command("SET VARIABLE", "X", "a\nHANGUP")
