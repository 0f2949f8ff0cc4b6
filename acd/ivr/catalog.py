"""A published, immutable set of flows: what a call is pinned to when it enters."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from acd.ivr.nodes import Flow

_PATTERN_CHARS = {"X": "[0-9]", "Z": "[1-9]", "N": "[2-9]", ".": ".+", "!": ".*"}


def number_regex(pattern: str) -> re.Pattern[str]:
    """An exact number, or an Asterisk pattern such as ``_4008XX`` or ``_X.``."""
    if not pattern.startswith("_"):
        return re.compile(re.escape(pattern))
    parts, rest = [], pattern[1:]
    while rest:
        if rest[0] == "[" and "]" in rest:
            end = rest.index("]")
            parts.append(rest[: end + 1])
            rest = rest[end + 1 :]
        else:
            parts.append(_PATTERN_CHARS.get(rest[0].upper(), re.escape(rest[0])))
            rest = rest[1:]
    return re.compile("".join(parts))


@dataclass(frozen=True)
class Catalog:
    version: str
    """Identifier of this publication (sequence number and content hash)."""
    flows: Mapping[str, Flow]

    def for_number(self, dialed: str) -> Flow | None:
        """The flow whose numbers match ``dialed``; exact numbers beat patterns."""
        exact = [f for f in self.flows.values() if dialed in f.numbers]
        if exact:
            return exact[0]
        for flow, regex in self._patterns:
            if regex.fullmatch(dialed):
                return flow
        return None

    @cached_property
    def _patterns(self) -> list[tuple[Flow, re.Pattern[str]]]:
        return [
            (flow, number_regex(number))
            for flow in sorted(self.flows.values(), key=lambda f: f.name)
            for number in flow.numbers
            if number.startswith("_")
        ]
