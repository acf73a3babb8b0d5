"""Demo orders for the demo `shopper`: one delivered, one shipped, one paid, bought through the orders logic.

Runs after the vendor seed. The inventory projection fills only once events flow (vendor table stream →
relay → `OffersChanged` → `orders-offer-sync`), and the runtime starts delivering events after seeding.
So when there is no inventory yet, the demo orders are placed by a background thread as soon as the
projection holds offers and vendor terms (for up to WAIT_SECONDS; then it logs and gives up).
Deterministic and idempotent: the checkouts use fixed Idempotency-Keys, so a second run finds the same
orders.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from functions.common.auth import Principal, Role
from functions.common.errors import PleinError
from functions.common.pagination import CursorCodec
from functions.orders.logic.cart import CartService
from functions.orders.logic.checkout import CheckoutService
from functions.orders.logic.domain import InventoryOffer
from functions.orders.logic.lifecycle import LifecycleService
from functions.orders.logic.ports import SystemClock
from functions.orders.models.api import AddressInput, CheckoutInput
from local.seed import DemoUser, SeedContext

SHOPPER = "shopper"
ADDRESS = AddressInput(name="Demo Shopper", line1="Hafenstraße 12", postal_code="24103", city="Kiel", country="DE")
PLAN = (("seed-order-delivered", "delivered"), ("seed-order-shipped", "shipped"), ("seed-order-paid", "paid"))
WAIT_SECONDS = 300.0


@dataclass(frozen=True)
class Services:
    carts: CartService
    checkouts: CheckoutService
    lifecycle: LifecycleService


def seed(ctx: SeedContext) -> None:
    shopper = ctx.users.get(SHOPPER)
    if shopper is None:
        ctx.log("orders: no demo shopper, skipped")
        return
    services, store = _services(ctx)
    offers = _ready_offers(ctx, store)
    if offers:
        _place(ctx, services, store, shopper, offers)
        return
    ctx.log("orders: no inventory yet; demo orders follow once vendor events are delivered")
    waiter = threading.Thread(
        target=_place_when_ready, args=(ctx, services, store, shopper), name="seed-orders", daemon=True
    )
    waiter.start()


def _place_when_ready(ctx: SeedContext, services: Services, store: Any, shopper: DemoUser) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            offers = _ready_offers(ctx, store)
            if offers:
                _place(ctx, services, store, shopper, offers)
                return
        except Exception as exc:  # the runtime may be stopping; a demo order is not worth a crash
            ctx.log(f"orders: demo orders not placed yet ({type(exc).__name__}: {exc})")
        time.sleep(2)
    ctx.log("orders: no inventory arrived, demo orders skipped")


def _place(ctx: SeedContext, services: Services, store: Any, shopper: DemoUser, offers: list[InventoryOffer]) -> None:
    carts, checkouts, lifecycle = services.carts, services.checkouts, services.lifecycle
    admin = Principal(user_id="seed", groups=frozenset({Role.ADMIN}))
    placed = 0
    for index, (key, target) in enumerate(PLAN):
        offer = offers[index % len(offers)]
        try:
            for line in store.get_cart(shopper.sub).lines:
                carts.remove_item(shopper.sub, line.offer_id)
            carts.put_item(shopper.sub, offer.offer_id, 1)
            request = CheckoutInput(shipping_address=ADDRESS, payment_method="tok_visa")
            order = checkouts.checkout(shopper.sub, key, request).order
            if target in ("shipped", "delivered"):
                lifecycle.ship(admin, offer.vendor_id, order.order_id, "DHL", f"JJD{index:012d}")
            if target == "delivered":
                lifecycle.deliver(admin, offer.vendor_id, order.order_id)
            placed += 1
        except PleinError as exc:
            ctx.log(f"orders: demo order {key} not placed ({exc.code}: {exc.message})")
    ctx.log(f"orders: {placed} demo orders for {SHOPPER}")


def _services(ctx: SeedContext) -> tuple[Services, Any]:
    from functions.orders.store.dynamo import DocItem, DynamoOrdersStore, InventoryItem, OutboxItem
    from functions.orders.store.payments import LocalPaymentProvider
    from functions.orders.store.records import OrdersRecord
    from functions.orders.store.redemptions import NoRedemptions

    environment = ctx.environment("orders")
    store = DynamoOrdersStore(environment["TABLE_NAME"])
    # The seed runs in the runtime's process, whose environment has no AWS settings: give them to the models.
    for model in (OrdersRecord, InventoryItem, DocItem, OutboxItem):
        meta: Any = model.Meta
        meta.host = ctx.aws_endpoint
        meta.region = ctx.region
        meta.aws_access_key_id = environment.get("AWS_ACCESS_KEY_ID", "local")
        meta.aws_secret_access_key = environment.get("AWS_SECRET_ACCESS_KEY", "local")
        model._connection = None
    clock = SystemClock()
    payments = LocalPaymentProvider(store, clock)
    services = Services(
        carts=CartService(carts=store, inventory=store, clock=clock),
        checkouts=CheckoutService(
            carts=store,
            inventory=store,
            orders=store,
            idempotency=store,
            payments=payments,
            redemptions=NoRedemptions(),
            clock=clock,
        ),
        lifecycle=LifecycleService(
            orders=store,
            payments=payments,
            cursors=CursorCodec(environment["CURSOR_SECRET"]),
            clock=clock,
            redemptions=NoRedemptions(),
        ),
    )
    return services, store


def _ready_offers(ctx: SeedContext, store: Any, wanted: int = 3) -> list[InventoryOffer]:
    """A few in-stock offers of distinct seeded vendors whose terms are known, in a stable order (never
    offers that tests or users created meanwhile)."""
    from local.seed.vendor import VENDORS, _vendor_id

    seeded = {_vendor_id(str(spec["name"])) for spec in VENDORS}
    dynamodb = ctx.client("dynamodb")
    table = ctx.environment("orders")["TABLE_NAME"]
    ids: list[str] = []
    kwargs: dict[str, Any] = {
        "TableName": table,
        "FilterExpression": "sk = :inventory AND available > :zero AND #status = :active",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": {
            ":inventory": {"S": "INVENTORY"},
            ":zero": {"N": "0"},
            ":active": {"S": "active"},
        },
        "ProjectionExpression": "pk",
    }
    while True:
        page = dynamodb.scan(**kwargs)
        ids += [item["pk"]["S"].removeprefix("OFFER#") for item in page.get("Items", [])]
        if "LastEvaluatedKey" not in page or len(ids) >= 200:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    offers = sorted(store.get_offers(sorted(ids)[:200]).values(), key=lambda o: o.offer_id)
    terms = store.get_terms({offer.vendor_id for offer in offers})
    offers = [
        offer
        for offer in offers
        if offer.vendor_id in seeded and offer.vendor_id in terms and terms[offer.vendor_id].rule_for("DE")
    ]
    chosen: list[InventoryOffer] = []
    for offer in offers:
        if offer.vendor_id not in {o.vendor_id for o in chosen}:
            chosen.append(offer)
        if len(chosen) == wanted:
            break
    return chosen
