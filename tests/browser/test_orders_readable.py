"""The shopper's orders as people read them, in a real browser against the whole local runtime: the
list names each order by a short number and by what was bought; a delivered order offers a return
only within the vendor's window and says until when; a shipped one says the window starts at
delivery and offers no return yet."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.test_campaigns import PHONE, _fits_the_width
from tests.browser.test_web import TIMEOUT_MS, _shoot, _sign_in
from tests.e2e.conftest import Plein, wait_for_demo_orders

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def _number(order_id: str) -> str:
    return f"{order_id[:4]}-{order_id[4:8]}".upper()


def _demo_order(orders: list[dict[str, Any]], status: str) -> dict[str, Any]:
    return next(order for order in orders if order["status"] == status)


def test_orders_are_named_by_number_and_contents_and_returns_follow_the_window(
    plein: Plein, web_url: str, page: Page, tmp_path: Path
) -> None:
    # Given the demo shopper's delivered and shipped orders
    wait_for_demo_orders(plein)
    shopper = plein.client("shopper")
    orders = shopper.get("/orders", params={"limit": 100}).json()["items"]
    delivered, shipped = _demo_order(orders, "delivered"), _demo_order(orders, "shipped")
    assert delivered["titles"]
    assert delivered["item_count"] >= 1
    page.set_viewport_size(PHONE)

    # When they open their orders
    _sign_in(page, web_url, plein, "shopper", "#/orders")
    row = page.locator("tr").filter(has=page.get_by_role("link", name=f"Order {_number(delivered['order_id'])}"))
    row.wait_for(timeout=TIMEOUT_MS)

    # Then each order shows its number and what was bought
    assert delivered["titles"][0] in row.inner_text()
    assert _fits_the_width(page)
    _shoot(page, tmp_path, "orders")

    # And the delivered order offers a return until the end of its window
    row.get_by_role("link").click()
    page.get_by_test_id("return-window").wait_for(timeout=TIMEOUT_MS)
    full = shopper.get(f"/orders/{delivered['order_id']}").json()
    delivered_subs = [s for s in full["sub_orders"] if s["status"] == "delivered"]
    assert all(s["complete_after"] for s in delivered_subs)
    assert page.get_by_role("button", name="Return", exact=True).count() == sum(
        1 for s in delivered_subs for line in s["lines"] if line["quantity"] > line["returned_quantity"]
    )
    assert page.get_by_test_id("order-reference").inner_text() == delivered["order_id"]
    _shoot(page, tmp_path, "delivered-order")

    # And the shipped one says returns start at delivery, with no return button yet
    page.goto(f"{web_url}#/orders/{shipped['order_id']}")
    page.get_by_text("Returns are possible within").first.wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_role("button", name="Return", exact=True).count() == 0
    assert _fits_the_width(page)
