"""What a waiting caller hears on hold, and how often: ``sentences`` and ``announce_every_s``."""

from __future__ import annotations

from pathlib import Path

import pytest

from acd.adapters.agi.hold import sentences
from acd.routing_policy import RoutingPolicy, load_policy
from acd.routing_view import Place

NEXT = [("STREAM FILE", "queue-youarenext")]
THANKS = [("STREAM FILE", "queue-thankyou")]
UNDER_A_MINUTE = [
    ("STREAM FILE", "queue-holdtime"),
    ("STREAM FILE", "queue-less-than"),
    ("SAY NUMBER", "1"),
    ("STREAM FILE", "queue-minute"),
]


def caller_number(n: int) -> list[tuple[str, str]]:
    return [
        ("STREAM FILE", "queue-thereare"),
        ("SAY NUMBER", str(n)),
        ("STREAM FILE", "queue-callswaiting"),
    ]


def minutes(n: int) -> list[tuple[str, str]]:
    return [
        ("STREAM FILE", "queue-holdtime"),
        ("SAY NUMBER", str(n)),
        ("STREAM FILE", "queue-minutes"),
    ]


# sentences -------------------------------------------------------------------------------


def test_sentences_say_you_are_next_and_thank_you_when_first_with_no_known_wait() -> None:
    assert sentences(Place(1, None, 30.0)) == NEXT + THANKS


def test_sentences_say_the_callers_number_when_not_first_with_no_known_wait() -> None:
    assert sentences(Place(4, None, 30.0)) == caller_number(4) + THANKS


@pytest.mark.parametrize("wait", [0.0, 30.0, 60.0])
def test_sentences_say_less_than_one_minute_when_the_wait_is_at_most_a_minute(wait: float) -> None:
    assert sentences(Place(1, wait, 30.0)) == NEXT + UNDER_A_MINUTE + THANKS


def test_sentences_round_the_wait_up_to_two_minutes_when_it_is_just_over_a_minute() -> None:
    assert sentences(Place(2, 61.0, 30.0)) == caller_number(2) + minutes(2) + THANKS


def test_sentences_say_ten_minutes_when_the_wait_is_ten_minutes() -> None:
    assert sentences(Place(12, 600.0, 30.0)) == caller_number(12) + minutes(10) + THANKS


def test_sentences_say_the_same_whatever_the_interval_when_the_place_is_the_same() -> None:
    assert sentences(Place(3, 90.0, 0.0)) == sentences(Place(3, 90.0, 45.0))


# announce_every_s in routing.yaml --------------------------------------------------------


def load(tmp_path: Path, call_type: str) -> tuple[RoutingPolicy | None, list[str]]:
    path = tmp_path / "routing.yaml"
    path.write_text(f"skills: [tech]\ncall_types:\n  tech:\n    {call_type}\n")
    policy, found = load_policy(path)
    return policy, [str(p).replace(f"{tmp_path}/", "") for p in found]


def test_a_call_type_announces_every_thirty_seconds_when_announce_every_s_is_not_given(
    tmp_path: Path,
) -> None:
    policy, found = load(tmp_path, "skills: {tech: 3}")
    assert found == [] and policy is not None
    assert policy.call_types["tech"].announce_every_s == 30.0
    assert policy.to_core().call_types["tech"].announce_every == 30.0


def test_announce_every_s_reaches_the_core_call_type_when_given(tmp_path: Path) -> None:
    policy, found = load(tmp_path, "announce_every_s: 45")
    assert found == [] and policy is not None
    assert policy.to_core().call_types["tech"].announce_every == 45.0


def test_announce_every_s_of_zero_is_allowed_when_callers_should_hear_music_only(
    tmp_path: Path,
) -> None:
    policy, found = load(tmp_path, "announce_every_s: 0")
    assert found == [] and policy is not None
    assert policy.to_core().call_types["tech"].announce_every == 0.0


def test_announce_every_s_is_rejected_with_its_place_when_negative(tmp_path: Path) -> None:
    policy, found = load(tmp_path, "announce_every_s: -5")
    assert policy is None
    assert found == [
        "routing.yaml:4:5: call_types.tech.announce_every_s: "
        "Input should be greater than or equal to 0"
    ]


def test_sentences_say_nothing_while_the_agents_phone_rings() -> None:
    assert sentences(Place(None, 90.0, 30.0)) == []
