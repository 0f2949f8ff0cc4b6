"""YAML to plain data, keeping where every key and value sits in the file.

Mapping keys are always strings (so a menu's ``1:`` stays the key "1"), duplicate
keys are errors instead of PyYAML's silent "last one wins", and every problem
carries ``path:line:column`` for the admin's editor.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class Positions:
    """Where each location (a tuple of keys and indexes) is written in one file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.keys: dict[Loc, tuple[int, int]] = {}
        self.values: dict[Loc, tuple[int, int]] = {}

    def at(self, loc: Loc, message: str, *, value: bool = False) -> Problem:
        """A problem at ``loc``: its key (or value), else the nearest enclosing place."""
        table = self.values if value else self.keys
        for end in range(len(loc), -1, -1):
            place = table.get(loc[:end]) or self.keys.get(loc[:end])
            if place:
                return Problem(self.path, *place, message)
        return Problem(self.path, 1, 1, message)


class YamlError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def load_yaml(text: str, path: str) -> tuple[Any, Positions]:
    """Parse one document; raises ``YamlError`` with every duplicate key or the syntax error."""
    positions = Positions(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlError([Problem(path, line, column, f"YAML: {exc.problem}")]) from None
    if root is None:
        raise YamlError([Problem(path, 1, 1, "the file is empty")])
    problems: list[Problem] = []
    data = _build(root, (), positions, problems, SafeConstructor())
    if problems:
        raise YamlError(problems)
    return data, positions


def _build(
    node: yaml.Node,
    loc: Loc,
    positions: Positions,
    problems: list[Problem],
    constructor: SafeConstructor,
) -> Any:
    positions.values[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            place = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in mapping:
                first = positions.keys[(*loc, key)]
                problems.append(
                    Problem(
                        positions.path, *place, f"duplicate key {key!r} (first at line {first[0]})"
                    )
                )
                continue
            positions.keys[(*loc, key)] = place
            mapping[key] = _build(value_node, (*loc, key), positions, problems, constructor)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            positions.keys[(*loc, index)] = (item.start_mark.line + 1, item.start_mark.column + 1)
            items.append(_build(item, (*loc, index), positions, problems, constructor))
        return items
    value: Hashable = constructor.construct_object(node, deep=True)
    return value
