"""The notification screens in a real browser at phone width, against the whole local runtime.

A member's order is delivered (over the API); the review request e-mail shows in the local
mailbox page, its link opens the review form, the review is published as verified and shows so on
the product page. A preference change is saved; the inbox shows the notifications and the bell's
count drops after reading them. No page scrolls sideways at 390 px.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.browser.test_web import TIMEOUT_MS, _shoot, _sign_in
from tests.e2e.conftest import Plein
from tests.e2e.test_community import eventually
from tests.e2e.test_notifications import buy_and_deliver, review_requests, sweep
from tests.e2e.test_orders import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
PHONE: ViewportSize = {"width": 390, "height": 844}


def _sticking_out(page: Page) -> list[str]:
    """The elements wider than a phone's page (none when nothing scrolls sideways)."""
    wide: list[str] = page.evaluate(
        """() => {
            if (document.documentElement.scrollWidth <= innerWidth) return [];
            const named = [...document.querySelectorAll('body *')]
                .filter((e) => e.getBoundingClientRect().right > innerWidth)
                .slice(0, 5)
                .map((e) => `${e.tagName}.${e.className}`);
            return named.length ? named : ['(the page)'];
        }"""
    )
    return wide


def _member(plein: Plein) -> tuple[str, str, httpx.Client]:
    username = f"nt-{secrets.token_hex(4)}"
    user = plein.create_user(username, PASSWORD, ["shopper"])
    client = httpx.Client(
        base_url=plein.rest_url, headers={"Authorization": f"Bearer {plein.token(username, PASSWORD)}"}, timeout=120
    )
    client.headers["X-Test-Sub"] = user.sub
    assert user.email is not None
    return username, user.email, client


def test_the_review_link_in_the_mailbox_leads_to_a_verified_review(
    plein: Plein, web_url: str, page: Page, tmp_path: Path
) -> None:
    # Given a member whose order was delivered and whose review request was sent
    _, address, member = _member(plein)
    order_id, product_id = buy_and_deliver(plein, member, "browser")

    def requested() -> list[dict[str, Any]]:
        """the review request in the mailbox"""
        sweep(plein)
        return review_requests(plein, address, order_id)

    eventually(requested, timeout=60)
    page.set_viewport_size(PHONE)

    # When they open the mailbox page and click the review link of that mail
    page.goto(f"{web_url}#/mailbox")
    mail = page.get_by_test_id("mail").filter(has_text=order_id).first
    mail.wait_for(timeout=TIMEOUT_MS)
    assert "List-Unsubscribe" in mail.inner_text()
    assert mail.locator("iframe.mail-html").get_attribute("sandbox") == ""
    _shoot(page, tmp_path, "mailbox")
    mail.locator("a.mail-link", has_text="#/review/").first.click()

    # Then the review form names the product; posting it says "verified"
    page.get_by_test_id("invited-product").wait_for(timeout=TIMEOUT_MS)
    assert _sticking_out(page) == []
    page.get_by_role("radio", name="5 stars", exact=True).check()
    page.get_by_label("Title").fill("Just right")
    page.get_by_label("Your review").fill("Arrived quickly and fits well.")
    page.get_by_role("button", name="Publish review").click()
    page.get_by_test_id("review-thanks").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_test_id("verified").is_visible()
    _shoot(page, tmp_path, "review-thanks")

    # And the product page shows it as a verified buyer's review
    page.get_by_role("link", name="See it on the product page").click()
    review = page.get_by_test_id("reviews").locator("article, li").filter(has_text="Just right").first
    review.wait_for(timeout=TIMEOUT_MS)
    assert review.locator(".badge-verified").text_content() == "Verified buyer"
    assert product_id in page.url
    member.close()


def test_preferences_are_saved_and_reading_the_inbox_lowers_the_bell(
    plein: Plein, web_url: str, page: Page, tmp_path: Path
) -> None:
    # Given a member with order notifications in their inbox (shipped, not delivered: no review
    # request falls due while the test reads)
    username, _, member = _member(plein)
    order_id, _ = buy_and_deliver(plein, member, "bell", deliver=False)
    plein.wait_until_idle(60)
    unread = eventually(lambda: member.get("/me/notifications").json()["unread"], timeout=60)
    assert unread >= 2
    page.set_viewport_size(PHONE)

    # When they turn review-request e-mail off and set quiet hours
    _sign_in(page, web_url, plein, username, "#/settings/notifications")
    page.get_by_test_id("consent-wording").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_test_id("unread-count").inner_text() == str(unread)
    assert _sticking_out(page) == []
    page.get_by_label("E-mail for Review requests after delivery").uncheck()
    page.get_by_label("No e-mail or push between").check()
    page.get_by_label("Language of e-mails and pushes").select_option("nl")
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Your settings are saved.").wait_for(timeout=TIMEOUT_MS)
    _shoot(page, tmp_path, "notification-settings")

    # Then they are stored, with the wording they agreed to
    saved = member.get("/me/notification-preferences").json()
    assert "email" not in saved["channels"]["review_request"]
    assert (saved["language"], saved["quiet_hours"]["start"]) == ("nl", "22:00")
    wording = page.get_by_test_id("consent-wording").inner_text()
    assert any(consent["wording"] == wording for consent in saved["consents"])

    # When they open the inbox, read one and then all
    page.get_by_role("link", name="Inbox").first.click()
    inbox = page.get_by_test_id("inbox")
    inbox.locator(".inbox-item").first.wait_for(timeout=TIMEOUT_MS)
    assert inbox.locator(".inbox-item.unread").count() == unread
    assert order_id in inbox.inner_text()
    assert inbox.locator('[data-topic="order"]').count() >= 2
    assert _sticking_out(page) == []
    inbox.get_by_role("button", name="Mark as read").first.click()
    page.get_by_test_id("unread-count").filter(has_text=str(unread - 1)).wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Mark all as read").click()
    page.get_by_test_id("unread-count").wait_for(state="detached", timeout=TIMEOUT_MS)
    _shoot(page, tmp_path, "inbox")

    # Then the inbox is read on the server too
    assert member.get("/me/notifications").json()["unread"] == 0
    member.close()
