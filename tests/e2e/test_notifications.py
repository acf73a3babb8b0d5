"""Notifications on the whole local runtime: a delivered order brings a review-request e-mail (after
the delay, shortened to 2 s here, and a sweeper tick) in the member's language with one-click
unsubscribe; its link writes a verified review once; an unsubscribed topic and a bounced address
get no more mail."""

from __future__ import annotations

import json
import re
import secrets
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlparse

import httpx
import pytest

from functions.notifications.wiring import WIRING
from functions.orders.models.events import OrderShipped
from infra.topology import bus_name
from tests.e2e.advice_peers import advice_socket
from tests.e2e.conftest import Plein
from tests.e2e.test_community import eventually, signed_in
from tests.e2e.test_orders import ADDRESS, PASSWORD, new_shopper, publish_offer, wait_for_offer
from tests.support.loop import run

pytestmark = pytest.mark.e2e

SWEEPER = WIRING.schedules[0]
TOKEN_IN_LINK = re.compile(r"#/review/([A-Za-z0-9_.\-]+)")


def mailbox(plein: Plein) -> list[dict[str, Any]]:
    mails: list[dict[str, Any]] = httpx.get(f"{plein.rest_url}/local/mailbox", timeout=30).json()["mails"]
    return mails


def mails_to(plein: Plein, address: str) -> list[dict[str, Any]]:
    return [mail for mail in mailbox(plein) if address in mail["to"]]


def sweep(plein: Plein) -> None:
    """What the every-minute rule does, at once: run notifications-sweeper."""
    assert plein.runtime.delivery is not None
    plein.thread.call(plein.runtime.delivery.tick(SWEEPER), 130)
    plein.wait_until_idle(60)


def set_language(member: httpx.Client, language: str) -> dict[str, Any]:
    current = member.get("/me/notification-preferences").json()
    update = {
        "language": language,
        "channels": current["channels"],
        "quiet_hours": None,
        "daily_cap": current["daily_cap"],
        "consent_wording": "Ja, ik wil e-mail ontvangen over mijn bestellingen en reviews.",
        "revision": current["revision"],
    }
    saved = member.put("/me/notification-preferences", json=update)
    assert saved.status_code == 200, saved.text
    result: dict[str, Any] = saved.json()
    return result


def buy_and_deliver(plein: Plein, member: httpx.Client, label: str, *, deliver: bool = True) -> tuple[str, str]:
    """An order of a fresh product by `member`, shipped and (unless not `deliver`) delivered by its
    vendor: (order, product)."""
    vendor_id, offer_id = f"vd_e2e_{secrets.token_hex(4)}", f"e2e-{label}-{secrets.token_hex(4)}"
    publish_offer(plein, vendor_id, offer_id, quantity=5)
    wait_for_offer(member, offer_id)
    member.put(f"/cart/items/{offer_id}", json={"quantity": 1})
    checkout = {"shipping_address": ADDRESS, "payment_method": "tok_visa"}
    placed = member.post("/checkout", json=checkout, headers={"Idempotency-Key": f"{label}-{offer_id}"})
    assert placed.status_code in (200, 201), placed.text
    order_id: str = placed.json()["order_id"]
    seller = signed_in(plein, f"e2e-seller-{secrets.token_hex(3)}", ["vendor"], vendor_id=vendor_id)
    base = f"/vendors/{vendor_id}/orders/{order_id}"
    assert seller.post(f"{base}/ship", json={"carrier": "DHL", "tracking_number": "JJD1"}).status_code == 200
    if deliver:
        assert seller.post(f"{base}/deliver").status_code == 200
    seller.close()
    plein.wait_until_idle(60)
    return order_id, f"p-{offer_id}"


def review_requests(plein: Plein, address: str, order_id: str) -> list[dict[str, Any]]:
    return [
        mail for mail in mails_to(plein, address) if order_id in mail["text"] and TOKEN_IN_LINK.search(mail["text"])
    ]


def unsubscribe_token(mail: dict[str, Any]) -> str:
    """The token of the https link in a mail's List-Unsubscribe header."""
    header = mail["headers"]["List-Unsubscribe"]
    url = next(part.strip(" <>") for part in header.split(",") if "http" in part)
    return unquote(urlparse(url).path.rstrip("/").rsplit("/", 1)[-1])


def address_of(plein: Plein, member: httpx.Client) -> str:
    sub = member.headers["X-Test-Sub"]
    email = next(user.email for user in plein.users.values() if user.sub == sub)
    assert email is not None
    return email


def test_a_delivered_order_brings_a_review_request_whose_link_writes_one_verified_review(plein: Plein) -> None:
    # Given a German-speaking member whose order was delivered
    member = new_shopper(plein, "invited")
    address = address_of(plein, member)
    set_language(member, "de")
    order_id, product_id = buy_and_deliver(plein, member, "invite")

    # When the delay has passed and the sweeper runs
    def requested() -> list[dict[str, Any]]:
        """a review-request e-mail in the mailbox"""
        sweep(plein)
        return review_requests(plein, address, order_id)

    mail = eventually(requested, timeout=60)[0]

    # Then it is German, carries one-click unsubscribe and a link with a review-invitation token
    assert mail["subject"] == "Wie gefällt dir dein Einkauf?"
    assert "Bewertung schreiben" in mail["text"]
    assert mail["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/unsubscribe/" in mail["headers"]["List-Unsubscribe"]
    assert "<html" in mail["html"].lower()
    token = TOKEN_IN_LINK.search(mail["text"])
    assert token is not None
    anonymous = plein.client()
    invitation = anonymous.get(f"/review-invitations/{token.group(1)}")
    assert invitation.status_code == 200, invitation.text
    assert (invitation.json()["product_id"], invitation.json()["order_id"]) == (product_id, order_id)

    # When the member posts the review through the link (no sign-in: the link authenticates)
    review = {"rating": 4, "title": "Gut", "text": "Schnell geliefert, passt gut."}
    written = anonymous.post(f"/review-invitations/{token.group(1)}/review", json=review)

    # Then it is a verified review on the product, and the link works once
    assert written.status_code == 201, written.text
    assert written.json()["verified"] is True
    listed = anonymous.get(f"/products/{product_id}/reviews").json()["items"]
    assert [(item["review_id"], item["verified"]) for item in listed] == [(written.json()["review_id"], True)]
    again = anonymous.post(f"/review-invitations/{token.group(1)}/review", json=review)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "duplicate_review")

    # And the inbox holds the same request, unread
    inbox = member.get("/me/notifications").json()
    assert "review_request" in [item["topic"] for item in inbox["items"]]
    assert inbox["unread"] >= 1
    member.close()


def test_an_unsubscribed_topic_gets_no_more_mail(plein: Plein) -> None:
    # Given a member who got a review request and unsubscribed from review requests through its header
    member = new_shopper(plein, "unsub")
    address = address_of(plein, member)
    first, _ = buy_and_deliver(plein, member, "unsub1")

    def requested() -> list[dict[str, Any]]:
        """the first review request"""
        sweep(plein)
        return review_requests(plein, address, first)

    mail = eventually(requested, timeout=60)[0]
    token = unsubscribe_token(mail)
    anonymous = plein.client()
    landing = anonymous.get(f"/unsubscribe/{token}")
    assert (landing.status_code, landing.json()["subscribed"]) == (200, True), landing.text
    # RFC 8058: the mail client POSTs `List-Unsubscribe=One-Click`
    done = anonymous.post(
        f"/unsubscribe/{token}",
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert done.status_code == 200, done.text
    assert (done.json()["topic"], done.json()["channel"], done.json()["subscribed"]) == (
        "review_request",
        "email",
        False,
    )
    assert "email" not in member.get("/me/notification-preferences").json()["channels"]["review_request"]

    # When a second order is delivered
    second, _ = buy_and_deliver(plein, member, "unsub2")
    sweep(plein)

    # Then its review request reaches the inbox but not the mailbox
    def in_inbox() -> bool:
        """the second review request in the inbox"""
        sweep(plein)
        items = member.get("/me/notifications", params={"limit": 50}).json()["items"]
        return len([item for item in items if item["topic"] == "review_request"]) >= 2

    eventually(in_inbox, timeout=60)
    assert review_requests(plein, address, second) == []
    # while order mail (another topic) still arrives
    assert any(second in mail["subject"] or second in mail["text"] for mail in mails_to(plein, address))
    member.close()


def test_a_hard_bounced_address_gets_nothing_more(plein: Plein) -> None:
    # Given a member whose order confirmation bounced permanently (SES's event, as EventBridge delivers it)
    member = new_shopper(plein, "bounce")
    address = address_of(plein, member)
    first, _ = buy_and_deliver(plein, member, "bounce1")
    sent = eventually(lambda: mails_to(plein, address), timeout=60)
    assert any(first in mail["text"] or first in mail["subject"] for mail in sent)
    bounce = {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [
                {"emailAddress": address, "action": "failed", "status": "5.1.1", "diagnosticCode": "smtp; 550 5.1.1"}
            ],
            "timestamp": datetime.now(UTC).isoformat(),
            "feedbackId": f"0100-{secrets.token_hex(8)}",
        },
        "mail": {
            "timestamp": datetime.now(UTC).isoformat(),
            "source": "Plein <no-reply@plein.local>",
            "messageId": sent[0]["message_id"],
            "destination": [address],
        },
    }
    entry = {
        "Source": "aws.ses",
        "DetailType": "Email Bounced",
        "Detail": json.dumps(bounce),
        "EventBusName": bus_name(plein.config.stage),
    }
    assert plein.boto3_client("events").put_events(Entries=[entry])["FailedEntryCount"] == 0
    plein.wait_until_idle(60)
    before = len(mails_to(plein, address))

    # When another order is placed, shipped and delivered, and the review requests fall due
    _second, _ = buy_and_deliver(plein, member, "bounce2")

    def in_inbox() -> bool:
        """the second order's notifications in the inbox"""
        sweep(plein)
        items = member.get("/me/notifications", params={"limit": 50}).json()["items"]
        return len([item for item in items if item["topic"] == "review_request"]) >= 2

    eventually(in_inbox, timeout=60)

    # Then no mail went to the address, while the inbox got everything
    assert len(mails_to(plein, address)) == before
    member.close()


def test_a_new_notification_reaches_the_members_open_advice_socket(plein: Plein) -> None:
    # Given a member with the advice socket open (as the web client's bell keeps it)
    member = new_shopper(plein, "live")
    user_id = member.headers["X-Test-Sub"]
    username = next(name for name, user in plein.users.items() if user.sub == user_id)
    token = plein.access_token(username, PASSWORD)
    order_id = f"o-live-{secrets.token_hex(4)}"
    shipped = OrderShipped(
        order_id=order_id,
        user_id=user_id,
        vendor_ids=["v-live"],
        lines=[],
        vendor_id="v-live",
        carrier="DHL",
        tracking_number="JJD42",
    )

    async def watch() -> dict[str, Any]:
        async with advice_socket(f"{plein.ws_url}/advice", token) as socket:
            await socket.send(action="heartbeat")
            await socket.take("heartbeat")
            # When orders says the member's order shipped (as orders publishes it)
            entry = {
                "Source": shipped.source,
                "DetailType": shipped.detail_type,
                "Detail": shipped.model_dump_json(),
                "EventBusName": bus_name(plein.config.stage),
            }
            assert plein.boto3_client("events").put_events(Entries=[entry])["FailedEntryCount"] == 0
            return await socket.take("notification", timeout=60)

    frame = run(watch())

    # Then the inbox entry arrives live as a `notification` frame, with the unread count
    inbox = member.get("/me/notifications").json()
    assert frame["notification_id"] == inbox["items"][0]["notification_id"]
    assert (frame["topic"], frame["link"], frame["unread"]) == ("order", f"#/orders/{order_id}", inbox["unread"])
    member.close()
