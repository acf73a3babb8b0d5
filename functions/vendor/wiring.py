"""How the vendor context is wired: its table, API and consumers."""

from functions.common.wiring import (
    BucketRetention,
    BucketSubscription,
    ContextWiring,
    EventSubscription,
    Function,
    Need,
    Schedule,
    StreamSubscription,
    TableSpec,
)
from functions.vendor.logic.domain import FEED_HISTORY, FEEDS_PREFIX, REPORTS_PREFIX

FEED_IMPORT = Function(
    "vendor-feed-import",
    "functions.vendor.handlers.feed_import.handler",
    frozenset({Need.EVENT_BUS, Need.FEEDS_BUCKET}),
    memory_mb=1769,
    timeout_seconds=900,
    reserved_concurrency=10,
)

FEED_PULL = Function(
    "vendor-feed-pull",
    "functions.vendor.handlers.feed_pull.handler",
    frozenset({Need.EVENT_BUS, Need.FEEDS_BUCKET}),
    memory_mb=512,
    timeout_seconds=900,
    reserved_concurrency=1,  # one run at a time takes the due sources
)
FEED_PULL_MINUTES = 5

WIRING = ContextWiring(
    name="vendor",
    table=TableSpec(model="functions.vendor.store.records:VendorRecord", stream=True),
    api=Function(
        "vendor-api",
        "functions.vendor.handlers.api.handler",
        frozenset({Need.EVENT_BUS, Need.FEEDS_BUCKET, Need.USER_POOL}),
    ),
    events=(
        EventSubscription(
            Function("vendor-sales", "functions.vendor.handlers.sales.handler"),
            sources=("plein.orders",),
            detail_types=("OrderPlaced",),
        ),
    ),
    streams=(
        StreamSubscription(
            Function(
                "vendor-offer-relay",
                "functions.vendor.handlers.offer_relay.handler",
                frozenset({Need.EVENT_BUS}),
                timeout_seconds=60,
            ),
            # Up to 1,000 records per invocation: a 100k-row import is ~100 invocations, ~1,000 events.
            batch_size=1000,
        ),
    ),
    bucket=(BucketSubscription(FEED_IMPORT, prefix=FEEDS_PREFIX),),
    # Uploaded feeds and their error reports live as long as the import history lists them.
    bucket_retention=tuple(BucketRetention(prefix, FEED_HISTORY.days) for prefix in (FEEDS_PREFIX, REPORTS_PREFIX)),
    schedules=(Schedule(FEED_PULL, rate_minutes=FEED_PULL_MINUTES),),
    publishes=("VendorApproved", "VendorUpdated", "OffersChanged", "FeedImportCompleted"),
)
