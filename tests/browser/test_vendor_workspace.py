"""The vendor workspace's profile and orders in a real browser, against the whole local runtime:
the vendor adds a destination (a country written out in full is refused in plain words, nothing is
saved), changes the return window and the story; a shopper follows the vendor's name on a product
page to the storefront and finds the new terms there, with the vendor's products. The orders tab
narrows to what is left to ship."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.test_campaigns import PHONE, _fits_the_width
from tests.browser.test_web import TIMEOUT_MS, _shoot, _sign_in
from tests.e2e.conftest import Plein, wait_for_demo_orders

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
TERMS = ("story", "contact", "shipping_rules", "free_shipping_from", "return_days", "return_policy", "service_policy")


@pytest.fixture
def demo_vendor(plein: Plein) -> Iterator[dict[str, Any]]:
    """The demo vendor's profile; put back as it was after the test (other tests count on its rules)."""
    client = plein.client("vendor")
    vendor_id = plein.users["vendor"].vendor_id
    before: dict[str, Any] = client.get(f"/vendors/{vendor_id}").json()
    yield before
    restored = client.patch(f"/vendors/{vendor_id}", json={key: before[key] for key in TERMS})
    assert restored.status_code == 200, restored.text


def test_a_vendor_edits_shipping_and_returns_and_shoppers_see_them_on_the_storefront(
    plein: Plein, web_url: str, page: Page, tmp_path: Path, demo_vendor: dict[str, Any]
) -> None:
    vendor_id = demo_vendor["vendor_id"]
    # Given the demo vendor on the profile tab of the workspace, on a phone
    page.set_viewport_size(PHONE)
    _sign_in(page, web_url, plein, "vendor", "#/vendor")
    page.goto(f"{web_url}#/vendor?tab=profile")
    rules = page.get_by_test_id("shipping-rules")
    rules.locator("li").first.wait_for(timeout=TIMEOUT_MS)
    assert rules.locator("li").count() == len(demo_vendor["shipping_rules"])

    # When they add a destination with the country written out
    page.get_by_role("button", name="Add a destination").click()
    added = rules.locator("li").last
    added.get_by_label("Destination", exact=True).fill("Benelux")
    added.get_by_label("Countries", exact=True).fill("Belgium")
    added.get_by_label("Cost (€)").fill("6,95")
    added.get_by_label("Free from (€)").fill("60")
    page.get_by_role("button", name="Save profile").click()

    # Then the form says what to write, and nothing is saved
    page.get_by_role("alert").filter(has_text="Two-letter codes").wait_for(timeout=TIMEOUT_MS)
    assert plein.client("vendor").get(f"/vendors/{vendor_id}").json()["shipping_rules"] == demo_vendor["shipping_rules"]

    # When they correct it, change the return window and the story, and save
    added.get_by_label("Countries", exact=True).fill("be, lu")
    page.get_by_label("Return window (days)").fill("21")
    page.get_by_label("About your shop").fill(
        "Strick aus Merinowolle, seit 1987 in Kiel gestrickt. Jetzt auch nach Belgien."
    )
    page.get_by_role("button", name="Save profile").click()
    page.get_by_role("status").filter(has_text="Your profile is saved").wait_for(timeout=TIMEOUT_MS)
    assert _fits_the_width(page)
    _shoot(page, tmp_path, "vendor-profile")
    saved = plein.client("vendor").get(f"/vendors/{vendor_id}").json()
    assert saved["shipping_rules"][-1] == {
        "zone": "Benelux",
        "countries": ["BE", "LU"],
        "cost": 695,
        "free_from": 6000,
        "min_days": 1,
        "max_days": 3,
    }
    assert saved["return_days"] == 21

    # And a shopper following the vendor's name on one of its product pages sees the new terms
    offer = plein.client().get(f"/vendors/{vendor_id}/storefront", params={"limit": 1}).json()["offers"][0]
    page.goto(f"{web_url}#/product/{offer['product_id']}")
    page.locator("a.vendor-link", has_text=demo_vendor["name"]).first.click()
    page.get_by_role("heading", name=demo_vendor["name"], level=1).wait_for(timeout=TIMEOUT_MS)
    terms = page.locator(".storefront-terms")
    assert "Benelux (BE, LU)" in terms.inner_text()
    assert "Returns within 21 days of delivery." in terms.inner_text()
    assert "Jetzt auch nach Belgien." in page.locator(".story").inner_text()
    assert page.get_by_test_id("storefront-offers").locator("li").count() > 0
    assert _fits_the_width(page)
    _shoot(page, tmp_path, "storefront")


def test_a_storefront_of_no_vendor_says_so(web_url: str, page: Page) -> None:
    page.goto(f"{web_url}#/vendors/no-such-vendor")
    page.get_by_role("heading", name="Shop not found").wait_for(timeout=TIMEOUT_MS)


def test_the_vendor_sees_only_what_is_left_to_ship(plein: Plein, web_url: str, page: Page) -> None:
    # Given the demo vendor with its orders
    wait_for_demo_orders(plein)
    vendor_id = plein.users["vendor"].vendor_id
    client = plein.client("vendor")
    to_ship = client.get(f"/vendors/{vendor_id}/orders", params={"status": "paid", "limit": 20}).json()["items"]
    every = client.get(f"/vendors/{vendor_id}/orders", params={"limit": 20}).json()["items"]
    assert {o["sub_order"]["status"] for o in to_ship} <= {"paid"}

    # When they choose "To ship" on the orders tab
    _sign_in(page, web_url, plein, "vendor", "#/vendor")
    page.goto(f"{web_url}#/vendor?tab=orders")
    page.locator(".vendor-orders section").first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("link", name="To ship").click()

    # Then exactly the paid sub-orders are listed, each with its ship form
    if to_ship:
        page.locator(".vendor-orders section").first.wait_for(timeout=TIMEOUT_MS)
        cards = page.locator(".vendor-orders section")
        assert cards.count() == len(to_ship)
        assert cards.get_by_role("button", name="Mark shipped").count() == len(to_ship)
    else:
        page.get_by_text("Nothing left to ship.").wait_for(timeout=TIMEOUT_MS)
    # and "All orders" lists the others again
    page.get_by_role("link", name="All orders").click()
    page.locator(".vendor-orders section").nth(min(len(every), 20) - 1).wait_for(timeout=TIMEOUT_MS)


def test_the_vendor_finds_sold_out_offers_by_sku_changes_them_together_and_withdraws_one(
    plein: Plein, web_url: str, page: Page
) -> None:
    # Given two offers of one SKU family, one of them sold out
    vendor_id = plein.users["vendor"].vendor_id
    client = plein.client("vendor")
    family = f"FLT-{uuid.uuid4().hex[:6].upper()}"
    for suffix, quantity, price in (("A", 0, 1295), ("B", 3, 1495)):
        body = {"title": f"Filter mug {suffix}", "price": price, "quantity": quantity, "availability": "in_stock"}
        assert client.put(f"/vendors/{vendor_id}/offers/{family}-{suffix}", json=body).status_code in (200, 201)

    # When the vendor shows the out-of-stock offers whose SKU starts with the family
    _sign_in(page, web_url, plein, "vendor", "#/vendor")
    page.get_by_role("search", name="Find offers").wait_for(timeout=TIMEOUT_MS)
    page.get_by_label("Show", exact=True).select_option("out_of_stock")
    page.get_by_label("SKU starts with").fill(family)
    page.get_by_role("button", name="Show offers").click()

    # Then only the sold-out one is listed
    rows = page.locator("tr[data-sku]")
    page.locator(f'tr[data-sku="{family}-A"]').wait_for(timeout=TIMEOUT_MS)
    assert rows.count() == 1

    # When they list the live ones of the family, tick both, lower their prices by 10 % and set
    # their stock to 7
    page.get_by_label("Show", exact=True).select_option("live")
    page.get_by_role("button", name="Show offers").click()
    page.locator(f'tr[data-sku="{family}-B"]').wait_for(timeout=TIMEOUT_MS)
    assert rows.count() == 2
    page.get_by_label("Select every offer shown").check()
    page.get_by_text("2 offers selected").wait_for(timeout=TIMEOUT_MS)
    page.get_by_label("Change prices by (%)").fill("-10")
    page.get_by_role("button", name="Apply to prices").click()
    page.locator(f'tr[data-sku="{family}-A"] td[data-label="Price"]', has_text="11.66").wait_for(timeout=TIMEOUT_MS)
    page.get_by_label("Set stock to").fill("7")
    page.get_by_role("button", name="Apply to stock").click()
    page.locator(f'tr[data-sku="{family}-A"] td[data-label="Stock"]', has_text="7").wait_for(timeout=TIMEOUT_MS)

    # Then both offers changed, the sold-out one is on sale again
    listed = client.get(f"/vendors/{vendor_id}/offers", params={"sku": family}).json()["items"]
    assert sorted((o["sku"], o["price"], o["quantity"]) for o in listed) == [
        (f"{family}-A", 1166, 7),
        (f"{family}-B", 1346, 7),
    ]

    # And sorted by price, highest first, the dearer one leads
    page.get_by_label("Sort by").select_option("price_desc")
    page.get_by_role("button", name="Show offers").click()
    page.locator(f'tr[data-sku="{family}-B"]:first-child + tr[data-sku="{family}-A"]').wait_for(timeout=TIMEOUT_MS)
    assert rows.count() == 2

    # When they withdraw one of them, confirming it
    page.get_by_role("button", name=f"Withdraw {family}-B").click()
    page.get_by_role("button", name=f"Yes, withdraw {family}-B").click()

    # Then it shows as withdrawn, and is listed among the withdrawn offers
    page.locator(f'tr[data-sku="{family}-B"] .badge', has_text="withdrawn").wait_for(timeout=TIMEOUT_MS)
    withdrawn = client.get(f"/vendors/{vendor_id}/offers", params={"listing": "withdrawn", "sku": family}).json()
    assert [o["sku"] for o in withdrawn["items"]] == [f"{family}-B"]
    page.get_by_label("Show", exact=True).select_option("withdrawn")
    page.get_by_role("button", name="Show offers").click()
    page.locator(f'tr[data-sku="{family}-B"]').wait_for(timeout=TIMEOUT_MS)
    assert rows.count() == 1


def test_the_vendor_sees_what_a_month_pays_out(plein: Plein, web_url: str, page: Page) -> None:
    # Given the demo vendor's statement for this month, as the API adds it up
    wait_for_demo_orders(plein)
    vendor_id = plein.users["vendor"].vendor_id
    month = datetime.now(UTC).strftime("%Y-%m")
    statement = plein.client("vendor").get(f"/vendors/{vendor_id}/payouts/{month}").json()

    # When the vendor opens the payouts tab
    _sign_in(page, web_url, plein, "vendor", "#/vendor")
    page.goto(f"{web_url}#/vendor?tab=payouts")

    # Then each state shows the same payout as the statement
    if not statement["totals"]:
        page.get_by_text("No paid orders were placed in this month.").wait_for(timeout=TIMEOUT_MS)
        return
    for entry in statement["totals"]:
        card = page.get_by_test_id(f"payout-{entry['state']}")
        card.wait_for(timeout=TIMEOUT_MS)
        assert card.get_by_test_id("payout-total").inner_text().replace(",", "") == f"€{entry['payout'] / 100:.2f}"
    # and a month without orders says so
    page.get_by_label("Orders placed in").fill("2001-01")
    page.get_by_role("button", name="Show", exact=True).click()
    page.get_by_text("No paid orders were placed in this month.").wait_for(timeout=TIMEOUT_MS)


def test_the_vendor_confirms_a_refund_naming_its_amount(plein: Plein, web_url: str, page: Page) -> None:
    # Given a delivered order of the demo vendor's (which ships to Germany) with a return requested
    vendor_id = plein.users["vendor"].vendor_id
    seller = plein.client("vendor")
    offers = plein.client().get(f"/vendors/{vendor_id}/storefront", params={"limit": 50}).json()["offers"]
    offer = next(o for o in offers if o["quantity"] >= 2 and not o["sale_price"])
    username = f"returner-{uuid.uuid4().hex[:6]}"
    plein.create_user(username, "Return-it-2026!", ["shopper"])
    shopper = plein.client(username, password="Return-it-2026!")
    germany = {"country": "DE"}
    assert shopper.put(f"/cart/items/{offer['offer_id']}", json={"quantity": 1}, params=germany).status_code == 200
    address = {"name": "Refund Test", "line1": "Hafenstraße 1", "postal_code": "24103", "city": "Kiel", "country": "DE"}
    placed = shopper.post(
        "/checkout",
        json={"shipping_address": address, "payment_method": "tok_visa"},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["order_id"]
    shipment = {"carrier": "DHL", "tracking_number": "1"}
    assert seller.post(f"/vendors/{vendor_id}/orders/{order_id}/ship", json=shipment).status_code == 200
    assert seller.post(f"/vendors/{vendor_id}/orders/{order_id}/deliver").status_code == 200
    request = {"offer_id": offer["offer_id"], "quantity": 1, "reason": "Too small"}
    asked = shopper.post(f"/orders/{order_id}/returns", json=request)
    assert asked.status_code in (200, 201), asked.text

    # When the vendor accepts it in the orders tab
    _sign_in(page, web_url, plein, "vendor", "#/vendor")
    page.goto(f"{web_url}#/vendor?tab=orders")
    item = page.locator(".return-item").filter(has_text="Too small").first
    item.get_by_role("button", name="Accept and refund").click()

    # Then it asks first, naming the amount; "not yet" changes nothing
    price = f"€{offer['price'] / 100:,.2f}"
    item.get_by_text(f"Refund {price} to the shopper?").wait_for(timeout=TIMEOUT_MS)
    item.get_by_role("button", name="Not yet").click()
    assert shopper.get(f"/orders/{order_id}").json()["sub_orders"][0]["refunded"] == 0

    # And the second click refunds it
    item.get_by_role("button", name="Accept and refund").click()
    item.get_by_role("button", name="Yes, refund").click()
    page.locator(".return-item .badge", has_text="refunded").first.wait_for(timeout=TIMEOUT_MS)
    assert shopper.get(f"/orders/{order_id}").json()["sub_orders"][0]["refunded"] == offer["price"]
