"""How the orders context is wired: its table, API, consumers and schedules."""

from functions.common.wiring import (
    ContextWiring,
    EventSubscription,
    Function,
    Need,
    Schedule,
    TableSpec,
    outbox_relay,
)

OFFER_SYNC = Function(
    "orders-offer-sync",
    "functions.orders.handlers.offer_sync.handler",
    # A batch is ten OffersChanged events of up to 100 offers: per event one BatchGet and one
    # TransactWriteItems (store.upsert_offers), under a second on DynamoDB and 1-5 s in the local
    # runtime under a feed import (measured). 60 s leaves a wide margin for a slow, shared machine;
    # the queue's visibility timeout follows it (infra/constructs/queue.py).
    timeout_seconds=60,
)
# Pays refunds left pending by a failed first attempt (its own RefundPending events); a failure is
# retried from the queue, then parked in the DLQ. A refund is one provider call and one order write.
REFUNDS = Function(
    "orders-refunds",
    "functions.orders.handlers.refunds.handler",
    frozenset({Need.PAYMENTS, Need.REDEMPTIONS}),
    timeout_seconds=30,
)
SWEEP = Function("orders-reservation-sweep", "functions.orders.handlers.sweep.handler", timeout_seconds=120)

WIRING = ContextWiring(
    name="orders",
    table=TableSpec(model="functions.orders.store.records:OrdersRecord", stream=True),
    # No bus access: events leave through the transactional outbox and its relay.
    api=Function(
        "orders-api",
        "functions.orders.handlers.api.handler",
        frozenset({Need.PAYMENTS, Need.REDEMPTIONS}),
    ),
    events=(
        EventSubscription(
            function=OFFER_SYNC,
            sources=("plein.vendor",),
            detail_types=("OffersChanged", "VendorUpdated"),
        ),
        EventSubscription(function=REFUNDS, sources=("plein.orders",), detail_types=("RefundPending",)),
    ),
    streams=(outbox_relay("orders"),),
    schedules=(Schedule(function=SWEEP, rate_minutes=5),),
    publishes=("OrderPlaced", "OrderShipped", "OrderDelivered", "OrderCancelled", "OrderReturned", "RefundPending"),
)
