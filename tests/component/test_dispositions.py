"""Filing a disposition: on the agent's last call by default, only by someone who may, and
only with a code of the call type's list (when it has one)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, NamedTuple

from acd.auth import Principal
from acd.call_book import CallBook
from acd.call_log import CallLog, Dispose
from acd.core import messages as m
from acd.event_log import MemoryEventLog
from acd.journal import Journal
from acd.records import Disposed, decode
from acd.routing_policy import load_policy

REPO = Path(__file__).parents[2]
TEAMS = {"1001": "Billing", "1002": "Support"}


class Filing(NamedTuple):
    call_log: CallLog
    book: CallBook
    journal: Journal
    log: MemoryEventLog
    submitted: list[Any]


def filing() -> Filing:
    policy, _ = load_policy(REPO / "routing.yaml")
    assert policy is not None
    book, log = CallBook(), MemoryEventLog()
    submitted: list[Any] = []
    journal = Journal(log, on_record=book.apply)
    call_log = CallLog(journal, book, TEAMS, lambda: 500.0, submitted.append,
                       codes=policy.codes)  # fmt: skip
    for call, kind, agent in (("c1", "tech", "1002"), ("c2", "general", "1001")):
        book.apply(m.CallArrived(100.0, call, kind))
        book.apply(m.Answered(110.0, call, agent))
    book.apply(m.CallArrived(120.0, "c3", "tech"))  # abandoned
    book.apply(m.CallAbandoned(130.0, "c3"))
    return Filing(call_log, book, journal, log, submitted)


def test_a_code_of_the_call_types_list_is_filed_on_the_agents_last_call() -> None:
    call_log, book, _, _, submitted = filing()
    me = Principal("1002", "agent", ("Support",))
    assert call_log.dispose(me, None, "password reset", "link sent") is None
    assert submitted == [Dispose("c1", "1002", "password reset", "link sent")]
    call_log.apply(submitted[0])  # what the runtime does with it
    assert (book.get("c1").disposition, book.get("c1").note) == ("password reset", "link sent")  # type: ignore[union-attr]


def test_a_code_not_in_the_list_and_other_wrong_filings_are_refused_with_why() -> None:
    call_log, _, journal, _, submitted = filing()
    me = Principal("1002", "agent", ("Support",))
    lead = Principal("1900", "supervisor", ("Billing",))
    refused = {
        "unknown code": call_log.dispose(me, "c1", "refund"),  # a billing code, not tech's
        "general's list": call_log.dispose(Principal("1001", "agent"), "c2", "password reset"),
        "other's call": call_log.dispose(me, "c2", "resolved"),
        "other team's lead": call_log.dispose(lead, "c1", "escalated"),
        "abandoned": call_log.dispose(me, "c3", "other"),
        "no such call": call_log.dispose(me, "c9", "other"),
        "empty": call_log.dispose(me, "c1", "  "),
        "long note": call_log.dispose(me, "c1", "other", "x" * 2001),
    }
    assert {why: r[0] if r else None for why, r in refused.items()} == {
        "unknown code": 400, "general's list": 400, "other's call": 403,
        "other team's lead": 403, "abandoned": 409, "no such call": 404, "empty": 400,
        "long note": 400,
    }  # fmt: skip
    assert refused["unknown code"][2].startswith("one of: password reset, device issue")  # type: ignore[index]
    assert submitted == [] and journal.backlog == 0


async def test_a_supervisor_of_the_team_may_file_and_it_is_logged() -> None:
    call_log, _, journal, log, submitted = filing()
    lead = Principal("1901", "supervisor", ("Support",))
    assert call_log.dispose(lead, "c1", "escalated", "handed to tier 2") is None
    writer = asyncio.create_task(journal.run())
    call_log.apply(submitted[0])
    await asyncio.sleep(0.05)
    writer.cancel()
    assert [decode(e) for e in log.entries] == [  # only what the journal wrote
        Disposed(500.0, "c1", "1901", "escalated", "handed to tier 2")
    ]
