"""`OrderPlaced` (EventBridge → SQS) → the vendors' sales counters on the dashboard."""

from __future__ import annotations

from typing import Any

from functions.common.consumers import eventbridge_sqs_entry
from functions.common.observability import logger
from functions.vendor.handlers.dependencies import sales_service
from functions.vendor.models.consumed import OrderPlacedView


def handle_event(source: str, detail_type: str, detail: dict[str, Any]) -> None:
    if (source, detail_type) != (OrderPlacedView.source, OrderPlacedView.detail_type):
        return
    order = OrderPlacedView.model_validate(detail)
    if not sales_service().record_order(order):
        logger().info("order already counted", extra={"order_id": order.order_id})


handler = eventbridge_sqs_entry(handle_event)
