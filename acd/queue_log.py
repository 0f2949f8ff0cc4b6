"""acd's calls as Asterisk's ``queue_log``, for the reporting tools that read app_queue's.

One line per event, ``epoch|callid|queue|agent|EVENT|data1|data2|data3``, written as the
records are logged. The queue is the call type, the agent the agent's ID, the call id the
caller channel's uniqueid. Events: ENTERQUEUE, RINGNOANSWER, CONNECT, COMPLETEAGENT,
COMPLETECALLER, ABANDON, EXITWITHTIMEOUT, TRANSFER; AGENTLOGIN, AGENTLOGOFF, PAUSE, UNPAUSE.
Positions are not known to acd's router in app_queue's sense: they are written as 1.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from acd.core import messages as m
from acd.records import IvrFinished, Overflowed, Rang, Record, Transferred

log = logging.getLogger("acd.queue_log")


@dataclass(slots=True)
class _Call:
    queue: str
    queued: float
    number: str = ""
    rang: float | None = None
    answered: float | None = None
    agent: str = ""


class QueueLog:
    """Turns records into queue_log lines (``lines``) and appends them to a file
    (``write``)."""

    def __init__(self, path: Path | None = None) -> None:
        self._calls: dict[str, _Call] = {}
        self._numbers: dict[str, str] = {}  # call -> caller number, from the IVR
        self._paused: set[str] = set()
        self._file: TextIO | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("a", encoding="utf-8", buffering=1)

    def write(self, record: Record) -> None:
        """Journal hook: append this record's lines (a failing disk is logged, not raised)."""
        if self._file is None:
            return
        try:
            for line in self.lines(record):
                self._file.write(line + "\n")
        except OSError as exc:
            log.error("queue_log not written: %s", exc)

    def replay(self, record: Record) -> None:
        """A record from before a restart: its lines are in the file, only its state counts
        (the calls in progress)."""
        self.lines(record)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

    def lines(self, record: Record) -> list[str]:
        match record:
            case IvrFinished():
                self._numbers[record.call] = record.number
            case m.CallArrived():
                number = self._numbers.pop(record.call, "")
                self._calls[record.call] = _Call(record.call_type, record.at, number)
                return [_line(record.at, record.call, record.call_type, "NONE", "ENTERQUEUE",
                              "", number, "1")]  # fmt: skip
            case Rang() if (call := self._calls.get(record.call)) is not None:
                call.rang = record.at
            case m.RingFailed() if (call := self._calls.get(record.call)) is not None:
                rang = record.at - (call.rang or record.at)
                return [_line(record.at, record.call, call.queue, record.agent, "RINGNOANSWER",
                              str(int(rang * 1000)))]  # fmt: skip
            case m.Answered() if (call := self._calls.get(record.call)) is not None:
                call.answered, call.agent = record.at, record.agent
                hold, ring = record.at - call.queued, record.at - (call.rang or record.at)
                return [_line(record.at, record.call, call.queue, record.agent, "CONNECT",
                              _s(hold), record.call, _s(ring))]  # fmt: skip
            case m.CallEnded() | m.CallAbandoned() | Overflowed() | Transferred():
                return self._left(record)
            case m.LoggedIn() | m.LoggedOut() | m.AgentChanged():
                return self._agent(record)
        return []

    def _left(self, record: m.CallEnded | m.CallAbandoned | Overflowed | Transferred) -> list[str]:
        call = self._calls.pop(record.call, None)
        if call is None:
            return []
        waited = _s(record.at - call.queued)
        match record:
            case Transferred():
                talk = _s(record.at - (call.answered or record.at))
                return [_line(record.at, record.call, call.queue, call.agent, "TRANSFER",
                              record.to, "acd", _s((call.answered or record.at) - call.queued),
                              talk, "1")]  # fmt: skip
            case m.CallAbandoned():
                return [_line(record.at, record.call, call.queue, "NONE", "ABANDON", "1", "1",
                              waited)]  # fmt: skip
            case Overflowed():
                return [_line(record.at, record.call, call.queue, "NONE", "EXITWITHTIMEOUT",
                              "1", "1", waited)]  # fmt: skip
        event = "COMPLETEAGENT" if record.by == "agent" else "COMPLETECALLER"
        hold = _s((call.answered or record.at) - call.queued)
        talk = _s(record.at - (call.answered or record.at))
        return [_line(record.at, record.call, call.queue, call.agent, event, hold, talk, "1")]

    def _agent(self, record: m.LoggedIn | m.LoggedOut | m.AgentChanged) -> list[str]:
        match record:
            case m.LoggedIn():
                return [_line(record.at, "NONE", "NONE", record.agent, "AGENTLOGIN")]
            case m.LoggedOut():
                self._paused.discard(record.agent)
                return [_line(record.at, "NONE", "NONE", record.agent, "AGENTLOGOFF")]
        if record.state == "not_ready" and record.agent not in self._paused:
            self._paused.add(record.agent)
            return [_line(record.at, "NONE", "NONE", record.agent, "PAUSE", record.reason)]
        if record.state == "ready" and record.agent in self._paused:
            self._paused.discard(record.agent)
            return [_line(record.at, "NONE", "NONE", record.agent, "UNPAUSE")]
        return []


def _line(at: float, call: str, queue: str, agent: str, event: str, *data: str) -> str:
    return "|".join((str(int(at)), call, queue, agent, event, *data))


def _s(seconds: float) -> str:
    return str(max(0, round(seconds)))
