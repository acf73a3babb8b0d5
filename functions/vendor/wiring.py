"""How the vendor context is wired: its table, API and consumers."""

from functions.common.wiring import ContextWiring, Function, Need, TableSpec

WIRING = ContextWiring(
    name="vendor",
    table=TableSpec(model="functions.vendor.store.records:VendorRecord", stream=True),
    api=Function(
        "vendor-api", "functions.vendor.handlers.api.handler", frozenset({Need.EVENT_BUS, Need.FEEDS_BUCKET})
    ),
    publishes=("VendorApproved", "VendorUpdated", "OffersChanged", "FeedImportCompleted"),
)
