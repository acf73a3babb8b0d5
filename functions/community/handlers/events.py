"""Consumer of other contexts' events: verified purchases and sellers (OrderDelivered), badges
(StageChanged). Idempotent on `event_id`."""

from __future__ import annotations

from typing import Any

from functions.common.consumers import eventbridge_sqs_entry
from functions.common.observability import logger
from functions.community.handlers.dependencies import event_consumer
from functions.community.models.consumed import OrderDeliveredView, StageChangedView


def handle_event(source: str, detail_type: str, detail: dict[str, Any]) -> None:
    """Route one event; a detail that does not validate fails its record (→ DLQ)."""
    match (source, detail_type):
        case (OrderDeliveredView.source, OrderDeliveredView.detail_type):
            event_consumer().order_delivered(OrderDeliveredView.model_validate(detail))
        case (StageChangedView.source, StageChangedView.detail_type):
            event_consumer().stage_changed(StageChangedView.model_validate(detail))
        case _:
            logger().warning("ignoring an event the community does not consume", extra={"source": source})


handler = eventbridge_sqs_entry(handle_event)
