"""Validation of a flow document into ``nodes.Flow``, and the JSON Schema editors use."""

from __future__ import annotations

import difflib
from dataclasses import fields, is_dataclass
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from acd.ivr import nodes as n
from acd.ivr.loader import Loc, Positions, Problem

Member = tuple[Loc, Loc, str]
"""A union member an error went through: the union's pydantic location, its place in the
file, and the member's name."""
Located = tuple[Any, Loc, tuple[Member, ...]]
"""A pydantic error, its place in the file, and the union members it went through."""
PLAIN = {
    "tuple_type": "Input should be a list",
    "dict_type": "Input should be a mapping",
    "dataclass_type": "Input should be a mapping",
    "model_attributes_type": "Input should be a mapping",
    "model_type": "Input should be a mapping",
}
"""Messages in YAML's words rather than Python's."""
SHAPE_ERRORS = {"too_short", "literal_error"}
"""Besides every ``*_type`` error: complaints that a value is not of the member's kind."""


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
    errors = _relevant([(error, *_data_loc(error, data)) for error in exc.errors()])
    by_loc: dict[Loc, list[str]] = {}
    for error, place, _ in errors:
        message = _message(error, place, data)
        loc = (*place, "type") if error["type"] == "union_tag_invalid" else place
        by_loc.setdefault(loc, [])
        if message not in by_loc[loc]:
            by_loc[loc].append(message)
    problems = []
    for loc, messages in by_loc.items():
        where = ".".join(map(str, loc)) or "flow"
        problems.append(positions.at(loc, f"{where}: {'; or '.join(messages)}"))
    return sorted(problems)


def _data_loc(error: Any, data: Any) -> tuple[Loc, tuple[Member, ...]]:
    """Where ``error`` is in the file, and each union member it went through.

    pydantic puts union member names (``str``, ``Choice``, ``tuple[...]``) in the error's
    location; they are not in the file, so they are dropped and returned apart.
    """
    loc: Loc = error["loc"]
    kept: list[str | int] = []
    members: list[Member] = []
    current = data
    for position, part in enumerate(loc):
        if isinstance(current, dict) and str(part) in current:
            current = current[str(part)]
            kept.append(str(part))
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
            kept.append(part)
        elif position == len(loc) - 1 and error["type"] in {"missing", "missing_keyword_argument"}:
            kept.append(part)
        elif part != "[key]":
            members.append((loc[:position], tuple(kept), str(part)))
    return tuple(kept), tuple(members)


def _relevant(errors: list[Located]) -> list[Located]:
    """The errors worth showing: of a union's members, those the value was meant for.

    A member whose only complaint is the value's kind (a string where a mapping was
    given) is dropped when another member got further; of the rest, the members with the
    fewest complaints are kept. A list too short only because its items failed is not
    reported either.
    """
    unions: dict[Loc, dict[str, list[Located]]] = {}
    for located in errors:
        for union, _, name in located[2]:
            unions.setdefault(union, {}).setdefault(name, []).append(located)
    dropped: set[tuple[Loc, str]] = set()
    for union, members in unions.items():
        further = {name for name, found in members.items() if not all(map(_kind_only, found))}
        candidates = further or members.keys()
        fewest = min(len(members[name]) for name in candidates)
        dropped |= {
            (union, name)
            for name in members
            if name not in candidates or len(members[name]) > fewest
        }
    kept = [e for e in errors if not any((union, name) in dropped for union, _, name in e[2])]
    return [e for e in kept if not _short_for_failed_items(e, kept)]


def _kind_only(located: Located) -> bool:
    """Whether the error only says that the value is not of its union member's kind."""
    error, loc, members = located
    kind = str(error["type"])
    at_member = bool(members) and members[-1][1] == loc
    return at_member and (kind.endswith("_type") or kind in SHAPE_ERRORS)


def _short_for_failed_items(located: Located, errors: list[Located]) -> bool:
    error, loc, _ = located
    return error["type"] == "too_short" and any(
        len(other[1]) > len(loc) and other[1][: len(loc)] == loc for other in errors
    )


def _message(error: Any, loc: Loc, data: Any) -> str:
    kind = error["type"]
    if kind in {"unexpected_keyword_argument", "extra_forbidden"}:
        return f"unknown key{_suggest(loc, data)}"
    if kind in {"missing", "missing_keyword_argument"}:
        return "required key is missing"
    if kind == "union_tag_invalid":
        return f"unknown node type {error['input'].get('type')!r}; one of: {', '.join(_kinds())}"
    if kind == "union_tag_not_found":
        return f"a node needs a type; one of: {', '.join(_kinds())}"
    return PLAIN.get(kind, str(error["msg"]))


def _kinds() -> list[str]:
    return [n.kind_name(kind) for kind in n.NODE_KINDS]


def _suggest(loc: Loc, data: Any) -> str:
    """``unknown key`` plus the closest allowed key, when one is close."""
    places: list[Any] = [FlowDocument]
    for depth, part in enumerate(loc[:-1]):
        if depth == 1 and loc[0] == "nodes":
            kind = data["nodes"][part].get("type")  # a mapping: it has an unknown key
            places = [k for k in n.NODE_KINDS if n.kind_name(k) == kind]
        else:
            places = [inner for place in places for inner in _inside(place, part)]
    allowed = sorted({name for place in places for name in _keys(place)})
    close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _members(hint: Any) -> list[Any]:
    """The types a value of ``hint`` may have: ``Annotated`` and unions unwrapped."""
    if get_origin(hint) is Annotated:
        return _members(get_args(hint)[0])
    if get_origin(hint) in {Union, UnionType}:
        return [member for arg in get_args(hint) for member in _members(arg)]
    return [hint]


def _inside(hint: Any, part: str | int) -> list[Any]:
    """The types of the value at key or index ``part`` of a value of ``hint``."""
    found: list[Any] = []
    for member in _members(hint):
        origin, args = get_origin(member), get_args(member)
        if isinstance(member, type) and issubclass(member, BaseModel):
            field = member.model_fields.get(str(part))
            found += [field.rebuild_annotation()] if field else []
        elif is_dataclass(member):
            found += [get_type_hints(member, include_extras=True).get(str(part))]
        elif origin is tuple and isinstance(part, int):
            found.append(args[0])
        elif origin is dict:
            found.append(args[1])
    return [hint for hint in found if hint is not None]


def _keys(hint: Any) -> list[str]:
    names: list[str] = []
    for member in _members(hint):
        if isinstance(member, type) and issubclass(member, BaseModel):
            names += member.model_fields
        elif is_dataclass(member):
            names += [f.name for f in fields(member)]
    return names
