"""The directory over REST: lookups with open tickets, and imports that change everything or
nothing, used at once by whoever holds the directory (the IVR, the screen-pop)."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from acd.app import watch_directory
from acd.auth import Principal, Tokens
from acd.callers import Callers
from acd.config import Settings
from acd.directory import Customer, Directory
from acd.directory_import import save
from acd.http_api import Api
from acd.http_auth import token_required
from acd.http_customers import customers_api

REPO = Path(__file__).parents[2]
AGENT = Principal("1001", "agent", ("Billing",))
ADMIN = Principal("1010", "admin")
NEW_CUSTOMERS = (
    "id,name,phones,account,tier,language,notes,pin\n"
    "C0900,赵敏,13900000009;02100000009,100900,gold,zh,prefers mornings,2468\n"
)
NEW_TICKETS = (
    "number,customer,status,category,summary,opened,owner\n"
    "C-20261124-0042,C0900,open,billing,扣费有误,2026-11-24T09:00:00+08:00,1001\n"
)


class Customers:
    def __init__(self, tmp_path: Path) -> None:
        self.file = tmp_path / "customers.json"
        shutil.copy(REPO / "samples" / "customers.json", self.file)
        self.directory = Directory.from_json(self.file)
        api = Api("acd", "test")
        customers_api(api, self.directory, self.file)
        self.tokens = Tokens("c" * 32, ttl=900, clock=lambda: 1000.0)
        app = web.Application(middlewares=[token_required(self.tokens)])
        api.add_to(app)
        self.http = TestClient(TestServer(app))

    async def __aenter__(self) -> Customers:
        await self.http.start_server()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.http.close()

    async def get(self, path: str, who: Principal = AGENT) -> tuple[int, Any]:
        reply = await self.http.get(path, headers=self._auth(who))
        return reply.status, await reply.json()

    async def load(self, who: Principal, replace: bool = False, **files: str) -> tuple[int, Any]:
        body = {"files": [{"name": n.replace("_", "."), "content": c} for n, c in files.items()],
                "replace": replace}  # fmt: skip
        reply = await self.http.post("/customers/import", json=body, headers=self._auth(who))
        return reply.status, await reply.json()

    def _auth(self, who: Principal) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.issue(who)[0]}"}


async def test_a_customer_is_found_by_number_account_or_name_with_open_tickets(
    tmp_path: Path,
) -> None:
    async with Customers(tmp_path) as customers:
        _, by_number = await customers.get("/customers?number=13800000001")
        _, by_account = await customers.get("/customers?account=100200")
        _, by_name = await customers.get("/customers?name=alice")
        _, one = await customers.get("/customers/C0001")
        missing, _ = await customers.get("/customers/C9999")
        nothing, problem = await customers.get("/customers")
    assert by_number == by_account == [one]
    assert one["name"] == "王芳" and "pin_hash" not in one and "pin" not in one
    assert [t["number"] for t in one["tickets"]] == ["C-20261120-0007"]  # not the closed one
    assert [c["name"] for c in by_name] == ["Alice Smith"]
    assert missing == 404
    assert nothing == 400 and "number, account or name" in problem["detail"]


async def test_an_import_is_saved_and_used_at_once(tmp_path: Path) -> None:
    async with Customers(tmp_path) as customers:
        status, done = await customers.load(ADMIN, customers_csv=NEW_CUSTOMERS,
                                            tickets_csv=NEW_TICKETS)  # fmt: skip
        _, found = await customers.get("/customers?number=02100000009")
    assert status == 200, done
    assert done["customers"] == 301 and done["tickets"] == 16
    assert "1 added" in done["summary"]
    assert found[0]["name"] == "赵敏" and found[0]["tickets"][0]["number"] == "C-20261124-0042"
    # whoever holds the directory sees the new customer, and the file has it (PIN hashed)
    caller, _ = Callers(customers.directory).first({"caller_id": "13900000009"})
    assert caller["customer"]["name"] == "赵敏"
    saved = json.loads(customers.file.read_text(encoding="utf-8"))
    [row] = [c for c in saved["customers"] if c["id"] == "C0900"]
    assert "pin" not in row and row["pin_hash"].startswith("pbkdf2$")
    assert Directory.from_json(customers.file).verify("100900", "2468") is not None


async def test_a_bad_import_changes_nothing_and_names_every_bad_line(tmp_path: Path) -> None:
    bad = NEW_CUSTOMERS + "C0901,,13900000010,100901,platinum,zh,,12\n"
    async with Customers(tmp_path) as customers:
        before = customers.file.read_bytes()
        status, problem = await customers.load(ADMIN, customers_csv=bad)
        refused, _ = await customers.load(AGENT, customers_csv=NEW_CUSTOMERS)
        _, found = await customers.get("/customers?number=13900000009")
    assert status == 422 and problem["title"] == "nothing imported"
    lines = problem["detail"].splitlines()
    assert all(line.startswith("customers.csv line 3: ") for line in lines)
    assert {line.split(": ")[1] for line in lines} >= {"name", "tier", "pin"}
    assert customers.file.read_bytes() == before and found == []
    assert refused == 403


async def test_a_changed_directory_file_is_reloaded_and_a_broken_one_is_not(
    tmp_path: Path,
) -> None:
    file = tmp_path / "customers.json"
    shutil.copy(REPO / "samples" / "customers.json", file)
    directory = Directory.from_json(file)
    settings = Settings(directory=file, flows_poll=0.02)
    watching = asyncio.create_task(watch_directory(directory, settings))
    try:
        await asyncio.sleep(0.05)
        save(Directory([Customer("N1", "New Person", ("555",))]), file)
        await until(lambda: directory.by_phone("555") is not None)
        file.write_text('{"customers": [{"id": "N2"}]}', encoding="utf-8")  # no name
        await asyncio.sleep(0.2)
    finally:
        watching.cancel()
    assert directory.by_phone("555") is not None and directory.by_id("N2") is None
    assert directory.by_phone("13800000001") is None  # the file replaced everyone


async def until(done: Callable[[], bool], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not done():  # noqa: ASYNC110 (a file watcher: nothing to wait on)
            await asyncio.sleep(0.01)
