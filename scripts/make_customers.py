"""Write ``samples/customers.json``: the sample customers of ``make run`` and the tests.

    .venv/bin/python scripts/make_customers.py [--count 300]

The first four are fixed (the tests and the README use them: 王芳 13800000001, account 100200,
PIN 4321; Alice Smith 14155550100, account 100201, PIN 1234; ...). The rest are made up from
a fixed seed: Chinese and English names, mobile numbers, accounts, tiers, languages and a
note now and then; their PINs are stored hashed only (each is its account's last 4 digits).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from acd.directory import hash_pin

OUT = Path(__file__).resolve().parents[1] / "samples" / "customers.json"
FIXED = [
    {"id": "C0001", "name": "王芳", "phones": ["13800000001", "1001"], "account": "100200",
     "pin": "4321", "tier": "vip", "language": "zh"},
    {"id": "C0002", "name": "Alice Smith", "phones": ["14155550100", "1002"],
     "account": "100201", "pin": "1234", "tier": "standard", "language": "en"},
    {"id": "C0003", "name": "李强", "phones": ["13900000003"], "account": "100202",
     "pin": "8888", "tier": "standard", "language": "zh"},
    {"id": "C0004", "name": "Bob Jones", "phones": ["14155550104"], "account": "100203",
     "pin": "2468", "tier": "gold", "language": "en"},
]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛",
         "明", "超", "秀英", "桂英", "建华", "志强", "海燕", "晓明", "雪梅"]  # fmt: skip
FIRST = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda",
         "David", "Elizabeth", "William", "Susan", "Richard", "Sarah", "Emma", "Noah"]  # fmt: skip
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
        "Wilson", "Taylor", "Clark", "Lewis", "Walker", "Hall", "Young", "King"]  # fmt: skip
NOTES = ["prefers calls after 18:00", "hard of hearing: speak slowly", "disputed a bill in May",
         "asked about the family plan", "moved house recently"]  # fmt: skip


def made_up(index: int, rng: random.Random) -> dict[str, object]:
    chinese = rng.random() < 0.6
    if chinese:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        phones = [f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"]
    else:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        phones = [f"1{rng.choice(['415', '212', '617', '312'])}555{rng.randrange(10**4):04d}"]
    account = f"{200000 + index}"
    customer: dict[str, object] = {
        "id": f"C{index:04d}", "name": name, "phones": phones, "account": account,
        "pin_hash": hash_pin(account[-4:]), "tier": rng.choices(
            ["standard", "gold", "vip"], weights=[80, 15, 5])[0],
        "language": "zh" if chinese else "en",
    }  # fmt: skip
    if rng.random() < 0.15:
        customer["notes"] = rng.choice(NOTES)
    return customer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(20261124)
    rows = FIXED + [made_up(i, rng) for i in range(len(FIXED) + 1, args.count + 1)]
    seen: set[str] = set()
    for row in rows:  # made-up numbers must not collide with another customer's
        phones = [p for p in row["phones"] if p not in seen]  # type: ignore[attr-defined]
        seen.update(phones)
        row["phones"] = phones
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(OUT)
    print(f"{len(rows)} customers written to {OUT}")


if __name__ == "__main__":
    main()
