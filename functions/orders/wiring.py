"""How the orders context is wired: its table, API and consumers."""

from functions.common.wiring import ContextWiring, Function, Need, TableSpec

WIRING = ContextWiring(
    name="orders",
    table=TableSpec(model="functions.orders.store.records:OrdersRecord"),
    api=Function("orders-api", "functions.orders.handlers.api.handler", frozenset({Need.EVENT_BUS})),
)
