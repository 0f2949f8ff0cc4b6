"""What the call records need that routing does not log: every IVR outcome, and dispositions.

Runs in the runtime task like live routing. An IVR outcome is logged before routing hears
of the call, so a call's record starts with how it came in; a disposition is checked here
(who may file it, on which call) and logged, to be folded into the call book.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from acd.auth import Principal
from acd.call_book import CallBook
from acd.ivr import steps as s
from acd.journal import Journal
from acd.records import Disposed, IvrFinished

MAX_DISPOSITION = 64
MAX_NOTE = 2000


@dataclass(frozen=True, slots=True)
class Dispose:
    """A disposition to log (already checked)."""

    call: str
    by: str
    disposition: str
    note: str


def ivr_finished(at: float, ended: s.IvrEnded) -> IvrFinished:
    outcome = ended.finish.outcome
    detail = {
        name: str(value)
        for name, value in dataclasses.asdict(outcome).items()
        if value not in (None, "", {})
    }
    ivr_vars = dict(ended.finish.vars)
    return IvrFinished(at, ended.call_id, ivr_vars.pop("caller_id", ""),
                       f"{ended.flow}@{ended.version}", type(outcome).__name__,
                       tuple(ended.finish.path), ivr_vars, detail, ended.started)  # fmt: skip


class CallLog:
    def __init__(
        self,
        journal: Journal,
        book: CallBook,
        teams: Mapping[str, str | None],
        clock: Callable[[], float],
        submit: Callable[[Any], None],
    ) -> None:
        """``teams``: each agent's team (who a supervisor may file for)."""
        self._journal, self._book, self._teams = journal, book, teams
        self._clock, self._submit = clock, submit

    def apply(self, event: object) -> None:
        """Runtime handler (before live routing's)."""
        match event:
            case s.IvrEnded():
                self._journal.record(ivr_finished(self._clock(), event))
            case Dispose():
                self._journal.record(Disposed(self._clock(), event.call, event.by,
                                              event.disposition, event.note))  # fmt: skip

    def dispose(
        self,
        who: Principal | None,
        call: str | None,
        disposition: str,
        note: str = "",
        agent: str | None = None,
    ) -> tuple[int, str, str] | None:
        """File a disposition on ``call`` (None: the last call ``agent``, or ``who``,
        answered) if ``who`` may; else (status, title, detail)."""
        if not disposition.strip() or len(disposition) > MAX_DISPOSITION:
            return 400, "bad disposition", f"1 to {MAX_DISPOSITION} characters"
        if len(note) > MAX_NOTE:
            return 400, "bad note", f"at most {MAX_NOTE} characters"
        if call is None:
            whose = agent or (who.user if who is not None else None)
            call = self._book.last_answered(whose) if whose else None
        row = self._book.get(call) if call else None
        if row is None:
            return 404, "no such call", "no call to file a disposition on"
        if not row.answered_by:
            return 409, "not answered", "only a call an agent answered gets a disposition"
        if who is not None and not any(
            who.may_act_for(agent, self._teams.get(agent)) for agent in row.answered_by
        ):
            return 403, "not yours", f"call {row.id} was answered by another agent"
        by = who.user if who is not None else ""
        self._submit(Dispose(row.id, by, disposition.strip(), note))
        return None
