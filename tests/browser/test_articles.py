"""Articles in the web client in a real browser, against the whole local runtime, on a phone: a
vendor writes a guide with a linked product and a script in its body, previews it (the stored,
sanitised body) and publishes it; the guide shows sanitised with a card leading to the product; a
member's article waits for a moderator, and once approved, search finds it and it shows on their
profile. The article pages fit 390 px."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.test_community import _cartable_products
from tests.browser.test_rewards import PHONE, _fits_the_width
from tests.browser.test_web import TIMEOUT_MS, _shoot, _sign_in
from tests.e2e.conftest import Plein

if TYPE_CHECKING:
    from playwright.sync_api import Dialog, Page

pytestmark = [pytest.mark.browser, pytest.mark.e2e]


def test_a_vendors_guide_shows_sanitised_with_its_product(
    plein: Plein, web_url: str, page: Page, tmp_path: Path
) -> None:
    # Given the demo vendor on a phone, in the editor
    (product,) = _cartable_products(plein, 1)
    title = f"Lamp guide {secrets.token_hex(3)}"
    page.set_viewport_size(PHONE)
    alerts: list[str] = []

    def dismissed(dialog: Dialog) -> None:
        alerts.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismissed)
    _sign_in(page, web_url, plein, "vendor", "#/articles/new")
    page.get_by_role("heading", level=1, name="Write an article").wait_for(timeout=TIMEOUT_MS)

    # When they write a guide with a linked product and a script in the body, and preview it
    page.get_by_label("Title").fill(title)
    page.get_by_label("Language", exact=True).select_option("en")
    page.get_by_test_id("article-body-input").fill(
        '<p>Warm light<script>alert("x")</script></p><img src="x" onerror="alert(1)">'
        '<a href="javascript:alert(2)">x</a>'
    )
    page.get_by_label("Linked products").fill(product["product_id"])
    page.get_by_test_id("preview-button").click()

    # Then the preview is the stored, sanitised body
    preview = page.get_by_test_id("preview").get_by_test_id("article-body")
    preview.wait_for(timeout=TIMEOUT_MS)
    assert "Warm light" in preview.inner_text()
    assert preview.locator("script").count() == 0
    assert "onerror" not in preview.inner_html()
    assert "javascript:" not in preview.inner_html()
    _shoot(page, tmp_path, "article-editor")

    # When they publish it
    page.get_by_test_id("publish").click()

    # Then the article page shows it sanitised, with a card leading to the product page
    page.get_by_role("heading", level=1, name=title).wait_for(timeout=TIMEOUT_MS)
    body = page.get_by_test_id("article-body")
    assert body.locator("script").count() == 0
    assert "onerror" not in body.inner_html()
    card = page.locator(f'[data-testid="linked-products"] a[data-product="{product["product_id"]}"]')
    page.get_by_test_id("linked-products").get_by_text(product["title"]).wait_for(timeout=TIMEOUT_MS)
    assert _fits_the_width(page)
    card.click()
    page.get_by_role("heading", level=1, name=product["title"]).wait_for(timeout=TIMEOUT_MS)
    assert alerts == []


def test_a_members_article_waits_for_moderation_and_search_finds_it(
    plein: Plein, web_url: str, page: Page, tmp_path: Path
) -> None:
    # Given a member who submits a guide
    username = f"ar-member-{secrets.token_hex(4)}"
    user = plein.create_user(username, f"Pw-{secrets.token_hex(8)}!", ["shopper"])
    word = f"Küchenregal{secrets.token_hex(2)}"
    page.set_viewport_size(PHONE)
    _sign_in(page, web_url, plein, username, "#/articles/new")
    page.get_by_label("Title").fill(f"Mein {word}")
    page.get_by_label("Language", exact=True).select_option("de")
    page.get_by_test_id("article-body-input").fill("<p>Aus alten Kisten gebaut.</p>")
    page.get_by_test_id("publish").click()

    # Then it waits for a moderator and the public search does not find it
    page.get_by_test_id("article-state").get_by_text("Waiting for a moderator").wait_for(timeout=TIMEOUT_MS)
    anonymous = plein.client()
    query = word.lower().replace("ü", "u")
    assert anonymous.get("/articles", params={"q": query}).json()["items"] == []

    # When the admin approves it
    admin = plein.client("admin")
    cases = admin.get("/admin/moderation", params={"state": "open", "limit": 100}).json()["items"]
    case = next(c for c in cases if c["subject"] == "article" and c["author_id"] == user.sub)
    assert admin.post(f"/admin/moderation/{case['case_id']}/decision", json={"decision": "approve"}).status_code == 200

    # Then the guides page finds it without the umlaut, and it shows on the member's profile
    page.goto(f"{web_url}#/guides?q={query}")
    page.get_by_test_id("articles").get_by_text(f"Mein {word}").wait_for(timeout=TIMEOUT_MS)
    assert _fits_the_width(page)
    _shoot(page, tmp_path, "guides-search")
    page.goto(f"{web_url}#/users/{user.sub}")
    page.get_by_test_id("member-articles").get_by_text(f"Mein {word}").wait_for(timeout=TIMEOUT_MS)
    assert _fits_the_width(page)


def test_the_seeded_lookbook_fits_a_phone(plein: Plein, web_url: str, page: Page) -> None:
    lookbook = plein.client().get("/articles", params={"kind": "lookbook"}).json()["items"][-1]
    page.set_viewport_size(PHONE)
    page.goto(f"{web_url}#/articles/{lookbook['article_id']}")
    page.get_by_role("heading", level=1, name=lookbook["title"]).wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_test_id("look").count() == 3
    assert _fits_the_width(page)


def test_a_member_reports_an_article_comment(plein: Plein, web_url: str, page: Page) -> None:
    # Given the demo vendor's guide with another member's comment on it
    token = secrets.token_hex(3)
    title = f"Report guide {token}"
    article = plein.client("vendor").post("/articles", json={"kind": "guide", "title": title, "language": "en"}).json()
    password = f"Pw-{secrets.token_hex(8)}!"
    for name in (f"ar-commenter-{token}", f"ar-reporter-{token}"):
        plein.create_user(name, password, ["shopper"])
    text = f"Come to my stall {token}"
    path = f"/articles/{article['article_id']}/comments"
    comment = plein.client(f"ar-commenter-{token}", password=password).post(path, json={"text": text}).json()

    # When a member reports it from the article page, on a phone
    page.set_viewport_size(PHONE)
    _sign_in(page, web_url, plein, f"ar-reporter-{token}", f"#/articles/{article['article_id']}")
    page.get_by_role("heading", level=1, name=title).wait_for(timeout=TIMEOUT_MS)
    item = page.get_by_test_id("comments").locator("li.comment", has_text=text)
    item.get_by_role("button", name="Report").click()
    item.get_by_label("What is wrong?").select_option("spam")
    item.get_by_role("button", name="Send report").click()

    # Then it is thanked, and the report waits in the moderation queue
    item.get_by_text("Thank you. A moderator will look at it.").wait_for(timeout=TIMEOUT_MS)
    assert _fits_the_width(page)
    cases = plein.client("admin").get("/admin/moderation", params={"state": "open", "limit": 100}).json()["items"]
    assert [c["origin"] for c in cases if c["subject_id"] == comment["comment_id"]] == ["report"]
