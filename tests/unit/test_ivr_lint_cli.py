"""``acd ivr lint`` on the command line: its exit code and the lines it prints."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from acd.cli import main

ROOT = Path(__file__).resolve().parents[2]
HOTLINE_SOUNDS = (
    # written in ivr_flows/hotline.yaml
    "hello", "vm-press", "digits/1", "for", "vm-Cust1", "digits/2", "vm-Cust2",
    "basic-pbx-ivr-main", "agent-user", "agent-pass", "pls-hold-while-try", "vm-tocallback",
    "vm-nobodyavail", "auth-thankyou", "goodbye", "demo-thanks", "sorry-youre-having-problems",
    # defaults of its menus (invalid, timeout) and of its verify node (invalid)
    "pbx-invalid", "please-try-again", "auth-incorrect",
)  # fmt: skip


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what each test sets reaches Settings; paths are relative to the repository."""
    for name in list(os.environ):
        if name.startswith("ACD_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(ROOT)


def sound_dir(base: Path, names: tuple[str, ...]) -> Path:
    """A sound directory laid out as Asterisk's: ``en/<name>.gsm``."""
    for name in names:
        file = base / "en" / f"{name}.gsm"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(b"")
    return base


def test_lint_exits_0_and_prints_nothing_for_the_sample_flows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ACD_SOUNDS_DIR", str(sound_dir(tmp_path, HOTLINE_SOUNDS)))
    monkeypatch.setenv("ACD_ROUTING", "routing.yaml")

    code = main(["ivr", "lint", "ivr_flows"])

    out = capsys.readouterr()
    assert (code, out.out, out.err) == (0, "", "")


def test_lint_exits_1_when_a_sound_of_the_sample_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    names = tuple(name for name in HOTLINE_SOUNDS if name != "please-try-again")
    monkeypatch.setenv("ACD_SOUNDS_DIR", str(sound_dir(tmp_path, names)))

    code = main(["ivr", "lint", "ivr_flows/hotline.yaml"])

    missing = f"sound 'please-try-again' is not in {tmp_path}"
    assert code == 1
    # a default prompt is not written in the file: each menu using it is shown
    assert capsys.readouterr().out.splitlines() == [
        f"ivr_flows/hotline.yaml:40:5: {missing}",
        f"ivr_flows/hotline.yaml:50:5: {missing}",
        f"ivr_flows/hotline.yaml:108:5: {missing}",
        f"ivr_flows/hotline.yaml:117:5: {missing}",
    ]


def test_lint_exits_1_and_prints_each_problem_of_a_broken_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sounds = sound_dir(tmp_path, HOTLINE_SOUNDS)

    code = main(["ivr", "lint", "tests/unit/ivr_corpus/transfer.yaml", "--sounds", str(sounds)])

    problem = "transfer needs exactly one of agent, call_type, extension"
    assert code == 1
    assert capsys.readouterr().out.splitlines() == [
        f"tests/unit/ivr_corpus/transfer.yaml:11:3: {problem}",
        f"tests/unit/ivr_corpus/transfer.yaml:13:3: {problem}",
    ]


def test_lint_checks_against_the_routing_policy_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sounds = sound_dir(tmp_path, HOTLINE_SOUNDS)
    policy = "tests/unit/ivr_corpus/routing/policy.yaml"

    code = main(["ivr", "lint", "ivr_flows", "--sounds", str(sounds), "--routing", policy])

    known = "it knows: billing, general"
    assert code == 1
    assert capsys.readouterr().out.splitlines() == [
        f"ivr_flows/hotline.yaml:85:16: routing has no call type 'tech'; {known}",
        f"ivr_flows/hotline.yaml:94:16: routing has no call type 'complaints'; {known}",
        f"ivr_flows/hotline.yaml:126:16: routing has no call type 'callback'; {known}",
    ]


def test_lint_exits_1_when_the_routing_policy_cannot_be_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sounds = sound_dir(tmp_path, HOTLINE_SOUNDS)

    code = main(["ivr", "lint", "ivr_flows", "--sounds", str(sounds), "--routing", "nope.yaml"])

    assert code == 1
    assert capsys.readouterr().out.splitlines() == [
        "nope.yaml:1:1: cannot read the routing policy: No such file or directory"
    ]


def test_lint_notes_on_stderr_when_the_sound_directory_is_missing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["ivr", "lint", "ivr_flows", "--sounds", "no-such-dir"])

    out = capsys.readouterr()
    assert (code, out.out) == (0, "")
    assert out.err == "note: sound directory no-such-dir not found; sounds not checked\n"
