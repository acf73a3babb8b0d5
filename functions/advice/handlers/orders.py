"""Consumer of OrderPlaced (plein.orders): conversion attribution for advice sessions.

Idempotent: a conversion is recorded once per (session, order), so a relayed duplicate adds nothing.
"""

from __future__ import annotations

from typing import Any

from functions.advice.handlers.dependencies import session_service
from functions.advice.models.consumed import OrderPlacedView
from functions.common.consumers import eventbridge_sqs_entry


def handle(source: str, detail_type: str, detail: dict[str, Any]) -> None:
    if (source, detail_type) == ("plein.orders", "OrderPlaced"):
        session_service().order_placed(OrderPlacedView.model_validate(detail))


handler = eventbridge_sqs_entry(handle)
