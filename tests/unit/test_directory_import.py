"""Loading customers and tickets from CSV and JSON into the directory; saving its file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from acd.directory import Customer, Directory, Ticket, hash_pin, pin_matches
from acd.directory_import import (
    Counts,
    ImportProblems,
    as_data,
    load,
    merge,
    read,
    save,
)

CUSTOMERS_CSV = (
    "id,name,phones,account,tier,language,notes,pin\n"
    "C1,王芳,13800000001; 1001 ,100200,vip,zh,prefers 晚上,4321\n"
    'C2,"Smith, Alice",14155550100,100201,,en,"said ""hi""",\n'
    "\n"
    "C3,李强,,,gold,,,\n"
)
TICKETS_CSV = (
    "number,customer,status,category,summary,opened,owner\n"
    "T1,C1,open,billing,账单多扣费,2026-11-20T10:42:00+08:00,1001\n"
    "T2,C2,closed,network,no signal,2026-11-01,\n"
)


def base() -> Directory:
    wang = Customer("C1", "王芳", ("13800000001",), "100200", "vip", "zh", "", hash_pin("4321"))
    bob = Customer("C4", "Bob", ("14155550104",), "100203")
    return Directory([wang, bob], [Ticket("T9", "C4", "open", opened="2026-11-02")])


def test_a_customers_csv_with_a_bom_keeps_chinese_names_splits_phones_and_hashes_pins() -> None:
    rows = read("customers.csv", b"\xef\xbb\xbf" + CUSTOMERS_CSV.encode())
    assert rows.problems == []
    assert [label for label, _ in rows.customers] == [
        "customers.csv line 2", "customers.csv line 3", "customers.csv line 5",
    ]  # fmt: skip
    wang, alice, li = (customer for _, customer in rows.customers)
    assert (wang.id, wang.name, wang.phones, wang.notes) == ("C1", "王芳", ("13800000001", "1001"),
                                                            "prefers 晚上")  # fmt: skip
    assert wang.pin_hash.startswith("pbkdf2$") and "4321" not in wang.pin_hash
    assert pin_matches("4321", wang.pin_hash)
    assert alice == Customer("C2", "Smith, Alice", ("14155550100",), "100201", "standard", "en",
                             'said "hi"')  # fmt: skip
    assert li == Customer("C3", "李强", (), "", "gold")
    assert rows.tickets == []


def test_a_pin_hash_column_is_taken_as_it_is() -> None:
    stored = hash_pin("2468")
    rows = read("c.csv", f"id,name,account,pin_hash\nC4,Bob,100203,{stored}\n")
    assert [customer.pin_hash for _, customer in rows.customers] == [stored]


def test_a_csv_with_number_and_customer_columns_is_tickets() -> None:
    rows = read("tickets.csv", TICKETS_CSV)
    assert rows.problems == [] and rows.customers == []
    assert rows.tickets == [
        ("tickets.csv line 2", Ticket("T1", "C1", "open", "billing", "账单多扣费",
                                      "2026-11-20T10:42:00+08:00", "1001")),
        ("tickets.csv line 3", Ticket("T2", "C2", "closed", "network", "no signal", "2026-11-01")),
    ]  # fmt: skip


def test_every_bad_row_of_a_csv_is_reported_with_its_line_and_field() -> None:
    text = (
        "id,name,phones,account,tier,language,notes,pin\n"
        "C1,Ann,5551,100,vip,zh,,4321\n"
        'C2,"Bob\nJones",5552,101,platinum,,,12\n'  # a quoted name over two lines: line 3-4
        ",Cy,abc,,,,,\n"
        "C4,Di,5554\n"
        "C5,Ed,5555,105,gold,EN,,1234,\n"  # an empty cell after the last column is fine
    )
    assert read("customers.csv", text).problems == [
        "customers.csv line 4: tier: 'platinum' is not one of standard, gold, vip",
        "customers.csv line 4: pin: must be 4 to 12 digits",
        "customers.csv line 5: id: is missing",
        "customers.csv line 5: phones: 'abc' is not a number (digits, maybe a +)",
        "customers.csv line 6: 3 cells, the header has 8",
        "customers.csv line 7: language: 'EN' is not a language code like zh or en",
    ]


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("id,nam,phones\n", ["c.csv line 1: nam: unknown column (customers have id,name,phones,"
                             "account,tier,language,notes,pin,pin_hash)",
                             "c.csv line 1: name: missing column"]),
        ("number,customer,status,opened,opened\n", ["c.csv line 1: opened: the column is there "
                                                    "twice"]),
        ("number,customer,status\n", ["c.csv line 1: opened: missing column"]),
        ("", ["c.csv: empty, a CSV file needs a header line"]),
        ("number,customer,status,opened\nT1,C1,open,2026-13-01\n",
         ["c.csv line 2: opened: '2026-13-01' is not an ISO date or date-time like 2026-11-20 or "
          "2026-11-20T09:30:00+08:00"]),
    ],
)  # fmt: skip
def test_a_bad_csv_header_is_reported_on_line_1(text: str, problems: list[str]) -> None:
    assert read("c.csv", text).problems == problems


def test_text_that_is_not_utf8_is_one_problem() -> None:
    assert read("c.csv", "id,name\nC1,王芳\n".encode("gb18030")).problems == [
        "c.csv: not UTF-8 text (byte 11: invalid continuation byte)"
    ]


def test_json_sources_take_both_forms_and_name_the_index() -> None:
    listed = read("more.json", json.dumps([{"id": "C7", "name": "Gu", "tier": "silver"}]))
    assert listed.problems == ["more.json customers[0] (C7): tier: 'silver' is not one of "
                               "standard, gold, vip"]  # fmt: skip
    whole = read("x.json", '{"customers": [], "tickets": [{"number": "T1"}]}')
    assert whole.problems == [
        "x.json tickets[0] (T1): customer: is missing",
        "x.json tickets[0] (T1): status: is missing",
        "x.json tickets[0] (T1): opened: is missing",
    ]
    assert read("x.json", "[1,").problems == ["x.json line 1: not JSON: Expecting value"]
    sniffed = read("from-the-api", '  [{"id": "C7", "name": "Gu", "pin": "1234"}]')
    assert [c.id for _, c in sniffed.customers] == ["C7"] and sniffed.problems == []


def test_load_upserts_by_id_and_number_and_counts_what_changed() -> None:
    before = base()
    imported = load(before, [("customers.csv", CUSTOMERS_CSV), ("tickets.csv", TICKETS_CSV)])
    after = imported.directory
    assert [c.id for c in after.customers] == ["C1", "C4", "C2", "C3"]  # C1 updated in place
    assert after.by_phone("1001") == after.by_id("C1")  # its new phone
    assert after.verify("100200", "4321") is not None
    assert [t.number for t in after.tickets] == ["T9", "T1", "T2"]
    assert [t.number for t in after.open_tickets("C1")] == ["T1"]
    assert imported.customers == Counts(total=4, added=2, updated=1)
    assert imported.tickets == Counts(total=3, added=2)
    assert imported.summary() == "4 customers (2 added, 1 updated), 3 tickets (2 added)"
    assert [c.id for c in before.customers] == ["C1", "C4"]  # the old one is as it was

    again = load(after, [("tickets.csv", TICKETS_CSV)])
    assert again.summary() == "4 customers (no change), 3 tickets (2 unchanged)"


def test_replace_makes_the_sources_all_the_directory_has() -> None:
    imported = load(base(), [("customers.csv", CUSTOMERS_CSV)], replace=True)
    assert [c.id for c in imported.directory.customers] == ["C1", "C2", "C3"]
    assert imported.directory.tickets == ()
    assert imported.summary() == (
        "3 customers (2 added, 1 updated, 1 removed), 0 tickets (1 removed)"
    )


def test_a_bad_import_reports_every_problem_and_changes_nothing() -> None:
    before = base()
    customers = "id,name,phones,tier\nC5,Eve,14155550104,\nC6,Fay,5556,x\nC7,Gus,5556,\n"
    tickets = "number,customer,status,opened\nT9,C9,open,2026-11-20\nT10,C6,open,2026-11-20\n"
    more = '{"customers": [{"id": "C7", "name": "Gus again", "phones": ["5557", "5557"]}]}'
    with pytest.raises(ImportProblems) as error:
        load(before, [("c.csv", customers), ("t.csv", tickets), ("more.json", more)])
    assert error.value.problems == [
        "c.csv line 3: tier: 'x' is not one of standard, gold, vip",
        "c.csv line 2: phones: 14155550104 is also customer C4's",
        "more.json customers[0] (C7): id: C7 is also c.csv line 4",
        "more.json customers[0] (C7): phones: 5557 is listed twice",
        "t.csv line 2: customer: there is no customer C9",  # T9 was C4's: now it is C9's
    ]  # T10 is C6's, whose row is bad: not blamed; C7 may have 5556, C6 was not taken
    assert str(error.value) == "\n".join(error.value.problems)
    assert [c.id for c in before.customers] == ["C1", "C4"]


def test_merge_upserts_objects_and_checks_the_whole() -> None:
    alice = Customer("C2", "Alice", ("14155550100",), "100201")
    wang = Customer("C1", "王芳", ("13800000009",), "100200", "gold")
    merged = merge(base(), [wang, alice], [Ticket("T1", "C2", "escalated", opened="2026-11-18")])
    assert [(c.id, c.tier) for c in merged.customers] == [("C1", "gold"), ("C4", "standard"),
                                                          ("C2", "standard")]  # fmt: skip
    assert merged.by_phone("13800000001") is None and merged.by_phone("13800000009") == wang
    assert [t.number for t in merged.open_tickets("C2")] == ["T1"]

    replaced = merge(base(), [alice], [], replace=True)
    assert replaced.customers == (alice,) and replaced.tickets == ()

    with pytest.raises(ImportProblems) as error:
        merge(base(), [Customer("C5", "Eve", ("14155550104",), tier="vip ")], [], replace=False)
    assert error.value.problems == [
        "customer C5: tier: 'vip ' is not one of standard, gold, vip",
        "customer C5: phones: 14155550104 is also customer C4's",
    ]
    bobs = base().tickets
    with pytest.raises(ImportProblems, match=r"^ticket T9: customer: there is no customer C4$"):
        merge(base(), [wang], bobs, replace=True)  # Bob is gone, his ticket is not


def test_save_writes_hashes_only_and_the_file_loads_back(tmp_path: Path) -> None:
    path = tmp_path / "customers.json"
    directory = load(Directory([]), [("c.csv", CUSTOMERS_CSV), ("t.csv", TICKETS_CSV)]).directory
    save(directory, path)
    text = path.read_text(encoding="utf-8")
    assert "王芳" in text and "账单多扣费" in text  # not \u escapes
    assert '"pin"' not in text and "4321" not in text.replace("100200", "")
    data = json.loads(text)
    assert list(data) == ["customers", "tickets"]
    assert data["customers"][1] == {"id": "C2", "name": "Smith, Alice", "phones": ["14155550100"],
                                    "account": "100201", "tier": "standard", "language": "en",
                                    "notes": 'said "hi"'}  # fmt: skip
    assert data["customers"][0]["pin_hash"] == directory.customers[0].pin_hash
    assert data == as_data(directory)
    loaded = Directory.from_json(path)
    assert loaded.customers == directory.customers and loaded.tickets == directory.tickets
    assert loaded.verify("100200", "4321") == loaded.by_id("C1")
    assert os.listdir(tmp_path) == ["customers.json"]  # no temporary file left


def test_save_replaces_the_file_at_once_and_keeps_its_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "customers.json"
    path.write_text("[]", encoding="utf-8")
    path.chmod(0o640)
    renames: list[tuple[str, str]] = []

    def failing_replace(source: str | Path, target: str | Path) -> None:
        renames.append((Path(source).name, Path(target).name))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        save(base(), path)
    assert path.read_text(encoding="utf-8") == "[]"  # untouched
    assert os.listdir(tmp_path) == ["customers.json"]  # the temporary file is gone
    (temporary, target), = renames  # fmt: skip
    assert temporary.startswith(".customers.json.") and target == "customers.json"

    monkeypatch.undo()
    save(base(), path)
    assert [c.id for c in Directory.from_json(path).customers] == ["C1", "C4"]
    assert path.stat().st_mode & 0o777 == 0o640
