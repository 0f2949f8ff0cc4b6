"""Why a call waited and who got it: the call's story, replayed from the event log.

The log holds the router's events, not its decisions; replaying them through a router
that explains gives every decision again: the step and requirement in force, each agent's
verdict, the strategy and the key that broke the tie. The replay uses the routing policy
loaded now; after the policy was changed, old decisions are explained under the new one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from acd.core import messages as m
from acd.core.policy import Policy
from acd.core.router import Router
from acd.records import (
    Disposed,
    IvrFinished,
    Overflowed,
    Rang,
    Record,
    RecordingsDeleted,
    TicketChanged,
    TicketOpened,
    Transferred,
    Waiting,
)


@dataclass(slots=True)
class Story:
    call: str
    lines: list[tuple[float, str]] = field(default_factory=list)
    decisions: list[m.Decision] = field(default_factory=list)
    waiting: tuple[m.Verdict, ...] = ()
    """Each agent's verdict at the end of the log, if the call still waits then."""

    def as_json(self) -> dict[str, object]:
        return {
            "call": self.call,
            "events": [{"at": at, "what": what} for at, what in self.lines],
            "decisions": [decision_json(d) for d in self.decisions],
            "waiting_verdicts": [dataclasses.asdict(v) for v in self.waiting],
        }

    def text(self) -> str:
        out = [f"call {self.call} (times in UTC)"]
        for at, what in self.lines:
            out.append(f"  {_clock(at)}  {what}")
        if self.waiting:
            out.append("  still waiting; the agents now:")
            out.extend(_verdict_lines(self.waiting))
        return "\n".join(out)


def story(policy: Policy, records: Iterable[Record], call: str) -> Story | None:
    """The story of ``call`` in ``records`` (the whole log, oldest first); None if absent."""
    router = Router(policy, explain=frozenset({call}))
    told = Story(call)
    for record in records:
        if isinstance(record, m.AgentChanged | RecordingsDeleted | TicketOpened | TicketChanged):
            continue  # the router below makes them again; files and tickets are not the story
        if not isinstance(record, m.Event):
            if record.call == call and (line := _record_text(record)):
                told.lines.append((record.at, line))
            continue
        if getattr(record, "call", None) == call:
            told.lines.append((record.at, _event_text(record, router)))
        for command in router.handle(record):
            if getattr(command, "call", None) == call:
                told.lines.append(_command_line(command, record.at))
                if isinstance(command, m.Offer):
                    told.decisions.append(command.decision)
    if not told.lines:
        return None
    if call in router.calls and router.calls[call].agent is None:
        told.waiting = router.verdicts(call)
    return told


def _record_text(record: Waiting | Rang | IvrFinished | Overflowed | Disposed | Transferred
                 ) -> str:  # fmt: skip
    match record:
        case Transferred():
            return f"transferred by agent {record.by} to {record.to}"
        case Rang():
            return f"rang agent {record.agent} (leg {record.leg})"
        case IvrFinished():
            return f"IVR {record.flow}: {record.outcome} after {' > '.join(record.path)}"
        case Disposed():
            return f"disposition {record.disposition!r} filed by {record.by or 'acd'}"
    return ""  # waiting and overflows: the router's own lines tell them


def decision_json(decision: m.Decision) -> dict[str, object]:
    return dataclasses.asdict(decision)


def decision_text(decision: m.Decision) -> list[str]:
    head = (
        f"offered to {decision.agent} ({decision.trigger}) after {decision.waited:.1f} s: "
        f"step {decision.step}, needs {decision.requirement or 'anyone'}; "
        f"picked by {decision.strategy}, key {list(decision.key)}"
    )
    return [head, *_verdict_lines(decision.verdicts)]


def _verdict_lines(verdicts: Iterable[m.Verdict]) -> list[str]:
    return [f"      {v.agent:<10} {v.state:<10} {v.why}" for v in verdicts]


def _event_text(event: Record, router: Router) -> str:
    match event:
        case m.CallArrived():
            extra = f", needs also {dict(event.skills)}" if event.skills else ""
            priority = "" if event.priority is None else f", priority {event.priority}"
            return f"arrived for {event.call_type}{priority}{extra}"
        case m.Answered() | m.RingFailed():
            who = event.agent
            return (
                f"answered by {who}"
                if isinstance(event, m.Answered)
                else f"agent {who} did not answer"
            )
        case m.CallAbandoned():
            call = router.calls.get(event.call)
            waited = f" after waiting {event.at - call.arrived:.1f} s" if call else ""
            return f"caller hung up{waited}"
        case m.CallEnded():
            return "call ended"
        case m.Consult():
            return f"agent {event.by} consult of {event.to}: {event.step}"
    return type(event).__name__


def _command_line(command: m.Command, at: float) -> tuple[float, str]:
    match command:
        case m.Offer():
            return at, "\n".join(decision_text(command.decision))
        case m.CancelOffer():
            return at, f"stopped ringing {command.agent}: {command.why}"
        case m.Overflow():
            return at, f"left for {command.to or 'the unavailable message'} after waiting " \
                       f"{command.waited:.1f} s"  # fmt: skip
    return at, type(command).__name__


def _clock(at: float) -> str:
    return dt.datetime.fromtimestamp(at, dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
