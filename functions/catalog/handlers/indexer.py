"""Consumer of vendor, orders and community events: keeps the read model and search index fresh."""

from __future__ import annotations

from typing import Any

from functions.catalog.handlers.dependencies import catalog_indexer
from functions.catalog.models.events import (
    OffersChangedView,
    OrderPlacedView,
    ProductHeartedView,
    ReviewPublishedView,
    VendorUpdatedView,
)
from functions.common.consumers import eventbridge_sqs_entry
from functions.common.observability import logger


def handle_event(source: str, detail_type: str, detail: dict[str, Any]) -> None:
    """Route one EventBridge event; a detail that does not validate fails the record (→ DLQ)."""
    indexer = catalog_indexer()
    match (source, detail_type):
        case (OffersChangedView.source, OffersChangedView.detail_type):
            indexer.offers_changed([OffersChangedView.model_validate(detail)])
        case (VendorUpdatedView.source, VendorUpdatedView.detail_type):
            indexer.vendor_updated(VendorUpdatedView.model_validate(detail))
        case (OrderPlacedView.source, OrderPlacedView.detail_type):
            indexer.order_placed(OrderPlacedView.model_validate(detail))
        case (ProductHeartedView.source, ProductHeartedView.detail_type):
            indexer.product_hearted(ProductHeartedView.model_validate(detail))
        case (ReviewPublishedView.source, ReviewPublishedView.detail_type):
            indexer.review_published(ReviewPublishedView.model_validate(detail))
        case ("aws.events", "Scheduled Event"):  # the wiring's tick, sent into this queue (one index writer)
            indexer.reprice_due()
        case _:
            logger().warning("ignoring an event the catalog does not consume", extra={"source": source})


def offers_changed(details: list[dict[str, Any]]) -> None:
    """A batch's OffersChanged events together: their products are read and written in a few
    requests instead of a few per event (the index keeps pace with a feed import)."""
    catalog_indexer().offers_changed([OffersChangedView.model_validate(detail) for detail in details])


_entry = eventbridge_sqs_entry(
    handle_event, bulk={(OffersChangedView.source, OffersChangedView.detail_type): offers_changed}
)


def handler(event: dict[str, Any], context: Any) -> Any:
    """The SQS batch entry point; the index is committed once per batch, after every record. If
    that commit fails the whole batch is retried (every write is idempotent)."""
    with catalog_indexer().batch():
        return _entry(event, context)
