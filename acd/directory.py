"""The built-in customer directory: who is calling, and whether their account PIN is right.

Loaded from a JSON list of customers. PINs are kept only as salted PBKDF2 hashes; a file
may give ``pin`` (hashed on load) or ``pin_hash`` (``pbkdf2$<iterations>$<salt>$<hex>``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ITERATIONS = 20_000
PUBLIC_FIELDS = ("id", "name", "account", "tier", "language", "notes")


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


class Directory:
    def __init__(self, customers: list[Customer]) -> None:
        self._by_phone = {phone: c for c in customers for phone in c.phones}
        self._by_account = {c.account: c for c in customers if c.account}

    @classmethod
    def from_json(cls, path: Path) -> Directory:
        """Load a JSON list of customers; ``ValueError`` says what is wrong with the file."""
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(rows, list):
                raise TypeError("the file must hold a list of customers")
            return cls([_customer(row) for row in rows])
        except OSError as exc:
            raise ValueError(f"customer directory {path}: {exc.strerror}") from None
        except (ValueError, TypeError, AttributeError) as exc:
            raise ValueError(f"customer directory {path}: {exc}") from None

    def by_phone(self, phone: str) -> Customer | None:
        return self._by_phone.get(phone)

    def verify(self, account: str, pin: str) -> Customer | None:
        """The customer when ``account`` exists and ``pin`` is its PIN."""
        customer = self._by_account.get(account)
        if customer is None or not customer.pin_hash:
            return None
        return customer if pin_matches(pin, customer.pin_hash) else None


def _customer(row: Mapping[str, object]) -> Customer:
    data = dict(row)
    pin = data.pop("pin", None)
    if pin is not None:
        data["pin_hash"] = hash_pin(str(pin))
    data["phones"] = tuple(data.get("phones", ()))  # type: ignore[arg-type]
    return Customer(**data)  # type: ignore[arg-type]
