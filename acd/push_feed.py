"""What each user is told over push: an agent, their own state and calls; a supervisor, those
of the teams they supervise; an admin, everyone's.

Fed by live routing's commands (once they are in the event log) and by the IVR's hand-overs
(the caller's choices, for the screen-pop); publishes in order through the push store.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from typing import Any

from acd.auth import User
from acd.callers import Callers
from acd.core import messages as m
from acd.ivr import steps as s
from acd.push_protocol import event
from acd.push_store import PushStore
from acd.records import Transferred

log = logging.getLogger("acd.push")

KEEP_CALLS = 10_000


History = Callable[[str, str], list[dict[str, Any]]]
"""The caller's last calls: (number, this call's id) -> calls, newest first."""


class PushFeed:
    def __init__(self, store: PushStore, users: Mapping[str, User],
                 teams: Mapping[str, str | None], callers: Callers,
                 history: History | None = None) -> None:  # fmt: skip
        """``users``: everyone who may log in; ``teams``: each agent's team; ``callers``:
        who is calling; ``history``: their last calls."""
        self._store, self._teams, self._callers = store, teams, callers
        self._history = history
        self._watchers: dict[str, tuple[str, ...]] = {
            agent: tuple(
                u.id for u in users.values()
                if u.id != agent and (u.role == "admin" or (
                    u.role == "supervisor" and team is not None and team in u.teams))
            )
            for agent, team in teams.items()
        }  # fmt: skip
        self._calls: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._offered: dict[str, str] = {}  # call -> the agent whose phone rang last
        self._lookups: set[asyncio.Task[None]] = set()
        self._pending: deque[tuple[tuple[str, ...], str]] = deque()
        self._wakeup = asyncio.Event()

    def ivr_ended(self, event: object) -> None:
        """Runtime handler: keep what the caller chose, for the pop when an agent rings."""
        if isinstance(event, s.IvrEnded) and isinstance(event.finish.outcome, s.Queued):
            ivr_vars = dict(event.finish.vars)
            caller, ask_crm = self._callers.first(ivr_vars)
            self._calls[event.call_id] = {
                "call_type": event.finish.outcome.call_type,
                "caller": caller,
                "tickets": self._callers.tickets(caller),
                "flow": f"{event.flow}@{event.version}",
                "ivr_path": list(event.finish.path),
                "ivr_vars": ivr_vars,
            }
            if len(self._calls) > KEEP_CALLS:
                self._offered.pop(self._calls.popitem(last=False)[0], None)
            if ask_crm:
                task = asyncio.get_running_loop().create_task(self._ask_crm(event.call_id))
                self._lookups.add(task)
                task.add_done_callback(self._lookups.discard)

    async def _ask_crm(self, call: str) -> None:
        """The CRM's answer, into the call's pop; an update if the pop went out already."""
        known = self._calls.get(call)
        if known is None:
            return
        known["caller"] = caller = await self._callers.from_crm(known["caller"])
        known["tickets"] = tickets = self._callers.tickets(caller)
        agent = self._offered.get(call)
        if agent is not None:
            data = {"call": call, "agent": agent, "caller": caller, "tickets": tickets}
            self._tell(agent, "call_caller", data)

    def routed(self, command: m.Event | m.Command | Transferred) -> None:
        """Live routing's event or command, once logged: tell the agent and those who watch
        them."""
        data: dict[str, Any]
        match command:
            case m.Answered():
                data = {"call": command.call, "agent": command.agent, "at": command.at}
                self._tell(command.agent, "call_answered", data)
            case Transferred() if (agent := self._offered.get(command.call)) is not None:
                data = {"call": command.call, "agent": agent, "by": command.by,
                        "to": command.to, "at": command.at}  # fmt: skip
                self._tell(agent, "call_transferred", data)
            case m.CallEnded() if (agent := self._offered.get(command.call)) is not None:
                data = {"call": command.call, "agent": agent, "at": command.at}
                self._tell(agent, "call_ended", data)
            case m.AgentChanged():
                data = {"agent": command.agent, "state": command.state,
                        "reason": command.reason, "at": command.at}  # fmt: skip
                self._tell(command.agent, "agent_state", data)
            case m.Offer():
                self._offered[command.call] = command.agent
                if len(self._offered) > KEEP_CALLS:
                    self._offered.pop(next(iter(self._offered)))
                self._pop(command.call, command.agent, waited=command.decision.waited)
            case m.Consult():
                self._consult(command)
            case m.CancelOffer():
                data = {"call": command.call, "agent": command.agent, "why": command.why}
                self._tell(command.agent, "call_withdrawn", data)
            case m.Refused():
                data = {"agent": command.agent, "request": command.request, "why": command.why}
                self._tell(command.agent, "request_refused", data)

    def _pop(self, call: str, agent: str, **extra: Any) -> None:
        """The screen-pop: the caller, their choices in the IVR and their last calls."""
        data = {"call": call, "agent": agent, **extra, **self._calls.get(call, {})}
        if self._history is not None:
            caller: dict[str, Any] = data.get("caller", {})
            number = caller.get("number", "")
            data["history"] = self._history(number, call) if number else []
        self._tell(agent, "call_offered", data)

    def _consult(self, consult: m.Consult) -> None:
        """The consulting agent hears how it goes; a consulted agent gets the pop, and the
        call if it is handed over."""
        kind, _, target = consult.to.partition(":")
        data = {"call": consult.call, "agent": consult.by, "to": consult.to, "at": consult.at}
        if consult.step == "started":
            self._tell(consult.by, "consult_started", data)
            if kind == "agent":
                self._pop(consult.call, target, waited=0.0, consult_by=consult.by)
            return
        if consult.step == "answered":
            self._tell(consult.by, "consult_answered", data)
            return
        self._tell(consult.by, "consult_ended", {**data, "outcome": consult.step})
        if kind != "agent":
            return
        if consult.step == "completed":
            self._offered[consult.call] = target
        else:
            why = f"consult {consult.step}"
            self._tell(target, "call_withdrawn", {"call": consult.call, "agent": target,
                                                  "why": why})  # fmt: skip

    def tell_user(self, user: str, kind: str, data: Mapping[str, Any]) -> None:
        """An event for ``user`` alone (the wallboard's)."""
        self._pending.append(((user,), event(kind, data)))
        self._wakeup.set()

    def _tell(self, agent: str, kind: str, data: Mapping[str, Any]) -> None:
        self._pending.append(((agent, *self._watchers.get(agent, ())), event(kind, data)))
        self._wakeup.set()

    async def run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._pending:
                users, body = self._pending[0]
                for user in users:
                    await self._publish(user, body)
                self._pending.popleft()

    async def _publish(self, user: str, body: str) -> None:
        """Publish, retrying while the store is down: later messages wait, none is lost."""
        delay = 0.1
        while True:
            try:
                await self._store.publish(user, body)
                return
            except Exception as exc:  # any failure of the store: retry
                if delay == 0.1:
                    log.error("push to %s failed (%s): retrying", user, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
