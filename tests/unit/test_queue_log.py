"""acd's records as Asterisk's queue_log lines, the format app_queue's reporting tools read."""

from __future__ import annotations

from pathlib import Path

from acd.core import messages as m
from acd.queue_log import QueueLog
from acd.records import IvrFinished, Overflowed, Rang, Record, Transferred

DAY: list[Record] = [
    m.LoggedIn(990.0, "1001"), m.AgentChanged("1001", "not_ready", "logged in", 990.0),
    m.AgentChanged("1001", "ready", "", 995.0),
    IvrFinished(999.0, "c1", "13800000001", "hotline@v1", "Queued"),
    m.CallArrived(1000.0, "c1", "billing"),
    Rang(1002.0, "c1", "1001", "acd-1001-c1-1"), m.RingFailed(1017.0, "c1", "1001"),
    Rang(1020.0, "c1", "1002", "acd-1002-c1-2"), m.Answered(1024.0, "c1", "1002"),
    m.CallEnded(1144.0, "c1", "agent"),
    m.CallArrived(1200.0, "c2", "tech"), m.CallAbandoned(1230.0, "c2"),
    m.CallArrived(1300.0, "c3", "tech"), Overflowed(1900.0, "c3", "hotline.offer_callback"),
    m.CallArrived(2000.0, "c4", "tech"), m.Answered(2010.0, "c4", "1002"),
    Transferred(2100.0, "c4", "1002", "agent:1001"), m.CallEnded(2100.0, "c4", "agent"),
    m.CallArrived(2100.0, "c4", "tech", agent="1001", agent_for=60.0),
    m.Answered(2105.0, "c4", "1001"), m.CallEnded(2200.0, "c4", "caller"),
    m.AgentChanged("1001", "not_ready", "meal", 2300.0), m.LoggedOut(2400.0, "1001"),
]  # fmt: skip


def test_each_call_and_agent_event_becomes_its_queue_log_line() -> None:
    queue_log = QueueLog()
    assert [line for record in DAY for line in queue_log.lines(record)] == [
        "990|NONE|NONE|1001|AGENTLOGIN",
        "990|NONE|NONE|1001|PAUSE|logged in",
        "995|NONE|NONE|1001|UNPAUSE",
        "1000|c1|billing|NONE|ENTERQUEUE||13800000001|1",
        "1017|c1|billing|1001|RINGNOANSWER|15000",
        "1024|c1|billing|1002|CONNECT|24|c1|4",
        "1144|c1|billing|1002|COMPLETEAGENT|24|120|1",
        "1200|c2|tech|NONE|ENTERQUEUE|||1",
        "1230|c2|tech|NONE|ABANDON|1|1|30",
        "1300|c3|tech|NONE|ENTERQUEUE|||1",
        "1900|c3|tech|NONE|EXITWITHTIMEOUT|1|1|600",
        "2000|c4|tech|NONE|ENTERQUEUE|||1",
        "2010|c4|tech|1002|CONNECT|10|c4|0",
        "2100|c4|tech|1002|TRANSFER|agent:1001|acd|10|90|1",
        "2100|c4|tech|NONE|ENTERQUEUE|||1",
        "2105|c4|tech|1001|CONNECT|5|c4|0",
        "2200|c4|tech|1001|COMPLETECALLER|5|95|1",
        "2300|NONE|NONE|1001|PAUSE|meal",
        "2400|NONE|NONE|1001|AGENTLOGOFF",
    ]


def test_lines_are_appended_to_the_file_as_records_come(tmp_path: Path) -> None:
    path = tmp_path / "log" / "queue_log"
    queue_log = QueueLog(path)
    for record in DAY[:5]:
        queue_log.write(record)
    assert path.read_text().splitlines()[-1] == "1000|c1|billing|NONE|ENTERQUEUE||13800000001|1"
    queue_log.close()
    again = QueueLog(path)  # a restart appends
    again.write(m.LoggedOut(3000.0, "1001"))
    again.close()
    assert len(path.read_text().splitlines()) == 5
