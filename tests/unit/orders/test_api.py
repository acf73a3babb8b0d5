"""The orders API through the real Powertools resolver with fake ports: status codes and error codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from functions.orders.handlers.api import app
from functions.orders.handlers.dependencies import cart_service, checkout_service, lifecycle_service
from tests.unit.common.test_errors_and_api import rest_event
from tests.unit.orders.fakes import InMemoryOrdersStore, OrdersPorts
from tests.unit.orders.helpers import offer, stock

ADDRESS = {"name": "Sam", "line1": "Damrak 1", "postal_code": "1012", "city": "Amsterdam", "country": "NL"}


@pytest.fixture(autouse=True)
def _fakes(ports: OrdersPorts, store: InMemoryOrdersStore) -> Iterator[None]:
    app.dependency_overrides[cart_service] = ports.cart_service
    app.dependency_overrides[checkout_service] = ports.checkout_service
    app.dependency_overrides[lifecycle_service] = ports.lifecycle_service
    stock(store, offer("a", "v1", quantity=10, price=1000))
    yield
    app.dependency_overrides.clear()


def call(
    method: str,
    path: str,
    body: Any = None,
    *,
    user: str | None = "u1",
    headers: dict[str, str] | None = None,
    groups: str = "shopper",
    vendor_id: str | None = None,
    query: dict[str, str] | None = None,
) -> tuple[int, Any]:
    claims = None
    if user:
        claims = {"sub": user, "cognito:groups": groups}
        if vendor_id:
            claims["custom:vendor_id"] = vendor_id
    event = rest_event(method, path, body, claims)
    event["headers"].update(headers or {})
    event["queryStringParameters"] = query
    response = app.resolve(event, None)  # type: ignore[arg-type]
    return int(response["statusCode"]), json.loads(response["body"])


def checkout(key: str | None = "k1", **body: Any) -> tuple[int, Any]:
    payload = {"shipping_address": ADDRESS, "payment_method": "tok_visa", **body}
    return call("POST", "/checkout", payload, headers={"Idempotency-Key": key} if key else {})


def test_cart_and_checkout_round_trip() -> None:
    status, cart = call("PUT", "/cart/items/a", {"quantity": 2, "expected_unit_price": 1000, "currency": "EUR"})
    assert status == 200
    assert cart["total"] == 2000 + 495

    status, order = checkout()
    assert status == 201
    assert order["status"] == "paid"
    repeat_status, repeat = checkout()
    assert (repeat_status, repeat["order_id"]) == (200, order["order_id"])

    status, listed = call("GET", "/orders")
    assert [item["order_id"] for item in listed["items"]] == [order["order_id"]]
    status, _ = call("GET", f"/orders/{order['order_id']}", user="u2")
    assert status == 404
    status, _ = call("POST", f"/orders/{order['order_id']}/cancel", user="u2")
    assert status == 404
    status, cancelled = call("POST", f"/orders/{order['order_id']}/cancel", {"reason": "oops"})
    assert (status, cancelled["status"]) == (200, "cancelled")


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/cart/items/nope", {"quantity": 1}, 404, "offer_not_found"),
        ("/cart/items/a", {"quantity": 0}, 422, "validation_failed"),
        ("/cart/items/a", {"quantity": -3}, 422, "validation_failed"),
        ("/cart/items/a", {"quantity": "many"}, 422, "validation_failed"),
        ("/cart/items/a", {"quantity": "5"}, 422, "validation_failed"),  # strict: not coerced
        ("/cart/items/a", {"quantity": True}, 422, "validation_failed"),
        ("/cart/items/a", {"quantity": 11}, 422, "quantity_above_maximum"),
        ("/cart/items/a", {"quantity": 1, "expected_unit_price": 1}, 409, "price_changed"),
        ("/cart/items/a", {"quantity": 1, "unit_price": 1}, 422, "validation_failed"),
        ("/cart/items/a", {"quantity": 1, "currency": "USD"}, 422, "currency_mismatch"),
        ("/cart/items/a", {"quantity": 1, "currency": "euro"}, 422, "validation_failed"),
        ("/cart/items/a", "not json", 422, "validation_failed"),
    ],
)
def test_bad_cart_input_gives_clear_4xx(path: str, body: Any, status: int, code: str) -> None:
    got_status, got = call("PUT", path, body)
    assert (got_status, got["error"]["code"]) == (status, code)


@pytest.mark.parametrize(
    ("key", "body", "status", "code"),
    [
        (None, {}, 400, "missing_idempotency_key"),
        ("k1", {"lines": [{"offer_id": "a", "unit_price": 1}]}, 422, "validation_failed"),
        ("k1", {"total": 1}, 422, "validation_failed"),
        ("k1", {"currency": "USD"}, 422, "currency_mismatch"),
        ("k1", {"payment_method": "tok_chargeDeclined"}, 402, "payment_declined"),
        ("k1", {"payment_method": "tok_error"}, 503, "payment_unavailable"),
        ("k1", {"shipping_address": {**ADDRESS, "country": "Netherlands"}}, 422, "validation_failed"),
    ],
)
def test_bad_checkout_input_gives_clear_4xx(key: str | None, body: dict[str, Any], status: int, code: str) -> None:
    call("PUT", "/cart/items/a", {"quantity": 1})
    got_status, got = checkout(key, **body)
    assert (got_status, got["error"]["code"]) == (status, code)


def test_signed_out_callers_get_401() -> None:
    status, body = call("GET", "/cart", user=None)
    assert (status, body["error"]["code"]) == (401, "unauthenticated")


def test_vendor_routes_check_the_vendor() -> None:
    call("PUT", "/cart/items/a", {"quantity": 1})
    _, order = checkout()
    status, body = call("GET", "/vendors/v1/orders", user="x", groups="vendor", vendor_id="v2")
    assert (status, body["error"]["code"]) == (403, "not_your_vendor")
    status, page = call("GET", "/vendors/v1/orders", user="x", groups="vendor", vendor_id="v1")
    assert [item["order_id"] for item in page["items"]] == [order["order_id"]]
    ship = {"carrier": "PostNL", "tracking_number": "3S1"}
    status, shipped = call(
        "POST", f"/vendors/v1/orders/{order['order_id']}/ship", ship, user="x", groups="vendor", vendor_id="v1"
    )
    assert (status, shipped["sub_order"]["status"]) == (200, "shipped")
    status, body = call("GET", "/orders", query={"cursor": "forged"})
    assert (status, body["error"]["code"]) == (400, "invalid_cursor")
