"""The built-in customer directory: who is calling, their open complaint tickets, and whether
their account PIN is right.

The file is JSON: a list of customers, or ``{"customers": [...], "tickets": [...]}``. PINs are
kept only as salted PBKDF2 hashes; a file may give ``pin`` (hashed on load) or ``pin_hash``
(``pbkdf2$<iterations>$<salt>$<hex>``). ``acd.directory_import`` reads CSV and saves the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

ITERATIONS = 20_000
PUBLIC_FIELDS = ("id", "name", "account", "tier", "language", "notes")
TIERS = ("standard", "gold", "vip")
STATUSES = ("open", "escalated", "resolved", "followed_up", "closed")
_HASH = re.compile(r"pbkdf2\$[1-9][0-9]*\$[^$\s]+\$[0-9a-f]{64}")
_PHONE = re.compile(r"\+?[0-9]{1,20}")
_LANGUAGE = re.compile(r"[a-z]{2,3}([-_][A-Za-z0-9]{2,8})*")
_WORD = re.compile(r"\S+")
_PIN = re.compile(r"[0-9]{4,12}")
_EPOCH = dt.datetime.min


def hash_pin(pin: str, *, salt: str | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), iterations).hex()
    return f"pbkdf2${iterations}${salt}${digest}"


def pin_matches(pin: str, stored: str) -> bool:
    _, iterations, salt, _ = stored.split("$")
    return hmac.compare_digest(hash_pin(pin, salt=salt, iterations=int(iterations)), stored)


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    name: str
    phones: tuple[str, ...] = ()
    account: str = ""
    tier: str = "standard"
    language: str = ""
    notes: str = ""
    pin_hash: str = field(default="", repr=False)

    def public(self) -> dict[str, str]:
        """What the IVR and the screen-pop may see (never the PIN)."""
        return {key: str(getattr(self, key)) for key in PUBLIC_FIELDS if getattr(self, key)}


@dataclass(frozen=True, slots=True)
class Ticket:
    """A complaint: ``opened`` is an ISO date or date-time, ``owner`` an agent id or ``""``."""

    number: str
    customer: str
    status: str = "open"
    category: str = ""
    summary: str = ""
    opened: str = ""
    owner: str = ""

    def public(self) -> dict[str, str]:
        """What the screen-pop shows of it: every field but the customer."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "customer"}


class Directory:
    """Customers and their tickets, checked as a whole (``ValueError`` lists every problem)."""

    def __init__(self, customers: Iterable[Customer], tickets: Iterable[Ticket] = ()) -> None:
        self._customers, self._tickets = tuple(customers), tuple(tickets)
        customers_ = [(f"customers[{i}] ({c.id})", c) for i, c in enumerate(self._customers)]
        tickets_ = [(f"tickets[{i}] ({t.number})", t) for i, t in enumerate(self._tickets)]
        items: list[tuple[str, Customer | Ticket]] = [*customers_, *tickets_]
        wrong = [f"{label}: {name}: {why}" for label, item in items for name, why in faults(item)]
        wrong += conflicts(customers_, tickets_)
        if wrong:
            raise ValueError("\n".join(wrong))
        self._by_id = {c.id: c for c in self._customers}
        self._by_phone = {phone: c for c in self._customers for phone in c.phones}
        self._by_account = {c.account: c for c in self._customers if c.account}
        self._open: dict[str, list[Ticket]] = {}
        by_age = sorted(self._tickets, key=lambda t: (opened_at(t.opened) or _EPOCH, t.number))
        for ticket in reversed(by_age):
            if ticket.status != "closed":
                self._open.setdefault(ticket.customer, []).append(ticket)

    @classmethod
    def from_json(cls, path: Path) -> Directory:
        """Load a directory file; ``ValueError`` says what is wrong with it, row by row."""
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise ValueError(f"customer directory {path}: {exc.strerror}") from None
        except ValueError as exc:
            raise ValueError(f"customer directory {path}: {exc}") from None
        rows = from_data(data)
        wrong = rows.problems + conflicts(rows.customers, rows.tickets, rows.rejected)
        if wrong:
            many = f"{len(wrong)} problems:\n  " if len(wrong) > 1 else ""
            raise ValueError(f"customer directory {path}: {many}" + "\n  ".join(wrong))
        return cls([c for _, c in rows.customers], [t for _, t in rows.tickets])

    @property
    def customers(self) -> tuple[Customer, ...]:
        return self._customers

    @property
    def tickets(self) -> tuple[Ticket, ...]:
        return self._tickets

    def by_id(self, customer_id: str) -> Customer | None:
        return self._by_id.get(customer_id)

    def by_phone(self, phone: str) -> Customer | None:
        return self._by_phone.get(phone)

    def by_account(self, account: str) -> Customer | None:
        return self._by_account.get(account)

    def verify(self, account: str, pin: str) -> Customer | None:
        """The customer when ``account`` exists and ``pin`` is its PIN."""
        customer = self._by_account.get(account)
        if customer is None or not customer.pin_hash:
            return None
        return customer if pin_matches(pin, customer.pin_hash) else None

    def open_tickets(self, customer_id: str) -> list[Ticket]:
        """The customer's tickets that are not closed, the newest ``opened`` first."""
        return list(self._open.get(customer_id, ()))

    def adopt(self, other: Directory) -> None:
        """Take ``other``'s customers and tickets (after an import): whoever holds this
        directory sees them at once."""
        for name in ("_customers", "_tickets", "_by_id", "_by_phone", "_by_account", "_open"):
            setattr(self, name, getattr(other, name))


def opened_at(opened: str) -> dt.datetime | None:
    """``opened`` as a naive UTC datetime (a date is its midnight); None if it is not ISO."""
    try:
        when = dt.datetime.fromisoformat(opened)
    except ValueError:
        return None
    return when.astimezone(dt.UTC).replace(tzinfo=None) if when.tzinfo else when


def faults(item: Customer | Ticket) -> list[tuple[str, str]]:
    """What is wrong with one customer or ticket on its own, as (field, why) pairs."""
    checks: list[tuple[str, object, str]]
    if isinstance(item, Customer):
        checks = [
            ("id", _WORD.fullmatch(item.id), "is empty or has spaces"),
            ("name", item.name.strip(), "is empty"),
            *[("phones", _PHONE.fullmatch(p), f"{p!r} is not a number (digits, maybe a +)")
              for p in item.phones],
            ("account", item.account.isdecimal() or not item.account,
             f"{item.account!r} is not digits (callers key it in)"),
            ("tier", item.tier in TIERS, f"{item.tier!r} is not one of {', '.join(TIERS)}"),
            ("language", _LANGUAGE.fullmatch(item.language) or not item.language,
             f"{item.language!r} is not a language code like zh or en"),
            ("pin_hash", _HASH.fullmatch(item.pin_hash) or not item.pin_hash,
             "is not pbkdf2$<iterations>$<salt>$<sha256 hex> (give pin to have it hashed)"),
        ]  # fmt: skip
    else:
        checks = [
            ("number", _WORD.fullmatch(item.number), "is empty or has spaces"),
            ("customer", _WORD.fullmatch(item.customer), "is empty or has spaces"),
            ("status", item.status in STATUSES,
             f"{item.status!r} is not one of {', '.join(STATUSES)}"),
            ("opened", opened_at(item.opened), f"{item.opened!r} is not an ISO date or date-time "
             "like 2026-11-20 or 2026-11-20T09:30:00+08:00"),
        ]  # fmt: skip
    return [(name, why) for name, ok, why in checks if not ok]


def conflicts(
    customers: Sequence[tuple[str, Customer]],
    tickets: Sequence[tuple[str, Ticket]],
    rejected: Collection[str] = (),
) -> list[str]:
    """What is wrong between rows, each given with the label messages name it by: an id, an
    account or a ticket number used twice, a phone of two customers, a ticket of no customer
    (``rejected``: ids of customers whose rows were bad, so their tickets are not blamed)."""
    wrong: list[str] = []
    ids: dict[str, str] = {}
    accounts: dict[str, str] = {}
    phones: dict[str, tuple[int, str]] = {}
    for index, (label, customer) in enumerate(customers):
        if customer.id in ids:
            wrong.append(f"{label}: id: {customer.id} is also {ids[customer.id]}")
        ids.setdefault(customer.id, label)
        account = customer.account
        if account in accounts:
            wrong.append(f"{label}: account: {account} is also {accounts[account]}'s")
        elif account:
            accounts[account] = label
        for phone in dict.fromkeys(customer.phones):
            if customer.phones.count(phone) > 1:
                wrong.append(f"{label}: phones: {phone} is listed twice")
            other, other_label = phones.setdefault(phone, (index, label))
            if other != index:
                wrong.append(f"{label}: phones: {phone} is also {other_label}'s")
    numbers: dict[str, str] = {}
    for label, ticket in tickets:
        if ticket.number in numbers:
            wrong.append(f"{label}: number: {ticket.number} is also {numbers[ticket.number]}")
        numbers.setdefault(ticket.number, label)
        if ticket.customer not in ids and ticket.customer not in rejected:
            wrong.append(f"{label}: customer: there is no customer {ticket.customer}")
    return wrong


CUSTOMER_KEYS = frozenset({f.name for f in fields(Customer)} | {"pin"})
TICKET_KEYS = frozenset(f.name for f in fields(Ticket))


@dataclass
class Rows:
    """Customers and tickets read from a file, each with the label messages name it by (like
    ``customers[3] (C0004)`` or ``customers.csv line 5``); the problems of the rows on their
    own; the ids of customers whose rows were bad."""

    customers: list[tuple[str, Customer]] = field(default_factory=list)
    tickets: list[tuple[str, Ticket]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rejected: set[str] = field(default_factory=set)

    def add_customer(self, row: dict[str, Any], label: str) -> None:
        """Read a customer from a JSON object (``pin`` hashed at once), or say what is wrong."""
        data, bad = _fields(row, CUSTOMER_KEYS, ("id", "name"))
        phones, pin = data.pop("phones", []), data.pop("pin", None)
        pin = str(pin) if isinstance(pin, int) and not isinstance(pin, bool) else pin
        if not isinstance(phones, list) or not all(isinstance(p, str) for p in phones):
            bad.append(("phones", "must be a list of strings"))
            phones = []
        if pin is not None and "pin_hash" in data:
            bad.append(("pin", "give pin or pin_hash, not both"))
        elif pin is not None and not (isinstance(pin, str) and _PIN.fullmatch(pin)):
            bad.append(("pin", "must be 4 to 12 digits"))
        customer = Customer(**{"id": "", "name": "", **data, "phones": tuple(phones)})
        if _faulty(customer, bad, label, self.problems):
            self.rejected.add(customer.id)
        else:
            pin_hash = hash_pin(pin) if pin is not None else customer.pin_hash
            self.customers.append((label, replace(customer, pin_hash=pin_hash)))

    def add_ticket(self, row: dict[str, Any], label: str) -> None:
        """Read a ticket from a JSON object, or say what is wrong."""
        data, bad = _fields(row, TICKET_KEYS, ("number", "customer", "status", "opened"))
        ticket = Ticket(**{"number": "", "customer": "", "status": "", "opened": "", **data})
        if not _faulty(ticket, bad, label, self.problems):
            self.tickets.append((label, ticket))


def from_data(data: object, where: str = "") -> Rows:
    """The rows of a directory file's JSON (labels after ``where``) and the problems of each
    row on its own (``conflicts`` finds those between rows)."""
    rows = Rows()
    if isinstance(data, list):
        data = {"customers": data}
    if not isinstance(data, dict) or not set(data) <= {"customers", "tickets"}:
        extra = sorted(set(data) - {"customers", "tickets"}) if isinstance(data, dict) else ""
        unknown = f" (unknown keys: {', '.join(extra)})" if extra else ""
        rows.problems.append(f'{where}the file must hold a list of customers or an object '
                             f'with "customers" and "tickets" lists{unknown}')  # fmt: skip
        return rows
    for kind, key, add in (("customers", "id", rows.add_customer),
                           ("tickets", "number", rows.add_ticket)):  # fmt: skip
        items = data.get(kind, [])
        if not isinstance(items, list):
            rows.problems.append(f"{where}{kind}: must be a list")
            continue
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                rows.problems.append(f"{where}{kind}[{index}]: must be an object")
                continue
            name = item.get(key)
            add(item, f"{where}{kind}[{index}]" + (f" ({name})" if isinstance(name, str) else ""))
    return rows


def _fields(
    row: dict[str, Any], known: frozenset[str], required: tuple[str, ...]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The known fields of a row (strings, but for phones and pin), and what is wrong."""
    loose = {"phones", "pin"}
    bad = [(key, "unknown field") for key in row if key not in known]
    bad += [(key, "is missing") for key in required if key not in row]
    bad += [(key, "must be a string") for key, value in row.items()
            if key in known - loose and not isinstance(value, str)]  # fmt: skip
    return {k: v for k, v in row.items() if k in loose or (k in known and isinstance(v, str))}, bad


def _faulty(
    item: Customer | Ticket, bad: list[tuple[str, str]], label: str, wrong: list[str]
) -> bool:
    """Whether the row had problems (``bad``) or ``item`` has faults; says them in ``wrong``."""
    said = {name for name, _ in bad}
    bad += [(name, why) for name, why in faults(item) if name not in said]
    order = [f.name for f in fields(item)] + ["pin"]
    bad.sort(key=lambda fault: order.index(fault[0]) if fault[0] in order else -1)
    wrong += [f"{label}: {name}: {why}" for name, why in bad]
    return bool(bad)
