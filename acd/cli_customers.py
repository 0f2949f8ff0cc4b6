"""``acd customers``: load customers and tickets into the directory file, look one up."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from acd.config import Settings
from acd.directory import Customer, Directory
from acd.directory_import import ImportProblems, load, save

EXIT_PROBLEMS = 1
EXIT_CONFIG = 2


def add_commands(commands: Any) -> None:
    customers = commands.add_parser(
        "customers", help="the customer directory (ACD_DIRECTORY): import, show"
    )
    sub = customers.add_subparsers(title="customers commands", required=True, metavar="COMMAND")
    load_ = sub.add_parser(
        "import",
        help="add or update customers and tickets from CSV or JSON files",
        description="Add or update customers (by id) and tickets (by number) from CSV or "
        "JSON files. Customers CSV: id,name,phones,account,tier,language,notes,pin (phones "
        "separated by ';'; pin is stored hashed, or give pin_hash). Tickets CSV: number,"
        "customer,status,category,summary,opened,owner. Every problem is reported and "
        "nothing is changed unless every row is right.",
    )
    load_.add_argument("files", nargs="+", type=Path, metavar="FILE", help="a .csv or .json file")
    load_.add_argument(
        "--replace",
        action="store_true",
        help="the files' customers and tickets replace all the directory has",
    )
    load_.add_argument("--directory", type=Path, help="the directory file (default: ACD_DIRECTORY)")
    load_.set_defaults(func=_import)
    show = sub.add_parser("show", help="a customer and their open tickets")
    show.add_argument("key", metavar="NUMBER_OR_ACCOUNT", help="a phone number, account or id")
    show.add_argument("--directory", type=Path, help="the directory file (default: ACD_DIRECTORY)")
    show.add_argument("--json", action="store_true", help="print JSON instead of text")
    show.set_defaults(func=_show)


def _opened(settings: Settings, args: argparse.Namespace, *, new_ok: bool = False
            ) -> tuple[Path, Directory] | int:  # fmt: skip
    """The directory file and what it holds; or the exit code, the problem told."""
    path: Path | None = args.directory or settings.directory
    if path is None:
        print("acd: no directory file: give --directory or set ACD_DIRECTORY", file=sys.stderr)
        return EXIT_CONFIG
    try:
        return path, (Directory([]) if new_ok and not path.exists() else Directory.from_json(path))
    except ValueError as exc:
        print(f"acd: {exc}", file=sys.stderr)
        return EXIT_CONFIG


def _import(settings: Settings, args: argparse.Namespace) -> int:
    opened = _opened(settings, args, new_ok=True)
    if isinstance(opened, int):
        return opened
    path, before = opened
    sources, unreadable = [], []
    for file in args.files:
        try:
            sources.append((str(file), file.read_bytes()))
        except OSError as exc:
            unreadable.append(f"{file}: {exc.strerror}")
    try:
        imported = load(before, sources, replace=args.replace)
    except ImportProblems as exc:
        unreadable += exc.problems
    if unreadable:
        for problem in unreadable:
            print(problem, file=sys.stderr)
        count = f"{len(unreadable)} problem{'s' * (len(unreadable) > 1)}"
        print(f"acd: {path} not changed: {count}", file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        save(imported.directory, path)
    except OSError as exc:
        print(f"acd: cannot write {path}: {exc.strerror}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{path}: {imported.summary()}")
    return 0


def _show(settings: Settings, args: argparse.Namespace) -> int:
    opened = _opened(settings, args)
    if isinstance(opened, int):
        return opened
    path, directory = opened
    customer = find(directory, args.key)
    if customer is None:
        print(f"acd: no customer with number, account or id {args.key} in {path}", file=sys.stderr)
        return EXIT_PROBLEMS
    tickets = [ticket.public() for ticket in directory.open_tickets(customer.id)]
    if args.json:
        found = {**customer.public(), "phones": list(customer.phones), "open_tickets": tickets}
        print(json.dumps(found, ensure_ascii=False, indent=2))
        return 0
    lines = [f"{key + ':':<9} {value}" for key, value in customer.public().items()]
    lines.insert(2, f"{'phones:':<9} {', '.join(customer.phones) or '-'}")
    lines.append(f"open tickets: {len(tickets) or 'none'}")
    for ticket in tickets:
        owner = f" (owner {ticket['owner']})" if ticket["owner"] else ""
        lines.append(f"  {ticket['number']}  {ticket['status']:<11} {ticket['opened']}  "
                     f"{ticket['category']}: {ticket['summary']}{owner}")  # fmt: skip
    print("\n".join(lines))
    return 0


def find(directory: Directory, key: str) -> Customer | None:
    """The customer with phone number, account or id ``key``."""
    return directory.by_phone(key) or directory.by_account(key) or directory.by_id(key)
