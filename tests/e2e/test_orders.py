"""Orders on the whole local runtime over HTTP: 50 shoppers race for 10 units, idempotent checkout,
authorization, the vendor's side. Stock arrives the way it does in production: as vendor events on
the bus, delivered to `orders-offer-sync` by the local pollers."""

from __future__ import annotations

import secrets
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from functions.vendor.models import events as vendor_events
from infra.topology import bus_name, table_name
from tests.e2e.conftest import Plein

pytestmark = pytest.mark.e2e

ADDRESS = {"name": "E2E Shopper", "line1": "Damrak 1", "postal_code": "1012 LG", "city": "Amsterdam", "country": "NL"}
PASSWORD = "Passw0rd!e2e"


def publish_offer(plein: Plein, vendor_id: str, offer_id: str, quantity: int, price: int = 1500) -> None:
    now = datetime.now(UTC)
    snapshot = vendor_events.OfferSnapshot(
        offer_id=offer_id,
        vendor_id=vendor_id,
        vendor_name="E2E Vendor",
        sku=offer_id,
        product_id=f"p-{offer_id}",
        title=f"Limited {offer_id}",
        price=price,
        quantity=quantity,
        created_at=now,
        updated_at=now,
        revision=1,
    )
    changed = vendor_events.OffersChanged(
        vendor_id=vendor_id,
        changes=[
            vendor_events.OfferChange(
                offer_id=offer_id, product_id=snapshot.product_id, change="upserted", offer=snapshot
            )
        ],
    )
    terms = vendor_events.VendorUpdated(
        vendor_id=vendor_id,
        name="E2E Vendor",
        status="approved",
        commission_bps=1000,
        shipping_rules=[vendor_events.ShippingRule(zone="all", countries=["*"], cost=495)],
        return_days=14,
    )
    entries = [
        {
            "EventBusName": bus_name(plein.config.stage),
            "Source": e.source,
            "DetailType": e.detail_type,
            "Detail": e.model_dump_json(),
        }
        for e in (terms, changed)
    ]
    assert plein.boto3_client("events").put_events(Entries=entries)["FailedEntryCount"] == 0


def wait_for_offer(client: httpx.Client, offer_id: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.put(f"/cart/items/{offer_id}", json={"quantity": 1})
        if response.status_code == 200:
            client.delete(f"/cart/items/{offer_id}")
            return
        time.sleep(0.5)
    raise AssertionError(f"offer {offer_id} never reached the orders inventory")


def payments(plein: Plein) -> list[dict[str, Any]]:
    import json

    dynamodb = plein.boto3_client("dynamodb")
    found: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {
        "TableName": table_name(plein.config.stage, "orders"),
        "IndexName": "gsi1",
        "KeyConditionExpression": "gsi1pk = :p",
        "ExpressionAttributeValues": {":p": {"S": "PAYMENTS"}},
    }
    while True:
        page = dynamodb.query(**kwargs)
        found += [json.loads(item["doc"]["S"]) for item in page["Items"]]
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def new_shopper(plein: Plein, label: str) -> httpx.Client:
    username = f"e2e-{label}-{secrets.token_hex(4)}"
    user = plein.create_user(username, PASSWORD, ["shopper"])
    client = httpx.Client(
        base_url=plein.rest_url, headers={"Authorization": f"Bearer {plein.token(username, PASSWORD)}"}, timeout=120
    )
    client.headers["X-Test-Sub"] = user.sub
    return client


@pytest.fixture(scope="module")
def limited_offer(plein: Plein) -> tuple[str, str]:
    vendor_id = f"vd_e2e_{secrets.token_hex(4)}"
    offer_id = f"e2e-limited-{secrets.token_hex(4)}"
    publish_offer(plein, vendor_id, offer_id, quantity=10)
    plein.wait_until_idle(60)
    probe = new_shopper(plein, "probe")
    wait_for_offer(probe, offer_id)
    probe.close()
    return vendor_id, offer_id


def test_fifty_shoppers_racing_for_ten_units_buy_exactly_ten(plein: Plein, limited_offer: tuple[str, str]) -> None:
    _, offer_id = limited_offer
    shoppers = [new_shopper(plein, f"racer{i}") for i in range(50)]
    start = threading.Barrier(len(shoppers))

    def buy(index: int) -> tuple[int, str, str | None]:
        client = shoppers[index]
        start.wait()
        added = client.put(f"/cart/items/{offer_id}", json={"quantity": 1})
        if added.status_code != 200:
            return added.status_code, added.json()["error"]["code"], None
        response = client.post(
            "/checkout",
            json={"shipping_address": ADDRESS, "payment_method": "tok_visa"},
            headers={"Idempotency-Key": f"race-{index}"},
        )
        body = response.json()
        if response.status_code == 201:
            return 201, body["status"], body["order_id"]
        return response.status_code, body["error"]["code"], None

    with ThreadPoolExecutor(max_workers=len(shoppers)) as pool:
        results = list(pool.map(buy, range(len(shoppers))))

    statuses = Counter(status for status, _, _ in results)
    inventory = plein.boto3_client("dynamodb").get_item(
        TableName=table_name(plein.config.stage, "orders"),
        Key={"pk": {"S": f"OFFER#{offer_id}"}, "sk": {"S": "INVENTORY"}},
    )["Item"]
    counters = {name: inventory[name]["N"] for name in ("vendor_quantity", "reserved", "available")}
    assert statuses[201] == 10, (Counter((status, code) for status, code, _ in results), counters)
    assert set(statuses) <= {201, 409}, results
    assert {code for status, code, _ in results if status == 409} <= {"insufficient_stock"}
    created = {order_id for status, _, order_id in results if status == 201 and order_id is not None}
    racers = {client.headers["X-Test-Sub"] for client in shoppers}
    racer_payments = [p for p in payments(plein) if p["user_id"] in racers]
    # nobody is charged for an order that was not created: exactly the 10 orders were charged, once each
    assert sorted(p["key"] for p in racer_payments if p["status"] == "captured") == sorted(created)
    assert len(racer_payments) == 10
    sold_out = shoppers[0].put(f"/cart/items/{offer_id}", json={"quantity": 1})
    assert (sold_out.status_code, sold_out.json()["error"]["code"]) == (409, "insufficient_stock")
    for client in shoppers:
        client.close()


@pytest.fixture(scope="module")
def plenty_offer(plein: Plein) -> tuple[str, str]:
    vendor_id = f"vd_e2e_{secrets.token_hex(4)}"
    offer_id = f"e2e-plenty-{secrets.token_hex(4)}"
    publish_offer(plein, vendor_id, offer_id, quantity=100)
    plein.wait_until_idle(60)
    probe = new_shopper(plein, "probe")
    wait_for_offer(probe, offer_id)
    probe.close()
    return vendor_id, offer_id


def test_the_same_checkout_twice_gives_one_order_and_one_payment(plein: Plein, plenty_offer: tuple[str, str]) -> None:
    _, offer_id = plenty_offer
    shopper = new_shopper(plein, "twice")
    assert shopper.put(f"/cart/items/{offer_id}", json={"quantity": 2, "expected_unit_price": 1500}).status_code == 200
    body = {"shipping_address": ADDRESS, "payment_method": "tok_visa"}

    first = shopper.post("/checkout", json=body, headers={"Idempotency-Key": "same-key"})
    second = shopper.post("/checkout", json=body, headers={"Idempotency-Key": "same-key"})
    reused = shopper.post(
        "/checkout", json={**body, "payment_method": "tok_mastercard"}, headers={"Idempotency-Key": "same-key"}
    )
    missing = shopper.post("/checkout", json=body)

    assert first.status_code == 201, first.text
    assert (second.status_code, second.json()["order_id"]) == (200, first.json()["order_id"])
    assert (reused.status_code, reused.json()["error"]["code"]) == (422, "idempotency_key_reused")
    assert (missing.status_code, missing.json()["error"]["code"]) == (400, "missing_idempotency_key")
    order_id = first.json()["order_id"]
    assert [p["status"] for p in payments(plein) if p["key"] == order_id] == ["captured"]


def test_owners_only_and_the_vendor_side(plein: Plein, plenty_offer: tuple[str, str]) -> None:
    vendor_id, offer_id = plenty_offer
    owner, stranger = new_shopper(plein, "owner"), new_shopper(plein, "stranger")
    owner.put(f"/cart/items/{offer_id}", json={"quantity": 1})
    order = owner.post(
        "/checkout",
        json={"shipping_address": ADDRESS, "payment_method": "tok_visa"},
        headers={"Idempotency-Key": "o-1"},
    ).json()
    order_id = order["order_id"]

    assert stranger.get(f"/orders/{order_id}").status_code == 404
    assert stranger.post(f"/orders/{order_id}/cancel").status_code == 404
    assert owner.get(f"/orders/{order_id}").json()["status"] == "paid"

    username = f"e2e-vendor-{secrets.token_hex(3)}"
    plein.create_user(username, PASSWORD, ["vendor"], vendor_id=vendor_id)
    seller = httpx.Client(
        base_url=plein.rest_url, headers={"Authorization": f"Bearer {plein.token(username, PASSWORD)}"}, timeout=30
    )
    listed = seller.get(f"/vendors/{vendor_id}/orders", params={"limit": 100}).json()
    assert order_id in [item["order_id"] for item in listed["items"]]
    assert seller.get("/vendors/vd_someone_else/orders").status_code == 403
    shipped = seller.post(
        f"/vendors/{vendor_id}/orders/{order_id}/ship", json={"carrier": "PostNL", "tracking_number": "3SE2E"}
    )
    assert shipped.status_code == 200, shipped.text
    assert owner.post(f"/orders/{order_id}/cancel").json()["error"]["code"] == "not_cancellable"
    view = owner.get(f"/orders/{order_id}").json()
    assert (view["status"], view["sub_orders"][0]["tracking_number"]) == ("shipped", "3SE2E")
    for client in (owner, stranger, seller):
        client.close()


def test_a_failed_refund_after_a_cancel_is_pending_then_made_by_the_retry(
    plein: Plein, plenty_offer: tuple[str, str]
) -> None:
    # Given an order paid with the test card whose first refund attempt fails
    _, offer_id = plenty_offer
    shopper = new_shopper(plein, "refund")
    shopper.put(f"/cart/items/{offer_id}", json={"quantity": 1})
    placed = shopper.post(
        "/checkout",
        json={"shipping_address": ADDRESS, "payment_method": "tok_refundFailsOnce"},
        headers={"Idempotency-Key": "refund-1"},
    )
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["order_id"]

    # When the shopper cancels: the answer is the cancelled order with its refund pending
    cancelled = shopper.post(f"/orders/{order_id}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert (cancelled.json()["status"], cancelled.json()["refund_status"]) == ("cancelled", "pending")

    # Then the RefundPending event (outbox -> stream relay -> bus -> orders-refunds) makes the refund
    deadline = time.monotonic() + 90
    while shopper.get(f"/orders/{order_id}").json()["refund_status"] != "refunded":
        assert time.monotonic() < deadline, "the pending refund was not retried"
        time.sleep(1)
    (payment,) = [p for p in payments(plein) if p["key"] == order_id]
    assert (payment["refunded"], len(payment["refunds"]), payment["failed_refunds"]) == (
        placed.json()["total"],
        1,
        payment["refunds"],
    )
    shopper.close()


def test_the_demo_shopper_has_seeded_orders(plein: Plein) -> None:
    shopper = plein.client("shopper")
    deadline = time.monotonic() + 300
    orders: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        # the seed places them once the inventory projection has filled (after event delivery started)
        orders = shopper.get("/orders").json()["items"]
        if len(orders) >= 3:
            break
        time.sleep(2)
    statuses = sorted(order["status"] for order in orders)
    assert {"delivered", "shipped", "paid"} <= set(statuses), statuses
    delivered = next(order for order in orders if order["status"] == "delivered")
    detail = shopper.get(f"/orders/{delivered['order_id']}").json()
    assert [h["status"] for h in detail["sub_orders"][0]["history"]] == ["placed", "paid", "shipped", "delivered"]
