"""The built-in customer directory: lookups, PIN checks, hashed PINs, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from acd.directory import Directory, hash_pin, pin_matches

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
        ('[{"id": "1", "nam": "x"}]', "customer directory .*c.json: .*unexpected keyword .*'nam'"),
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
    rows = json.loads(path.read_text(encoding="utf-8"))
    directory = Directory.from_json(path)
    phones = [phone for row in rows for phone in row["phones"]]
    assert len(rows) >= 300 and len(phones) == len(set(phones))
    assert all(directory.by_phone(phone) is not None for phone in phones)
    chinese = [row for row in rows if "\u4e00" <= row["name"][0] <= "\u9fff"]
    assert 0.3 < len(chinese) / len(rows) < 0.9
    assert all("pin" not in row for row in rows[4:])  # made-up ones: hashed PINs only
    assert directory.verify("200005", "0005") is not None
