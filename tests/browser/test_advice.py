"""Live advice in two real browsers, against the whole local runtime and its advice socket.

The demo advisor opens the advisor console and goes online; the demo shopper, on a phone-sized
product page, asks for advice; the advisor accepts the offer; they chat both ways (the advisor
sees the shopper typing); the shopper ends and rates the session, which the API then shows. The
same by video: both browsers (Chromium's fake camera) connect peer to peer over WebRTC with SDP
and ICE relayed over the socket, and both show the call as connected. A new member joins the
seeded program with its invite code in the console (a wrong try gets feedback); the vendor reads
the program's report with its charts at phone width and downloads it as CSV.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from local.seed.advice import INVITE_CODE, PROGRAM_ID
from tests.browser.conftest import _only_loopback
from tests.browser.test_web import TIMEOUT_MS, _catalog_ready, _shoot, _sign_in
from tests.e2e.conftest import Plein

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
PHONE: ViewportSize = {"width": 390, "height": 844}
ADVISOR_NAME = "Sam (koffie & keuken)"  # the demo advisor's seeded profile (local/seed/advice.py)
PASSWORD = "Advice-browser-1!"


@pytest.fixture
def advisor_page(browser: Browser) -> Iterator[Page]:
    """The advisor's own browser context (separate storage: signed in as someone else)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.route("**/*", _only_loopback)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield opened
    finally:
        context.close()
    assert not errors, f"uncaught errors in the advisor's page: {errors}"


def _a_product(plein: Plein) -> dict[str, Any]:
    _catalog_ready(plein)
    hit: dict[str, Any] = plein.client().get("/products", params={"limit": 1}).json()["items"][0]
    return hit


def _go_online(page: Page, web_url: str, plein: Plein) -> None:
    from playwright.sync_api import expect

    _sign_in(page, web_url, plein, "advisor", "#/advice")
    page.get_by_role("heading", name="Live advice").wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Online", exact=True).click()
    expect(page.get_by_test_id("advice-presence")).to_have_text(re.compile("You are online"), timeout=TIMEOUT_MS)


def _ask(page: Page, web_url: str, plein: Plein, product_id: str, *, mode: str, question: str) -> None:
    _sign_in(page, web_url, plein, "shopper", f"#/product/{product_id}")
    section = page.get_by_role("region", name="Ask an advisor")
    section.get_by_label(mode, exact=True).check()
    section.get_by_label("Language").select_option("en")
    section.get_by_label("Your question").fill(question)
    section.get_by_role("button", name="Ask an advisor").click()


def _accept(advisor: Page, question: str) -> None:
    offer = advisor.locator(".advice-offer", has_text=question)
    offer.wait_for(timeout=TIMEOUT_MS)
    offer.get_by_role("button", name="Accept").click()


def _end_and_rate(shopper: Page, advisor: Page, plein: Plein) -> dict[str, Any]:
    """The shopper ends the session and rates it; returns the session as the API shows it."""
    from playwright.sync_api import expect

    session_id = shopper.locator(".advice-session").get_attribute("data-session")
    shopper.get_by_role("button", name="End session").click()
    expect(advisor.get_by_text("This session has ended.")).to_be_visible(timeout=TIMEOUT_MS)
    shopper.get_by_test_id("advice-ended").wait_for(timeout=TIMEOUT_MS)
    shopper.get_by_role("radio", name="5 stars", exact=True).check()
    shopper.get_by_label(re.compile("How likely are you to recommend")).select_option("9")
    shopper.get_by_label(re.compile("Anything you want to tell us")).fill("Quick and honest advice")
    shopper.get_by_role("button", name="Send rating").click()
    shopper.get_by_test_id("advice-rated").wait_for(timeout=TIMEOUT_MS)
    detail: dict[str, Any] = plein.client("shopper").get(f"/advice/sessions/{session_id}").json()
    return detail


def test_a_shopper_gets_chat_advice_and_rates_it(
    plein: Plein, web_url: str, page: Page, advisor_page: Page, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    # Given the demo advisor online in the console and a product
    product = _a_product(plein)
    _go_online(advisor_page, web_url, plein)

    # When the shopper, on a phone, asks for chat advice on the product page
    page.set_viewport_size(PHONE)
    question = "Is this a good choice for a small kitchen?"
    _ask(page, web_url, plein, product["product_id"], mode="Chat", question=question)

    # Then the advisor gets the offer and accepts it; both see whom they talk with
    _accept(advisor_page, question)
    expect(page.get_by_test_id("advice-peer")).to_contain_text(ADVISOR_NAME, timeout=TIMEOUT_MS)
    expect(advisor_page.get_by_test_id("advice-peer")).to_contain_text("shopper", timeout=TIMEOUT_MS)

    # When they write to each other, the advisor seeing the shopper typing first
    page.get_by_label("Your message").fill("Does it fit under a cupboard?")
    expect(advisor_page.get_by_test_id("advice-typing")).to_have_text("shopper is typing…", timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(advisor_page.get_by_role("log")).to_contain_text("Does it fit under a cupboard?", timeout=TIMEOUT_MS)
    advisor_page.get_by_label("Your message").fill("Yes, it is 30 cm high. Thanks for asking!")
    advisor_page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("log")).to_contain_text("Yes, it is 30 cm high.", timeout=TIMEOUT_MS)
    _shoot(page, tmp_path, "1-shopper-chat")
    _shoot(advisor_page, tmp_path, "2-advisor-chat")
    fits: bool = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the product page with the chat scrolls sideways at 390 px"

    # Then the shopper ends and rates it, and the API has the transcript and the rating
    session = _end_and_rate(page, advisor_page, plein)
    _shoot(page, tmp_path, "3-rated")
    assert [m["role"] for m in session["transcript"]] == ["shopper", "advisor"]
    assert (session["status"], session["csat"], session["nps"]) == ("ended", 5, 9)
    assert session["feedback"] == "Quick and honest advice"
    assert session["advisor_name"] == ADVISOR_NAME


def test_a_video_call_connects_peer_to_peer_in_both_browsers(
    plein: Plein, web_url: str, page: Page, advisor_page: Page, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    # Given the demo advisor online and a product
    product = _a_product(plein)
    _go_online(advisor_page, web_url, plein)

    # When the shopper asks for a video call and the advisor accepts
    question = "Can you show me how big it is?"
    _ask(page, web_url, plein, product["product_id"], mode="Video call", question=question)
    _accept(advisor_page, question)

    # Then both browsers show the peer-to-peer call as connected
    for side in (page, advisor_page):
        state = side.get_by_test_id("advice-video-state")
        expect(state).to_have_attribute("data-state", "connected", timeout=TIMEOUT_MS)
        expect(state).to_have_text("Video connected")
    _shoot(page, tmp_path, "1-shopper-video")
    _shoot(advisor_page, tmp_path, "2-advisor-video")

    # And the session ends and is rated as a chat would be
    session = _end_and_rate(page, advisor_page, plein)
    assert (session["mode"], session["status"], session["csat"]) == ("video", "ended", 5)


def test_a_member_joins_with_the_invite_code_in_the_console(plein: Plein, web_url: str, page: Page) -> None:
    from playwright.sync_api import expect

    # Given two new members (the seeded test allows a retry only after an hour)
    failing, passing = (f"adv-{secrets.token_hex(4)}" for _ in range(2))
    for username in (failing, passing):
        plein.create_user(username, PASSWORD, ["shopper"])

    # When the first applies with the invite code from the link and answers wrongly
    _apply(page, web_url, plein, failing)
    _answer(page, knowledge=["Guess", "Yes"], scenario="It is fine.")

    # Then the feedback names what to look at again and when a new try is possible
    feedback = page.get_by_test_id("advice-feedback")
    expect(feedback).to_contain_text("Not passed this time", timeout=TIMEOUT_MS)
    expect(feedback).to_contain_text("May you share your phone number with a shopper?")
    expect(page.get_by_text(re.compile("You can try again from"))).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # When the second answers well, saves a profile and confirms the knowledge base
    _apply(page, web_url, plein, passing)
    _answer(
        page,
        knowledge=["Say so and share what you do know", "No, everything stays on Plein"],
        scenario="Thanks for asking! I recommend the first one because of my own experience.",
    )
    expect(page.get_by_text("Well done, you passed the tests.")).to_be_visible(timeout=TIMEOUT_MS)
    page.get_by_label("Name shoppers see").fill("Browser advisor")
    page.get_by_label("What you know well").fill("coffee, espresso")
    page.get_by_label("Languages you advise in").fill("nl, en")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    page.get_by_label("I have read the articles above").check()
    page.get_by_role("button", name="Become an advisor").click()

    # Then they are an advisor and the console lets them go online
    expect(page.get_by_text("You are an advisor of this program.")).to_be_visible(timeout=TIMEOUT_MS)
    page.get_by_role("link", name="Go to the console").click()
    page.get_by_role("button", name="Online", exact=True).click()
    expect(page.get_by_test_id("advice-presence")).to_have_text(re.compile("You are online"), timeout=TIMEOUT_MS)
    me = plein.client(passing).get("/advice/advisors/me").json()
    assert (me["profile"]["display_name"], me["profile"]["programs"]) == ("Browser advisor", [PROGRAM_ID])


def _apply(page: Page, web_url: str, plein: Plein, username: str) -> None:
    """Sign in, open the invitation link (the code filled in) and start the application."""
    from playwright.sync_api import expect

    _sign_in(page, web_url, plein, username, "#/advice")
    page.goto(f"{web_url}#/advice?code={INVITE_CODE}")
    expect(page.get_by_label("Invite code")).to_have_value(INVITE_CODE, timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="What you know").wait_for(timeout=TIMEOUT_MS)


def _answer(page: Page, *, knowledge: list[str], scenario: str) -> None:
    for choice in knowledge:
        page.get_by_label(choice, exact=True).check()
    page.get_by_label(re.compile("hesitates between two coffee grinders")).fill(scenario)
    page.get_by_label("Why do you want to advise other shoppers?").fill("I like helping people choose well.")
    page.get_by_role("button", name="Send my answers").click()


def test_the_vendor_sees_the_program_report_with_charts_and_downloads_it(
    plein: Plein, web_url: str, page: Page, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    # Given the demo vendor, owner of the seeded program, on a phone
    page.set_viewport_size(PHONE)
    _sign_in(page, web_url, plein, "vendor", "#/partner")

    # When the portal opens (the last 30 days by default)
    kpis = page.get_by_test_id("partner-kpis")
    kpis.wait_for(timeout=TIMEOUT_MS)
    start, end = page.get_by_label("From").input_value(), page.get_by_label("Until (including)").input_value()

    # Then it shows the same figures as the API for the program, and fits the phone's width
    window = {"from": f"{start}T00:00:00Z", "to": f"{date.fromisoformat(end) + timedelta(days=1)}T00:00:00Z"}
    report = plein.client("vendor").get(f"/advice/programs/{PROGRAM_ID}/report", params=window).json()
    questions = kpis.locator(".stat", has_text="Questions asked").locator(".partner-value")
    assert questions.inner_text() == str(report["program"]["requests"])
    if report["advisors"]:
        expect(page.locator(".partner-chart").first).to_contain_text(report["advisors"][0]["advisor_name"])
    _shoot(page, tmp_path, "1-partner")
    fits: bool = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the partner portal scrolls sideways at 390 px"

    # And the CSV download has a row for the program and one per advisor
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    rows = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + 1 + len(report["advisors"])

    # And an invitation to an address nobody signed up with is refused in plain words
    outcome = page.get_by_test_id("invite-outcome")
    invitees = page.get_by_label("Invite members")
    invitees.fill("nobody-here@example.org")
    page.get_by_role("button", name="Create code and send invitations").click()
    expect(outcome).to_contain_text("No member signed up with some of these addresses", timeout=TIMEOUT_MS)
    expect(outcome).to_contain_text("nobody-here@example.org")

    # And one to the demo shopper gives a code, which reaches the shopper's inbox
    invitees.fill("shopper@plein.local")
    page.get_by_role("button", name="Create code and send invitations").click()
    expect(outcome).to_contain_text("Sent to 1 member", timeout=TIMEOUT_MS)
    code = outcome.locator(".invite-code").inner_text()
    plein.wait_until_idle(60)
    inbox = plein.client("shopper").get("/me/notifications", params={"limit": 50}).json()["items"]
    assert f"#/advice?code={code}" in [item["link"] for item in inbox]
