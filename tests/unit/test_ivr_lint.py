"""``acd ivr lint``: every kind of mistake in ``ivr_corpus/``, reported at its line and column.

Each expected line was worked out by hand from the corpus file (1-based line:column of
the key, or of the value for a wrong name), so a position regression fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from acd.ivr.lint import check
from acd.routing_policy import RoutingPolicy, load_policy

CORPUS = Path(__file__).parent / "ivr_corpus"
KINDS = (
    "play, menu, gather, set, switch, hours, lookup, verify, queue, transfer, voicemail, "
    "callback, survey, subflow, return, goto, hangup"
)
DIGITS = "Input should be '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*' or '#'"


@pytest.fixture(autouse=True)
def in_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths relative to the corpus, so the expected lines read like the CLI's."""
    monkeypatch.chdir(CORPUS)


def corpus_policy() -> RoutingPolicy:
    policy, problems = load_policy(Path("routing/policy.yaml"))
    assert problems == []
    assert policy is not None
    return policy


def lint(*names: str, sounds: Path | None = None, policy: RoutingPolicy | None = None) -> list[str]:
    checked = check([Path(name) for name in names], sounds=sounds, policy=policy)
    return [str(problem) for problem in checked.problems]


SINGLE_FILE = {
    "yaml_syntax": ["yaml_syntax.yaml:7:9: YAML: expected ',' or ']', but got ':'"],
    "duplicate_key": [
        "duplicate_key.yaml:8:5: duplicate key 'next' (first at line 7)",
        "duplicate_key.yaml:11:3: duplicate key 'bye' (first at line 9)",
    ],
    "unknown_type": [
        f"unknown_type.yaml:5:5: nodes.start.type: unknown node type 'dance'; one of: {KINDS}"
    ],
    "unknown_key": [
        "unknown_key.yaml:4:3: nodes.start.next: required key is missing",
        "unknown_key.yaml:7:5: nodes.start.nxet: unknown key (did you mean 'next'?)",
        "unknown_key.yaml:10:5: nodes.bye.prompt: unknown key (did you mean 'prompts'?)",
    ],
    "nested_keys": [
        "nested_keys.yaml:6:22: nodes.start.prompts.1.digits: required key is missing",
        "nested_keys.yaml:6:22: nodes.start.prompts.1.number: required key is missing",
        "nested_keys.yaml:6:23: nodes.start.prompts.1.digit: unknown key (did you mean 'digits'?)",
        "nested_keys.yaml:8:26: nodes.start.choices.1.sett: unknown key (did you mean 'set'?)",
        "nested_keys.yaml:13:27: nodes.route.cases.0.when.equal: "
        "unknown key (did you mean 'equals'?)",
        "nested_keys.yaml:19:56: nodes.bye.callback.digt: unknown key (did you mean 'digit'?)",
    ],
    "missing_key": [
        "missing_key.yaml:4:3: nodes.start.fallback: required key is missing",
        "missing_key.yaml:9:3: nodes.bye.call_type: required key is missing",
    ],
    "bad_values": [
        "bad_values.yaml:6:5: nodes.start.prompts: Input should be a list",
        "bad_values.yaml:9:5: nodes.start.timeout: "
        "Input should be a valid number, unable to parse string as a number",
        "bad_values.yaml:10:5: nodes.start.retries: Input should be less than or equal to 9",
        "bad_values.yaml:15:5: nodes.bye.priority: Input should be less than or equal to 100",
        "bad_values.yaml:16:14: nodes.bye.skills.billing: "
        "Input should be greater than or equal to 1",
    ],
    "bad_digit": [
        f"bad_digit.yaml:9:7: nodes.start.choices.A: {DIGITS}",
        f"bad_digit.yaml:10:7: nodes.start.choices.12: {DIGITS}",
    ],
    "bad_scalar": [
        "bad_scalar.yaml:7:16: YAML: cannot read '2026-02-30': day is out of range for month",
        "bad_scalar.yaml:8:17: a key must be a plain value, not a list or mapping",
        "bad_scalar.yaml:13:14: YAML: an alias refers to a collection that contains it",
    ],
    "unknown_targets": [
        "unknown_targets.yaml:3:11: on_error: no node named 'oops'",
        "unknown_targets.yaml:10:12: no node named 'byebye'",
        "unknown_targets.yaml:11:19: no node named 'main'",
        "unknown_targets.yaml:16:11: no node named 'welcome'",
        "unknown_targets.yaml:21:15: no node named 'sales_queue'",
    ],
    # only the entry: its nodes are not also "never reached" from a node that is not there
    "unknown_entry": ["unknown_entry.yaml:2:8: entry: no node named 'strat'"],
    "unreachable": [
        "unreachable.yaml:10:3: node 'orphan' is never reached from 'start'",
        "unreachable.yaml:14:3: node 'lost' is never reached from 'start'",
    ],
    "dead_end": [
        "dead_end.yaml:4:3: dead end: no way on from 'start' ends the call",
        "dead_end.yaml:11:3: dead end: no way on from 'again' ends the call",
    ],
    "silent_loop": [
        "silent_loop.yaml:4:3: loop with no caller input and no exit: start -> count -> start",
        "silent_loop.yaml:8:3: loop with no caller input and no exit: count -> start -> count",
    ],
    "hours": [
        "hours.yaml:7:16: bad span '18:00-08:00': write HH:MM-HH:MM with the end after the start",
        "hours.yaml:12:5: hours leave a gap: sun not listed (write closed)",
        "hours.yaml:13:7: spans 09:00-12:00 and 11:00-13:00 overlap",
        "hours.yaml:14:13: bad span '18:00-09:00': write HH:MM-HH:MM with the end after the start",
        "hours.yaml:15:13: bad span '20:00-24:30': write HH:MM-HH:MM with the end after the start",
        "hours.yaml:16:7: spans 08:00-18:00 and 09:00-10:00 overlap",
        "hours.yaml:16:7: spans 08:00-18:00 and 12:00-13:00 overlap",
        "hours.yaml:17:13: bad span '09:60-10:00': write HH:MM-HH:MM with the end after the start",
        "hours.yaml:20:20: bad span '13:00-12:00': write HH:MM-HH:MM with the end after the start",
    ],
    "bad_regex": [
        "bad_regex.yaml:8:14: bad regular expression: unterminated character set at position 0",
        "bad_regex.yaml:9:5: min_digits is more than max_digits",
        "bad_regex.yaml:16:39: bad regular expression: "
        "missing ), unterminated subpattern at position 0",
    ],
    "bad_timezone": [
        "bad_timezone.yaml:3:11: unknown timezone 'Mars/Olympus_Mons'",
        "bad_timezone.yaml:7:15: unknown timezone 'Europe/Pariss'",
    ],
    "unknown_flows": [
        "unknown_flows.yaml:14:11: no flow named 'helpdesk'",
        "unknown_flows.yaml:18:11: no flow named 'sales'",
        "unknown_flows.yaml:22:11: flow 'unknown_flows' has no node 'nowhere'",
    ],
    "transfer": [
        "transfer.yaml:11:3: transfer needs exactly one of agent, call_type, extension",
        "transfer.yaml:13:3: transfer needs exactly one of agent, call_type, extension",
    ],
}


@pytest.mark.parametrize("name", SINGLE_FILE)
def test_lint_reports_each_mistake_at_its_line_and_column(name: str) -> None:
    assert lint(f"{name}.yaml") == SINGLE_FILE[name]


def test_lint_reports_every_mistake_of_a_file_at_once() -> None:
    assert lint("many_mistakes.yaml", policy=corpus_policy()) == [
        "many_mistakes.yaml:3:11: unknown timezone 'Moon/Base'",
        "many_mistakes.yaml:12:12: no node named 'nowhere'",
        "many_mistakes.yaml:14:3: queue: max_wait and on_max_wait go together",
        "many_mistakes.yaml:17:14: unknown skill 'french'; routing knows: billing, tech",
        "many_mistakes.yaml:19:3: transfer needs exactly one of agent, call_type, extension",
        "many_mistakes.yaml:23:3: lookup: source http needs a url",
        "many_mistakes.yaml:29:3: loop with no caller input and no exit: loop -> loop",
        "many_mistakes.yaml:33:3: node 'orphan' is never reached from 'start'",
        "many_mistakes.yaml:35:5: hours leave a gap: tue, wed, thu, fri, sat, sun not listed "
        "(write closed)",
    ]


def test_lint_reports_call_types_and_skills_routing_does_not_know() -> None:
    known = "it knows: billing, general"
    assert lint("unknown_routing.yaml", policy=corpus_policy()) == [
        f"unknown_routing.yaml:3:18: routing has no call type 'errors'; {known}",
        "unknown_routing.yaml:16:26: unknown skill 'french'; routing knows: billing, tech",
        f"unknown_routing.yaml:19:16: routing has no call type 'sales'; {known}",
        f"unknown_routing.yaml:22:16: routing has no call type 'vip'; {known}",
        f"unknown_routing.yaml:25:16: routing has no call type 'callbacks'; {known}",
    ]
    assert lint("unknown_routing.yaml") == []  # without a policy, routing is not checked


def test_lint_reports_prompts_missing_from_the_sound_directory(tmp_path: Path) -> None:
    for name in ("en/hello.gsm", "en/digits/1.gsm", "goodbye.wav", "en/pbx-invalid.gsm"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")

    assert lint("sounds.yaml", sounds=tmp_path) == [
        # the menu's default timeout prompt is not written in the file: the node is shown
        f"sounds.yaml:5:5: sound 'please-try-again' is not in {tmp_path}",
        f"sounds.yaml:6:32: sound 'missing-one' is not in {tmp_path}",
        f"sounds.yaml:12:24: sound 'vm-goodbye' is not in {tmp_path}",
    ]


def test_lint_finds_sounds_in_language_directories_but_not_in_other_folders(
    tmp_path: Path,
) -> None:
    for name in ("fr_CA/hello.gsm", "custom/goodbye.wav", "custom/vm-goodbye.wav"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    for name in ("digits/1", "missing-one", "pbx-invalid", "please-try-again"):
        (tmp_path / "en" / f"{name}.gsm").parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "en" / f"{name}.gsm").write_bytes(b"")

    # Playback knows custom/goodbye, not goodbye: only en and fr_CA are language folders
    assert lint("sounds.yaml", sounds=tmp_path) == [
        f"sounds.yaml:12:15: sound 'goodbye' is not in {tmp_path}",
        f"sounds.yaml:12:24: sound 'vm-goodbye' is not in {tmp_path}",
    ]


def test_lint_reports_a_flow_name_used_twice_and_still_checks_the_second_flow() -> None:
    assert lint("same_name_1.yaml", "same_name_2.yaml") == [
        "same_name_2.yaml:1:1: flow 'twin' is also in same_name_1.yaml",
        "same_name_2.yaml:6:3: node 'spare' is never reached from 'start'",
    ]


def test_lint_reports_a_number_that_enters_two_flows_or_is_listed_twice() -> None:
    assert lint("numbers_1.yaml", "numbers_2.yaml") == [
        "numbers_2.yaml:2:19: number '4002' already enters flow 'numbers_1'",
        "numbers_2.yaml:2:27: number '4003' already enters flow 'numbers_2'",
    ]
    assert lint("numbers_1.yaml") == []


def test_lint_counts_a_node_another_flow_jumps_to_as_reached() -> None:
    assert lint("goto_from.yaml", "goto_into.yaml") == []
    # alone, the target flow's node is unreachable and the jump goes nowhere
    assert lint("goto_into.yaml") == [
        "goto_into.yaml:6:3: node 'late' is never reached from 'start'"
    ]
    assert lint("goto_from.yaml") == ["goto_from.yaml:6:11: no flow named 'goto_into'"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", ["1:1: the file is empty"]),
        (b"- a\n- b\n", ["1:1: a flow is a mapping with name, entry and nodes"]),
        (
            b"name: x\n---\nname: y\n",
            ["2:1: YAML: expected a single document in the stream, but found another document"],
        ),
        (b"name: x\nentry: \x07\n", ["2:8: YAML: character U+0007 is not allowed"]),
        (b"name: \xff\n", ["1:1: not UTF-8 text: invalid start byte"]),
        (
            b"name: x\nentyr: a\nnodes: {}\n",
            [
                "1:1: entry: required key is missing",
                "2:1: entyr: unknown key (did you mean 'entry'?)",
            ],
        ),
    ],
)
def test_lint_reports_files_that_are_not_flows(
    tmp_path: Path, content: bytes, expected: list[str]
) -> None:
    (tmp_path / "flow.yaml").write_bytes(content)

    assert lint(str(tmp_path / "flow.yaml")) == [f"{tmp_path / 'flow.yaml'}:{e}" for e in expected]


def test_lint_reports_a_file_it_cannot_read() -> None:
    assert lint("no_such_flow.yaml") == [
        "no_such_flow.yaml:1:1: cannot read: No such file or directory"
    ]
