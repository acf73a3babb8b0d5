"""Consumer of the vendor's OffersChanged and VendorUpdated events: keeps the inventory projection."""

from __future__ import annotations

from functools import cache
from typing import Any

from functions.common.consumers import eventbridge_sqs_entry
from functions.orders.logic.sync import OfferSync


@cache
def _sync() -> OfferSync:
    from functions.orders.handlers import services

    return OfferSync(services.deps().inventory)


def handle(source: str, detail_type: str, detail: dict[str, Any]) -> None:
    _sync().handle(source, detail_type, detail)


handler = eventbridge_sqs_entry(handle)
