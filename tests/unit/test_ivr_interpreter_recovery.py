"""When a flow breaks mid-call, loops without asking, or is published anew during a call."""

from __future__ import annotations

from pathlib import Path

from acd.ivr import steps as s
from acd.ivr.catalog import Catalog
from acd.ivr.interpreter import IvrCall
from acd.ivr.lint import check
from tests.unit.ivr_helpers import MONDAY_10, catalog, run

FRAGILE = """
name: fragile
entry: start
error_call_type: support
nodes:
  start: {type: set, vars: {language: fr, note: "from ${caller_id}"}, next: greet}
  greet: {type: play, prompts: [hello], next: bye}
  bye: {type: hangup, prompts: []}
"""


def test_without_on_error_a_vanished_sound_means_an_apology_and_the_error_call_type(
    tmp_path: Path,
) -> None:
    hello_gone = lambda c: isinstance(c, s.Play) and s.Sound("hello") in c.audio  # noqa: E731

    result = run(catalog(tmp_path, FRAGILE), "fragile", broken=hello_gone)

    assert result.visited == ("fragile.start", "fragile.greet")
    assert result.heard == ("sorry-youre-having-problems",)
    assert result.outcome == s.Queued("support", {}, 0, "fr")
    assert result.vars == {
        "caller_id": "14155550100", "dialed": "", "language": "fr",
        "note": "from 14155550100", "ivr_error": "simulated failure",
    }  # fmt: skip


def test_a_loop_that_never_asks_the_caller_is_cut_after_200_nodes(tmp_path: Path) -> None:
    spin = "name: spin\nentry: a\nnodes:\n  a: {type: play, prompts: [tick], next: b}\n"
    spin += '  b: {type: set, vars: {x: "1"}, next: a}\n'
    (tmp_path / "spin.yaml").write_text(spin, encoding="utf-8")
    checked = check([tmp_path / "spin.yaml"])  # the linter refuses it; run it all the same
    assert [p.message for p in checked.problems] == [
        "loop with no caller input and no exit: a -> b -> a",
        "loop with no caller input and no exit: b -> a -> b",
    ]

    result = run(Catalog("loop", checked.flows), "spin")

    assert result.visited == ("spin.a", "spin.b") * 100 + ("spin.a",)
    assert result.heard == ("tick",) * 100 + ("sorry-youre-having-problems",)
    assert result.outcome == s.Queued("general", {}, 0, "")
    assert result.vars["ivr_error"] == "200 nodes in a row without asking the caller"


MAIN = """
name: main
entry: hello
nodes:
  hello: {type: play, prompts: [hello], next: step}
  step: {type: subflow, flow: step, next: done}
  done: {type: queue, call_type: general}
"""
STEP = """
name: step
entry: mark
nodes:
  mark: {type: set, vars: {version: VERSION}, next: back}
  back: {type: return}
"""


def test_a_call_keeps_running_the_catalog_it_entered_with(tmp_path: Path) -> None:
    first = catalog(tmp_path, MAIN, STEP.replace("VERSION", "one"), version="v1")
    ivr = IvrCall(first, "main", caller_id="100")
    assert ivr.start(MONDAY_10) == s.Play((s.Sound("hello"),))

    second = catalog(tmp_path, MAIN, STEP.replace("VERSION", "two"), version="v2")
    assert run(second, "main").vars["version"] == "two"
    finish = ivr.resume(s.Heard(), MONDAY_10)

    assert finish == s.Finish(
        s.Queued("general", {}, 0, ""),
        {"caller_id": "100", "dialed": "", "version": "one"},
        ("main.hello", "main.step", "step.mark", "step.back", "main.done"),
    )
