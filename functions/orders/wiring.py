"""How the orders context is wired: its table, API, consumers and schedules."""

from functions.common.wiring import ContextWiring, EventSubscription, Function, Need, Schedule, TableSpec

OFFER_SYNC = Function(
    "orders-offer-sync",
    "functions.orders.handlers.offer_sync.handler",
    # A batch is ten OffersChanged events of up to 100 offers: per event one BatchGet and one
    # TransactWriteItems (store.upsert_offers), under a second on DynamoDB and 1-5 s in the local
    # runtime under a feed import (measured). 60 s leaves a wide margin for a slow, shared machine;
    # the queue's visibility timeout follows it (infra/constructs/queue.py).
    timeout_seconds=60,
)
SWEEP = Function("orders-reservation-sweep", "functions.orders.handlers.sweep.handler", timeout_seconds=120)

WIRING = ContextWiring(
    name="orders",
    table=TableSpec(model="functions.orders.store.records:OrdersRecord"),
    api=Function("orders-api", "functions.orders.handlers.api.handler", frozenset({Need.EVENT_BUS, Need.PAYMENTS})),
    events=(
        EventSubscription(
            function=OFFER_SYNC,
            sources=("plein.vendor",),
            detail_types=("OffersChanged", "VendorUpdated"),
        ),
    ),
    schedules=(Schedule(function=SWEEP, rate_minutes=5),),
    publishes=("OrderPlaced", "OrderShipped", "OrderDelivered", "OrderCancelled", "OrderReturned"),
)
