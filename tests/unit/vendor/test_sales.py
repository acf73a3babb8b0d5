"""Dashboard sales from OrderPlaced: per vendor, each event once."""

from __future__ import annotations

from typing import Any

from functions.vendor.logic.sales import SalesService, sales_deltas
from functions.vendor.models.consumed import OrderPlacedView
from tests.unit.vendor.conftest import World

ORDER: dict[str, Any] = {
    "event_id": "ev-1",
    "order_id": "or-1",
    "user_id": "u",
    "vendor_ids": ["v1", "v2"],
    "lines": [
        {"vendor_id": "v1", "quantity": 2, "line_total": 3000, "offer_id": "o", "sku": "a"},
        {"vendor_id": "v1", "quantity": 1, "line_total": 500, "offer_id": "o2", "sku": "b"},
        {"vendor_id": "v2", "quantity": 1, "line_total": 999, "offer_id": "o3", "sku": "c"},
    ],
    "total": 4499,
}


def test_sales_deltas_per_vendor() -> None:
    deltas = sales_deltas(OrderPlacedView.model_validate(ORDER))

    assert (deltas["v1"].orders, deltas["v1"].items_sold, deltas["v1"].revenue) == (1, 3, 3500)
    assert (deltas["v2"].orders, deltas["v2"].items_sold, deltas["v2"].revenue) == (1, 1, 999)


def test_each_event_counts_once_and_shows_on_the_dashboard(world: World) -> None:
    vendor_id, owner = world.approved_vendor()
    order = OrderPlacedView.model_validate({**ORDER, "lines": [{**ORDER["lines"][0], "vendor_id": vendor_id}]})

    sales = SalesService(world.vendors)

    assert sales.record_order(order) is True
    assert sales.record_order(order) is False

    board = world.vendor_service.dashboard(owner, vendor_id)
    assert (board.sales, board.items_sold, board.revenue) == (1, 2, 3000)


def test_our_view_reads_what_orders_publishes() -> None:
    # Contract: the producer's schema (functions/orders/models/events.py) parses into our view.
    from functions.orders.models.events import EventLine, OrderPlaced

    line = EventLine(
        offer_id="of_1", product_id="pr_1", vendor_id="vd_1", sku="S", quantity=2, unit_price=5, line_total=10
    )
    event = OrderPlaced(
        order_id="or_1", user_id="u", vendor_ids=["vd_1"], lines=[line], items_total=10, shipping_total=0, total=10
    )

    view = OrderPlacedView.model_validate(event.model_dump(mode="json"))

    assert (view.event_id, view.lines[0].vendor_id, view.lines[0].line_total) == (event.event_id, "vd_1", 10)
