"""Who may call what: every operation of the OpenAPI document, as every role, against the running
marketplace. One table says the rule of each operation; a rule says, per role, the status a refused
caller gets, or that the caller is let through (any answer but 401/403, and never a 5xx). A new
route without a row fails `test_every_operation_has_a_rule`, so the matrix grows with the API."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Plein

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
ROLES = ("anonymous", "shopper", "other_shopper", "vendor", "other_vendor", "advisor", "admin")
THROUGH = "through"
"""Authorized: the request passed the gate (its answer may still be 404, 409 or 422)."""
HIDDEN = "hidden"
"""Refused without telling whether the resource exists: 403 or 404."""
Expectation = int | str


def everyone_but_anonymous(expected: Expectation) -> dict[str, Expectation]:
    return {role: (401 if role == "anonymous" else expected) for role in ROLES}


def only(*allowed: str, refused: Expectation = 403) -> dict[str, Expectation]:
    return {role: THROUGH if role in allowed else (401 if role == "anonymous" else refused) for role in ROLES}


PUBLIC = dict.fromkeys(ROLES, THROUGH)
SIGNED_IN = everyone_but_anonymous(THROUGH)
ADMIN = only("admin")
VENDOR_OWNER = only("vendor", "admin")
SHOPPER_OWNER = only("shopper", "admin", refused=HIDDEN)
"""A shopper's own order; customer service (admin) may act on any, others learn nothing."""


@dataclass(frozen=True)
class Rule:
    access: Mapping[str, Expectation]
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)


ADDRESS = {"name": "Matrix", "line1": "Straat 1", "postal_code": "1234AB", "city": "Utrecht", "country": "NL"}
OFFER = {"title": "Matrix lamp", "price": 1999, "quantity": 3, "availability": "in_stock"}

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/categories"): Rule(PUBLIC),
    ("GET", "/products"): Rule(PUBLIC),
    ("GET", "/products/suggest"): Rule(PUBLIC),
    ("GET", "/products/{product_id}"): Rule(PUBLIC),
    ("GET", "/trending"): Rule(PUBLIC),
    ("GET", "/vendors/{vendor_id}/storefront"): Rule(PUBLIC),
    ("GET", "/cart"): Rule(SIGNED_IN),
    ("PUT", "/cart/items/{offer_id}"): Rule(SIGNED_IN, {"quantity": 1}),
    ("DELETE", "/cart/items/{offer_id}"): Rule(SIGNED_IN),
    ("POST", "/checkout"): Rule(
        SIGNED_IN, {"shipping_address": ADDRESS, "payment_method": "tok_visa"}, {"Idempotency-Key": "matrix"}
    ),
    ("GET", "/orders"): Rule(SIGNED_IN),
    ("GET", "/orders/{order_id}"): Rule(SHOPPER_OWNER),
    ("POST", "/orders/{order_id}/cancel"): Rule(SHOPPER_OWNER, {}),
    ("POST", "/orders/{order_id}/returns"): Rule(
        SHOPPER_OWNER, {"offer_id": "matrix-offer", "quantity": 1, "reason": "too small"}
    ),
    ("POST", "/vendors"): Rule(SIGNED_IN, {"name": "Matrix applicant"}),
    ("POST", "/admin/vendors/{vendor_id}/approve"): Rule(ADMIN, {}),
    ("GET", "/vendors/{vendor_id}"): Rule(VENDOR_OWNER),
    ("PATCH", "/vendors/{vendor_id}"): Rule(VENDOR_OWNER, {"story": "Matrix story"}),
    ("GET", "/vendors/{vendor_id}/dashboard"): Rule(VENDOR_OWNER),
    ("POST", "/vendors/{vendor_id}/feeds"): Rule(VENDOR_OWNER, {"filename": "matrix.csv"}),
    ("POST", "/vendors/{vendor_id}/feeds/preview"): Rule(VENDOR_OWNER, {"sample": "id,title,price\n1,Lamp,9.99 EUR\n"}),
    ("GET", "/vendors/{vendor_id}/feeds/{feed_id}"): Rule(VENDOR_OWNER),
    ("GET", "/vendors/{vendor_id}/offers"): Rule(VENDOR_OWNER),
    ("PATCH", "/vendors/{vendor_id}/offers"): Rule(VENDOR_OWNER, {"items": [{"sku": "matrix-sku", "quantity": 2}]}),
    ("GET", "/vendors/{vendor_id}/offers/{sku}"): Rule(VENDOR_OWNER),
    ("PUT", "/vendors/{vendor_id}/offers/{sku}"): Rule(VENDOR_OWNER, OFFER),
    ("PATCH", "/vendors/{vendor_id}/offers/{sku}"): Rule(VENDOR_OWNER, {"quantity": 2}),
    ("DELETE", "/vendors/{vendor_id}/offers/{sku}"): Rule(VENDOR_OWNER),
    ("GET", "/vendors/{vendor_id}/orders"): Rule(VENDOR_OWNER),
    ("GET", "/vendors/{vendor_id}/orders/{order_id}"): Rule(VENDOR_OWNER),
    ("POST", "/vendors/{vendor_id}/orders/{order_id}/ship"): Rule(
        VENDOR_OWNER, {"carrier": "PostNL", "tracking_number": "3SMATRIX"}
    ),
    ("POST", "/vendors/{vendor_id}/orders/{order_id}/deliver"): Rule(VENDOR_OWNER, {}),
    ("POST", "/vendors/{vendor_id}/returns/{return_id}/decision"): Rule(VENDOR_OWNER, {"decision": "reject"}),
}


def operations() -> list[tuple[str, str]]:
    document = json.loads(DOCUMENT.read_text())
    return sorted(
        (method.upper(), path)
        for path, methods in document["paths"].items()
        for method in methods
        if not path.startswith("/health/")
    )


def test_every_operation_has_a_rule() -> None:
    missing = [f"{method} {path}" for method, path in operations() if (method, path) not in RULES]
    stale = [f"{method} {path}" for method, path in RULES if (method, path) not in operations()]

    assert not missing, f"add a row to RULES for: {missing}"
    assert not stale, f"RULES names operations that no longer exist: {stale}"


@dataclass
class Scene:
    """The callers and the resources the paths name: the demo users' own (vendor, order)."""

    clients: dict[str, httpx.Client]
    parameters: dict[str, str]


@pytest.fixture(scope="module")
def scene(fuzzed_plein: Plein) -> Scene:
    plein = fuzzed_plein
    password = "Matrix-" + secrets.token_hex(6)
    clients = {"anonymous": plein.client()}
    for role in ("shopper", "vendor", "advisor", "admin"):
        clients[role] = plein.client(role)
    suffix = secrets.token_hex(3)
    plein.create_user(f"matrix-shopper-{suffix}", password, ["shopper"])
    clients["other_shopper"] = plein.client(f"matrix-shopper-{suffix}", password=password)
    vendor_id = str(plein.users["vendor"].vendor_id)
    other_vendor = next(v for v in _vendor_ids(clients["anonymous"]) if v != vendor_id)
    plein.create_user(f"matrix-vendor-{suffix}", password, ["vendor"], vendor_id=other_vendor)
    clients["other_vendor"] = plein.client(f"matrix-vendor-{suffix}", password=password)
    orders = clients["shopper"].get("/orders").json()["items"]
    assert orders, "the demo shopper has seeded orders"
    parameters = {
        "vendor_id": vendor_id,
        "order_id": orders[0]["order_id"],
        "product_id": "matrix-product",
        "offer_id": "matrix-offer",
        "sku": "matrix-sku",
        "feed_id": "matrix-feed",
        "return_id": "matrix-return",
    }
    return Scene(clients, parameters)


def _vendor_ids(anonymous: httpx.Client) -> list[str]:
    buckets = anonymous.get("/products", params={"limit": 1}).json()["facets"]["vendor"]
    return [bucket["value"] for bucket in buckets]


@pytest.mark.parametrize(("method", "path"), sorted(RULES), ids=str)
def test_each_role_gets_what_the_rule_says(scene: Scene, method: str, path: str) -> None:
    rule = RULES[(method, path)]
    url = path.format(**scene.parameters)
    wrong: list[str] = []
    for role in ROLES:
        response = scene.clients[role].request(
            method, url, json=rule.body, headers=dict(rule.headers) if rule.headers else None
        )
        expected = rule.access[role]
        status = response.status_code
        if status >= 500:
            wrong.append(f"{role}: {status} {response.text[:200]}")
        elif expected == THROUGH and status in (401, 403):
            wrong.append(f"{role}: refused with {status}, should be let through")
        elif expected == HIDDEN and status not in (403, 404):
            wrong.append(f"{role}: {status}, should be refused with 403 or 404")
        elif isinstance(expected, int) and status != expected:
            wrong.append(f"{role}: {status}, should be {expected}")

    assert not wrong, f"{method} {path}: " + "; ".join(wrong)
