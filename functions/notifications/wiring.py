"""How the notifications context is wired: its table, API and consumers."""

from functions.common.wiring import ContextWiring, Function, Need, TableSpec

WIRING = ContextWiring(
    name="notifications",
    table=TableSpec(model="functions.notifications.store.records:NotificationsRecord"),
    api=Function("notifications-api", "functions.notifications.handlers.api.handler", frozenset({Need.EVENT_BUS})),
)
