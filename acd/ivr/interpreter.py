"""The IVR interpreter: pure, driven one command at a time.

``IvrCall`` runs a flow from a pinned ``Catalog``. The driver calls ``start`` and then
``resume`` with the reply to each command until a ``Finish`` comes out; it passes the
time with every step, the interpreter never reads a clock. Each node kind is a small
generator (``yield`` a command, receive the reply), so a menu's retries read top-down.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Generator, Mapping
from string import Template
from urllib.parse import quote
from zoneinfo import ZoneInfo

from acd.ivr import nodes as n
from acd.ivr import steps as s
from acd.ivr.catalog import Catalog
from acd.ivr.conditions import holds, is_open

Run = Generator[s.Command, s.Reply, str]
"""A node's work: yields commands, returns the name of the next node."""

MAX_SILENT_STEPS = 200
"""Nodes visited without asking the caller anything before the call is declared looping."""
APOLOGY = ("sorry-youre-having-problems",)


class Ended(Exception):
    """Raised inside the node generators to finish the call."""

    def __init__(self, outcome: s.Outcome) -> None:
        self.outcome = outcome


class IvrCall:
    """One caller in the IVR. ``vars`` travel with the call to routing and the screen-pop."""

    def __init__(
        self,
        catalog: Catalog,
        flow: str,
        *,
        caller_id: str,
        dialed: str = "",
        node: str | None = None,
        vars: Mapping[str, str] | None = None,
    ) -> None:
        self.catalog = catalog
        self.flow = catalog.flows[flow]
        self.node_name = node or self.flow.entry
        self.vars: dict[str, str] = {"caller_id": caller_id, "dialed": dialed, **(vars or {})}
        self.path: list[str] = []
        self.now = dt.datetime.fromtimestamp(0, dt.UTC)
        self.outcome: s.Outcome | None = None
        self._stack: list[tuple[n.Flow, str]] = []
        self._recovering = False
        self._silent = 0
        self._steps = self._walk()

    def start(self, now: dt.datetime) -> s.Command:
        self.now = now
        return next(self._steps)

    def resume(self, reply: s.Reply, now: dt.datetime) -> s.Command:
        self.now = now
        return self._steps.send(reply)

    def hang_up(self, now: dt.datetime) -> s.Finish:
        """The caller hung up mid-flow: the call ends where it stood."""
        self.now = now
        self._steps.close()
        return self._finish(s.HungUp("caller"))

    # driving -------------------------------------------------------------------------

    def _walk(self) -> Generator[s.Command, s.Reply, None]:
        try:
            while True:
                try:
                    self.node_name = yield from self._node(self._enter())
                except _Broken as broken:
                    self.node_name = yield from self._recover(broken.reason)
        except Ended as end:
            yield self._finish(end.outcome)

    def _enter(self) -> n.Node:
        self.path.append(f"{self.flow.name}.{self.node_name}")
        self._silent += 1
        node = self.flow.nodes.get(self.node_name)
        if node is None:
            raise _Broken(f"no node {self.node_name!r} in flow {self.flow.name!r}")
        if self._silent > MAX_SILENT_STEPS:
            raise _Broken(f"{MAX_SILENT_STEPS} nodes in a row without asking the caller")
        return node

    def _recover(self, reason: str) -> Generator[s.Command, s.Reply, str]:
        """The flow's ``on_error`` node, once; else an apology and the error call type."""
        self.vars["ivr_error"] = reason
        if self.flow.on_error and not self._recovering:
            self._recovering = True
            self._silent = 0
            return self.flow.on_error
        yield from self._play(APOLOGY, must=False)
        raise Ended(s.Queued(self.flow.error_call_type, {}, 0, self.vars.get("language", "")))

    def _finish(self, outcome: s.Outcome) -> s.Finish:
        self.outcome = outcome
        return s.Finish(outcome, dict(self.vars), tuple(self.path))

    def _node(self, node: n.Node) -> Run:  # noqa: PLR0911, PLR0912 - one case per kind
        match node:
            case n.Play():
                yield from self._play(node.prompts)
                return node.next
            case n.Menu():
                return (yield from self._menu(node))
            case n.Gather():
                return (yield from self._gather(node))
            case n.SetVars():
                self.vars.update({k: self._text(v) for k, v in node.vars.items()})
                return node.next
            case n.Switch():
                local = self.now.astimezone(ZoneInfo(self.flow.timezone))
                hit = (c.goto for c in node.cases if holds(c.when, self.vars, local))
                return next(hit, node.default)
            case n.Hours():
                local = self.now.astimezone(ZoneInfo(node.timezone or self.flow.timezone))
                return node.open if is_open(node, local) else node.closed
            case n.Lookup():
                return (yield from self._lookup(node))
            case n.Verify():
                return (yield from self._verify(node))
            case n.Subflow():
                self._stack.append((self.flow, node.next))
                self.flow = self._flow(node.flow)
                return self.flow.entry
            case n.Return():
                if not self._stack:
                    raise _Broken("return outside a sub-flow")
                self.flow, back = self._stack.pop()
                return back
            case n.Goto():
                self.flow = self._flow(node.flow)
                return node.node or self.flow.entry
            case _:
                yield from self._ending(node)
                raise AssertionError("unreachable")

    def _flow(self, name: str) -> n.Flow:
        flow = self.catalog.flows.get(name)
        if flow is None:
            raise _Broken(f"no flow named {name!r}")
        return flow

    def _ending(self, node: n.Node) -> Generator[s.Command, s.Reply, None]:
        match node:
            case n.Queue():
                yield from self._play(node.prompts, must=False)
                raise Ended(self._queued(node))
            case n.Transfer():
                yield from self._play(node.prompts, must=False)
                raise Ended(s.Transferred(node.agent, node.call_type, node.extension))
            case n.Voicemail():
                yield from self._play(node.prompts, must=False)
                raise Ended(s.ToVoicemail(node.mailbox))
            case n.Callback():
                number = self._text(node.number)
                self.vars["callback_number"] = number
                yield from self._play(node.prompts, must=False)
                raise Ended(s.CallbackRequested(number, node.call_type))
            case n.Survey():
                raise Ended(s.Rated((yield from self._survey(node))))
            case n.Hangup():
                yield from self._play(node.prompts, must=False)
                raise Ended(s.HungUp("flow"))

    # node kinds -----------------------------------------------------------------------

    def _play(
        self, prompts: n.Prompts, stop_on: str = "", *, must: bool = True
    ) -> Generator[s.Command, s.Reply, str]:
        """Play; a prompt that cannot be played breaks the node unless ``must`` is off."""
        if not prompts:
            return ""
        reply = yield s.Play(tuple(self._audio(p) for p in prompts), stop_on)
        if isinstance(reply, s.Failed) and must:
            raise _Broken(reply.reason)
        return reply.key if isinstance(reply, s.Heard) else ""

    def _ask(
        self, prompts: n.Prompts, timeout: float, *, must: bool = True
    ) -> Generator[s.Command, s.Reply, str]:
        """Prompts the caller may cut short with a key, then wait for one key."""
        self._silent = 0
        key = yield from self._play(prompts, s.KEYS, must=must)
        if key:
            return key
        reply = yield s.ReadKey(timeout)
        return reply.key if isinstance(reply, s.Heard) else ""

    def _menu(self, node: n.Menu) -> Run:
        for _ in range(node.retries + 1):
            key = yield from self._ask(node.prompts, node.timeout)
            choice = next((c for k, c in node.choices.items() if k == key), None)
            if choice is not None:
                self._record_choice(key)
                if isinstance(choice, str):
                    return choice
                self.vars.update({k: self._text(v) for k, v in choice.set.items()})
                return choice.goto
            yield from self._play(node.invalid_prompts if key else node.timeout_prompts)
        return node.fallback

    def _record_choice(self, key: str) -> None:
        step = f"{self.node_name}:{key}"
        path = self.vars.get("menu_path")
        self.vars["menu_path"] = f"{path}>{step}" if path else step

    def _entry(
        self, prompts: n.Prompts, timeout: float, inter: float, most: int, end: str
    ) -> Generator[s.Command, s.Reply, str]:
        """Keys up to ``most`` or the terminator; stops at the first silence."""
        key = yield from self._ask(prompts, timeout)
        typed = ""
        while key and key != end:
            typed += key
            if len(typed) >= most:
                break
            reply = yield s.ReadKey(inter)
            key = reply.key if isinstance(reply, s.Heard) else ""
        return typed

    def _gather(self, node: n.Gather) -> Run:
        for _ in range(node.retries + 1):
            typed = yield from self._entry(
                node.prompts, node.timeout, node.inter_digit_timeout,
                node.max_digits, node.terminator,
            )  # fmt: skip
            if len(typed) >= node.min_digits and (
                node.pattern is None or re.fullmatch(node.pattern, typed)
            ):
                self.vars[node.into] = typed
                return node.next
            yield from self._play(node.invalid_prompts)
        return node.fallback

    def _verify(self, node: n.Verify) -> Run:
        self.vars["verified"] = "no"
        for attempt in range(1, node.max_attempts + 1):
            account = yield from self._entry(
                node.account_prompts, node.timeout, 3.0, node.max_account_digits, "#"
            )
            pin = yield from self._entry(
                node.pin_prompts, node.timeout, 3.0, node.max_pin_digits, "#"
            )
            reply = (yield s.CheckPin(account, pin)) if account and pin else s.NotFound()
            if isinstance(reply, s.Found):
                self.vars.update(account=account, verified="yes", **_prefixed(reply.record))
                return node.verified
            if isinstance(reply, s.Failed):
                self.vars["verify_error"] = reply.reason
                return node.failed
            self.vars["verify_attempts"] = str(attempt)
            yield from self._play(node.invalid_prompts)
        return node.failed

    def _lookup(self, node: n.Lookup) -> Run:
        key = self._text(node.key)
        url = None
        if node.url:  # every value URL-quoted: a caller ID like +86… must not bend the URL
            values = {**self.vars, "key": key}
            quoted = {name: quote(value, safe="") for name, value in values.items()}
            url = Template(node.url).safe_substitute(defaultdict(str, quoted))
        reply = yield s.FindCustomer(node.source, key, url, node.timeout)
        if isinstance(reply, s.Found):
            self.vars.update(_prefixed(reply.record))
            return node.found
        if isinstance(reply, s.NotFound):
            return node.not_found
        self.vars["lookup_error"] = reply.reason if isinstance(reply, s.Failed) else "bad reply"
        return node.failed

    def _survey(self, node: n.Survey) -> Generator[s.Command, s.Reply, int | None]:
        for _ in range(node.retries + 1):
            key = yield from self._ask(node.prompts, node.timeout, must=False)
            if key.isdigit() and 1 <= int(key) <= node.scale:
                self.vars["rating"] = key
                yield from self._play(node.thanks, must=False)
                return int(key)
        return None

    def _queued(self, node: n.Queue) -> s.Queued:
        language = self._text(node.language) if node.language else self.vars.get("language", "")
        return s.Queued(
            call_type=node.call_type,
            skills=dict(node.skills),
            priority=node.priority,
            language=language,
            max_wait=node.max_wait,
            on_max_wait=node.on_max_wait and f"{self.flow.name}.{node.on_max_wait}",
            callback_after=node.callback.after if node.callback else None,
            survey=node.survey and f"{self.flow.name}.{node.survey}",
        )

    # values ---------------------------------------------------------------------------

    def _text(self, template: str) -> str:
        """``${name}`` replaced by the variable, or by nothing when it was never set."""
        return Template(template).safe_substitute(defaultdict(str, self.vars))

    def _audio(self, prompt: n.Prompt) -> s.Audio:
        if isinstance(prompt, n.SayDigits):
            return s.Digits(self._text(prompt.digits))
        if isinstance(prompt, n.SayNumber):
            return s.Number(self._text(prompt.number))
        return s.Sound(self._text(prompt))


class _Broken(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


def _prefixed(record: Mapping[str, str]) -> dict[str, str]:
    return {f"customer_{key}": str(value) for key, value in record.items()}
