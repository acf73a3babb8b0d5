"""`OrderPlaced` (EventBridge → SQS) → the vendors' sales counters on the dashboard."""

from __future__ import annotations

from typing import Any

from functions.common.consumers import eventbridge_sqs_entry
from functions.common.observability import logger


def handle_event(source: str, detail_type: str, detail: dict[str, Any]) -> None:
    from functions.common.settings import TableSettings, load_settings
    from functions.vendor.handlers.dependencies import _bound
    from functions.vendor.logic.sales import record_order
    from functions.vendor.models.consumed import OrderPlacedView
    from functions.vendor.store.dynamo import DynamoVendors

    if (source, detail_type) != (OrderPlacedView.source, OrderPlacedView.detail_type):
        return
    _bound(load_settings(TableSettings).table_name)
    order = OrderPlacedView.model_validate(detail)
    if not record_order(DynamoVendors(), order):
        logger().info("order already counted", extra={"order_id": order.order_id})


handler = eventbridge_sqs_entry(handle_event)
