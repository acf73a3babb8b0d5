"""Sales per vendor for the dashboard, from `OrderPlaced` (each event counted once)."""

from __future__ import annotations

from functions.vendor.logic.domain import VendorStats
from functions.vendor.logic.ports import VendorRepository
from functions.vendor.models.consumed import OrderPlacedView


def sales_deltas(order: OrderPlacedView) -> dict[str, VendorStats]:
    deltas: dict[str, VendorStats] = {}
    for line in order.lines:
        delta = deltas.setdefault(line.vendor_id, VendorStats(orders=1))
        delta.items_sold += line.quantity
        delta.revenue += line.line_total
    return deltas


class SalesService:
    def __init__(self, vendors: VendorRepository):
        self._vendors = vendors

    def record_order(self, order: OrderPlacedView) -> bool:
        """Add the order's sales to its vendors' counters; False when it was counted before."""
        deltas = sales_deltas(order)
        return self._vendors.record_sales(order.event_id, deltas) if deltas else False
