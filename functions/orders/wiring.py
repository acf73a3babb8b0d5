"""How the orders context is wired: its table, API, consumers and schedules."""

from functions.common.wiring import ContextWiring, EventSubscription, Function, Need, Schedule, TableSpec

OFFER_SYNC = Function("orders-offer-sync", "functions.orders.handlers.offer_sync.handler")
SWEEP = Function("orders-reservation-sweep", "functions.orders.handlers.sweep.handler", timeout_seconds=120)

WIRING = ContextWiring(
    name="orders",
    table=TableSpec(model="functions.orders.store.records:OrdersRecord"),
    api=Function("orders-api", "functions.orders.handlers.api.handler", frozenset({Need.EVENT_BUS})),
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
