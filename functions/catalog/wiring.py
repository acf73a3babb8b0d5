"""How the catalog context is wired: its table, API and consumers."""

from functions.common.wiring import ContextWiring, EventSubscription, Function, Need, TableSpec

INDEXER = Function(
    "catalog-indexer",
    "functions.catalog.handlers.indexer.handler",
    frozenset({Need.SEARCH}),
    memory_mb=1024,
    timeout_seconds=180,  # a batch of ten 100-offer events; locally moto is shared and slow under load
)

WIRING = ContextWiring(
    name="catalog",
    table=TableSpec(model="functions.catalog.store.records:CatalogRecord"),
    api=Function("catalog-api", "functions.catalog.handlers.api.handler", frozenset({Need.EVENT_BUS, Need.SEARCH})),
    events=(
        EventSubscription(
            INDEXER, sources=("plein.vendor",), detail_types=("OffersChanged", "VendorUpdated"), batch_size=10
        ),
        EventSubscription(INDEXER, sources=("plein.orders",), detail_types=("OrderPlaced",), batch_size=10),
        EventSubscription(
            INDEXER, sources=("plein.community",), detail_types=("ProductHearted", "ReviewPublished"), batch_size=10
        ),
    ),
)
