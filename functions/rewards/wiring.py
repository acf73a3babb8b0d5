"""How the rewards context is wired: its table, API and consumers."""

from functions.common.wiring import ContextWiring, Function, Need, TableSpec

WIRING = ContextWiring(
    name="rewards",
    table=TableSpec(model="functions.rewards.store.records:RewardsRecord"),
    api=Function("rewards-api", "functions.rewards.handlers.api.handler", frozenset({Need.EVENT_BUS})),
)
