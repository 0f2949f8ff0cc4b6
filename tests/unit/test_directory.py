"""The built-in customer directory: lookups, PIN checks, hashed PINs, tickets, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from acd.directory import Customer, Directory, Ticket, hash_pin, pin_matches

REPO = Path(__file__).resolve().parents[2]


def test_sample_customers_are_found_by_phone_and_verified_by_pin() -> None:
    directory = Directory.from_json(REPO / "samples" / "customers.json")
    wang = directory.by_phone("13800000001")
    assert wang is not None and wang.public() == {
        "id": "C0001", "name": "王芳", "account": "100200", "tier": "vip", "language": "zh",
    }  # fmt: skip
    assert directory.verify("100200", "4321") == wang
    assert directory.verify("100200", "4320") is None
    assert directory.verify("999999", "4321") is None
    assert directory.by_phone("10000000000") is None


def test_pins_are_kept_only_as_salted_hashes() -> None:
    first, second = hash_pin("4321"), hash_pin("4321")
    assert first != second and "4321" not in first  # a fresh salt each time
    assert pin_matches("4321", first) and pin_matches("4321", second)
    assert not pin_matches("1234", first)
    directory = Directory.from_json(REPO / "samples" / "customers.json")
    customer = directory.by_phone("13800000001")
    assert customer is not None and "4321" not in repr(customer)


def test_a_stored_hash_is_accepted_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(
        json.dumps([{"id": "1", "name": "A", "account": "7", "pin_hash": hash_pin("55")}])
    )
    assert Directory.from_json(path).verify("7", "55") is not None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "customer directory .*c.json: Expecting property name"),
        ('{"id": "1"}', "customer directory .*c.json: the file must hold a list of customers"),
        (
            '[{"id": "1", "nam": "x"}]',
            r"customer directory .*c.json: 2 problems:\n  customers\[0\] \(1\): nam: unknown "
            r"field\n  customers\[0\] \(1\): name: is missing$",
        ),
    ],
)
def test_a_bad_file_is_one_clear_error(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "c.json").write_text(content)
    with pytest.raises(ValueError, match=message):
        Directory.from_json(tmp_path / "c.json")


def test_a_missing_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"customer directory .*nope\.json: No such file"):
        Directory.from_json(tmp_path / "nope.json")


def test_the_sample_directory_has_hundreds_of_customers_with_chinese_and_english_names() -> None:
    path = Path(__file__).resolve().parents[2] / "samples" / "customers.json"
    rows = json.loads(path.read_text(encoding="utf-8"))["customers"]
    directory = Directory.from_json(path)
    phones = [phone for row in rows for phone in row["phones"]]
    assert len(rows) >= 300 and len(phones) == len(set(phones))
    assert all(directory.by_phone(phone) is not None for phone in phones)
    chinese = [row for row in rows if "\u4e00" <= row["name"][0] <= "\u9fff"]
    assert 0.3 < len(chinese) / len(rows) < 0.9
    assert all("pin" not in row for row in rows[4:])  # made-up ones: hashed PINs only
    assert directory.verify("200005", "0005") is not None


def test_the_sample_tickets_are_the_open_ones_newest_first() -> None:
    directory = Directory.from_json(REPO / "samples" / "customers.json")
    wang = [t.public() for t in directory.open_tickets("C0001")]  # not her closed one
    assert wang == [
        {
            "number": "C-20261120-0007",
            "status": "open",
            "category": "billing",
            "summary": "11月账单多扣了流量费，要求退款",
            "opened": "2026-11-20T10:42:00+08:00",
            "owner": "1001",
        }
    ]
    assert [t.number for t in directory.tickets if t.customer == "C0001"] == [
        "C-20261120-0007", "C-20260915-0002",
    ]  # fmt: skip
    alice = directory.open_tickets("C0002")
    assert [(t.number, t.status) for t in alice] == [("C-20261118-0003", "escalated")]
    assert directory.open_tickets("C0003") == [] and directory.open_tickets("nobody") == []
    assert len(directory.tickets) >= 12 and len(directory.customers) == 300


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "c.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


ALICE = {"id": "C1", "name": "Alice", "phones": ["5551", "5552"], "account": "100", "pin": "1234"}
BOB = {"id": "C2", "name": "鲍勃", "phones": ["5553"], "account": "101"}


def ticket(number: str, customer: str = "C1", **more: str) -> dict[str, str]:
    return {"number": number, "customer": customer, "status": "open", "category": "billing",
            "summary": "s", "opened": "2026-11-20", "owner": "", **more}  # fmt: skip


def test_the_object_form_loads_customers_and_tickets(tmp_path: Path) -> None:
    path = write(tmp_path, {"customers": [ALICE, BOB], "tickets": [
        ticket("T1", opened="2026-11-19T23:00:00+00:00"),
        ticket("T2", opened="2026-11-20T08:30:00+08:00", status="followed_up", owner="1001"),
        ticket("T3", opened="2026-11-20"),  # midnight
        ticket("T4", opened="2026-11-21", status="closed"),
        ticket("T5", "C2", status="resolved"),
    ]})  # fmt: skip
    directory = Directory.from_json(path)
    # T2 is 00:30 UTC on the 20th, T3 its midnight (no offset: taken as UTC), T1 the 19th 23:00
    assert [t.number for t in directory.open_tickets("C1")] == ["T2", "T3", "T1"]
    assert [t.number for t in directory.open_tickets("C2")] == ["T5"]
    assert directory.open_tickets("C1")[0] == Ticket(
        "T2", "C1", "followed_up", "billing", "s", "2026-11-20T08:30:00+08:00", "1001"
    )
    assert [c.id for c in directory.customers] == ["C1", "C2"]
    assert directory.by_phone("5552") == directory.by_id("C1") == directory.by_account("100")
    assert directory.verify("100", "1234") is not None and directory.verify("101", "1234") is None


def test_the_list_form_still_loads_with_no_tickets(tmp_path: Path) -> None:
    directory = Directory.from_json(write(tmp_path, [ALICE, BOB]))
    assert directory.tickets == () and directory.open_tickets("C1") == []
    bob = directory.by_phone("5553")
    assert bob == Customer("C2", "鲍勃", ("5553",), "101")
    assert bob is not None and bob.public() == {
        "id": "C2", "name": "鲍勃", "account": "101", "tier": "standard",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"customers": [ALICE], "people": []}, 'an object with "customers" and "tickets" '
         r"lists \(unknown keys: people\)"),
        ({"customers": {}}, "customers: must be a list"),
        ({"customers": [ALICE, "x"]}, r"customers\[1\]: must be an object"),
        ([{**ALICE, "email": "a@b"}], r"customers\[0\] \(C1\): email: unknown field"),
        ([ALICE, {**BOB, "tier": "platinum"}],
         r"customers\[1\] \(C2\): tier: 'platinum' is not one of standard, gold, vip"),
        ([{**BOB, "phones": "5553"}], r"customers\[0\] \(C2\): phones: must be a list of strings"),
        ([{**BOB, "phones": ["555-3"]}], r"customers\[0\] \(C2\): phones: '555-3' is not a number"),
        ([{**BOB, "account": 101}], r"customers\[0\] \(C2\): account: must be a string"),
        ([{**BOB, "account": "A101"}], r"customers\[0\] \(C2\): account: 'A101' is not digits"),
        ([{**BOB, "pin": "12"}], r"customers\[0\] \(C2\): pin: must be 4 to 12 digits"),
        ([{**ALICE, "pin_hash": hash_pin("1")}], r"customers\[0\] \(C1\): pin: give pin or "
         "pin_hash, not both"),
        ([{**BOB, "pin_hash": "1234"}], r"customers\[0\] \(C2\): pin_hash: is not pbkdf2"),
        ([ALICE, {**BOB, "id": "C1"}], r"customers\[1\] \(C1\): id: C1 is also customers\[0\] "
         r"\(C1\)$"),
        ([ALICE, {**BOB, "phones": ["5553", "5551"]}], r"customers\[1\] \(C2\): phones: 5551 is "
         r"also customers\[0\] \(C1\)'s$"),
        ([{**BOB, "phones": ["5553", "5553"]}], r"customers\[0\] \(C2\): phones: 5553 is listed "
         "twice"),
        ([ALICE, {**BOB, "account": "100"}], r"customers\[1\] \(C2\): account: 100 is also "
         r"customers\[0\] \(C1\)'s"),
        ({"customers": [ALICE], "tickets": [ticket("T1", "C9")]},
         r"tickets\[0\] \(T1\): customer: there is no customer C9$"),
        ({"customers": [ALICE], "tickets": [ticket("T1", status="pending")]},
         r"tickets\[0\] \(T1\): status: 'pending' is not one of open, escalated, resolved, "
         "followed_up, closed$"),
        ({"customers": [ALICE], "tickets": [ticket("T1", opened="yesterday")]},
         r"tickets\[0\] \(T1\): opened: 'yesterday' is not an ISO date or date-time"),
        ({"customers": [ALICE], "tickets": [{**ticket("T1"), "priority": "high"}]},
         r"tickets\[0\] \(T1\): priority: unknown field"),
        ({"customers": [ALICE], "tickets": [{"number": "T1", "customer": "C1"}]},
         r"tickets\[0\] \(T1\): status: is missing\n  tickets\[0\] \(T1\): opened: is "
         "missing"),
        ({"customers": [ALICE], "tickets": [ticket("T1"), ticket("T1")]},
         r"tickets\[1\] \(T1\): number: T1 is also tickets\[0\] \(T1\)$"),
    ],
)  # fmt: skip
def test_each_rule_of_the_file_is_a_clear_error(tmp_path: Path, data: object, problem: str) -> None:
    with pytest.raises(ValueError, match=r"customer directory .*c\.json: (.|\n)*" + problem):
        Directory.from_json(write(tmp_path, data))


def test_every_problem_of_a_file_is_reported(tmp_path: Path) -> None:
    data = {"customers": [{**ALICE, "tier": "x"}, {**BOB, "phones": ["5551"]}],
            "tickets": [ticket("T1", "C2", status="new"), ticket("T2", "C3")]}  # fmt: skip
    with pytest.raises(ValueError) as error:
        Directory.from_json(write(tmp_path, data))
    assert str(error.value).splitlines()[1:] == [
        "  customers[0] (C1): tier: 'x' is not one of standard, gold, vip",
        "  tickets[0] (T1): status: 'new' is not one of open, escalated, resolved, followed_up, "
        "closed",
        "  tickets[1] (T2): customer: there is no customer C3",
    ]  # C1 was rejected, so its phone 5551 is free; C3 is nobody
    assert str(error.value).splitlines()[0].endswith("c.json: 3 problems:")


def test_a_directory_made_in_code_is_checked_too() -> None:
    alice = Customer("C1", "Alice", ("5551",), "100")
    with pytest.raises(ValueError, match=r"^customers\[1\] \(C2\): phones: 5551 is also "):
        Directory([alice, Customer("C2", "Bob", ("5551",))])
    with pytest.raises(ValueError, match=r"^tickets\[0\] \(T1\): status: 'done' is not one"):
        Directory([alice], [Ticket("T1", "C1", "done", opened="2026-11-20")])
    with pytest.raises(ValueError, match=r"^tickets\[0\] \(T1\): customer: there is no "):
        Directory([alice], [Ticket("T1", "C2", opened="2026-11-20")])
