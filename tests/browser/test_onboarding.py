"""From stranger to vendor in a real browser, against the whole local runtime: a newcomer creates an
account on a phone, confirms it with the six-digit code Cognito mailed (a wrong code is refused),
applies to sell; an admin declines the application with a reason in the admin console, the
applicant changes and resubmits it, the admin approves it with a commission, and the applicant signs
in again into the vendor workspace. A member who forgot the password sets a new one with a mailed code.

Codes come from the local mailbox: the runtime's Cognito mails them through the emulated SES
(local/aws/moto_cognito.py), as Cognito does on AWS."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.test_campaigns import PHONE, _fits_the_width
from tests.browser.test_web import TIMEOUT_MS, _shoot, _sign_in
from tests.e2e.conftest import Plein
from tests.e2e.test_campaigns import mails_to

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
PASSWORD = "Keramiek-2026!"


def _latest_code(plein: Plein, address: str, subject: str) -> str:
    """The code of the newest such mail (Cognito mails it before it answers the browser)."""
    *_, mail = mails_to(plein, address, subject)
    code: str = re.findall(r"\b\d{6}\b", mail["text"])[-1]
    return code


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_newcomer_signs_up_applies_to_sell_and_opens_the_workspace_once_approved(
    plein: Plein, web_url: str, page: Page, browser: Browser, tmp_path: Path
) -> None:
    run = uuid.uuid4().hex[:6]
    username, address, shop = f"maker-{run}", f"maker-{run}@example.org", f"Keramiek {run}"
    page.set_viewport_size(PHONE)

    # Given a newcomer who creates an account from the sign-in page
    page.goto(f"{web_url}#/signin")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("E-mail").fill(address)
    page.get_by_label("Password").fill("weak")
    page.get_by_role("button", name="Create account").click()
    assert page.get_by_label("Password").evaluate("input => !input.validity.valid")  # too short to send
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    # When they type a wrong code, then the mailed one
    page.get_by_role("heading", name="Confirm your e-mail").wait_for(timeout=TIMEOUT_MS)
    code = _latest_code(plein, address, "verification code")
    page.get_by_role("link", name="local mailbox").wait_for(timeout=TIMEOUT_MS)
    page.get_by_label("Code").fill(_wrong(code))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("alert").filter(has_text="That code is not right").wait_for(timeout=TIMEOUT_MS)
    assert _fits_the_width(page)
    _shoot(page, tmp_path, "confirm-wrong-code")
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()

    # Then they are signed in, and apply to sell from the footer link
    page.get_by_test_id("who").filter(has_text=username).wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("link", name="Sell on Plein").click()
    page.get_by_label("Shop name").fill(shop)
    page.get_by_label("About your shop").fill("Mugs.")
    page.get_by_label("Website").fill("https://keramiek.example")
    page.get_by_role("button", name="Apply").click()
    status = page.get_by_test_id("application-status")
    status.filter(has_text="pending").wait_for(timeout=TIMEOUT_MS)
    assert _fits_the_width(page)
    _shoot(page, tmp_path, "application-pending")

    # When an admin declines it with a reason in the admin console
    admin_context = browser.new_context()
    admin = admin_context.new_page()
    admin.set_default_timeout(TIMEOUT_MS)
    _sign_in(admin, web_url, plein, "admin", "#/admin")
    admin.get_by_test_id("pending-applications").filter(has_text="waiting").wait_for(timeout=TIMEOUT_MS)
    admin.get_by_role("link", name="Vendor applications").click()
    card = admin.get_by_test_id("application").filter(has_text=shop)
    card.wait_for(timeout=TIMEOUT_MS)
    assert username in card.inner_text()
    card.get_by_role("button", name=f"Decline {shop}").click()
    card.get_by_role("alert").wait_for(timeout=TIMEOUT_MS)  # a reason is required
    card.get_by_label("Reason, if you decline").fill("Tell shoppers what you make and how.")
    card.get_by_role("button", name=f"Decline {shop}").click()
    card.wait_for(state="detached", timeout=TIMEOUT_MS)

    # Then the applicant sees why, changes the application and submits it again
    page.reload()
    assert page.get_by_test_id("decline-reason").inner_text() == "Tell shoppers what you make and how."
    page.get_by_label("About your shop").fill("Hand-thrown stoneware mugs and bowls, fired in Utrecht.")
    page.get_by_role("button", name="Submit again").click()
    status.filter(has_text="pending").wait_for(timeout=TIMEOUT_MS)

    # When the admin approves it at 10 % commission
    admin.reload()
    card = admin.get_by_test_id("application").filter(has_text=shop)
    card.get_by_label("Commission (%)").fill("10")
    _shoot(admin, tmp_path, "admin-applications")
    card.get_by_role("button", name=f"Approve {shop}").click()
    card.wait_for(state="detached", timeout=TIMEOUT_MS)
    admin_context.close()

    # Then the applicant signs in again and lands in their own vendor workspace
    page.reload()
    page.get_by_role("button", name="Sign in again").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name=shop).wait_for(timeout=TIMEOUT_MS)
    assert page.url.endswith("#/vendor")
    assert _fits_the_width(page)
    _shoot(page, tmp_path, "new-vendor-workspace")
    vendor = plein.client(username, password=PASSWORD).get("/me/vendor").json()
    assert (vendor["status"], vendor["commission_bps"], vendor["decline_reason"]) == ("approved", 1000, None)


def test_a_member_who_forgot_the_password_sets_a_new_one_with_the_mailed_code(
    plein: Plein, web_url: str, page: Page, tmp_path: Path
) -> None:
    # Given a member who forgot their password
    username = f"forgetful-{uuid.uuid4().hex[:6]}"
    plein.create_user(username, "Old-password-1!", ["shopper"])
    address = f"{username}@plein.local"
    page.set_viewport_size(PHONE)

    # When they ask for a code from the sign-in page and enter it with a new password
    page.goto(f"{web_url}#/signin")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Username or e-mail").fill(username)
    page.get_by_role("button", name="E-mail me a code").click()
    page.get_by_role("heading", name="Choose a new password").wait_for(timeout=TIMEOUT_MS)
    code = _latest_code(plein, address, "password reset code")
    page.get_by_label("Code").fill(_wrong(code))
    page.get_by_label("New password", exact=True).fill("New-password-2!")
    page.get_by_role("button", name="Set new password").click()
    page.get_by_role("alert").filter(has_text="That code is not right").wait_for(timeout=TIMEOUT_MS)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Set new password").click()

    # Then they are signed in with it, and the old password no longer works
    page.get_by_test_id("who").filter(has_text=username).wait_for(timeout=TIMEOUT_MS)
    assert _fits_the_width(page)
    _shoot(page, tmp_path, "password-reset")
    assert plein.token(username, "New-password-2!")
    with pytest.raises(Exception, match="NotAuthorized"):
        plein.token(username, "Old-password-1!")
