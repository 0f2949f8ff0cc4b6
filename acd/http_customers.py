"""The customer directory over REST: look customers up (with their tickets), and load CSV or
JSON into it (admins).

An import is checked whole (every bad row reported, nothing changed otherwise), written to the
directory file, then used at once by the IVR and the screen-pop.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from acd.directory import Customer, Directory
from acd.directory_import import ImportProblems, load, save
from acd.http_api import Api, Ask, Problem

MAX_FILE = 8 * 1024 * 1024
MAX_FOUND = 50


class CustomerQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: str | None = Field(None, description="a phone number, exactly")
    account: str | None = Field(None, description="an account number, exactly")
    name: str | None = Field(None, min_length=2, description="part of the name, any case")


class TicketOut(BaseModel):
    number: str
    status: str
    category: str
    summary: str
    opened: str
    owner: str


class CustomerOut(BaseModel):
    id: str
    name: str
    phones: list[str]
    account: str
    tier: str
    language: str
    notes: str
    tickets: list[TicketOut] = Field(description="those not closed, newest first")

    @classmethod
    def of(cls, customer: Customer, directory: Directory) -> CustomerOut:
        tickets = [TicketOut(**t.public()) for t in directory.open_tickets(customer.id)]
        return cls(id=customer.id, name=customer.name, phones=list(customer.phones),
                   account=customer.account, tier=customer.tier, language=customer.language,
                   notes=customer.notes, tickets=tickets)  # fmt: skip


class ImportFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200, description="``*.csv`` or ``*.json``")
    content: str = Field(max_length=MAX_FILE)


class ImportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    files: list[ImportFile] = Field(min_length=1, max_length=20)
    replace: bool = Field(False, description="replace every customer and ticket")


class ImportOut(BaseModel):
    summary: str
    customers: int
    tickets: int


def customers_api(api: Api, directory: Directory | None, path: Path | None) -> None:
    """Add the directory endpoints; ``path``: the directory file imports are saved to."""

    one_at_a_time = asyncio.Lock()

    def current() -> Directory:
        if directory is None:
            raise Problem(503, "no customer directory", "set ACD_DIRECTORY")
        return directory

    @api.route("GET", "/customers", "Find customers by number, account or name",
               answer=list[CustomerOut], query=CustomerQuery, errors=(503,))  # fmt: skip
    async def find(ask: Ask) -> list[CustomerOut]:
        q: CustomerQuery = ask.query
        known = current()
        if q.number is not None or q.account is not None:
            found = [c for c in (known.by_phone(q.number or ""), known.by_account(q.account or ""))
                     if c is not None]  # fmt: skip
        elif q.name is not None:
            part = q.name.casefold()
            found = [c for c in known.customers if part in c.name.casefold()][:MAX_FOUND]
        else:
            raise Problem(400, "bad request", "give number, account or name")
        unique = {c.id: c for c in found}.values()
        return [CustomerOut.of(c, known) for c in unique]

    @api.route("GET", "/customers/{customer}", "One customer with their open tickets",
               answer=CustomerOut, errors=(404, 503))  # fmt: skip
    async def one(ask: Ask) -> CustomerOut:
        known = current()
        customer = known.by_id(ask.path["customer"])
        if customer is None:
            raise Problem(404, "no such customer")
        return CustomerOut.of(customer, known)

    @api.route("POST", "/customers/import", "Load customers and tickets from CSV or JSON",
               answer=ImportOut, roles=("admin",), body=ImportIn, errors=(422, 503))  # fmt: skip
    async def load_files(ask: Ask) -> ImportOut:
        body: ImportIn = ask.body
        known = current()
        if path is None:
            raise Problem(503, "no directory file", "set ACD_DIRECTORY")
        sources = [(f.name, f.content) for f in body.files]
        async with one_at_a_time:  # PINs are hashed on the way in: off the event loop
            try:
                imported = await asyncio.to_thread(load, known, sources, replace=body.replace)
                await asyncio.to_thread(save, imported.directory, path)
            except ImportProblems as exc:
                raise Problem(422, "nothing imported", "\n".join(exc.problems)) from None
            except OSError as exc:
                raise Problem(503, "directory file not written", str(exc)) from None
            known.adopt(imported.directory)
        return ImportOut(summary=imported.summary(), customers=len(known.customers),
                         tickets=len(known.tickets))  # fmt: skip
