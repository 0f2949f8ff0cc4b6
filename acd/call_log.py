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
from acd.call_book import CallBook, CallRow
from acd.ivr import steps as s
from acd.journal import Journal
from acd.records import Disposed, IvrFinished, RecordingsDeleted
from acd.retention import Expired

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
        *,
        codes: Callable[[str], list[str]] | None = None,
    ) -> None:
        """``teams``: each agent's team (who a supervisor may file for); ``codes``: the
        disposition codes of a call type (empty: any text)."""
        self._journal, self._book, self._teams = journal, book, teams
        self._clock, self._submit, self._codes = clock, submit, codes

    def apply(self, event: object) -> None:
        """Runtime handler (before live routing's)."""
        match event:
            case s.IvrEnded():
                self._journal.record(ivr_finished(self._clock(), event))
            case Expired():
                self._journal.record(RecordingsDeleted(self._clock(), event.files))
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
        if call is None:
            whose = agent or (who.user if who is not None else None)
            call = self._book.last_answered(whose) if whose else None
        row = self._book.get(call) if call else None
        refused = self._refusal(who, row, disposition.strip(), note)
        if refused is not None or row is None:
            return refused or (404, "no such call", "no call to file a disposition on")
        by = who.user if who is not None else ""
        self._submit(Dispose(row.id, by, disposition.strip(), note))
        return None

    def _refusal(self, who: Principal | None, row: CallRow | None, disposition: str,
                 note: str) -> tuple[int, str, str] | None:  # fmt: skip
        allowed = self._codes(row.call_type) if self._codes and row else []
        checks = (
            (not disposition or len(disposition) > MAX_DISPOSITION,
             (400, "bad disposition", f"1 to {MAX_DISPOSITION} characters")),
            (len(note) > MAX_NOTE, (400, "bad note", f"at most {MAX_NOTE} characters")),
            (row is None, (404, "no such call", "no call to file a disposition on")),
            (row is not None and not row.answered_by,
             (409, "not answered", "only a call an agent answered gets a disposition")),
            (who is not None and row is not None and not any(
                who.may_act_for(a, self._teams.get(a)) for a in row.answered_by),
             (403, "not yours", "the call was answered by another agent")),
            (bool(allowed) and disposition not in allowed,
             (400, "unknown disposition", f"one of: {', '.join(allowed)}")),
        )  # fmt: skip
        return next((refusal for failed, refusal in checks if failed), None)
