"""The AGI wire format, without I/O: the environment block, commands, and reply lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

_REPLY = re.compile(r"^(\d{3})[ -](?:result=(-?\d*)\s*(?:\((.*?)\))?\s*(.*))?")

HANGUP_LINE = "HANGUP"


class AgiProtocolError(ValueError):
    """Asterisk sent something that is not AGI."""


def parse_env(block: bytes) -> dict[str, str]:
    """The ``agi_*: value`` lines Asterisk sends first (up to the blank line)."""
    env: dict[str, str] = {}
    for raw in block.decode("utf-8", "replace").splitlines():
        if not raw:
            continue
        key, colon, value = raw.partition(":")
        if not colon or not key.startswith("agi_"):
            raise AgiProtocolError(f"not an AGI environment line: {raw[:80]!r}")
        env[key] = value.strip()
    return env


def quote(argument: str) -> str:
    """One argument as Asterisk's AGI parser reads it back unchanged."""
    if any(c in argument for c in "\r\n\0"):
        raise ValueError("AGI arguments cannot contain CR, LF or NUL")
    escaped = argument.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def command(verb: str, *arguments: str | int) -> bytes:
    """``STREAM FILE "hello" "123"`` and the like, with its newline."""
    return " ".join([verb, *(quote(str(a)) for a in arguments)]).encode() + b"\n"


@dataclass(frozen=True, slots=True)
class AgiReply:
    code: int
    result: int | None
    data: str
    """The text in parentheses after the result, e.g. ``timeout``."""
    rest: str
    """Anything after, e.g. ``endpos=1234``."""

    @property
    def ok(self) -> bool:
        return self.code == 200

    @property
    def key(self) -> str:
        """The key a ``result=<ascii>`` reply stands for, or ``""``."""
        return chr(self.result) if self.result and 0 < self.result < 128 else ""


def parse_reply(line: str) -> AgiReply:
    match = _REPLY.match(line)
    if match is None:
        raise AgiProtocolError(f"not an AGI reply: {line[:80]!r}")
    code, result, data, rest = match.groups()
    number = int(result) if result not in (None, "", "-") else None
    return AgiReply(int(code), number, data or "", (rest or "").strip())
