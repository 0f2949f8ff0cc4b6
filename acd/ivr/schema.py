"""Validation of a flow document into ``nodes.Flow``, and the JSON Schema editors use."""

from __future__ import annotations

import difflib
from dataclasses import fields
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from acd.ivr import nodes as n
from acd.ivr.loader import Positions, Problem

AnyNode = Annotated[
    n.Play | n.Menu | n.Gather | n.SetVars | n.Switch | n.Hours | n.Lookup | n.Verify
    | n.Queue | n.Transfer | n.Voicemail | n.Callback | n.Survey | n.Subflow | n.Return
    | n.Goto | n.Hangup,
    Field(discriminator="type"),
]  # fmt: skip


class FlowDocument(BaseModel):
    """An IVR flow: named nodes, the first one to run, and the numbers that reach it."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, title="acd IVR flow")

    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    """Unique flow name; other flows refer to it in ``subflow`` and ``goto``."""
    numbers: tuple[str, ...] = ()
    """Dialed numbers that enter this flow (none for a sub-flow)."""
    entry: str
    """Node the call starts at."""
    timezone: str = "UTC"
    """IANA zone for ``hours`` and time conditions."""
    on_error: str | None = None
    """Node to run when something breaks mid-call (a prompt is missing, a service fails);
    without it the caller hears an apology and is queued to ``error_call_type``."""
    error_call_type: str = "general"
    nodes: dict[n.NodeName, AnyNode]


def json_schema() -> dict[str, Any]:
    schema = FlowDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def to_flow(data: Any, positions: Positions) -> tuple[n.Flow | None, list[Problem]]:
    """Validate ``data`` (from ``load_yaml``); the flow, or every schema problem found."""
    if not isinstance(data, dict):
        return None, [positions.at((), "a flow is a mapping with name, entry and nodes")]
    try:
        document = FlowDocument.model_validate(data)
    except ValidationError as exc:
        return None, _problems(exc, data, positions)
    return n.Flow(
        name=document.name,
        entry=document.entry,
        nodes=document.nodes,
        numbers=document.numbers,
        timezone=document.timezone,
        on_error=document.on_error,
        error_call_type=document.error_call_type,
        source=positions.path,
    ), []


def _problems(exc: ValidationError, data: Any, positions: Positions) -> list[Problem]:
    by_loc: dict[tuple[str | int, ...], list[str]] = {}
    for error in exc.errors():
        loc = _data_loc(error["loc"], data)
        message = _message(error, loc, data)
        by_loc.setdefault(loc, [])
        if message not in by_loc[loc]:
            by_loc[loc].append(message)
    problems = []
    for loc, messages in by_loc.items():
        where = ".".join(map(str, loc)) or "flow"
        problems.append(positions.at(loc, f"{where}: {'; or '.join(messages)}"))
    return sorted(problems)


def _data_loc(loc: tuple[str | int, ...], data: Any) -> tuple[str | int, ...]:
    """Drop the parts pydantic adds for unions (tags, member names) that are not in the file."""
    kept: list[str | int] = []
    current = data
    for position, part in enumerate(loc):
        last = position == len(loc) - 1
        if isinstance(current, dict) and str(part) in current:
            current = current[str(part)]
            kept.append(str(part))
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
            kept.append(part)
        elif last and isinstance(current, dict) and part != "[key]":
            kept.append(part)
    return tuple(kept)


def _message(error: Any, loc: tuple[str | int, ...], data: Any) -> str:
    kind = error["type"]
    if kind in {"unexpected_keyword_argument", "extra_forbidden"}:
        return f"unknown key{_suggest(loc, data)}"
    if kind in {"missing", "missing_keyword_argument"}:
        return "required key is missing"
    if kind == "union_tag_invalid":
        return f"unknown node type {error['input'].get('type')!r}; one of: {', '.join(_kinds())}"
    if kind == "union_tag_not_found":
        return f"a node needs a type; one of: {', '.join(_kinds())}"
    return str(error["msg"])


def _kinds() -> list[str]:
    return [n.kind_name(kind) for kind in n.NODE_KINDS]


def _suggest(loc: tuple[str | int, ...], data: Any) -> str:
    """``unknown key`` plus the closest allowed key, when one is close."""
    node = data
    for part in loc[:-1]:
        node = node[part]
    kind = node.get("type") if isinstance(node, dict) else None
    allowed: list[str] = []
    for candidate in n.NODE_KINDS:
        if n.kind_name(candidate) == kind:
            allowed = [f.name for f in fields(candidate)]
    if len(loc) == 1:
        allowed = list(FlowDocument.model_fields)
    close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
