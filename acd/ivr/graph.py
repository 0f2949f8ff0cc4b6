"""The flow as a graph: which nodes a node leads to, and the prompts it plays (for the linter)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields

from acd.ivr.nodes import (
    CallbackOffer,
    Gather,
    Hours,
    Lookup,
    Menu,
    Node,
    Play,
    Prompts,
    Queue,
    SetVars,
    Subflow,
    Switch,
    Verify,
)  # fmt: skip

Ref = tuple[tuple[str | int, ...], str]
"""Where in a node a node name is written (keys below the node), and the name."""


def exits(node: Node) -> tuple[Ref, ...]:  # noqa: PLR0911 - one case per kind
    """The nodes of the same flow that ``node`` can lead to, with where each is named."""
    match node:
        case Play() | SetVars() | Subflow():
            return ((("next",), node.next),)
        case Menu():
            picks = (
                (("choices", key), c) if isinstance(c, str) else (("choices", key, "goto"), c.goto)
                for key, c in node.choices.items()
            )
            return (*picks, (("fallback",), node.fallback))
        case Gather():
            return ((("next",), node.next), (("fallback",), node.fallback))
        case Switch():
            cases = ((("cases", i, "goto"), c.goto) for i, c in enumerate(node.cases))
            return (*cases, (("default",), node.default))
        case Hours():
            return ((("open",), node.open), (("closed",), node.closed))
        case Lookup():
            return tuple(((k,), getattr(node, k)) for k in ("found", "not_found", "failed"))
        case Verify():
            return ((("verified",), node.verified), (("failed",), node.failed))
        case Queue():
            later: list[tuple[tuple[str | int, ...], str | None]] = [
                (("on_max_wait",), node.on_max_wait),
                (("survey",), node.survey),
            ]
            if node.callback:
                later.append((("callback", "goto"), node.callback.goto))
            return tuple((loc, name) for loc, name in later if name)
        case _:
            return ()


def prompts_of(node: Node) -> Iterator[tuple[tuple[str | int, ...], Prompts]]:
    """Every prompt list of ``node``, with its key."""
    for spec in fields(node):
        value = getattr(node, spec.name)
        if spec.name.endswith("prompts") or spec.name == "thanks":
            yield (spec.name,), value
        elif isinstance(value, CallbackOffer):
            yield ("callback", "prompts"), value.prompts
