"""How the advice context is wired: its table, API and consumers."""

from functions.common.wiring import ContextWiring, Function, Need, TableSpec

WIRING = ContextWiring(
    name="advice",
    table=TableSpec(model="functions.advice.store.records:AdviceRecord"),
    api=Function("advice-api", "functions.advice.handlers.api.handler", frozenset({Need.EVENT_BUS})),
    websocket=Function(
        "advice-ws", "functions.advice.handlers.ws.handler", frozenset({Need.WEBSOCKET, Need.MEDIA, Need.USER_POOL})
    ),
)
