"""Consumer of vendor, orders and community events: keeps the read model and search index fresh."""

from __future__ import annotations

from typing import Any

from functions.catalog.handlers.dependencies import catalog_indexer
from functions.catalog.models.consumed import OffersChangedView
from functions.common.consumers import eventbridge_sqs_entry


def handle(source: str, detail_type: str, detail: dict[str, Any]) -> None:
    catalog_indexer().handle(source, detail_type, detail)


def offers_changed(details: list[dict[str, Any]]) -> None:
    catalog_indexer().offers_changed_batch(details)


_entry = eventbridge_sqs_entry(handle, bulk={(OffersChangedView.source, OffersChangedView.detail_type): offers_changed})


def handler(event: dict[str, Any], context: Any) -> Any:
    """The SQS batch entry point; the index is committed once per batch, after every record. If
    that commit fails the whole batch is retried (every write is idempotent)."""
    with catalog_indexer().batch():
        return _entry(event, context)
