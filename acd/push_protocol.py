"""The push protocol's messages (version 1; ``docs/push-protocol.md`` is the reference).

Client messages are checked here (pydantic) as they arrive; server messages are built here.
Events are stored without their number and numbered as they go out, so a message is encoded
once however many sockets it reaches.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

VERSION = 1
STRICT = ConfigDict(extra="forbid")


class Hello(BaseModel):
    """The first message: who the client is, and the last event number it has (to resume)."""

    model_config = STRICT
    type: Literal["hello"]
    v: Literal[1]
    token: str
    resume: int | None = Field(None, ge=0)


class Ping(BaseModel):
    model_config = STRICT
    type: Literal["ping"]
    v: Literal[1] = 1
    id: str | int | None = None


class Renew(BaseModel):
    """A fresh token for the same user, before the one given at hello expires."""

    model_config = STRICT
    type: Literal["renew"]
    v: Literal[1] = 1
    token: str


class Command(BaseModel):
    """Ask for something; a ``result`` with the same ``id`` answers."""

    model_config = STRICT
    type: Literal["command"]
    v: Literal[1] = 1
    id: str | int
    command: Literal["set_state", "finish_wrap_up", "extend_wrap_up", "request_transfer"]
    args: dict[str, Any] = {}


ClientMessage = Annotated[Hello | Ping | Renew | Command, Field(discriminator="type")]
_CLIENT: TypeAdapter[Hello | Ping | Renew | Command] = TypeAdapter(ClientMessage)


class BadMessage(ValueError):
    pass


def parse(text: str) -> Hello | Ping | Renew | Command:
    try:
        return _CLIENT.validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"])) or "message"
        raise BadMessage(f"{where}: {first['msg']}") from None


def event(kind: str, data: Mapping[str, Any]) -> str:
    """An event as stored, before its number: ``numbered`` adds it on the way out."""
    return json.dumps({"v": VERSION, "type": "event", "event": kind, "data": data},
                      separators=(",", ":"), ensure_ascii=False)  # fmt: skip


def numbered(seq: int, body: str) -> str:
    return f'{{"seq":{seq},{body[1:]}'


def reply(kind: str, **fields: Any) -> str:
    return json.dumps({"v": VERSION, "type": kind, **fields}, separators=(",", ":"),
                      ensure_ascii=False)  # fmt: skip
