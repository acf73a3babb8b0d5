"""How the catalog context is wired: its table, API and consumers."""

from functions.common.wiring import ContextWiring, Function, Need, TableSpec

WIRING = ContextWiring(
    name="catalog",
    table=TableSpec(model="functions.catalog.store.records:CatalogRecord"),
    api=Function("catalog-api", "functions.catalog.handlers.api.handler", frozenset({Need.EVENT_BUS})),
)
