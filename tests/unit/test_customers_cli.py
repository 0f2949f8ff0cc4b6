"""``acd customers import`` and ``acd customers show``: their output and exit codes."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from acd.cli import main
from acd.directory import Directory

ROOT = Path(__file__).resolve().parents[2]
NEW_CUSTOMERS = (
    "\ufeffid,name,phones,account,tier,language,notes,pin\n"
    "C0003,李强,13900000003;13900000033,100202,gold,zh,,8888\n"
    "C9001,张三,13811112222,300001,standard,zh,新客户,5678\n"
    "C9002,Eve Adams,14155559999,300002,vip,en,,\n"
)
NEW_TICKETS = (
    "number,customer,status,category,summary,opened,owner\n"
    "C-20261122-0001,C9001,open,billing,多扣了月租,2026-11-22T09:00:00+08:00,\n"
    "C-20261123-0002,C9001,escalated,network,没有信号,2026-11-23,1005\n"
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Only what each test sets reaches Settings; the sample directory is a copy in tmp_path."""
    for name in list(os.environ):
        if name.startswith("ACD_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "samples").mkdir()
    shutil.copy(ROOT / "samples" / "customers.json", tmp_path / "samples" / "customers.json")


def files(tmp_path: Path, **texts: str) -> list[str]:
    paths = []
    for name, text in texts.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def test_import_merges_into_the_settings_directory_and_prints_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["customers", "import", *files(tmp_path, c=NEW_CUSTOMERS, t=NEW_TICKETS)])

    out = capsys.readouterr()
    assert (code, out.err) == (0, "")
    assert out.out == (
        "samples/customers.json: 302 customers (2 added, 1 updated), 17 tickets (2 added)\n"
    )
    directory = Directory.from_json(tmp_path / "samples" / "customers.json")
    li = directory.by_phone("13900000033")
    assert li is not None and (li.id, li.tier) == ("C0003", "gold")
    assert directory.verify("300001", "5678") == directory.by_id("C9001")
    assert directory.verify("100200", "4321") is not None  # the others are as they were
    assert [t.number for t in directory.open_tickets("C9001")] == [
        "C-20261123-0002", "C-20261122-0001",
    ]  # fmt: skip
    text = (tmp_path / "samples" / "customers.json").read_text(encoding="utf-8")
    assert "张三" in text and '"pin"' not in text and '"5678"' not in text


def test_a_bad_row_is_reported_and_the_directory_is_left_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "samples" / "customers.json"
    before = path.read_bytes()
    bad = NEW_CUSTOMERS.replace("gold,zh", "diamond,zh").replace("14155559999", "14155550100")
    tickets = NEW_TICKETS + "C-1,C7777,open,billing,x,2026-11-24,\n"

    code = main(["customers", "import", *files(tmp_path, c=bad, t=tickets), "missing.csv"])

    out = capsys.readouterr()
    assert (code, out.out) == (1, "")
    c, t = str(tmp_path / "c.csv"), str(tmp_path / "t.csv")
    assert out.err.splitlines() == [
        "missing.csv: No such file or directory",
        f"{c} line 2: tier: 'diamond' is not one of standard, gold, vip",
        f"{c} line 4: phones: 14155550100 is also customer C0002's",
        f"{t} line 4: customer: there is no customer C7777",
        "acd: samples/customers.json not changed: 4 problems",
    ]
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == ["customers.json"]


def test_import_creates_a_new_directory_file_and_replace_starts_it_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = tmp_path / "new.json"
    customers, tickets = files(tmp_path, c=NEW_CUSTOMERS, t=NEW_TICKETS)

    assert main(["customers", "import", customers, "--directory", str(new)]) == 0
    assert capsys.readouterr().out == f"{new}: 3 customers (3 added), 0 tickets (no change)\n"

    code = main(["customers", "import", customers, tickets, "--replace", "--directory",
                 "samples/customers.json"])  # fmt: skip
    assert code == 0
    assert capsys.readouterr().out == (
        "samples/customers.json: 3 customers (2 added, 1 updated, 299 removed), "
        "2 tickets (2 added, 15 removed)\n"
    )
    directory = Directory.from_json(Path("samples/customers.json"))
    assert [c.id for c in directory.customers] == ["C0003", "C9001", "C9002"]


def test_show_prints_the_customer_and_open_tickets_never_the_pin(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["customers", "show", "13800000001"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "id:       C0001",
        "name:     王芳",
        "phones:   13800000001, 1001",
        "account:  100200",
        "tier:     vip",
        "language: zh",
        "open tickets: 1",
        "  C-20261120-0007  open        2026-11-20T10:42:00+08:00  billing: "
        "11月账单多扣了流量费，要求退款 (owner 1001)",
    ]
    assert main(["customers", "show", "100201", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["name"] == "Alice Smith" and shown["phones"] == ["14155550100", "1002"]
    assert [t["status"] for t in shown["open_tickets"]] == ["escalated"]
    assert "pin_hash" not in shown and "pin" not in shown
    assert main(["customers", "show", "C0003"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "open tickets: none"


def test_show_exits_1_when_nobody_has_that_number(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["customers", "show", "10000000000"])

    out = capsys.readouterr()
    assert (code, out.out) == (1, "")
    assert out.err == (
        "acd: no customer with number, account or id 10000000000 in samples/customers.json\n"
    )


def test_a_broken_directory_file_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "samples" / "customers.json").write_text('[{"id": "C1"}]', encoding="utf-8")

    assert main(["customers", "show", "1"]) == 2
    assert capsys.readouterr().err == (
        "acd: customer directory samples/customers.json: customers[0] (C1): name: is missing\n"
    )


def test_help_lists_the_customers_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    assert "customers    the customer directory" in capsys.readouterr().out
