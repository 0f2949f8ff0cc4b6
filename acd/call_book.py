"""Call records (CDR): one row per call, folded from the event log's records.

The log is the durable store; the book is rebuilt from it at start and kept up to date by
every record written after. Rows are kept in arrival order, so a time range is a bisection,
and indexed by the caller's number and by the agent who answered.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from acd.core import messages as m
from acd.records import (
    Disposed,
    IvrFinished,
    Overflowed,
    Rang,
    Record,
    RecordingsDeleted,
    Transferred,
)

IVR_OUTCOMES = {
    "Transferred": "transferred",
    "ToVoicemail": "voicemail",
    "CallbackRequested": "callback",
}


@dataclass(slots=True)
class CallRow:
    """A call, from the IVR answering to the wrap-up; times are seconds since the epoch."""

    id: str
    arrived: float
    number: str = ""
    customer: str = ""
    """The customer's id, when the IVR (or a lookup) found them."""
    name: str = ""
    call_type: str = ""
    flow: str = ""
    ivr_path: tuple[str, ...] = ()
    ivr_vars: dict[str, str] = field(default_factory=dict)
    queued: float | None = None
    rang: float | None = None
    answered: float | None = None
    ended: float | None = None
    wrapped: float | None = None
    agent: str = ""
    """The agent who answered last (after a transfer, the one it went to)."""
    answered_by: tuple[str, ...] = ()
    agents_rung: tuple[str, ...] = ()
    transfers: tuple[str, ...] = ()
    """Where agents sent it: ``call_type:NAME``, ``agent:ID`` or ``phone:ID``."""
    outcome: str = "in_progress"
    """answered, abandoned, callback, voicemail, transferred, overflowed, ended_in_ivr
    or in_progress."""
    disposition: str = ""
    note: str = ""
    disposed_by: str = ""
    rating: int | None = None
    recordings: tuple[str, ...] = ()
    """The conversations recorded, one file per agent who answered."""
    _ringing: dict[str, str] = field(default_factory=dict)
    """Agent -> the file their leg would record to, while it rings."""

    def public(self) -> dict[str, object]:
        row = {name: getattr(self, name) for name in self.__slots__ if name[0] != "_"}
        for name in ("ivr_path", "answered_by", "agents_rung", "transfers", "recordings"):
            row[name] = list(row[name])
        return row


class CallBook:
    def __init__(self) -> None:
        self._rows: dict[str, CallRow] = {}
        self._order: list[str] = []  # call ids by arrival
        self._arrivals: list[float] = []
        self._by_number: dict[str, list[str]] = {}
        self._by_agent: dict[str, list[str]] = {}
        self._last_answered: dict[str, str] = {}  # agent -> call
        self._recorded: dict[str, str] = {}  # recording file -> call

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, call: str) -> CallRow | None:
        return self._rows.get(call)

    def last_answered(self, agent: str) -> str | None:
        """The call this agent answered last (what their wrap-up is about)."""
        return self._last_answered.get(agent)

    def search(
        self,
        *,
        number: str | None = None,
        agent: str | None = None,
        since: float | None = None,
        until: float | None = None,
        where: Callable[[CallRow], bool] | None = None,
        limit: int = 100,
    ) -> list[CallRow]:
        """Calls that arrived in ``[since, until)`` (and pass ``where``), newest first, at
        most ``limit``."""
        found = []
        for row in self._newest_first(number, agent):
            if until is not None and row.arrived >= until:
                continue
            if since is not None and row.arrived < since:
                break
            if where is not None and not where(row):
                continue
            found.append(row)
            if len(found) == limit:
                break
        return found

    def history_of(self, number: str, call: str) -> list[dict[str, object]]:
        """The caller's last calls but ``call`` (the screen-pop's)."""
        return self.history(number, without=call)

    def history(self, number: str, *, without: str, limit: int = 5) -> list[dict[str, object]]:
        """The caller's last calls (not ``without``), for the screen-pop."""
        rows = (row for row in self._newest_first(number, None) if row.id != without)
        keys = ("id", "call_type", "agent", "outcome", "disposition", "note")
        return [
            {"at": dt.datetime.fromtimestamp(row.arrived, dt.UTC).isoformat(),
             **{key: getattr(row, key) for key in keys}}
            for row in itertools.islice(rows, limit)
        ]  # fmt: skip

    def _newest_first(self, number: str | None, agent: str | None) -> Iterator[CallRow]:
        ids: list[str] | None = None
        if number is not None:
            ids = self._by_number.get(number, [])
        if agent is not None:
            by_agent = self._by_agent.get(agent, [])
            if ids is not None:
                answered = set(by_agent)
                by_agent = [call for call in ids if call in answered]
            ids = by_agent
        for call in reversed(self._order if ids is None else ids):
            yield self._rows[call]

    # folding the log ----------------------------------------------------------------

    def apply(self, record: Record) -> None:
        match record:
            case IvrFinished():
                self._ivr(record)
            case m.CallArrived():
                row = self._row(record.call, record.at)
                row.call_type = row.call_type or record.call_type
                row.queued = row.queued if row.queued is not None else record.at
                row.ended = None  # waiting again, after a transfer
            case Rang():
                row = self._row(record.call, record.at)
                row.rang = row.rang if row.rang is not None else record.at
                row.agents_rung += (record.agent,)
                row._ringing[record.agent] = record.recording
            case m.Answered() | m.Consult():
                self._answered(record)
            case Transferred():
                row = self._row(record.call, record.at)
                row.transfers += (record.to,)
                row.outcome = "transferred"
            case m.CallAbandoned():
                row = self._row(record.call, record.at)
                row.ended, row.outcome = record.at, "abandoned"
            case m.CallEnded():
                self._row(record.call, record.at).ended = record.at
            case Overflowed():
                row = self._row(record.call, record.at)
                row.outcome = "overflowed"
                # to the apology, then goodbye: nothing more is logged
                row.ended = record.at if record.to is None else row.ended
            case m.WrapUpDone():
                self._wrapped(record)
            case m.AgentChanged() if record.state not in ("ringing", "on_call", "wrap_up"):
                self._wrapped(record)
            case RecordingsDeleted():
                self._forget_recordings(record.files)
            case Disposed():
                row = self._row(record.call, record.at)
                row.disposition, row.note, row.disposed_by = (
                    record.disposition, record.note, record.by)  # fmt: skip

    def _answered(self, record: m.Answered | m.Consult) -> None:
        """An agent answered, or was handed the call after a consult (attended transfer)."""
        if isinstance(record, m.Consult):
            kind, _, agent = record.to.partition(":")
            if record.step != "completed" or kind != "agent":
                return
        else:
            agent = record.agent
        row = self._row(record.call, record.at)
        row.answered = row.answered if row.answered is not None else record.at
        row.agent, row.outcome = agent, "answered"
        if recording := row._ringing.pop(agent, ""):
            row.recordings += (recording,)
            self._recorded[recording] = row.id
        if agent not in row.answered_by:
            row.answered_by += (agent,)
            self._index(self._by_agent.setdefault(agent, []), row)
        self._last_answered[agent] = row.id

    def _wrapped(self, record: m.WrapUpDone | m.AgentChanged) -> None:
        """The agent left their after-call work (by the button, the timer or a logout,
        whichever is logged first): the wrap-up of the call they answered last, if it is
        still theirs and over."""
        call = self._rows.get(self._last_answered.get(record.agent, ""))
        if call is not None and call.agent == record.agent and call.ended is not None:
            call.wrapped = call.wrapped if call.wrapped is not None else record.at

    def _forget_recordings(self, files: tuple[str, ...]) -> None:
        for name in files:
            call = self._rows.get(self._recorded.pop(name, ""))
            if call is not None:
                call.recordings = tuple(r for r in call.recordings if r != name)

    def _ivr(self, record: IvrFinished) -> None:
        row = self._row(record.call, record.started or record.at, number=record.number)
        row.flow = row.flow or record.flow
        row.ivr_path += record.path
        for name, value in record.vars.items():
            if name == "customer_id":
                row.customer = value
            elif name == "customer_name":
                row.name = value
            elif not name.startswith("customer_") and name != "caller_id":
                row.ivr_vars[name] = value
        if record.outcome in IVR_OUTCOMES:
            row.outcome, row.ended = IVR_OUTCOMES[record.outcome], record.at
        elif record.outcome == "Rated":
            rating = record.detail.get("rating", "")
            row.rating = int(rating) if rating.isdigit() else None
        elif record.outcome == "HungUp" and row.queued is None:
            row.outcome, row.ended = "ended_in_ivr", record.at
        elif record.outcome == "HungUp" and row.outcome == "overflowed":
            row.ended = record.at

    def _row(self, call: str, at: float, *, number: str = "") -> CallRow:
        row = self._rows.get(call)
        if row is None:
            row = self._rows[call] = CallRow(call, at, number=number)
            where = bisect.bisect_right(self._arrivals, at)
            self._arrivals.insert(where, at)
            self._order.insert(where, call)
            if number:
                self._index(self._by_number.setdefault(number, []), row)
        return row

    def _index(self, calls: list[str], row: CallRow) -> None:
        """Add ``row`` to an index, kept in arrival order like the book."""
        bisect.insort_right(calls, row.id, key=lambda call: self._rows[call].arrived)
