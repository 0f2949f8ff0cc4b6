"""How fast each call type's line moves, for telling a waiting caller the expected wait.

The mean gap between the latest answers of a call type, times the caller's place in line:
the estimate app_queue's callers know, kept per call type. None until enough answers came
recently (an estimate from one or two answers, or from yesterday, misleads more than
silence).
"""

from __future__ import annotations

from collections import deque

KEEP = 10
ENOUGH = 3
RECENT = 3600.0


class Pace:
    def __init__(self) -> None:
        self._answers: dict[str, deque[float]] = {}

    def answered(self, call_type: str, at: float) -> None:
        self._answers.setdefault(call_type, deque(maxlen=KEEP)).append(at)

    def expected_wait(self, call_type: str, position: int, now: float) -> float | None:
        """Seconds until a caller at ``position`` is answered, if the line moved lately."""
        answers = self._answers.get(call_type)
        if not answers or len(answers) < ENOUGH or now - answers[-1] > RECENT:
            return None
        gap = (answers[-1] - answers[0]) / (len(answers) - 1)
        return position * gap
