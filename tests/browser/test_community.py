"""The community screens of the web client in a real browser, against the whole local runtime.

A new member hearts a product, writes a review (shown, or announced as waiting for a moderator)
and asks a question, on a phone without sideways scrolling; a member composes a collection from
two vendors' products and publishes it; another member rates it, adds it all to the cart and
comments with a link, which waits for a moderator; the admin publishes that comment from the
moderation queue. Every community page fits 390 px. (The axe-core scan of every page is
tests/browser/test_accessibility.py.)
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.test_rewards import PHONE, _fits_the_width
from tests.browser.test_web import TIMEOUT_MS, _catalog_ready, _shoot, _sign_in
from tests.e2e.conftest import Plein

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def _new_member(plein: Plein, prefix: str) -> tuple[str, str]:
    """A signed-up shopper with nothing in the community yet: (username, user id)."""
    username = f"{prefix}-{secrets.token_hex(4)}"
    user = plein.create_user(username, f"Pw-{secrets.token_hex(8)}!", ["shopper"])
    return username, user.sub


def _cartable_products(plein: Plein, count: int) -> list[dict[str, Any]]:
    """`count` products whose best offers are in stock, ship to NL and come from different vendors."""
    _catalog_ready(plein)
    client = plein.client()
    found: dict[str, dict[str, Any]] = {}
    for hit in client.get("/products", params={"in_stock": "true", "limit": 100}).json()["items"]:
        product: dict[str, Any] = client.get(f"/products/{hit['product_id']}", params={"country": "NL"}).json()
        best = next((o for o in product["offers"] if o["available"] and o["shipping"]["cost"] is not None), None)
        if best and best["vendor_id"] not in found:
            found[best["vendor_id"]] = product
        if len(found) == count:
            return list(found.values())
    raise AssertionError(f"the seed has no {count} vendors with a product in stock that ships to NL")


def test_a_member_hearts_reviews_and_asks_about_a_product_on_a_phone(
    plein: Plein, web_url: str, page: Page, tmp_path: Path
) -> None:
    # Given a new member on a phone, on a product page
    (product,) = _cartable_products(plein, 1)
    username, _ = _new_member(plein, "cm-review")
    member = plein.client(username)
    page.set_viewport_size(PHONE)
    _sign_in(page, web_url, plein, username, f"#/product/{product['product_id']}")
    page.get_by_role("heading", level=1, name=product["title"]).wait_for(timeout=TIMEOUT_MS)
    heart = page.get_by_test_id("heart")
    heart.wait_for(timeout=TIMEOUT_MS)
    hearts_before = member.get(f"/products/{product['product_id']}/heart").json()["hearts"]

    # When they heart it
    heart.click()

    # Then the button shows it hearted, with one heart more, and the API agrees
    page.locator('[data-testid="heart"][aria-pressed="true"]').wait_for(timeout=TIMEOUT_MS)
    assert str(hearts_before + 1) in heart.inner_text()
    assert member.get(f"/products/{product['product_id']}/heart").json()["hearted"] is True

    # When they write a four-star review with HTML in its text
    title = f"Fits well {secrets.token_hex(3)}"
    text = "<b>Sturdy</b> and easy to clean. <script>alert(1)</script>"
    page.get_by_role("button", name="Write a review").click()
    form = page.get_by_role("form", name="Write a review")
    form.get_by_label("4 stars").check()
    form.get_by_label("Title").fill(title)
    form.get_by_label("Your review").fill(text)
    form.get_by_role("button", name="Publish review").click()

    # Then it is published and shown with its stars, its text as plain text
    page.get_by_text("Thank you! Your review is published.").wait_for(timeout=TIMEOUT_MS)
    shown = page.get_by_test_id("reviews").locator(".review", has_text=title)
    shown.wait_for(timeout=TIMEOUT_MS)
    assert "Rated 4.0 out of 5" in shown.inner_text()
    assert text in shown.locator(".community-text").inner_text()
    assert shown.locator("b, script").count() == 0
    page.get_by_test_id("rating-summary").wait_for(timeout=TIMEOUT_MS)

    # When they write a second review of the same product through the API, it is refused
    again = member.post(
        f"/products/{product['product_id']}/reviews", json={"rating": 5, "title": "Again", "text": "Twice"}
    )
    assert again.json()["error"]["code"] == "duplicate_review"

    # When they ask a question
    question = f"Does it come in other colours? ({secrets.token_hex(3)})"
    questions = page.locator(".community-questions")
    questions.get_by_label("Your question").fill(question)
    questions.get_by_role("button", name="Ask", exact=True).click()

    # Then it is listed under the product's questions
    page.get_by_text("Your question is published.").wait_for(timeout=TIMEOUT_MS)
    page.get_by_test_id("questions").get_by_text(question).wait_for(timeout=TIMEOUT_MS)

    # And nothing on the page scrolls sideways
    _shoot(page, tmp_path, "product-community-phone")
    assert _fits_the_width(page)


def test_a_collection_from_two_vendors_is_published_rated_added_to_the_cart_and_moderated(
    plein: Plein, web_url: str, page: Page, tmp_path: Path
) -> None:
    # Given two products of different vendors and a member who picks both for a collection
    first, second = _cartable_products(plein, 2)
    owner, owner_id = _new_member(plein, "cm-owner")
    _sign_in(page, web_url, plein, owner, f"#/product/{first['product_id']}")
    for product in (first, second):
        page.goto(f"{web_url}#/product/{product['product_id']}")
        page.get_by_role("heading", level=1, name=product["title"]).wait_for(timeout=TIMEOUT_MS)
        page.get_by_test_id("add-to-collection").click()
        page.get_by_text(re.compile(r"products? picked")).wait_for(timeout=TIMEOUT_MS)

    # When they compose it and publish it for everyone
    page.get_by_role("link", name="Compose your collection").click()
    page.get_by_text("2 products from 2 vendors.").wait_for(timeout=TIMEOUT_MS)
    title = f"Weekend kit {secrets.token_hex(3)}"
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description (optional)").fill("What I take along on a weekend away.")
    page.locator(f'[data-product="{first["product_id"]}"]').get_by_label("Note for this product").fill("The best one")
    page.get_by_label("Everyone").check()
    page.get_by_role("button", name="Save collection").click()

    # Then its page shows both products, and its owner may edit and delete it
    page.get_by_role("heading", level=1, name=title).wait_for(timeout=TIMEOUT_MS)
    collection_url = page.url
    collection_id = collection_url.split("#/collections/")[1]
    for product in (first, second):
        page.locator(f'.collection-item[data-product="{product["product_id"]}"]').get_by_text(
            product["title"]
        ).wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_role("link", name="Edit", exact=True).is_visible()
    assert page.get_by_role("button", name="Delete").is_visible()
    (mine,) = plein.client(owner).get("/me/collections").json()["items"]
    assert (mine["visibility"], mine["status"], mine["owner_id"]) == ("public", "published", owner_id)

    # When another member opens it, rates it five stars and adds it all to the cart
    rater, _ = _new_member(plein, "cm-rater")
    _sign_in(page, web_url, plein, rater, f"#/collections/{collection_id}")
    page.get_by_role("heading", level=1, name=title).wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_role("link", name="Edit", exact=True).count() == 0
    assert page.get_by_role("button", name="Delete").count() == 0
    page.get_by_role("radio", name="5 stars", exact=True).check()
    page.get_by_role("button", name="Rate", exact=True).click()
    page.get_by_test_id("collection-rating").get_by_text("5.0 from 1 rating").wait_for(timeout=TIMEOUT_MS)
    page.get_by_test_id("add-all").click()

    # Then both products' best offers are in their cart
    page.get_by_text("Added 2 products to your cart.").first.wait_for(timeout=TIMEOUT_MS)
    cart = plein.client(rater).get("/cart", params={"country": "NL"}).json()
    in_cart = {line["product_id"] for group in cart["vendors"] for line in group["lines"]}
    assert {first["product_id"], second["product_id"]} <= in_cart
    assert len(cart["vendors"]) >= 2

    # When they comment with a link
    comment = f"Look at this one too: https://example.com/{secrets.token_hex(3)}"
    page.get_by_label("Your comment").fill(comment)
    page.get_by_role("button", name="Comment", exact=True).click()

    # Then the comment waits for a moderator, and they are told why in words
    page.get_by_text("waits for a moderator because it contains a link").wait_for(timeout=TIMEOUT_MS)
    _shoot(page, tmp_path, "collection-rated")

    # When the admin opens the moderation queue from the navigation and publishes it
    _sign_in(page, web_url, plein, "admin", "#/products")
    page.get_by_role("link", name="Moderation", exact=True).click()
    case = page.get_by_test_id("moderation-queue").locator(".case", has_text=comment)
    case.wait_for(timeout=TIMEOUT_MS)
    assert "Contains a link" in case.inner_text()
    _shoot(page, tmp_path, "moderation-queue")
    case.get_by_label("Reason (shown in the audit trail)").fill("a harmless shop link")
    case.get_by_role("button", name="Publish").click()
    case.get_by_text("Published.").wait_for(timeout=TIMEOUT_MS)

    # Then the comment shows on the collection
    page.goto(collection_url)
    page.get_by_test_id("comments").get_by_text(comment).wait_for(timeout=TIMEOUT_MS)


def test_every_community_page_fits_a_phone(plein: Plein, web_url: str, page: Page, tmp_path: Path) -> None:
    # Given the admin (who sees every community page) on a phone, and the seeded community
    plein.wait_until_idle()
    anonymous = plein.client()
    collection = anonymous.get("/collections", params={"sort": "top", "limit": 1}).json()["items"][0]
    idea = anonymous.get("/ideas", params={"limit": 1}).json()["items"][0]
    page.set_viewport_size(PHONE)
    _sign_in(page, web_url, plein, "admin", "#/community")
    pages = {
        "#/community": "Trending in the community",
        "#/community?window=7d": "Trending in the community",
        "#/collections": "Collections",
        f"#/collections/{collection['collection_id']}": collection["title"],
        "#/collections/new": "New collection",
        "#/ideas": "Product ideas",
        f"#/ideas/{idea['idea_id']}": idea["title"],
        f"#/users/{collection['owner_id']}": None,
        "#/profile": "My community profile",
        "#/feed": "Following",
        "#/feedback": "Feedback and suggestions",
        "#/admin/community": "Community administration",
        "#/admin/community?tab=ideas": "Community administration",
        "#/admin/community?tab=feedback": "Community administration",
    }
    for index, (hash_, heading) in enumerate(pages.items()):
        # When they open the page
        page.goto(f"{web_url}{hash_}")
        h1 = page.get_by_role("heading", level=1, name=heading) if heading else page.locator("h1")
        h1.wait_for(timeout=TIMEOUT_MS)
        page.locator(".loading").first.wait_for(state="detached", timeout=TIMEOUT_MS)
        _shoot(page, tmp_path, f"community-{index}")

        # Then it fits the phone's width
        assert _fits_the_width(page), f"{hash_} scrolls sideways at 390 px"
