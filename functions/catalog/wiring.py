"""How the catalog context is wired: its table, API and consumers."""

from functions.common.wiring import ContextWiring, EventSubscription, Function, Need, Schedule, TableSpec

INDEXER = Function(
    "catalog-indexer",
    "functions.catalog.handlers.indexer.handler",
    frozenset({Need.SEARCH}),
    memory_mb=1024,
    # A batch is ten 100-offer events, handled together: ~20 BatchGets and ~10 TransactWriteItems
    # (sixteen in flight), the index upserts and one commit; ~0.9 s locally under a feed import
    # (measured, was 60 s+ with a PutItem per product). 180 s is a margin for the local runtime on
    # a loaded 2-core machine.
    timeout_seconds=180,
)

REPRICE_MINUTES = 5

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
            INDEXER,
            sources=("plein.community",),
            detail_types=("ProductHearted", "ProductRatingChanged"),
            batch_size=10,
        ),
    ),
    # Sale prices start and end on their own: every 5 minutes the indexer re-prices what is due.
    schedules=(Schedule(INDEXER, rate_minutes=REPRICE_MINUTES, through_queue=True),),
)
