"""Queue figures from call records, as ``docs/kpis.md`` defines them (pure).

A call counts in the period it entered a queue. Offered: calls that queued, less the short
abandons (hung up within ``short_abandon_s`` of queueing: not a real demand). Answered and
abandoned: offered calls that were, with their waits (queue to answer, queue to hang-up).
Settled: offered calls no longer waiting (answered, abandoned, or sent elsewhere after their
longest wait); a call still waiting counts once it settles. Answer rate: answered / settled.
Service level: answered within ``T`` seconds / settled. ASA: mean wait of the answered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from acd.call_book import CallRow

THRESHOLDS = (10.0, 20.0)


@dataclass(slots=True)
class QueueFigures:
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    waiting: int = 0
    """Offered and not settled yet."""
    answered_within: dict[float, int] = field(default_factory=lambda: dict.fromkeys(THRESHOLDS, 0))
    answer_wait: float = 0.0
    abandon_wait: float = 0.0

    def add(self, row: CallRow, short_abandon_s: float) -> None:
        if row.queued is None:
            return
        if row.answered is not None:
            wait = max(0.0, row.answered - row.queued)
            self.offered += 1
            self.answered += 1
            self.answer_wait += wait
            for threshold in self.answered_within:
                self.answered_within[threshold] += wait <= threshold
        elif row.outcome == "abandoned" and row.ended is not None:
            wait = max(0.0, row.ended - row.queued)
            if wait < short_abandon_s:
                self.short_abandoned += 1
                return
            self.offered += 1
            self.abandoned += 1
            self.abandon_wait += wait
        else:
            self.offered += 1
            self.waiting += row.outcome == "in_progress"  # else overflowed, callback...

    def public(self) -> dict[str, object]:
        settled = self.offered - self.waiting
        return {
            "offered": self.offered,
            "answered": self.answered,
            "abandoned": self.abandoned,
            "short_abandoned": self.short_abandoned,
            "answer_rate": _ratio(self.answered, settled),
            "service_level": {
                f"{t:g}s": _ratio(n, settled) for t, n in self.answered_within.items()
            },
            "asa_s": _ratio(self.answer_wait, self.answered),
            "avg_abandon_wait_s": _ratio(self.abandon_wait, self.abandoned),
        }


def by_call_type(rows: Iterable[CallRow], short_abandon_s: float = 5.0) -> dict[str, QueueFigures]:
    figures: dict[str, QueueFigures] = {}
    for row in rows:
        figures.setdefault(row.call_type or "none", QueueFigures()).add(row, short_abandon_s)
    return figures


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None
