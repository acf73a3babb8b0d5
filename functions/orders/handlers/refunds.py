"""Consumer of the orders context's own RefundPending events: pays a refund whose first attempt failed."""

from __future__ import annotations

from typing import Any

from functions.common.consumers import eventbridge_sqs_entry
from functions.orders.handlers.dependencies import lifecycle_service


def handle(source: str, detail_type: str, detail: dict[str, Any]) -> None:
    lifecycle_service().handle(source, detail_type, detail)


handler = eventbridge_sqs_entry(handle)
