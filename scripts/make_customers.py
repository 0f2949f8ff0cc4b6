"""Write ``samples/customers.json``: the sample customers and complaint tickets of
``make run`` and the tests.

    .venv/bin/python scripts/make_customers.py [--count 300]

The first four customers are fixed (the tests and the README use them: 王芳 13800000001,
account 100200, PIN 4321; Alice Smith 14155550100, account 100201, PIN 1234; ...). The rest
are made up from a fixed seed: Chinese and English names, mobile numbers, accounts, tiers,
languages and a note now and then; their PINs are stored hashed only (each is its account's
last 4 digits, salted from the seed so that the file comes out the same every time).

Tickets: 王芳 has an open one (C-20261120-0007, billing) and a closed one, Alice Smith an
escalated one; a dozen more belong to made-up customers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from pathlib import Path

from acd.directory import hash_pin

OUT = Path(__file__).resolve().parents[1] / "samples" / "customers.json"
SEED = 20261124
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
FIXED_TICKETS = [
    {"number": "C-20261120-0007", "customer": "C0001", "status": "open", "category": "billing",
     "summary": "11月账单多扣了流量费，要求退款", "opened": "2026-11-20T10:42:00+08:00",
     "owner": "1001"},
    {"number": "C-20260915-0002", "customer": "C0001", "status": "closed", "category": "network",
     "summary": "家里信号差，已更换基站设置", "opened": "2026-09-15T16:05:00+08:00",
     "owner": "1003"},
    {"number": "C-20261118-0003", "customer": "C0002", "status": "escalated",
     "category": "porting", "summary": "Number transfer from the old carrier stuck for a week",
     "opened": "2026-11-18T09:15:00-08:00", "owner": "1002"},
]  # fmt: skip
CATEGORIES = {  # English and Chinese summaries
    "billing": (["double charge on the last bill", "refund not received", "wrong plan price"],
                ["上月账单重复扣费", "退款还没到账", "套餐价格与合同不符"]),
    "network": (["no signal at home", "calls drop in the car", "slow mobile data"],
                ["家里没有信号", "开车时通话经常中断", "手机上网很慢"]),
    "device": (["phone will not turn on after update", "SIM card not recognised"],
               ["升级后手机无法开机", "SIM卡无法识别"]),
}  # fmt: skip
STATUSES = ["open", "open", "escalated", "resolved", "followed_up", "closed"]
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
        "pin_hash": hash_pin(account[-4:], salt=salt(account)), "tier": rng.choices(
            ["standard", "gold", "vip"], weights=[80, 15, 5])[0],
        "language": "zh" if chinese else "en",
    }  # fmt: skip
    if rng.random() < 0.15:
        customer["notes"] = rng.choice(NOTES)
    return customer


def salt(account: str) -> str:
    """A salt fixed by the seed and the account (sample data must not change run to run)."""
    return hashlib.sha256(f"{SEED}:{account}".encode()).hexdigest()[:16]


def made_up_tickets(customers: list[dict[str, object]], rng: random.Random) -> list[dict[str, str]]:
    tickets: list[dict[str, str]] = []
    for serial in range(1, 13):
        customer = rng.choice(customers)
        category = rng.choice(sorted(CATEGORIES))
        day = 1 + rng.randrange(24)
        status = rng.choice(STATUSES)
        tickets.append({
            "number": f"C-202611{day:02d}-{100 + serial:04d}", "customer": str(customer["id"]),
            "status": status, "category": category,
            "summary": rng.choice(CATEGORIES[category][1 if customer["language"] == "zh" else 0]),
            "opened": f"2026-11-{day:02d}T{8 + rng.randrange(10):02d}:{rng.randrange(60):02d}:00",
            "owner": "" if status == "open" else f"{1001 + rng.randrange(8)}",
        })  # fmt: skip
    return tickets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(SEED)
    rows = FIXED + [made_up(i, rng) for i in range(len(FIXED) + 1, args.count + 1)]
    seen: set[str] = set()
    for row in rows:  # made-up numbers must not collide with another customer's
        phones = [p for p in row["phones"] if p not in seen]  # type: ignore[attr-defined]
        seen.update(phones)
        row["phones"] = phones
    tickets = FIXED_TICKETS + made_up_tickets(rows[len(FIXED) :] or rows, rng)
    data = {"customers": rows, "tickets": tickets}
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(OUT)
    print(f"{len(rows)} customers and {len(tickets)} tickets written to {OUT}")


if __name__ == "__main__":
    main()
