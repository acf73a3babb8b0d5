"""The reference web client in a real browser, against the whole local runtime.

A shopper signs in, searches, opens a product, adds it to the cart and checks out with a test
card; a declined card shows a readable error; a vendor uploads a feed through the presigned S3
POST, watches the import and edits a price. Screenshots land in the test's tmp folder.
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

from tests.e2e.conftest import Plein

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
TIMEOUT_MS = 30_000


def _catalog_ready(plein: Plein, timeout: float = 60.0) -> None:
    """Wait until the seeded offers have reached the search index."""
    plein.wait_until_idle()
    client = plein.client()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get("/products", params={"limit": 1}).json().get("total", 0) > 0:
            return
        time.sleep(0.5)
    raise AssertionError("the catalog stayed empty: are OffersChanged events reaching the catalog indexer?")


def _buyable_product(plein: Plein) -> dict[str, Any]:
    """A product whose best offer is in stock and ships to NL (the client's default country)."""
    client = plein.client()
    hits = client.get("/products", params={"in_stock": "true", "limit": 50}).json()["items"]
    for hit in hits:
        product: dict[str, Any] = client.get(f"/products/{hit['product_id']}").json()
        best = product["offers"][0] if product["offers"] else None
        if best and best["available"] and best["shipping"]["cost"] is not None:
            return product
    raise AssertionError("no product in the seed is in stock with shipping to NL")


def _sign_in(page: Page, web_url: str, plein: Plein, username: str, next_hash: str = "#/products") -> None:
    page.goto(f"{web_url}#/signin?next={next_hash.replace('#', '%23').replace('/', '%2F')}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(plein.users[username].password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("who").wait_for(timeout=TIMEOUT_MS)


def _empty_cart(plein: Plein, username: str) -> None:
    client = plein.client(username)
    for group in client.get("/cart").json()["vendors"]:
        for line in group["lines"]:
            client.delete(f"/cart/items/{line['offer_id']}")


def _shoot(page: Page, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _to_checkout(page: Page, web_url: str, plein: Plein, product: dict[str, Any]) -> None:
    """Search for the product by title, open it, add its best offer, go to checkout."""
    page.goto(f"{web_url}#/products")
    search = page.get_by_role("combobox", name="Search")
    search.fill(product["title"])
    page.get_by_role("listbox").get_by_role("option").first.wait_for(timeout=TIMEOUT_MS)
    search.press("Escape")
    page.get_by_role("button", name="Search").click()
    card = page.locator(f'a.product-link[href="#/product/{product["product_id"]}"]')
    card.wait_for(timeout=TIMEOUT_MS)
    card.click()
    page.get_by_role("heading", level=1, name=product["title"]).wait_for(timeout=TIMEOUT_MS)
    best = product["offers"][0]
    page.locator(f'button[data-offer="{best["offer_id"]}"]').click()
    page.get_by_role("link", name="View cart").click()
    page.locator(".vendor-group").first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("link", name="Checkout").click()
    page.get_by_label("Address", exact=True).fill("Keizersgracht 1")
    page.get_by_label("Postal code").fill("1015 AA")
    page.get_by_label("City").fill("Amsterdam")


def test_shopper_searches_buys_and_sees_the_order(plein: Plein, web_url: str, page: Page, tmp_path: Path) -> None:
    # Given a catalog with a buyable product and a signed-in shopper with an empty cart
    _catalog_ready(plein)
    product = _buyable_product(plein)
    _empty_cart(plein, "shopper")
    page.goto(web_url)
    page.locator(".product-card").first.wait_for(timeout=TIMEOUT_MS)
    _shoot(page, tmp_path, "1-catalog")
    _sign_in(page, web_url, plein, "shopper")
    assert "shopper" in page.get_by_test_id("who").inner_text()

    # When they search, open the product, add it to the cart and pay with tok_visa
    _to_checkout(page, web_url, plein, product)
    _shoot(page, tmp_path, "2-checkout")
    page.get_by_label("Card", exact=True).select_option("tok_visa")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()

    # Then the order page shows a paid order with the product, and the cart is empty
    page.get_by_text("Thank you!").wait_for(timeout=TIMEOUT_MS)
    shot = _shoot(page, tmp_path, "3-order")
    assert shot.stat().st_size > 10_000
    order_id = page.url.split("#/orders/")[1].split("?")[0]
    assert page.locator(".page-head .badge").inner_text().lower() == "paid"
    assert page.get_by_role("link", name=product["title"]).count() == 1
    order = plein.client("shopper").get(f"/orders/{order_id}").json()
    assert order["status"] == "paid"
    assert [line["offer_id"] for sub in order["sub_orders"] for line in sub["lines"]] == [
        product["offers"][0]["offer_id"]
    ]
    assert plein.client("shopper").get("/cart").json()["vendors"] == []

    # And the orders list links to it
    page.get_by_role("link", name="Orders", exact=True).click()
    page.get_by_role("link", name=f"Order {order_id[:4].upper()}-{order_id[4:8].upper()}").wait_for(timeout=TIMEOUT_MS)
    _shoot(page, tmp_path, "4-orders")

    # When they open it again and cancel it (nothing has shipped yet)
    page.get_by_role("link", name=f"Order {order_id[:4].upper()}-{order_id[4:8].upper()}").click()
    assert page.get_by_test_id("order-reference").inner_text() == order_id
    page.get_by_role("button", name="Cancel order").click()
    page.get_by_role("button", name="Yes, cancel").click()

    # Then it shows as cancelled, in the page and in the API
    page.locator(".page-head .badge", has_text="cancelled").wait_for(timeout=TIMEOUT_MS)
    _shoot(page, tmp_path, "5-cancelled")
    assert plein.client("shopper").get(f"/orders/{order_id}").json()["status"] == "cancelled"


def test_declined_card_is_shown_readably(plein: Plein, web_url: str, page: Page, tmp_path: Path) -> None:
    # Given a shopper at checkout with a buyable product in the cart
    _catalog_ready(plein)
    product = _buyable_product(plein)
    _empty_cart(plein, "shopper")
    _sign_in(page, web_url, plein, "shopper")
    _to_checkout(page, web_url, plein, product)

    # When they pay with a declined test card
    page.get_by_label("Card", exact=True).select_option("tok_declined")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()

    # Then the API's error is shown in words with what to do next, and no order page opens
    alert = page.get_by_role("alert")
    alert.wait_for(timeout=TIMEOUT_MS)
    _shoot(page, tmp_path, "declined")
    text = alert.inner_text()
    assert "The order was not placed" in text
    assert "your card was declined. Try another card or payment method." in text
    assert "payment_declined" not in text  # the code is folded away for customer service
    assert (alert.locator("details.error-code code").text_content() or "").startswith("payment_declined")
    assert "#/checkout" in page.url


def test_a_failed_refund_shows_as_pending_until_the_retry_makes_it(
    plein: Plein, web_url: str, page: Page, tmp_path: Path
) -> None:
    # Given a paid order of the shopper's, paid with the card whose first refund attempt fails
    _catalog_ready(plein)
    product = _buyable_product(plein)
    _empty_cart(plein, "shopper")
    shopper = plein.client("shopper")
    offer_id = product["offers"][0]["offer_id"]
    assert shopper.put(f"/cart/items/{offer_id}", json={"quantity": 1}).status_code == 200
    address = {"name": "Browser Test", "line1": "Kade 1", "postal_code": "1011AA", "city": "Amsterdam", "country": "NL"}
    placed = shopper.post(
        "/checkout",
        json={"shipping_address": address, "payment_method": "tok_refundFailsOnce"},
        headers={"Idempotency-Key": f"refund-{uuid.uuid4().hex}"},
    )
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["order_id"]

    # When they cancel it on the order page
    _sign_in(page, web_url, plein, "shopper", f"#/orders/{order_id}")
    page.get_by_role("button", name="Cancel order").click()
    page.get_by_role("button", name="Yes, cancel").click()

    # Then the cancelled order says its refund is pending
    page.locator(".page-head .badge", has_text="cancelled").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_test_id("refund-pending").inner_text() == "Refund pending"
    _shoot(page, tmp_path, "refund-pending")

    # And once the retry made the refund, the page no longer says so
    deadline = time.monotonic() + 90
    while shopper.get(f"/orders/{order_id}").json()["refund_status"] != "refunded":
        assert time.monotonic() < deadline, "the pending refund was not retried"
        time.sleep(1)
    page.reload()
    page.locator(".page-head .badge", has_text="cancelled").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_test_id("refund-pending").count() == 0


def _ean13(body: str) -> str:
    digits = [int(d) for d in body]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return body + str(check)


def test_vendor_uploads_a_feed_and_edits_a_price(plein: Plein, web_url: str, page: Page, tmp_path: Path) -> None:
    # Given the demo vendor and a small feed with two good rows and one bad price
    vendor_id = plein.users["vendor"].vendor_id
    assert vendor_id
    run = uuid.uuid4().hex[:6]
    skus = [f"00-web-{run}-{n}" for n in (1, 2)]
    gtins = [_ean13(str(uuid.uuid4().int)[:12]) for _ in skus]
    feed = tmp_path / "feed.csv"
    feed.write_text(
        "id,title,description,price,availability,quantity,brand,gtin,condition\n"
        f"{skus[0]},Web test scarf {run},Soft,19.95 EUR,in stock,5,Wolkenweber,{gtins[0]},new\n"
        f"{skus[1]},Web test hat {run},Warm,12.50 EUR,in stock,3,Wolkenweber,{gtins[1]},new\n"
        f"00-web-{run}-bad,Broken row,,not a price,in stock,1,Wolkenweber,,new\n",
        encoding="utf-8",
    )
    _sign_in(page, web_url, plein, "vendor", "#/vendor")
    page.get_by_role("link", name="Vendor", exact=True).wait_for(timeout=TIMEOUT_MS)
    # (the dashboard shows the vendor's rating, as community counts it)
    vendor_id = plein.users["vendor"].vendor_id
    rating = plein.client().get(f"/vendors/{vendor_id}/rating").json()
    shown = page.get_by_test_id("vendor-rating")
    shown.wait_for(timeout=TIMEOUT_MS)
    assert (f"{rating['average']:.1f}" if rating["count"] else "no reviews yet") in shown.inner_text()

    live_offers = page.locator(".stat").filter(has_text="live offers").locator("strong")
    live_offers.wait_for(timeout=TIMEOUT_MS)
    offers_before = int(live_offers.inner_text())

    # When they choose it on the feed tab
    page.goto(f"{web_url}#/vendor?tab=feeds")
    page.get_by_label("Feed file").set_input_files(str(feed))

    # Then the first rows are checked before the upload: the bad price is named
    preview = page.locator(".preview")
    preview.wait_for(timeout=TIMEOUT_MS)
    assert re.search(r"CSV .* 2 good rows .* 1 problem", preview.inner_text()), preview.inner_text()

    # When they upload it
    page.get_by_role("button", name="Upload feed").click()

    # Then the upload completes and the import finishes with the counts and an error report link
    done = page.locator(".feed-status[data-status=completed], .feed-status[data-status=failed]")
    done.wait_for(timeout=60_000)
    _shoot(page, tmp_path, "vendor-feed")
    assert done.get_attribute("data-status") == "completed"
    assert page.locator("#upload-progress").get_attribute("value") == "100"
    counts = page.locator(".counts").inner_text()
    assert re.search(r"2\s+created", counts), counts
    assert re.search(r"1\s+rejected", counts), counts
    assert page.get_by_role("link", name=re.compile("Download the error report")).count() == 1
    # and the dashboard's figures follow without a reload: two more live offers
    page.locator(".stat").filter(has_text="live offers").locator(f'strong:text-is("{offers_before + 2}")').wait_for(
        timeout=TIMEOUT_MS
    )

    # And the import history lists it first, with its counts and a link to its one-line report
    (newest, *_) = plein.client("vendor").get(f"/vendors/{vendor_id}/feeds").json()["items"]
    listed = page.locator(f'.import-history tr[data-feed="{newest["feed_id"]}"]')
    listed.wait_for(timeout=TIMEOUT_MS)
    assert page.locator(".import-history tbody tr").first.get_attribute("data-feed") == newest["feed_id"]
    assert listed.locator("td[data-label=Created]").inner_text() == "2"
    assert listed.locator("td[data-label=Rejected]").inner_text() == "1"
    assert listed.get_by_role("link", name="1 line").count() == 1

    # When they change the price of one imported offer in the offers tab
    page.goto(f"{web_url}#/vendor?tab=offers")
    row = page.locator(f'tr[data-sku="{skus[0]}"]')
    row.wait_for(timeout=TIMEOUT_MS)
    row.get_by_role("button", name=f"Edit {skus[0]}").click()
    page.get_by_label("Price (€)", exact=True).fill("17.50")
    page.get_by_label("Stock", exact=True).fill("9")
    page.get_by_role("button", name="Save").click()

    # Then the row shows the new price and the API has it
    row.get_by_text("€17.50").wait_for(timeout=TIMEOUT_MS)
    _shoot(page, tmp_path, "vendor-offers")
    offer = plein.client("vendor").get(f"/vendors/{vendor_id}/offers/{skus[0]}").json()
    assert (offer["price"], offer["quantity"]) == (1750, 9)


def _forged_token(claims: dict[str, Any]) -> str:
    """A JWT-shaped token that the client can decode but the gateway refuses (bad signature)."""

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'kid': 'none'})}.{part(claims)}.c2lnbmF0dXJl"


def test_a_refused_token_leads_back_to_sign_in(plein: Plein, web_url: str, page: Page, tmp_path: Path) -> None:
    # Given a session whose token the API refuses (as after a key rotation or a revoked session)
    token = _forged_token(
        {"sub": "x", "cognito:username": "shopper", "cognito:groups": ["shopper"], "exp": int(time.time()) + 3600}
    )
    page.goto(web_url)
    page.evaluate("token => sessionStorage.setItem('plein.idToken', token)", token)

    # When they open their cart
    page.goto(f"{web_url}#/cart")

    # Then they are asked to sign in again rather than told the API is unreachable
    page.get_by_text("Your session has ended").wait_for(timeout=10_000)
    _shoot(page, tmp_path, "session-ended")
    assert page.get_by_role("link", name="Sign in").count() == 1


def test_the_skip_link_reaches_the_content_and_keeps_the_page(web_url: str, page: Page) -> None:
    from playwright.sync_api import expect

    # Given a page opened by a keyboard user
    page.goto(f"{web_url}#/products")
    page.locator("html[data-ready=true]").wait_for(timeout=30_000)

    # When the skip link has the keyboard's focus and Enter follows it
    page.locator(".skip-link").focus()
    page.keyboard.press("Enter")

    # Then the content has the focus and the page is still the product list, not "Page not found"
    expect(page.locator("#main")).to_be_focused()
    assert page.evaluate("location.hash") == "#/products"
    expect(page.locator("#main")).not_to_contain_text("Page not found")


def test_every_table_header_names_its_column_for_screen_readers(plein: Plein, web_url: str, page: Page) -> None:
    # Given a product page (its offers table) and the vendor's offers page
    _catalog_ready(plein)
    product = _buyable_product(plein)
    page.goto(f"{web_url}#/product/{product['product_id']}")
    page.locator(".offers-table").wait_for(timeout=30_000)
    offers_headers = page.locator(".offers-table th").all_text_contents()
    _sign_in(page, web_url, plein, "vendor", "#/vendor")
    page.locator(".offers-admin").wait_for(timeout=30_000)
    admin_headers = page.locator(".offers-admin th").all_text_contents()

    # Then no header is empty (the action columns are named for screen readers)
    assert offers_headers[-1] == "Add to cart"
    assert admin_headers[-1] == "Actions"
    assert all(text.strip() for text in offers_headers + admin_headers)


def _colour_variants(plein: Plein) -> tuple[dict[str, Any], dict[str, Any]]:
    """A product page with colour variants, found through the search API (not a seeded id), and the
    in-stock variant of another colour that keeps its other option values: where that colour's button leads."""
    client = plein.client()
    params: dict[str, Any] = {"limit": 100}
    for _ in range(20):
        found = client.get("/products", params=params).json()
        for hit in found["items"]:
            if not any(o["name"] == "color" and len(o["values"]) > 1 for o in hit.get("options", [])):
                continue
            product: dict[str, Any] = client.get(f"/products/{hit['product_id']}").json()
            current = next(v for v in product["variants"] if v["product_id"] == product["product_id"])
            others = {name: value for name, value in current["options"].items() if name != "color"}
            by_colour: dict[str, list[dict[str, Any]]] = {}
            for variant in product["variants"]:
                colour = variant["options"].get("color")
                kept = {name: value for name, value in variant["options"].items() if name != "color"}
                if colour and colour != current["options"].get("color") and kept == others:
                    by_colour.setdefault(colour, []).append(variant)
            for variants in by_colour.values():
                if len(variants) == 1 and variants[0]["in_stock"]:  # that colour's one target, and buyable
                    return product, variants[0]
        if not found.get("next_cursor"):
            break
        params["cursor"] = found["next_cursor"]
    raise AssertionError("no product with colour variants in the search results: are families seeded and indexed?")


def test_the_variant_selector_leads_to_another_colour(plein: Plein, web_url: str, page: Page) -> None:
    from playwright.sync_api import expect

    # Given a product with variants in more than one colour, and a variant of another colour with the same size etc.
    _catalog_ready(plein)
    product, target = _colour_variants(plein)
    current = next(v for v in product["variants"] if v["product_id"] == product["product_id"])
    colour, other = current["options"]["color"], target["options"]["color"]

    # When its page opens
    page.goto(f"{web_url}#/product/{quote(product['product_id'], safe='')}")

    # Then the selector names the current colour and presses its button
    colours = page.get_by_role("group", name=f"Colour: {colour}", exact=True)
    colours.wait_for(timeout=TIMEOUT_MS)
    button = colours.get_by_role("button", name=re.compile(rf"^{re.escape(colour)}( \(sold out\))?$"))
    expect(button).to_have_attribute("aria-pressed", "true")

    # When the shopper clicks the other colour
    colours.get_by_role("button", name=re.compile(rf"^{re.escape(other)}( \(sold out\))?$")).click()

    # Then that variant's page opens, with its colour pressed
    expect(page).to_have_url(re.compile(re.escape(f"#/product/{quote(target['product_id'], safe='')}") + "$"))
    page.get_by_role("heading", level=1, name=target["title"], exact=True).wait_for(timeout=TIMEOUT_MS)
    chosen = page.get_by_role("group", name=f"Colour: {other}", exact=True)
    expect(chosen.get_by_role("button", name=re.compile(rf"^{re.escape(other)}( \(sold out\))?$"))).to_have_attribute(
        "aria-pressed", "true"
    )

    # And once added to the cart, its line there says which variant it is
    page.locator("button[data-offer]:not([disabled])").first.click()
    page.get_by_role("link", name="View cart").click()
    expect(page.get_by_test_id("variant-line")).to_contain_text(f"Colour: {other}")
