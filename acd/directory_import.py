"""Load customers and tickets into the directory from CSV or JSON; save the directory file.

CSV, UTF-8 (a BOM is fine), one header line. Customers: ``id,name,phones,account,tier,
language,notes,pin`` (``phones`` separated by ``;``; ``pin`` is hashed at once, or give
``pin_hash``); only ``id`` and ``name`` are required, an empty cell is the default. Tickets:
``number,customer,status,category,summary,opened,owner``; a file with ``number`` and
``customer`` columns is tickets. JSON: a directory file (a list of customers, or
``{"customers": [...], "tickets": [...]}``).

Every row of every file is checked and every problem reported at once (``ImportProblems``,
each naming the file, its line or index, and the field); nothing changes unless all is well.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import secrets
import stat
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

from acd.directory import (
    CUSTOMER_KEYS,
    TICKET_KEYS,
    Customer,
    Directory,
    Rows,
    Ticket,
    conflicts,
    faults,
    from_data,
)

T = TypeVar("T", Customer, Ticket)
Source = tuple[str, str | bytes]
"""A file's name (as messages should name it) and its content."""


class ImportProblems(ValueError):
    """Every problem found, one a line; ``problems`` has them as a list."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True, slots=True)
class Counts:
    total: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def text(self, noun: str) -> str:
        """Like ``300 customers (2 added, 1 updated)``."""
        parts = [f"{getattr(self, name)} {name}" for name in ("added", "updated", "unchanged",
                 "removed") if getattr(self, name)]  # fmt: skip
        return f"{self.total} {noun} ({', '.join(parts) or 'no change'})"


@dataclass(frozen=True, slots=True)
class Imported:
    """The directory after an import, and what the import did to it."""

    directory: Directory
    customers: Counts
    tickets: Counts

    def summary(self) -> str:
        return f"{self.customers.text('customers')}, {self.tickets.text('tickets')}"


def load(directory: Directory, sources: Iterable[Source], *, replace: bool = False) -> Imported:
    """``directory`` with the customers and tickets of every source merged in (``replace``:
    instead of all it had). ``ImportProblems`` lists every problem of every row."""
    rows = Rows()
    for name, content in sources:
        found = read(name, content)
        rows.customers += found.customers
        rows.tickets += found.tickets
        rows.problems += found.problems
        rows.rejected |= found.rejected
    customers = _upsert(directory.customers, rows.customers, replace, _id)
    tickets = _upsert(directory.tickets, rows.tickets, replace, _number)
    wrong = rows.problems + conflicts(customers, tickets, rows.rejected)
    if wrong:
        raise ImportProblems(wrong)
    after = Directory([c for _, c in customers], [t for _, t in tickets])
    return Imported(
        after,
        _counts(directory.customers, after.customers, [c for _, c in rows.customers], _id),
        _counts(directory.tickets, after.tickets, [t for _, t in rows.tickets], _number),
    )


def merge(
    directory: Directory,
    customers: Iterable[Customer],
    tickets: Iterable[Ticket],
    replace: bool = False,
) -> Directory:
    """``directory`` with ``customers`` and ``tickets`` added or, by id and ticket number,
    updated (``replace``: they are all it has now), checked as a whole: ``ImportProblems``."""
    incoming_customers = [(f"customer {c.id}", c) for c in customers]
    incoming_tickets = [(f"ticket {t.number}", t) for t in tickets]
    labelled: list[tuple[str, Customer | Ticket]] = [*incoming_customers, *incoming_tickets]
    wrong = [f"{label}: {name}: {why}" for label, item in labelled for name, why in faults(item)]
    all_customers = _upsert(directory.customers, incoming_customers, replace, _id)
    all_tickets = _upsert(directory.tickets, incoming_tickets, replace, _number)
    wrong += conflicts(all_customers, all_tickets)
    if wrong:
        raise ImportProblems(wrong)
    return Directory([c for _, c in all_customers], [t for _, t in all_tickets])


def read(name: str, content: str | bytes) -> Rows:
    """The rows of one CSV or JSON file (told apart by the name's suffix, else by the first
    character), each labelled with ``name`` and its line or index."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return Rows(problems=[f"{name}: not UTF-8 text (byte {exc.start}: {exc.reason})"])
    text = content.removeprefix("\ufeff")
    suffix = Path(name).suffix.lower()
    if suffix == ".json" or (suffix != ".csv" and text.lstrip()[:1] in ("[", "{")):
        return read_json(name, text)
    return read_csv(name, text)


def read_json(name: str, text: str) -> Rows:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return Rows(problems=[f"{name} line {exc.lineno}: not JSON: {exc.msg}"])
    return from_data(data, where=f"{name} ")


CUSTOMER_COLUMNS = ("id", "name", "phones", "account", "tier", "language", "notes", "pin")
TICKET_COLUMNS = tuple(f.name for f in fields(Ticket))


def read_csv(name: str, text: str) -> Rows:
    rows = Rows()
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [column.strip() for column in next(reader, [])]
        if not any(header):
            return Rows(problems=[f"{name}: empty, a CSV file needs a header line"])
        tickets = {"number", "customer"} <= set(header)
        wrong = _header_problems(header, tickets)
        if wrong:
            return Rows(problems=[f"{name} line 1: {why}" for why in wrong])
        for cells in reader:
            label = f"{name} line {reader.line_num}"
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) < len(header) or any(cell.strip() for cell in cells[len(header) :]):
                rows.problems.append(f"{label}: {len(cells)} cells, the header has {len(header)}")
                continue
            row: dict[str, Any] = {
                key: cell.strip() for key, cell in zip(header, cells, strict=False) if cell.strip()
            }
            if tickets:
                rows.add_ticket(row, label)
            else:
                phones = row.get("phones", "").split(";")
                row["phones"] = [phone.strip() for phone in phones if phone.strip()]
                rows.add_customer(row, label)
    except csv.Error as exc:
        rows.problems.append(f"{name} line {reader.line_num}: {exc}")
    return rows


def _header_problems(header: list[str], tickets: bool) -> list[str]:
    known = TICKET_KEYS if tickets else CUSTOMER_KEYS
    columns = TICKET_COLUMNS if tickets else (*CUSTOMER_COLUMNS, "pin_hash")
    required = ("number", "customer", "status", "opened") if tickets else ("id", "name")
    kind = "tickets" if tickets else "customers"
    wrong = [f"{column or '(empty)'}: unknown column ({kind} have {','.join(columns)})"
             for column in header if column not in known]  # fmt: skip
    wrong += [f"{column}: the column is there twice" for column in sorted(set(header))
              if column and header.count(column) > 1]  # fmt: skip
    wrong += [f"{column}: missing column" for column in required if column not in header]
    return wrong


def save(directory: Directory, path: Path) -> None:
    """Write the directory file atomically: a temporary file next to it, then renamed over it
    (keeping its permissions). PINs are written as their hashes only."""
    text = json.dumps(as_data(directory), ensure_ascii=False, indent=1) + "\n"
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def as_data(directory: Directory) -> dict[str, list[dict[str, Any]]]:
    """The directory file's JSON: customers without empty fields, tickets with all."""
    customers = []
    for customer in directory.customers:
        row: dict[str, Any] = {"id": customer.id, "name": customer.name}
        if customer.phones:
            row["phones"] = list(customer.phones)
        for key in ("account", "tier", "language", "notes", "pin_hash"):
            if getattr(customer, key):
                row[key] = getattr(customer, key)
        customers.append(row)
    tickets = [{f.name: getattr(t, f.name) for f in fields(t)} for t in directory.tickets]
    return {"customers": customers, "tickets": tickets}


def _upsert(
    old: Sequence[T], new: Sequence[tuple[str, T]], replace: bool, key: Callable[[T], Hashable]
) -> list[tuple[str, T]]:
    """``old`` (labelled ``customer ID`` or ``ticket NUMBER``) with each ``new`` one in the
    place of the old one of its key, or after them; a key twice in ``new`` stays twice."""
    if replace:
        return list(new)
    first: dict[Hashable, int] = {}
    for index, (_, item) in enumerate(new):
        first.setdefault(key(item), index)
    taken: set[int] = set()
    merged: list[tuple[str, T]] = []
    for item in old:
        at = first.get(key(item))
        if at is None:
            kind = "customer" if isinstance(item, Customer) else "ticket"
            merged.append((f"{kind} {key(item)}", item))
        else:
            merged.append(new[at])
            taken.add(at)
    return merged + [pair for index, pair in enumerate(new) if index not in taken]


def _counts(
    before: Sequence[T], after: Sequence[T], incoming: Sequence[T], key: Callable[[T], Hashable]
) -> Counts:
    old = {key(item): item for item in before}
    now = {key(item) for item in after}
    added = {key(item) for item in incoming if key(item) not in old}
    changed = {key(item) for item in incoming if key(item) in old and old[key(item)] != item}
    same = {key(item) for item in incoming if key(item) in old} - changed
    return Counts(len(after), len(added), len(changed), len(same), len(set(old) - now))


def _id(customer: Customer) -> str:
    return customer.id


def _number(ticket: Ticket) -> str:
    return ticket.number
