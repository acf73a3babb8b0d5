"""How the advice context is wired: its table (with the outbox stream), API, socket, sweep and consumers."""

from functions.advice.models.events import ADVICE_EVENTS
from functions.common.wiring import (
    ContextWiring,
    EventSubscription,
    Function,
    Need,
    Schedule,
    TableSpec,
    outbox_relay,
)

# No USER_POOL: the socket's connections are authorized by ws_authorizer (no IAM grant needed).
SOCKET_NEEDS = frozenset({Need.WEBSOCKET, Need.MEDIA})
SWEEP = Function("advice-sweep", "functions.advice.handlers.sweep.handler", SOCKET_NEEDS)

WIRING = ContextWiring(
    name="advice",
    table=TableSpec(model="functions.advice.store.records:AdviceRecord", stream=True),
    # USER_POOL: the advisor group; CONTACTS: invitees found by e-mail address (ListUsers)
    api=Function(
        "advice-api",
        "functions.advice.handlers.api.handler",
        frozenset({Need.EVENT_BUS, Need.USER_POOL, Need.CONTACTS}),
    ),
    websocket=Function("advice-ws", "functions.advice.handlers.ws.handler", SOCKET_NEEDS),
    # Checks the `?token=` (a Cognito access token) of `$connect`, on AWS and locally alike.
    websocket_authorizer=Function(
        "advice-ws-authorizer",
        "functions.advice.handlers.ws_authorizer.handler",
        frozenset({Need.TOKENS}),
        memory_mb=256,
    ),
    events=(
        EventSubscription(
            Function("advice-conversions", "functions.advice.handlers.orders.handler"),
            sources=("plein.orders",),
            detail_types=("OrderPlaced",),
        ),
        # Inbox notifications as live `notification` frames to the member's open connections.
        EventSubscription(
            Function(
                "advice-notifications", "functions.advice.handlers.notifications.handler", frozenset({Need.WEBSOCKET})
            ),
            sources=("plein.notifications",),
            detail_types=("NotificationCreated",),
        ),
    ),
    streams=(outbox_relay("advice"),),
    # Offers time out after 20 s; a rate rule's finest grain is a minute, so escalation happens
    # on the next tick (and at once when everyone offered declines).
    schedules=(
        Schedule(Function("advice-sweep", "functions.advice.handlers.sweep.handler", SOCKET_NEEDS), rate_minutes=1),
    ),
    publishes=tuple(event.detail_type for event in ADVICE_EVENTS),
)
