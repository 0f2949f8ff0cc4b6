"""Router scenarios with the exact commands expected: who gets which call and why.

Selection (strategies and their tie-breaks), requirement steps and IVR skills. The helpers
here are shared by the other ``test_router_*.py`` files: cross-queue order and priority
(``order``), rings, hang-ups and maximum waits (``calls``), wrap-up and requests during a call
(``wrap_up``), odd events, explanations and replay (``events``), properties (``properties``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pytest

from acd.core import messages as m
from acd.core.policy import AgentProfile, CallType, Policy, Requirement, Step, Strategy
from acd.core.router import Router

# helpers ---------------------------------------------------------------------------------


def req(team: str | None = None, **skills: int) -> Requirement:
    return Requirement.of(skills, team)


def kind(name: str, *steps: tuple[float, Requirement], **options: object) -> CallType:
    """A call type; no steps means anyone may take it."""
    stepped = tuple(Step(after, r) for after, r in steps) or (Step(0.0, Requirement()),)
    return CallType(name, stepped, **options)  # type: ignore[arg-type]


def router(
    agents: Mapping[str, Mapping[str, int]],
    *kinds: CallType,
    explain: bool | frozenset[str] = False,
    **options: object,
) -> Router:
    profiles = {name: AgentProfile(name, dict(skills)) for name, skills in agents.items()}
    types = {k.name: k for k in kinds} or {"any": kind("any")}
    return Router(Policy(types, profiles, **options), explain=explain)  # type: ignore[arg-type]


def ready(r: Router, *agents: str, at: float = 0.0) -> list[m.Command]:
    out: list[m.Command] = []
    for agent in agents:
        out += r.handle(m.LoggedIn(at, agent))
        out += r.handle(m.SetReady(at, agent))
    return out


def offers(commands: Iterable[m.Command]) -> list[tuple[str, str]]:
    return [(c.call, c.agent) for c in commands if isinstance(c, m.Offer)]


def the_offer(commands: Iterable[m.Command]) -> m.Offer:
    found = [c for c in commands if isinstance(c, m.Offer)]
    assert len(found) == 1, commands
    return found[0]


def states(r: Router) -> dict[str, str]:
    return {a.id: a.state.value for a in r.agents.values()}


def talk(r: Router, call: str, agent: str, at: float, until: float) -> list[m.Command]:
    """The agent answers ``call`` at ``at`` and the call ends at ``until``."""
    return r.handle(m.Answered(at, call, agent)) + r.handle(m.CallEnded(until, call))


# longest idle and the other strategies ---------------------------------------------------


def test_longest_idle_agent_gets_the_call_with_its_decision() -> None:
    r = router({"a": {}, "b": {}, "c": {}})
    ready(r, "b", at=1.0)
    ready(r, "a", at=2.0)
    ready(r, "c", at=3.0)
    out = r.handle(m.CallArrived(10.0, "c1", "any"))
    decision = m.Decision(10.0, "c1", "b", "call waiting", 0.0, 0, "anyone", "longest_idle",
                          (1.0, 0, "b"))  # fmt: skip
    assert out == [m.Offer("c1", "b", decision), m.AgentChanged("b", "ringing", "", 10.0)]
    assert r.next_deadline == 25.0  # the ring timeout


def test_longest_idle_tie_goes_to_the_smallest_agent_id() -> None:
    r = router({"c": {}, "b": {}, "a": {}})
    ready(r, "c", "b", "a", at=1.0)
    assert offers(r.handle(m.CallArrived(2.0, "c1", "any"))) == [("c1", "a")]
    assert offers(r.handle(m.CallArrived(2.0, "c2", "any"))) == [("c2", "b")]
    assert offers(r.handle(m.CallArrived(2.0, "c3", "any"))) == [("c3", "c")]


def test_idle_time_restarts_when_an_agent_finishes_a_call() -> None:
    r = router({"a": {}, "b": {}})
    ready(r, "a", at=0.0)
    ready(r, "b", at=1.0)
    r.handle(m.CallArrived(2.0, "c1", "any"))  # a, idle longest
    talk(r, "c1", "a", 3.0, 4.0)  # a is ready again since 4
    assert offers(r.handle(m.CallArrived(5.0, "c2", "any"))) == [("c2", "b")]


def test_best_skill_prefers_the_highest_level_then_longest_idle_then_id() -> None:
    billing = kind("billing", (0.0, req(billing=1)))
    r = router({"a": {"billing": 3}, "b": {"billing": 5}, "c": {"billing": 5}, "d": {}},
               billing, strategy=Strategy.BEST_SKILL)  # fmt: skip
    ready(r, "d", "a", at=0.0)
    ready(r, "c", "b", at=1.0)
    out = r.handle(m.CallArrived(2.0, "c1", "billing"))
    assert the_offer(out).agent == "b"
    assert the_offer(out).decision.key == (-5, 1.0, "b")
    assert the_offer(out).decision.strategy == "best_skill"
    assert offers(r.handle(m.CallArrived(2.0, "c2", "billing"))) == [("c2", "c")]
    assert offers(r.handle(m.CallArrived(2.0, "c3", "billing"))) == [("c3", "a")]
    assert offers(r.handle(m.CallArrived(2.0, "c4", "billing"))) == []  # d has no billing


def test_best_skill_of_a_widened_step_counts_every_skill_the_steps_name() -> None:
    tech = kind("tech", (0.0, req(net=5)), (10.0, req(phone=2)))
    r = router({"a": {"phone": 2}, "b": {"phone": 4}, "c": {"net": 1, "phone": 2}},
               tech, strategy=Strategy.BEST_SKILL)  # fmt: skip
    ready(r, "a", "b", "c", at=0.0)
    r.handle(m.CallArrived(0.0, "c1", "tech"))
    out = r.handle(m.Tick(10.0))
    assert the_offer(out).agent == "b"  # phone 4 beats net 1 + phone 2
    assert the_offer(out).decision.key == (-4, 0.0, "b")


@pytest.mark.parametrize(
    ("strategy", "chosen"), [(Strategy.LONGEST_IDLE, "b"), (Strategy.FEWEST_CALLS, "a")]
)
def test_fewest_calls_beats_idle_time(strategy: Strategy, chosen: str) -> None:
    r = router({"a": {}, "b": {}}, strategy=strategy)
    ready(r, "b", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))
    talk(r, "c1", "b", 2.0, 10.0)  # b: one call, ready since 10
    ready(r, "a", at=20.0)  # a: no call, ready since 20
    assert offers(r.handle(m.CallArrived(30.0, "c2", "any"))) == [("c2", chosen)]


def test_fewest_calls_tie_goes_to_longest_idle_then_id() -> None:
    r = router({"a": {}, "b": {}, "c": {}}, strategy=Strategy.FEWEST_CALLS)
    ready(r, "c", at=0.0)
    ready(r, "b", "a", at=1.0)
    out = r.handle(m.CallArrived(2.0, "c1", "any"))
    assert the_offer(out).agent == "c" and the_offer(out).decision.key == (0, 0.0, "c")
    assert offers(r.handle(m.CallArrived(2.0, "c2", "any"))) == [("c2", "a")]


@pytest.mark.parametrize(
    ("strategy", "chosen"), [(Strategy.LONGEST_IDLE, "a"), (Strategy.ROUND_ROBIN, "b")]
)
def test_round_robin_offers_to_whoever_was_offered_least_recently(
    strategy: Strategy, chosen: str
) -> None:
    r = router({"a": {}, "b": {}}, strategy=strategy)
    ready(r, "a", at=0.0)
    r.handle(m.CallArrived(1.0, "c1", "any"))
    talk(r, "c1", "a", 2.0, 3.0)  # a: ready since 3, offered once
    ready(r, "b", at=4.0)  # b: ready since 4, never offered
    assert offers(r.handle(m.CallArrived(5.0, "c2", "any"))) == [("c2", chosen)]


def test_round_robin_goes_around_in_order() -> None:
    r = router({"a": {}, "b": {}, "c": {}}, strategy=Strategy.ROUND_ROBIN)
    ready(r, "c", "b", "a", at=0.0)
    got = []
    for n in range(6):
        out = r.handle(m.CallArrived(float(n), f"c{n}", "any"))
        call, agent = offers(out)[0]
        got.append(agent)
        talk(r, call, agent, n + 0.25, n + 0.5)
    assert got == ["a", "b", "c", "a", "b", "c"]


# requirement steps -----------------------------------------------------------------------

TECH = kind("tech", (0.0, req(tech=5)), (10.0, req(tech=2)), (30.0, req(general=1)))


def test_an_agent_meeting_only_step_two_gets_the_call_exactly_when_it_starts() -> None:
    r = router({"junior": {"tech": 2}}, TECH)
    ready(r, "junior", at=0.0)
    assert r.handle(m.CallArrived(1.0, "c1", "tech")) == []
    assert r.next_deadline == 11.0
    assert r.handle(m.Tick(10.99)) == []
    out = r.handle(m.Tick(11.0))
    decision = the_offer(out).decision
    assert (decision.at, decision.agent, decision.step, decision.waited) == (
        11.0,
        "junior",
        1,
        10.0,
    )
    assert decision.requirement == "tech>=5 or tech>=2"
    assert decision.trigger == "call waiting"


def test_a_late_tick_still_widens_at_the_steps_own_time() -> None:
    r = router({"junior": {"tech": 2}}, TECH)
    ready(r, "junior", at=0.0)
    r.handle(m.CallArrived(0.0, "c1", "tech"))
    out = r.handle(m.Tick(12.0))
    assert the_offer(out).decision.at == 10.0 and the_offer(out).decision.step == 1


def test_widened_steps_keep_the_earlier_agents() -> None:
    r = router({"expert": {"tech": 5}, "clerk": {"general": 1}}, TECH)
    r.handle(m.CallArrived(0.0, "c1", "tech"))
    r.handle(m.Tick(30.0))
    assert r.calls["c1"].step == 2
    out = ready(r, "expert", at=31.0)
    assert offers(out) == [("c1", "expert")]
    assert the_offer(out).decision.requirement == "tech>=5 or tech>=2 or general>=1"


def test_an_agent_ready_before_its_step_waits_for_it() -> None:
    r = router({"junior": {"tech": 2}, "expert": {"tech": 5}}, TECH)
    r.handle(m.CallArrived(0.0, "c1", "tech"))
    assert offers(ready(r, "junior", at=5.0)) == []
    assert offers(r.handle(m.Tick(10.0))) == [("c1", "junior")]


def test_a_call_that_arrives_with_an_earlier_start_is_at_its_later_step_at_once() -> None:
    r = router({"junior": {"tech": 2}}, TECH)
    ready(r, "junior", at=0.0)
    out = r.handle(m.CallArrived(20.0, "c1", "tech", arrived=5.0))
    assert the_offer(out).decision.step == 1 and the_offer(out).decision.waited == 15.0


def test_ivr_skills_apply_to_the_first_step_only() -> None:
    billing = kind("billing", (0.0, req(billing=2)), (20.0, req(billing=1)))
    r = router({"plain": {"billing": 2}, "french": {"billing": 2, "fr": 1}}, billing)
    ready(r, "plain", at=0.0)
    ready(r, "french", at=1.0)
    out = r.handle(m.CallArrived(2.0, "c1", "billing", skills={"fr": 1}))
    assert offers(out) == [("c1", "french")]  # though plain is idle longer
    assert the_offer(out).decision.requirement == "billing>=2 and fr>=1"
    r.handle(m.Answered(2.5, "c1", "french"))
    assert offers(r.handle(m.CallArrived(3.0, "c2", "billing", skills={"fr": 1}))) == []
    out = r.handle(m.Tick(23.0))  # step 2: billing>=1, no language asked
    assert offers(out) == [("c2", "plain")]
    assert the_offer(out).decision.requirement == "billing>=2 and fr>=1 or billing>=1"


def test_ivr_skills_never_lower_the_call_types_levels() -> None:
    billing = kind("billing", (0.0, req(billing=3)))
    r = router({"low": {"billing": 1}}, billing)
    ready(r, "low", at=0.0)
    assert r.handle(m.CallArrived(1.0, "c1", "billing", skills={"billing": 1})) == []


def test_a_team_requirement_needs_the_team() -> None:
    vip = kind("vip", (0.0, req(team="gold")))
    profiles = {"a": AgentProfile("a"), "b": AgentProfile("b", team="gold")}
    r = Router(Policy({"vip": vip}, profiles))
    ready(r, "a", "b", at=0.0)
    assert offers(r.handle(m.CallArrived(1.0, "c1", "vip"))) == [("c1", "b")]
