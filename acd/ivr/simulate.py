"""Run a flow with no Asterisk: a scripted caller, a fixed clock, an in-memory directory.

The caller's keys are tokens separated by spaces, one token per prompt that listens
(a menu, a gather, each half of a verification): ``"1 2 100200# 4321#"``. ``_`` is a
caller who stays silent. Importable, so admins can test their own flows with pytest::

    result = simulate(catalog, "hotline", caller="13800000001", keys="1 2")
    assert result.outcome == Queued(...)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from acd.directory import Directory
from acd.ivr import steps as s
from acd.ivr.catalog import Catalog
from acd.ivr.interpreter import IvrCall

MAX_COMMANDS = 10_000
"""A flow that has not finished after this many commands is reported as looping."""


@dataclass(frozen=True, slots=True)
class Simulation:
    flow: str
    version: str
    visited: tuple[str, ...]
    heard: tuple[str, ...]
    """Every sound played, as ``name`` or ``digits:1234`` / ``number:3``."""
    outcome: s.Outcome
    vars: dict[str, str]

    def as_json(self) -> dict[str, Any]:
        outcome = {"kind": type(self.outcome).__name__, **asdict(self.outcome)}
        return {
            "flow": self.flow,
            "version": self.version,
            "visited": list(self.visited),
            "heard": list(self.heard),
            "outcome": outcome,
            "vars": self.vars,
        }


class Caller:
    """Presses the keys of one token per listening prompt; silent when out of tokens."""

    def __init__(self, keys: str) -> None:
        self._tokens = keys.split()
        self._current = ""

    def prompt(self) -> str:
        self._current = self._tokens.pop(0) if self._tokens else ""
        return self.next_key()

    def next_key(self) -> str:
        key, self._current = self._current[:1], self._current[1:]
        return "" if key == "_" else key


def simulate(
    catalog: Catalog,
    flow: str,
    *,
    caller: str,
    keys: str = "",
    at: dt.datetime,
    directory: Directory | None = None,
    broken: Callable[[s.Command], bool] = lambda _: False,
) -> Simulation:
    """Run ``flow`` (a flow name, or a dialed number) to its end.

    ``broken`` says which commands fail (a vanished sound, a CRM that is down), to try
    the flow's error branches.
    """
    now = at
    chosen = catalog.flows.get(flow) or catalog.for_number(flow)
    if chosen is None:
        raise LookupError(f"no flow named {flow!r} and none for that number")
    dialed = "" if flow == chosen.name else flow
    call = IvrCall(catalog, chosen.name, caller_id=caller, dialed=dialed)
    person, heard = Caller(keys), list[str]()
    command = call.start(now)
    for _ in range(MAX_COMMANDS):
        if isinstance(command, s.Finish):
            return Simulation(
                chosen.name, catalog.version, command.path, tuple(heard),
                command.outcome, dict(command.vars),
            )  # fmt: skip
        reply: s.Reply = (
            s.Failed("simulated failure")
            if broken(command)
            else _answer(command, person, heard, directory)
        )
        command = call.resume(reply, now)
    raise RuntimeError(f"flow {chosen.name!r} ran {MAX_COMMANDS} commands without ending")


def _answer(
    command: s.Command, person: Caller, heard: list[str], directory: Directory | None
) -> s.Reply:
    match command:
        case s.Play():
            heard += [_spoken(audio) for audio in command.audio]
            return s.Heard(person.prompt() if command.stop_on else "")
        case s.ReadKey():
            return s.Heard(person.next_key())
        case s.FindCustomer():
            if directory is None:
                return s.Failed("no directory given")
            customer = directory.by_phone(command.key)
            return s.Found(customer.public()) if customer else s.NotFound()
        case s.CheckPin():
            if directory is None:
                return s.Failed("no directory given")
            customer = directory.verify(command.account, command.pin)
            return s.Found(customer.public()) if customer else s.NotFound()
    raise TypeError(f"unexpected command {command!r}")


def _spoken(audio: s.Audio) -> str:
    match audio:
        case s.Digits():
            return f"digits:{audio.text}"
        case s.Number():
            return f"number:{audio.text}"
        case _:
            return audio.name
