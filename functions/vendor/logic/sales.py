"""Sales per vendor for the dashboard, from `OrderPlaced` (each event counted once)."""

from __future__ import annotations

from typing import Protocol

from functions.vendor.models.consumed import OrderPlacedView
from functions.vendor.models.domain import VendorStats


class SalesLedger(Protocol):
    def record_sales(self, event_id: str, deltas: dict[str, VendorStats]) -> bool:
        """Add the deltas unless `event_id` was recorded before; False when it was."""


def sales_deltas(order: OrderPlacedView) -> dict[str, VendorStats]:
    deltas: dict[str, VendorStats] = {}
    for line in order.lines:
        delta = deltas.setdefault(line.vendor_id, VendorStats(orders=1))
        delta.items_sold += line.quantity
        delta.revenue += line.line_total
    return deltas


def record_order(ledger: SalesLedger, order: OrderPlacedView) -> bool:
    deltas = sales_deltas(order)
    return ledger.record_sales(order.event_id, deltas) if deltas else False
