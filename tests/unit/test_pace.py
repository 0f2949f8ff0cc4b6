"""The line's pace: the expected wait from the latest answers of each call type."""

from __future__ import annotations

import pytest

from acd.core.pace import Pace


def answered(pace: Pace, call_type: str, *at: float) -> Pace:
    for when in at:
        pace.answered(call_type, when)
    return pace


def test_expected_wait_is_unknown_when_nothing_was_answered() -> None:
    assert Pace().expected_wait("tech", 1, 100.0) is None


@pytest.mark.parametrize("times", [(10.0,), (10.0, 40.0)])
def test_expected_wait_is_unknown_when_fewer_than_three_calls_were_answered(
    times: tuple[float, ...],
) -> None:
    pace = answered(Pace(), "tech", *times)
    assert pace.expected_wait("tech", 1, 50.0) is None


def test_expected_wait_is_the_position_times_the_mean_gap_when_three_calls_were_answered() -> None:
    pace = answered(Pace(), "tech", 100.0, 130.0, 190.0)  # gaps 30 and 60: mean 45
    assert pace.expected_wait("tech", 1, 200.0) == 45.0
    assert pace.expected_wait("tech", 4, 200.0) == 180.0


def test_expected_wait_uses_only_the_last_ten_answers_when_more_came() -> None:
    # the first gap is 1000 s; the ten after it are 10 s apart
    pace = answered(Pace(), "tech", 0.0, *(1000.0 + 10 * i for i in range(10)))
    assert pace.expected_wait("tech", 1, 1100.0) == 10.0
    assert pace.expected_wait("tech", 3, 1100.0) == 30.0


def test_expected_wait_counts_the_tenth_answer_back_when_exactly_ten_came() -> None:
    pace = answered(Pace(), "tech", 0.0, *(900.0 + 100 * i for i in range(9)))
    # ten answers: from 0 to 1700, nine gaps of mean 1700 / 9
    assert pace.expected_wait("tech", 9, 1700.0) == pytest.approx(1700.0)


def test_expected_wait_is_known_when_the_last_answer_is_exactly_an_hour_old() -> None:
    pace = answered(Pace(), "tech", 0.0, 20.0, 40.0)
    assert pace.expected_wait("tech", 2, 40.0 + 3600.0) == 40.0


def test_expected_wait_is_unknown_when_the_last_answer_is_older_than_an_hour() -> None:
    pace = answered(Pace(), "tech", 0.0, 20.0, 40.0)
    assert pace.expected_wait("tech", 2, 40.0 + 3600.5) is None


def test_expected_wait_is_known_again_when_a_call_is_answered_after_a_quiet_hour() -> None:
    pace = answered(Pace(), "tech", 0.0, 30.0, 60.0)
    assert pace.expected_wait("tech", 1, 6000.0) is None
    pace.answered("tech", 6000.0)  # four answers, 6000 s apart in all: a mean gap of 2000
    assert pace.expected_wait("tech", 1, 6000.0) == 2000.0


def test_expected_wait_of_a_call_type_ignores_answers_of_another_when_both_are_busy() -> None:
    pace = answered(Pace(), "tech", 0.0, 10.0, 20.0)
    answered(pace, "billing", 0.0, 100.0, 200.0)
    assert pace.expected_wait("tech", 1, 200.0) == 10.0
    assert pace.expected_wait("billing", 1, 200.0) == 100.0


def test_expected_wait_is_unknown_for_a_call_type_when_only_another_type_was_answered() -> None:
    pace = answered(Pace(), "tech", 0.0, 10.0, 20.0, 30.0)
    answered(pace, "billing", 25.0, 28.0)
    assert pace.expected_wait("billing", 1, 30.0) is None
    assert pace.expected_wait("sales", 1, 30.0) is None
