"""Newsletter and campaign screens of the web client in a real browser, against the whole local
runtime: a member confirms the newsletter from the link of the confirmation e-mail (the page also
opens the community's own link, so the profile shows it) and unsubscribes in their settings; an
admin composes a campaign for a segment, sees how many it reaches, previews it in a sandboxed
frame, sends it after confirming, and sees it sent with its counts. Nothing scrolls sideways at
390 px."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.test_web import TIMEOUT_MS, _shoot, _sign_in
from tests.e2e.conftest import Plein
from tests.e2e.test_campaigns import confirm, mailbox, member, opt_in

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
PHONE: ViewportSize = {"width": 390, "height": 844}


def _fits_the_width(page: Page) -> bool:
    fits: bool = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    return fits


def test_a_member_confirms_the_newsletter_from_the_mail_link(
    plein: Plein, web_url: str, page: Page, tmp_path: Path
) -> None:
    # Given a member who ticked the newsletter in their profile and got the confirmation mail
    client, address = member(plein, "browser")
    token = opt_in(plein, client, address, ["lighting"])
    page.set_viewport_size(PHONE)

    # When they open the mail's link and confirm the wording with an interest
    page.goto(f"{web_url}#/newsletter/confirm/{token}")
    wording = page.get_by_test_id("newsletter-wording")
    wording.wait_for(timeout=TIMEOUT_MS)
    shown_wording = wording.inner_text()
    assert "Plein" in shown_wording
    page.get_by_label("kitchen").check()
    assert _fits_the_width(page)
    page.get_by_role("button", name="Yes, subscribe me").click()
    page.get_by_test_id("newsletter-confirmed").wait_for(timeout=TIMEOUT_MS)
    _shoot(page, tmp_path, "newsletter-confirmed")

    # Then they are subscribed with the consent recorded, and the profile shows it too
    status = client.get("/me/newsletter").json()
    assert status["status"] == "subscribed"
    assert status["consent"]["wording"] == shown_wording
    assert "kitchen" in status["interests"]
    assert client.get("/me/profile").json()["newsletter"] is True

    # When they open their newsletter settings and unsubscribe
    username = client.headers["X-Test-Username"]
    _sign_in(page, web_url, plein, username, "#/newsletter")
    shown = page.get_by_test_id("newsletter-status")
    shown.wait_for(timeout=TIMEOUT_MS)
    assert shown.get_attribute("data-status") == "subscribed"
    page.get_by_role("button", name="Unsubscribe").click()
    page.locator('[data-testid="newsletter-status"][data-status="unsubscribed"]').wait_for(timeout=TIMEOUT_MS)
    assert client.get("/me/newsletter").json()["status"] == "unsubscribed"
    assert _fits_the_width(page)


def test_an_admin_composes_previews_and_sends_a_campaign_for_a_segment(
    plein: Plein, web_url: str, page: Page, tmp_path: Path
) -> None:
    # Given one confirmed subscriber with a rare interest
    interest = f"candles{secrets.token_hex(3)}"
    client, address = member(plein, "reader")
    confirm(plein, client, opt_in(plein, client, address, [interest]))
    plein.wait_until_idle(60)
    page.set_viewport_size(PHONE)

    # When an admin composes a campaign for new members with that interest
    _sign_in(page, web_url, plein, "admin", "#/admin/campaigns")
    page.get_by_role("link", name="New campaign").click()
    subject = f"Candle light {interest}"
    page.get_by_label("Name (only admins see it)").fill(f"browser {interest}")
    page.get_by_label("Subject (en)").fill(subject)
    page.get_by_label("Body (en, HTML)").fill(
        '<h2>Candles</h2><p>Warm <a href="https://plein.example/c">light</a>.</p>'
    )
    page.get_by_label("New", exact=True).check()
    page.get_by_label("Interests (comma-separated; any one matches)").fill(interest)

    # Then the segment's count shows who it reaches
    page.locator('[data-testid="segment-count"][data-recipients="1"]').wait_for(timeout=TIMEOUT_MS)
    assert _fits_the_width(page)

    # When they preview it: the mail shows in a sandboxed frame
    page.get_by_role("button", name="Preview").click()
    frame = page.get_by_test_id("campaign-preview")
    frame.wait_for(timeout=TIMEOUT_MS)
    assert frame.get_attribute("sandbox") == ""
    page.frame_locator('[data-testid="campaign-preview"]').get_by_role("heading", name="Candles").wait_for(
        timeout=TIMEOUT_MS
    )
    assert "1 subscribers" in page.get_by_test_id("preview-recipients").inner_text()
    _shoot(page, tmp_path, "campaign-preview")

    # ... and send it after confirming
    page.get_by_role("button", name="Send…").click()
    page.get_by_test_id("confirm-send").click()

    # Then it shows as sent with one delivered, and the subscriber got it
    page.locator('[data-testid="campaign-status"][data-status="sent"]').wait_for(timeout=90_000)
    page.locator('[data-stat="delivered"]', has_text=re.compile(r"^1$")).wait_for(timeout=TIMEOUT_MS)
    mails = [m for m in mailbox(plein) if address in m["to"] and m["subject"] == subject]
    assert len(mails) == 1
    page.goto(f"{web_url}#/admin/campaigns")
    page.get_by_role("link", name=f"browser {interest}").wait_for(timeout=TIMEOUT_MS)
    assert _fits_the_width(page)
    _shoot(page, tmp_path, "campaigns")
