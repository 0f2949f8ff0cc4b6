"""Every mistake in a set of flow files, before a caller finds one.

``check`` loads and validates each file, then looks at the flows as a graph and as a
whole: unknown targets, unreachable nodes, dead ends, loops that never ask the caller,
missing sound files, call types and skills routing does not know, gaps in hours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from acd.ivr import graph
from acd.ivr import nodes as n
from acd.ivr.loader import Loc, Positions, Problem, YamlError, load_yaml
from acd.ivr.schema import to_flow
from acd.routing_policy import RoutingPolicy

ASKS_CALLER = (n.Menu, n.Gather, n.Verify, n.Survey)
ENDS_CALL = (n.Queue, n.Transfer, n.Voicemail, n.Callback, n.Survey, n.Hangup, n.Return, n.Goto)
LANGUAGE_DIR = re.compile(r"^[a-z]{2,3}([_-][A-Za-z0-9]+)*$")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SPAN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$")


@dataclass(frozen=True, slots=True)
class Checked:
    flows: dict[str, n.Flow]
    problems: list[Problem]


def flow_files(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus every ``*.yaml``/``*.yml`` in the directories named."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix in {".yaml", ".yml"})
        else:
            found.append(path)
    return found


def check(
    files: Iterable[Path], *, sounds: Path | None = None, policy: RoutingPolicy | None = None
) -> Checked:
    flows: dict[str, n.Flow] = {}
    loaded: list[tuple[n.Flow, Positions]] = []
    problems: list[Problem] = []
    for path in files:
        flow, positions, found = _load(path)
        problems += found
        if flow is None or positions is None:
            continue
        loaded.append((flow, positions))
        if flow.name in flows:
            first = flows[flow.name].source
            problems.append(positions.at(("name",), f"flow {flow.name!r} is also in {first}"))
        flows.setdefault(flow.name, flow)
    entered = _goto_targets(flows)
    numbers: dict[str, str] = {}
    for flow, at in loaded:
        problems += _graph(flow, at, entered.get(flow.name, set()))
        problems += _values(flow, at)
        problems += _links(flow, flows, at)
        if sounds is not None:
            problems += _sounds(flow, sounds, at)
        if policy is not None:
            problems += _routing(flow, policy, at)
        for index, number in enumerate(flow.numbers):
            if number in numbers:
                text = f"number {number!r} already enters flow {numbers[number]!r}"
                problems.append(at.at(("numbers", index), text))
            numbers.setdefault(number, flow.name)
    return Checked(flows, sorted(set(problems)))


def _load(path: Path) -> tuple[n.Flow | None, Positions | None, list[Problem]]:
    try:
        data, positions = load_yaml(path.read_text(encoding="utf-8"), str(path))
    except OSError as exc:
        return None, None, [Problem(str(path), 1, 1, f"cannot read: {exc.strerror}")]
    except UnicodeDecodeError as exc:
        return None, None, [Problem(str(path), 1, 1, f"not UTF-8 text: {exc.reason}")]
    except YamlError as exc:
        return None, None, exc.problems
    flow, problems = to_flow(data, positions)
    return flow, positions, problems


def _node_loc(name: str, *rest: str | int) -> Loc:
    return ("nodes", name, *rest)


def _goto_targets(flows: dict[str, n.Flow]) -> dict[str, set[str]]:
    """Nodes that ``goto`` nodes jump to (entries besides ``entry``), by flow."""
    entered: dict[str, set[str]] = {}
    for flow in flows.values():
        for node in flow.nodes.values():
            if isinstance(node, n.Goto) and node.node:
                entered.setdefault(node.flow, set()).add(node.node)
    return entered


def _graph(flow: n.Flow, at: Positions, entered: set[str]) -> Iterator[Problem]:
    edges: dict[str, list[str]] = {name: [] for name in flow.nodes}
    broken: set[str] = set()  # a target that is not there: reported once, not as a dead end
    roots: list[tuple[Loc, str | None]] = [(("entry",), flow.entry), (("on_error",), flow.on_error)]
    for loc, target in roots:
        if target is not None and target not in flow.nodes:
            yield at.at(loc, f"{loc[0]}: no node named {target!r}", value=True)
    for name, node in flow.nodes.items():
        for loc, target in graph.exits(node):
            if target in flow.nodes:
                edges[name].append(target)
            else:
                broken.add(name)
                yield at.at(_node_loc(name, *loc), f"no node named {target!r}", value=True)
    if flow.entry not in flow.nodes:
        return  # everything would be "never reached" from a node that is not there
    reached = _reach(edges, [flow.entry, *([flow.on_error] if flow.on_error else []), *entered])
    for name in flow.nodes.keys() - reached:
        yield at.at(_node_loc(name), f"node {name!r} is never reached from {flow.entry!r}")
    yield from _endless(flow, edges, reached, broken, at)


def _endless(
    flow: n.Flow, edges: dict[str, list[str]], reached: set[str], broken: set[str], at: Positions
) -> Iterator[Problem]:
    """Reachable nodes from which the call can never end: dead ends and silent loops."""
    ends = {name for name, node in flow.nodes.items() if isinstance(node, ENDS_CALL)} | broken
    backwards: dict[str, list[str]] = {name: [] for name in flow.nodes}
    for name, targets in edges.items():
        for target in targets:
            backwards[target].append(name)
    for name in sorted(reached - _reach(backwards, ends)):
        cycle = _cycle_from(name, edges)
        if cycle and not any(isinstance(flow.nodes[x], ASKS_CALLER) for x in cycle):
            loop = " -> ".join([*cycle, name])
            yield at.at(_node_loc(name), f"loop with no caller input and no exit: {loop}")
        else:
            yield at.at(_node_loc(name), f"dead end: no way on from {name!r} ends the call")


def _reach(edges: dict[str, list[str]], start: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    todo = [s for s in start if s in edges]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += edges[name]
    return seen


def _cycle_from(name: str, edges: dict[str, list[str]]) -> list[str]:
    """The nodes on a cycle through ``name``, in order; empty if none."""
    path, seen, current = [name], {name}, name
    while edges[current]:
        current = edges[current][0]
        if current == name:
            return path
        if current in seen:
            return []
        path.append(current)
        seen.add(current)
    return []


def _values(flow: n.Flow, at: Positions) -> Iterator[Problem]:
    for zone_loc, zone in [(("timezone",), flow.timezone)] + [
        (_node_loc(name, "timezone"), node.timezone)
        for name, node in flow.nodes.items()
        if isinstance(node, n.Hours) and node.timezone
    ]:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            yield at.at(zone_loc, f"unknown timezone {zone!r}", value=True)
    for name, node in flow.nodes.items():
        yield from _node_values(name, node, at)


def _node_values(name: str, node: n.Node, at: Positions) -> Iterator[Problem]:  # noqa: PLR0912
    here = _node_loc(name)
    patterns: list[tuple[Loc, str | None]] = []
    if isinstance(node, n.Gather):
        patterns.append((("pattern",), node.pattern))
        if node.min_digits > node.max_digits:
            yield at.at((*here, "min_digits"), "min_digits is more than max_digits")
    if isinstance(node, n.Switch):
        for i, case in enumerate(node.cases):
            patterns.append((("cases", i, "when", "matches"), case.when.matches))
            if case.when.time and not _good_span(case.when.time):
                yield at.at((*here, "cases", i, "when", "time"), _bad_span(case.when.time))
    for loc, pattern in patterns:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                yield at.at((*here, *loc), f"bad regular expression: {exc}", value=True)
    if isinstance(node, n.Hours):
        yield from _hours(node, (*here,), at)
    if isinstance(node, n.Transfer):
        given = [k for k in ("agent", "call_type", "extension") if getattr(node, k)]
        if len(given) != 1:
            yield at.at(here, "transfer needs exactly one of agent, call_type, extension")
    if isinstance(node, n.Queue) and (node.max_wait is None) != (node.on_max_wait is None):
        yield at.at(here, "queue: max_wait and on_max_wait go together")
    if isinstance(node, n.Lookup) and node.source == "http" and not node.url:
        yield at.at(here, "lookup: source http needs a url")


def _good_span(span: str) -> bool:
    return bool(SPAN.match(span)) and span[:5] < span[6:]


def _bad_span(span: str) -> str:
    return f"bad span {span!r}: write HH:MM-HH:MM with the end after the start"


def _hours(node: n.Hours, here: Loc, at: Positions) -> Iterator[Problem]:
    missing = [day for day in DAYS if day not in node.weekly]
    if missing:
        days = ", ".join(missing)
        yield at.at((*here, "weekly"), f"hours leave a gap: {days} not listed (write closed)")
    tables: list[tuple[Loc, tuple[str, ...] | str]] = [
        (("weekly", d), v) for d, v in node.weekly.items()
    ]
    tables += [(("overrides", str(d)), v) for d, v in node.overrides.items()]
    for loc, spans in tables:
        if spans == "closed":
            continue
        for i, span in enumerate(spans):
            if not _good_span(span):
                yield at.at((*here, *loc, i), _bad_span(span))
        ordered = sorted(span for span in spans if _good_span(span))
        for i, later in enumerate(ordered):
            for earlier in ordered[:i]:
                if later[:5] < earlier[6:]:
                    yield at.at((*here, *loc), f"spans {earlier} and {later} overlap")


def _links(flow: n.Flow, flows: dict[str, n.Flow], at: Positions) -> Iterator[Problem]:
    for name, node in flow.nodes.items():
        if isinstance(node, n.Subflow | n.Goto):
            target = flows.get(node.flow)
            if target is None:
                yield at.at(_node_loc(name, "flow"), f"no flow named {node.flow!r}", value=True)
            elif isinstance(node, n.Goto) and node.node and node.node not in target.nodes:
                text = f"flow {node.flow!r} has no node {node.node!r}"
                yield at.at(_node_loc(name, "node"), text, value=True)


def _sounds(flow: n.Flow, sounds: Path, at: Positions) -> Iterator[Problem]:
    known = _sound_names(sounds)
    for name, node in flow.nodes.items():
        for loc, prompts in graph.prompts_of(node):
            for i, prompt in enumerate(prompts):
                if isinstance(prompt, str) and "$" not in prompt and prompt not in known:
                    text = f"sound {prompt!r} is not in {sounds}"
                    yield at.at(_node_loc(name, *loc, i), text, value=True)


def _sound_names(sounds: Path) -> set[str]:
    """Sound names as Playback takes them, from the top directory and each language's.

    Only language directories (``en``, ``en_GB``, ``zh``) are roots of their own: a file
    in ``custom/`` is ``custom/name`` to Playback, never ``name``.
    """
    names: set[str] = set()
    languages = (d for d in sounds.iterdir() if d.is_dir() and LANGUAGE_DIR.match(d.name))
    for base in [sounds, *languages]:
        for file in base.rglob("*.*"):
            names.add(str(file.relative_to(base).with_suffix("")))
    return names


def _routing(flow: n.Flow, policy: RoutingPolicy, at: Positions) -> Iterator[Problem]:
    known = ", ".join(sorted(policy.call_types))
    uses: list[tuple[Loc, str | None]] = [(("error_call_type",), flow.error_call_type)]
    for name, node in flow.nodes.items():
        if isinstance(node, n.Queue | n.Transfer | n.Callback):
            uses.append((_node_loc(name, "call_type"), node.call_type))
        if isinstance(node, n.Queue):
            for skill in node.skills:
                if skill not in policy.skills:
                    text = f"unknown skill {skill!r}; routing knows: {', '.join(policy.skills)}"
                    yield at.at(_node_loc(name, "skills", skill), text)
    for loc, call_type in uses:
        if call_type is not None and call_type not in policy.call_types:
            text = f"routing has no call type {call_type!r}; it knows: {known}"
            yield at.at(loc, text, value=True)
