"""The rewards screens of the web client in a real browser, against the whole local runtime.

The demo shopper sees their balance, stage, points history and referral link at phone width; a
new member redeems points for a gift card (a double click spends once) and sees its code once; an
admin sees the segment counts, downloads a segment as CSV and changes an earning rule (a wrong
value is named next to its field). No page scrolls sideways at 390 px.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.test_web import TIMEOUT_MS, _shoot, _sign_in
from tests.e2e.conftest import Plein

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
PHONE: ViewportSize = {"width": 390, "height": 844}
STAGE_NAMES = {"new": "New", "regular": "Regular", "engaged": "Engaged", "fan": "Fan", "ambassador": "Ambassador"}


def _fits_the_width(page: Page) -> bool:
    fits: bool = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    return fits


def _open_rewards(page: Page, web_url: str, plein: Plein, username: str) -> None:
    _sign_in(page, web_url, plein, username, "#/rewards")
    page.get_by_test_id("ledger").or_(page.get_by_text("No points yet")).wait_for(timeout=TIMEOUT_MS)
    page.get_by_test_id("referral-link").wait_for(timeout=TIMEOUT_MS)


def _new_member(plein: Plein, points: int) -> tuple[str, str]:
    """A member with no orders, credited `points` by an admin: (username, user id)."""
    username = f"rw-{secrets.token_hex(4)}"
    user = plein.create_user(username, f"Pw-{secrets.token_hex(8)}!", ["shopper"])
    credited = plein.client("admin").post(
        "/admin/rewards/adjustments",
        json={"user_id": user.sub, "points": points, "reason": "browser test credit"},
        headers={"Idempotency-Key": f"credit-{username}"},
    )
    assert credited.status_code == 201, credited.text
    return username, user.sub


def test_the_shopper_sees_balance_stage_history_and_referral_link(
    plein: Plein, web_url: str, page: Page, tmp_path: Path
) -> None:
    # Given the demo shopper on a phone, with their seeded points settled
    plein.wait_until_idle()
    shopper = plein.client("shopper")
    page.set_viewport_size(PHONE)

    # When they open their rewards
    _open_rewards(page, web_url, plein, "shopper")
    _shoot(page, tmp_path, "rewards-shopper")
    me: dict[str, Any] = shopper.get("/rewards/me").json()
    referrals: dict[str, Any] = shopper.get("/referrals/me").json()

    # Then the balance, the stage, what is left to the next one and the history's reasons show
    assert page.get_by_test_id("balance").inner_text() == f"{me['balance']:,} points"
    assert page.get_by_test_id("stage").inner_text() == STAGE_NAMES[me["stage"]]
    assert page.get_by_test_id("stage-progress").count() == (1 if me["progress"]["next_stage"] else 0)
    history = page.get_by_test_id("ledger").inner_text()
    assert "Adjustment: demo welcome bonus" in history
    assert "Redeemed: €5 gift card" in history
    assert page.get_by_text("Gift card ending in").count() == 1

    # And their invitation link carries their code, with each friend's status in words
    link = page.get_by_test_id("referral-link").input_value()
    assert link == f"{web_url}#/join?ref={referrals['code']}"
    assert page.locator(".referee").count() == len(referrals["referrals"]) >= 1
    assert "A friend who joined on" in page.locator(".referee").first.inner_text()
    assert _fits_the_width(page)


def test_a_member_redeems_a_gift_card_once_and_sees_its_code_once(
    plein: Plein, web_url: str, page: Page, tmp_path: Path
) -> None:
    # Given a new member on a phone with 600 points
    username, _ = _new_member(plein, 600)
    member = plein.client(username)
    page.set_viewport_size(PHONE)
    _open_rewards(page, web_url, plein, username)
    assert page.get_by_test_id("balance").inner_text() == "600 points"

    # When they redeem the €5 gift card, double-clicking the confirmation
    page.locator('button[data-reward="gift-card-5"]').click()
    page.get_by_role("button", name="Yes, redeem").dblclick()

    # Then the code is shown once with the notice to save it, and 500 points were spent once
    code_box = page.get_by_test_id("gift-code")
    code_box.wait_for(timeout=TIMEOUT_MS)
    _shoot(page, tmp_path, "rewards-gift-code")
    code = code_box.input_value()
    assert re.fullmatch(r"[A-Za-z0-9-]{8,40}", code), code
    assert page.get_by_text("Save this code now.").is_visible()
    page.get_by_test_id("balance").filter(has_text="100 points").wait_for(timeout=TIMEOUT_MS)
    spent = [e for e in member.get("/rewards/me/ledger").json()["items"] if e["kind"] == "redeem"]
    assert [e["points"] for e in spent] == [-500]
    (card,) = member.get("/rewards/me/gift-cards").json()["items"]
    assert code.endswith(card["last4"])
    assert _fits_the_width(page)

    # When they come back to the page
    page.reload()
    page.get_by_text(f"Gift card ending in {card['last4']}").wait_for(timeout=TIMEOUT_MS)

    # Then the code is not shown again
    assert page.get_by_test_id("gift-code").count() == 0
    assert code not in page.content()

    # When they follow their own invitation link and use the code it fills in
    from playwright.sync_api import expect  # installed: the page fixture skips otherwise

    own = member.get("/referrals/me").json()["code"]
    page.goto(f"{web_url}#/join?ref={own}")
    expect(page.get_by_label("Code from a friend")).to_have_value(own, timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Use this code").click()

    # Then it is refused in plain words
    alert = page.get_by_role("alert").filter(has_text="The code was not accepted")
    alert.wait_for(timeout=TIMEOUT_MS)
    assert "You cannot use your own code." in alert.inner_text()
    assert "self_referral" not in alert.inner_text()

    # When they check in for today, twice
    page.get_by_role("button", name="Check in for today").click()
    page.get_by_text(re.compile(r"Thanks for coming back: \+\d+ points?\.")).wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Check in for today").click()

    # Then the second one earns nothing and says so
    page.get_by_text("Today's visit is already counted.").wait_for(timeout=TIMEOUT_MS)
    visits = [e for e in member.get("/rewards/me/ledger").json()["items"] if e["reason"] == "daily visit"]
    assert len(visits) == 1


def test_the_admin_sees_segments_and_changes_an_earning_rule(
    plein: Plein, web_url: str, page: Page, tmp_path: Path
) -> None:
    # Given the admin on the rewards administration page
    admin = plein.client("admin")
    counts = {s["stage"]: s["members"] for s in admin.get("/admin/segments").json()["stages"]}
    before: dict[str, Any] = admin.get("/admin/rewards/rules").json()
    _sign_in(page, web_url, plein, "admin", "#/admin/rewards")
    page.get_by_role("link", name="Admin", exact=True).wait_for(timeout=TIMEOUT_MS)
    page.get_by_test_id("segment-total").wait_for(timeout=TIMEOUT_MS)

    # Then every journey stage shows its member count
    for stage, members in counts.items():
        assert page.get_by_test_id(f"segment-{stage}").inner_text() == str(members)

    # And a stage's members download as CSV
    with page.expect_download() as download:
        page.get_by_role("button", name="Download Fan members as CSV").click()
    assert download.value.suggested_filename == "segment-fan.csv"
    assert Path(download.value.path()).read_text(encoding="utf-8").startswith("user_id,stage")

    # And a stage's members are listed
    page.get_by_role("button", name="Show Fan members").click()
    page.locator(".segment-list").get_by_text("seed-member-fan").wait_for(timeout=TIMEOUT_MS)

    points = page.get_by_label("Points per published review")
    wanted = before["rules"]["reviews"]["points"] + 5
    try:
        # When they enter a negative number of points and save
        points.fill("-5")
        page.get_by_role("button", name="Save rules").click()

        # Then the field says what is wrong in words, and nothing is saved
        error = page.locator("#rule-reviews-points-error")
        error.wait_for(timeout=TIMEOUT_MS)
        _shoot(page, tmp_path, "rules-invalid")
        assert error.inner_text() == "Must be 0 or more."
        assert admin.get("/admin/rewards/rules").json()["version"] == before["version"]

        # When they correct it and save again
        points.fill(str(wanted))
        page.get_by_role("button", name="Save rules").click()

        # Then the new version is saved with the new points
        page.get_by_text(f"Saved as version {before['version'] + 1}.").wait_for(timeout=TIMEOUT_MS)
        saved = admin.get("/admin/rewards/rules").json()
        assert (saved["version"], saved["rules"]["reviews"]["points"]) == (before["version"] + 1, wanted)
        assert not error.is_visible()

        # And the page fits a phone
        page.set_viewport_size(PHONE)
        _shoot(page, tmp_path, "admin-phone")
        assert _fits_the_width(page)
    finally:
        current = admin.get("/admin/rewards/rules").json()
        restored = admin.put(
            "/admin/rewards/rules", json={"expected_version": current["version"], "rules": before["rules"]}
        )
        assert restored.status_code == 200, restored.text


def test_the_admin_filters_segments_by_affinity_and_closes_a_month_of_payouts(
    plein: Plein, web_url: str, page: Page, tmp_path: Path
) -> None:
    # Given the admin on the rewards administration page (the seed gives members affinities and
    # closes October 2026 with a payout for the demo advisor)
    admin = plein.client("admin")
    coffee = admin.get("/admin/segments", params={"affinity": "coffee"}).json()
    assert coffee["total"] >= 4
    _sign_in(page, web_url, plein, "admin", "#/admin/rewards")
    page.get_by_test_id("top-affinities").wait_for(timeout=TIMEOUT_MS)

    # When they pick the "coffee" affinity
    page.locator('[data-affinity="coffee"]').click()

    # Then the counts are those of coffee lovers, and a stage lists and exports only them
    page.get_by_text("members who like “coffee”").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_test_id("segment-total").inner_text() == str(coffee["total"])
    for stage in coffee["stages"]:
        assert page.get_by_test_id(f"segment-{stage['stage']}").inner_text() == str(stage["members"])
    page.get_by_role("button", name="Show Fan members who like coffee").click()
    page.locator(".segment-list").get_by_text("seed-member-fan").wait_for(timeout=TIMEOUT_MS)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download Fan members who like coffee as CSV").click()
    assert download.value.suggested_filename == "segment-fan-coffee.csv"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("user_id,stage,stage_since,balance,affinities")
    assert "seed-member-fan" in text

    # And the seeded October shows its payout to the demo advisor
    advisor = plein.users["advisor"].sub
    page.get_by_label("Month", exact=True).fill("2026-10")
    page.get_by_role("button", name="Show", exact=True).click()
    status = page.get_by_test_id("payout-status")
    status.get_by_text("2026-10 is closed").wait_for(timeout=TIMEOUT_MS)
    page.locator(f'tr[data-advisor="{advisor}"]').wait_for(timeout=TIMEOUT_MS)

    # When they close an open month nobody was paid for
    period = f"2018-{secrets.choice(range(1, 13)):02d}"
    page.get_by_label("Month", exact=True).fill(period)
    page.get_by_role("button", name="Show", exact=True).click()
    status.get_by_text(f"{period} is open").wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("button", name=f"Close {period}").click()

    # Then it is closed once
    status.get_by_text(f"{period} is closed").wait_for(timeout=TIMEOUT_MS)
    assert admin.get(f"/admin/payouts/{period}").json()["status"] == "closed"
    page.set_viewport_size(PHONE)
    _shoot(page, tmp_path, "admin-payouts-phone")
    assert _fits_the_width(page)


def test_the_advisor_sees_which_cash_sessions_are_paid(plein: Plein, web_url: str, page: Page) -> None:
    # Given the demo advisor, whose seeded October sessions are paid out and a November one is not
    _sign_in(page, web_url, plein, "advisor", "#/advice")
    statement = page.get_by_test_id("cash-statement")
    # Then the statement of the month the seed recorded them in names the payout and what is unpaid
    statement.get_by_text("Paid (payout po_").first.wait_for(timeout=TIMEOUT_MS)
    assert statement.get_by_text("Not paid yet: paid with 2026-11").count() == 1


def test_a_gift_card_and_points_pay_part_of_a_checkout(plein: Plein, web_url: str, page: Page, tmp_path: Path) -> None:
    from tests.browser.test_web import _buyable_product, _catalog_ready, _empty_cart, _to_checkout

    # Given a member with a €5 gift card redeemed from points, points left, and a product to buy
    username, _ = _new_member(plein, 600)
    member = plein.client(username)
    redeemed = member.post(
        "/rewards/redemptions", json={"reward_id": "gift-card-5"}, headers={"Idempotency-Key": f"gc-{username}"}
    )
    assert redeemed.status_code == 201, redeemed.text
    code = redeemed.json()["gift_card"]["code"]
    _catalog_ready(plein)
    product = _buyable_product(plein)
    _empty_cart(plein, username)
    _sign_in(page, web_url, plein, username)

    # When they check out with the code and 40 points
    _to_checkout(page, web_url, plein, product)
    page.get_by_label("Gift card code").fill(code)
    page.get_by_label("Points to use").fill("40")
    page.get_by_label("Card", exact=True).select_option("tok_visa")
    _shoot(page, tmp_path, "checkout-gift-card")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()

    # Then the order shows what the card and the points paid, and the card pays the rest
    page.get_by_test_id("gift-card-paid").wait_for(timeout=TIMEOUT_MS)
    _shoot(page, tmp_path, "order-gift-card")
    order_id = page.url.split("#/orders/")[1].split("?")[0]
    order = member.get(f"/orders/{order_id}").json()
    gross = order["items_total"] + order["shipping_total"]
    assert order["gift_card_paid"] == min(500, gross)
    assert order["points_used"] == (40 if gross > 500 else 0)
    assert order["total"] == gross - order["gift_card_paid"] - order["points_paid"]
    assert member.get("/rewards/me").json()["balance"] == 100 - order["points_used"]


def test_an_unknown_gift_card_code_is_explained_at_checkout(plein: Plein, web_url: str, page: Page) -> None:
    from tests.browser.test_web import _buyable_product, _catalog_ready, _empty_cart, _to_checkout

    username, _ = _new_member(plein, 10)
    _catalog_ready(plein)
    product = _buyable_product(plein)
    _empty_cart(plein, username)
    _sign_in(page, web_url, plein, username)
    _to_checkout(page, web_url, plein, product)
    page.get_by_label("Gift card code").fill("NOT-A-REAL-CODE-1234")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()

    page.get_by_text("That gift card code is not known").wait_for(timeout=TIMEOUT_MS)
    assert "#/checkout" in page.url
