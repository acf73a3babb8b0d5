"""A cart before signing in, in a real browser against the whole local runtime: a visitor adds an
offer on a product page (kept in the browser, counted in the header), sees it on the cart page with
the price they saw, and signs in from there; the line moves into the account's cart. When the
vendor changed the price meanwhile, the line moves at the new price and the cart says so."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.test_campaigns import PHONE, _fits_the_width
from tests.browser.test_web import TIMEOUT_MS, _catalog_ready, _shoot
from tests.e2e.conftest import Plein

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
PASSWORD = "Guest-cart-2026!"


@pytest.fixture
def demo_offer(plein: Plein) -> Iterator[dict[str, Any]]:
    """An in-stock offer of the demo vendor; its price is put back after the test."""
    _catalog_ready(plein)
    vendor_id = plein.users["vendor"].vendor_id
    offers = plein.client().get(f"/vendors/{vendor_id}/storefront", params={"limit": 50}).json()["offers"]
    buyable = (o for o in offers if o["quantity"] >= 3 and o["availability"] == "in_stock" and not o["sale_price"])
    offer: dict[str, Any] = next(buyable)
    yield offer
    plein.client("vendor").patch(f"/vendors/{vendor_id}/offers/{offer['sku']}", json={"price": offer["price"]})
    plein.wait_until_idle(60)


def _add_as_guest(page: Page, web_url: str, offer: dict[str, Any], quantity: int) -> None:
    page.goto(f"{web_url}#/product/{offer['product_id']}")
    row = page.locator("tr").filter(has=page.locator(f'button[data-offer="{offer["offer_id"]}"]'))
    row.locator("input.qty").fill(str(quantity))
    row.locator(f'button[data-offer="{offer["offer_id"]}"]').click()
    row.get_by_role("link", name="View cart").wait_for(timeout=TIMEOUT_MS)


def _sign_in_from_the_cart(page: Page, username: str) -> None:
    page.get_by_role("link", name="Sign in to check out").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("who").wait_for(timeout=TIMEOUT_MS)


def test_a_visitors_cart_moves_into_the_account_at_sign_in(
    plein: Plein, web_url: str, page: Page, tmp_path: Path, demo_offer: dict[str, Any]
) -> None:
    # Given a visitor with a long user name who adds two units on a product page, on a phone
    username = f"guest-with-a-rather-long-name-{uuid.uuid4().hex[:6]}"
    plein.create_user(username, PASSWORD, ["shopper"])
    page.set_viewport_size(PHONE)
    _add_as_guest(page, web_url, demo_offer, 2)

    # Then the header counts them and the cart page shows them at the price seen, not yet checked
    assert page.locator('#nav a[data-nav="cart"] .count').inner_text() == "2"
    page.locator('#nav a[data-nav="cart"]').click()
    page.get_by_test_id("guest-cart").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_test_id("guest-total").inner_text().replace(",", "") == f"€{2 * demo_offer['price'] / 100:.2f}"
    assert _fits_the_width(page)
    _shoot(page, tmp_path, "guest-cart")

    # When they sign in from the cart
    _sign_in_from_the_cart(page, username)

    # Then the account's cart holds the two units, and the browser's cart is empty
    page.locator(f'li.line:has(a[href*="{demo_offer["product_id"]}"])').first.wait_for(timeout=TIMEOUT_MS)
    # (the header keeps the account and the language switch on one row, the name cut short)
    who, switch = (page.locator(selector).bounding_box() for selector in ("#session", "#language-slot"))
    assert who is not None
    assert switch is not None
    assert abs((who["y"] + who["height"] / 2) - (switch["y"] + switch["height"] / 2)) < switch["height"], (who, switch)
    assert _fits_the_width(page)
    cart = plein.client(username, password=PASSWORD).get("/cart").json()
    lines = [line for group in cart["vendors"] for line in group["lines"]]
    assert [(line["offer_id"], line["quantity"]) for line in lines] == [(demo_offer["offer_id"], 2)]
    assert page.evaluate("localStorage.getItem('plein.guestCart')") is None
    _shoot(page, tmp_path, "merged-cart")


def test_a_price_changed_while_signed_out_moves_at_the_new_price_and_says_so(
    plein: Plein, web_url: str, page: Page, demo_offer: dict[str, Any]
) -> None:
    # Given a visitor's cart line, and the vendor raising that offer's price afterwards
    username = f"guest-{uuid.uuid4().hex[:6]}"
    plein.create_user(username, PASSWORD, ["shopper"])
    _add_as_guest(page, web_url, demo_offer, 1)
    vendor_id = plein.users["vendor"].vendor_id
    raised = demo_offer["price"] + 100
    answer = plein.client("vendor").patch(f"/vendors/{vendor_id}/offers/{demo_offer['sku']}", json={"price": raised})
    assert answer.status_code == 200, answer.text
    plein.wait_until_idle(60)

    # When they sign in from the cart
    page.goto(f"{web_url}#/cart")
    _sign_in_from_the_cart(page, username)

    # Then the line is in the account's cart at the new price, and the cart page says it changed
    page.get_by_test_id("cart-notes").filter(has_text="has changed").wait_for(timeout=TIMEOUT_MS)
    cart = plein.client(username, password=PASSWORD).get("/cart").json()
    [line] = [line for group in cart["vendors"] for line in group["lines"]]
    assert (line["offer_id"], line["quantity"], line["unit_price"]) == (demo_offer["offer_id"], 1, raised)
