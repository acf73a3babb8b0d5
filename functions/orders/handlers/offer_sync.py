"""Consumer of the vendor's OffersChanged and VendorUpdated events: keeps the inventory projection."""

from __future__ import annotations

from typing import Any

from functions.common.consumers import eventbridge_sqs_entry
from functions.orders.handlers.dependencies import offer_sync


def handle(source: str, detail_type: str, detail: dict[str, Any]) -> None:
    offer_sync().handle(source, detail_type, detail)


handler = eventbridge_sqs_entry(handle)
