"""How the community context is wired: its table, API and consumers."""

from functions.common.wiring import ContextWiring, Function, Need, TableSpec

WIRING = ContextWiring(
    name="community",
    table=TableSpec(model="functions.community.store.records:CommunityRecord"),
    api=Function("community-api", "functions.community.handlers.api.handler", frozenset({Need.EVENT_BUS})),
)
