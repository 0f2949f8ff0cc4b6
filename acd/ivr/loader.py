"""YAML to plain data, keeping where every key and value sits in the file.

Mapping keys are always strings (so a menu's ``1:`` stays the key "1"), duplicate
keys are errors instead of PyYAML's silent "last one wins", and every problem
carries ``path:line:column`` for the admin's editor.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
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


MAX_VALUES = 100_000
"""More values than any flow needs: a file past this is an alias bomb, not a flow."""


def load_yaml(text: str, path: str) -> tuple[Any, Positions]:
    """Parse one document; raises ``YamlError`` with every duplicate key or the syntax error."""
    positions = Positions(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = str(exc.problem)
        if exc.context and message.startswith("but "):
            message = f"{exc.context}, {message}"  # "expected a single document ..., but found"
        raise YamlError([Problem(path, line, column, f"YAML: {message}")]) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"YAML: character U+{code:04X} is not allowed"
        raise YamlError([Problem(path, line, column, message)]) from None
    if root is None:
        raise YamlError([Problem(path, 1, 1, "the file is empty")])
    builder = _Builder(positions)
    data = builder.build(root, ())
    if builder.problems:
        raise YamlError(builder.problems)
    return data, positions


def _place(mark: yaml.Mark) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


class _Builder:
    """Plain data from composed nodes, recording positions and collecting problems."""

    def __init__(self, positions: Positions) -> None:
        self.positions = positions
        self.problems: list[Problem] = []
        self.constructor = SafeConstructor()
        self.values = 0
        self.open: set[int] = set()
        """Collections being built: an alias back to one of them would never end."""

    def problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(self.positions.path, *_place(node.start_mark), message))

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.values += 1
        if self.values > MAX_VALUES:
            self.problem(node, f"more than {MAX_VALUES} values (aliases expanding?)")
            raise YamlError(self.problems)
        self.positions.values[loc] = _place(node.start_mark)
        if isinstance(node, yaml.CollectionNode):
            return self._collection(node, loc)
        try:
            value: Hashable = self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            problem = exc.problem if isinstance(exc, yaml.MarkedYAMLError) else exc
            self.problem(node, f"YAML: cannot read {node.value!r}: {problem}")
            return None
        return value

    def _collection(self, node: yaml.CollectionNode, loc: Loc) -> Any:
        if id(node) in self.open:
            line, column = self.positions.keys.get(loc) or _place(node.start_mark)
            message = "YAML: an alias refers to a collection that contains it"
            self.problems.append(Problem(self.positions.path, line, column, message))
            return None
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, loc)
            return [self.build(item, (*loc, index)) for index, item in self._items(node, loc)]
        finally:
            self.open.discard(id(node))

    def _items(self, node: yaml.CollectionNode, loc: Loc) -> Iterator[tuple[int, yaml.Node]]:
        for index, item in enumerate(node.value):
            self.positions.keys[(*loc, index)] = _place(item.start_mark)
            yield index, item

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            place = _place(key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, "a key must be a plain value, not a list or mapping")
                continue
            key = str(key_node.value)
            if key in mapping:
                first = self.positions.keys[(*loc, key)]
                self.problem(key_node, f"duplicate key {key!r} (first at line {first[0]})")
                continue
            self.positions.keys[(*loc, key)] = place
            mapping[key] = self.build(value_node, (*loc, key))
        return mapping
