"""Identifiers of the vendor context: deterministic where a second write must find the first.

`offer_id` depends only on (vendor, SKU), so a feed row, a PATCH and a re-import all address the
same offer without a lookup. `product_id` depends on the GTIN (normalised to GTIN-14) when there
is one, so every vendor's offer of the same article lands on the same product; without one it
depends on (vendor, SKU), so the product is that one offer's. A product is one article: the
variants of an `item_group_id` (sizes, colours) are separate products, which the catalog groups
into a family by that id.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

GTIN_LENGTHS = frozenset({8, 12, 13, 14})


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


def offer_id(vendor_id: str, sku: str) -> str:
    return "of_" + _digest(vendor_id, sku)


def product_id(vendor_id: str, sku: str, gtin: str | None = None) -> str:
    if gtin:
        return "pr_" + _digest("gtin", gtin_14(gtin))
    return "pr_" + _digest("vendor", vendor_id, sku)


def vendor_id() -> str:
    return "vd_" + secrets.token_hex(8)


def feed_id(created_at: datetime) -> str:
    """Time-ordered, so a vendor's feeds sort newest last by id (and a time window is a key range)."""
    return f"{feed_id_floor(created_at)}{secrets.token_hex(4)}"


def feed_id_floor(moment: datetime) -> str:
    """Sorts before the id of every feed created at or after `moment`."""
    return f"fd_{int(moment.timestamp() * 1000):013x}"


def gtin_check_digit(body: str) -> int:
    """GS1 check digit of the digits before it: weights 3,1,3,… from the right."""
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid_gtin(value: str) -> bool:
    if not value.isascii() or not value.isdigit() or len(value) not in GTIN_LENGTHS:
        return False
    if set(value) == {"0"}:
        return False
    return gtin_check_digit(value[:-1]) == int(value[-1])


def gtin_14(value: str) -> str:
    """GTIN-8/12/13/14 as the 14-digit form (left-padded with zeros)."""
    return value.rjust(14, "0")
