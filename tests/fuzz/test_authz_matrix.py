"""Who may call what: every operation of the OpenAPI document, as every role, against the running
marketplace. One table says the rule of each operation; a rule says, per role, the status a refused
caller gets, or that the caller is let through (any answer but 401/403, and never a 5xx). A new
route without a row fails `test_every_operation_has_a_rule`, so the matrix grows with the API."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from functions.rewards.logic.domain import EarningRules
from local.seed.advice import ARTICLES, INVITE_CODE, PROGRAM_ID, TEST
from tests.e2e.advice_peers import advice_socket
from tests.e2e.conftest import Plein
from tests.e2e.test_community import in_stock_offer
from tests.support.loop import run

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
ROLES = ("anonymous", "shopper", "other_shopper", "vendor", "other_vendor", "advisor", "admin")
THROUGH = "through"
"""Authorized: the request passed the gate (its answer may still be 404, 409 or 422)."""
HIDDEN = "hidden"
"""Refused without telling whether the resource exists: 403 or 404."""
Expectation = int | str


def everyone_but_anonymous(expected: Expectation) -> dict[str, Expectation]:
    return {role: (401 if role == "anonymous" else expected) for role in ROLES}


def only(*allowed: str, refused: Expectation = 403) -> dict[str, Expectation]:
    return {role: THROUGH if role in allowed else (401 if role == "anonymous" else refused) for role in ROLES}


PUBLIC = dict.fromkeys(ROLES, THROUGH)
SIGNED_IN = everyone_but_anonymous(THROUGH)
ADMIN = only("admin")
VENDOR_OWNER = only("vendor", "admin")
SHOPPER_OWNER = only("shopper", "admin", refused=HIDDEN)
"""A shopper's own order; customer service (admin) may act on any, others learn nothing."""
AUTHOR = only("shopper")
"""What only the demo shopper may do with what they wrote (accept an answer, edit a collection,
their advice application); admins moderate, they do not act for the author."""
AUTHOR_OR_ADMIN = only("shopper", "admin")
NOT_OWN = {**SIGNED_IN, "shopper": 403}
"""Votes, reports, ratings and support: every member, but never on what they wrote themselves."""
REVIEWED_VENDOR = only("vendor")
"""A vendor's public reply: the vendor that delivered the reviewed product, no one else."""
ADDRESSED_VENDOR = only("vendor", "admin")
"""An idea addressed to the demo vendor: that vendor or an admin decides it."""
VENDORS = only("vendor", "other_vendor", "admin")
PROGRAM_READER = only("vendor", "shopper", "advisor", "admin")
"""A program's knowledge base: its managers, its applicants (the demo shopper) and its advisors."""
PARTICIPANT = only("shopper", "advisor", "admin", refused=HIDDEN)
"""An advice session between the demo shopper and advisor: they and admins read it, the others learn nothing."""
RATER = only("shopper", refused=HIDDEN)
"""Only the shopper of an advice session rates it."""


@dataclass(frozen=True)
class Rule:
    access: Mapping[str, Expectation]
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    """Required query parameters, so that the request reaches the authorization check."""
    parameters: Mapping[str, str] = field(default_factory=dict)
    """Path parameters taken from another scene entry, for writes that use up their resource."""


ADDRESS = {"name": "Matrix", "line1": "Straat 1", "postal_code": "1234AB", "city": "Utrecht", "country": "NL"}
OFFER = {"title": "Matrix lamp", "price": 1999, "quantity": 3, "availability": "in_stock"}
COLLECTION = {"title": "Matrix picks", "visibility": "public", "items": [{"product_id": "matrix-product"}]}
ARTICLE = {"kind": "guide", "title": "Matrix guide", "language": "en", "body": "<p>How to light a room</p>"}
PROGRAM_TEST = TEST.model_dump(mode="json")
KNOWLEDGE_BASE = {"articles": [article.model_dump(mode="json") for article in ARTICLES]}
EARNING_RULES = EarningRules().model_dump(mode="json")
CAMPAIGN = {"name": "Matrix campaign", "content": {"en": {"subject": "Matrix", "html": "<p>Hello</p>"}}}
"""Sent with a stale `expected_version`: an admin gets 409 and the rules stay as they are."""

RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/categories"): Rule(PUBLIC),
    ("GET", "/products"): Rule(PUBLIC),
    ("GET", "/products/suggest"): Rule(PUBLIC),
    ("GET", "/products/{product_id}"): Rule(PUBLIC),
    ("GET", "/trending"): Rule(PUBLIC),
    ("GET", "/vendors/{vendor_id}/storefront"): Rule(PUBLIC),
    ("GET", "/cart"): Rule(SIGNED_IN),
    ("PUT", "/cart/items/{offer_id}"): Rule(SIGNED_IN, {"quantity": 1}),
    ("DELETE", "/cart/items/{offer_id}"): Rule(SIGNED_IN),
    ("POST", "/checkout"): Rule(
        SIGNED_IN, {"shipping_address": ADDRESS, "payment_method": "tok_visa"}, {"Idempotency-Key": "matrix"}
    ),
    ("GET", "/orders"): Rule(SIGNED_IN),
    ("GET", "/orders/{order_id}"): Rule(SHOPPER_OWNER),
    ("POST", "/orders/{order_id}/cancel"): Rule(SHOPPER_OWNER, {}),
    ("POST", "/orders/{order_id}/returns"): Rule(
        SHOPPER_OWNER, {"offer_id": "matrix-offer", "quantity": 1, "reason": "too small"}
    ),
    ("POST", "/vendors"): Rule(SIGNED_IN, {"name": "Matrix applicant"}),
    ("POST", "/admin/vendors/{vendor_id}/approve"): Rule(ADMIN, {}),
    ("POST", "/admin/vendors/{vendor_id}/decline"): Rule(ADMIN, {"reason": "Matrix says no."}),
    ("GET", "/admin/vendors"): Rule(ADMIN),
    ("GET", "/me/vendor"): Rule(SIGNED_IN),
    ("GET", "/vendors/{vendor_id}"): Rule(VENDOR_OWNER),
    ("PATCH", "/vendors/{vendor_id}"): Rule(VENDOR_OWNER, {"story": "Matrix story"}),
    ("GET", "/vendors/{vendor_id}/dashboard"): Rule(VENDOR_OWNER),
    ("POST", "/vendors/{vendor_id}/feeds"): Rule(VENDOR_OWNER, {"filename": "matrix.csv"}),
    ("POST", "/vendors/{vendor_id}/feeds/preview"): Rule(VENDOR_OWNER, {"sample": "id,title,price\n1,Lamp,9.99 EUR\n"}),
    ("GET", "/vendors/{vendor_id}/feeds/{feed_id}"): Rule(VENDOR_OWNER),
    ("GET", "/vendors/{vendor_id}/feeds"): Rule(VENDOR_OWNER),
    ("GET", "/vendors/{vendor_id}/payouts/{month}"): Rule(VENDOR_OWNER),
    ("GET", "/vendors/{vendor_id}/feed-mapping"): Rule(VENDOR_OWNER),
    ("PUT", "/vendors/{vendor_id}/feed-mapping"): Rule(VENDOR_OWNER, {"columns": {"Matrix-Nr": "id"}}),
    ("DELETE", "/vendors/{vendor_id}/feed-mapping"): Rule(VENDOR_OWNER),
    ("GET", "/vendors/{vendor_id}/feed-source"): Rule(VENDOR_OWNER),
    ("PUT", "/vendors/{vendor_id}/feed-source"): Rule(VENDOR_OWNER, {"url": "http://127.0.0.1:9/matrix.csv"}),
    ("POST", "/vendors/{vendor_id}/feed-source/pull"): Rule(VENDOR_OWNER),
    ("DELETE", "/vendors/{vendor_id}/feed-source"): Rule(VENDOR_OWNER),
    ("GET", "/vendors/{vendor_id}/offers"): Rule(VENDOR_OWNER),
    ("PATCH", "/vendors/{vendor_id}/offers"): Rule(VENDOR_OWNER, {"items": [{"sku": "matrix-sku", "quantity": 2}]}),
    ("GET", "/vendors/{vendor_id}/offers/{sku}"): Rule(VENDOR_OWNER),
    ("PUT", "/vendors/{vendor_id}/offers/{sku}"): Rule(VENDOR_OWNER, OFFER),
    ("PATCH", "/vendors/{vendor_id}/offers/{sku}"): Rule(VENDOR_OWNER, {"quantity": 2}),
    ("DELETE", "/vendors/{vendor_id}/offers/{sku}"): Rule(VENDOR_OWNER),
    ("GET", "/vendors/{vendor_id}/orders"): Rule(VENDOR_OWNER),
    ("GET", "/vendors/{vendor_id}/orders/{order_id}"): Rule(VENDOR_OWNER),
    ("POST", "/vendors/{vendor_id}/orders/{order_id}/ship"): Rule(
        VENDOR_OWNER, {"carrier": "PostNL", "tracking_number": "3SMATRIX"}
    ),
    ("POST", "/vendors/{vendor_id}/orders/{order_id}/deliver"): Rule(VENDOR_OWNER, {}),
    ("POST", "/vendors/{vendor_id}/returns/{return_id}/decision"): Rule(VENDOR_OWNER, {"decision": "reject"}),
    ("GET", "/products/{product_id}/reviews"): Rule(PUBLIC),
    ("GET", "/vendors/{vendor_id}/rating"): Rule(PUBLIC),
    ("POST", "/products/{product_id}/reviews"): Rule(
        SIGNED_IN, {"rating": 4, "title": "Matrix review", "text": "Sturdy and well made."}
    ),
    ("GET", "/products/{product_id}/questions"): Rule(PUBLIC),
    ("POST", "/products/{product_id}/questions"): Rule(SIGNED_IN, {"text": "Does it fit a small kitchen?"}),
    ("GET", "/products/{product_id}/heart"): Rule(SIGNED_IN),
    ("PUT", "/products/{product_id}/heart"): Rule(SIGNED_IN),
    ("DELETE", "/products/{product_id}/heart"): Rule(SIGNED_IN),
    ("GET", "/reviews/{review_id}"): Rule(PUBLIC),
    ("POST", "/reviews/{review_id}/helpful"): Rule(NOT_OWN),
    ("PUT", "/reviews/{review_id}/reply"): Rule(REVIEWED_VENDOR, {"text": "Thank you for your review!"}),
    ("POST", "/reports"): Rule(NOT_OWN, {"subject": "review", "subject_id": "{review_id}", "reason": "off_topic"}),
    ("GET", "/questions/{question_id}"): Rule(PUBLIC),
    ("POST", "/questions/{question_id}/answers"): Rule(SIGNED_IN, {"text": "It fits, it is quite compact."}),
    ("POST", "/questions/{question_id}/answers/{answer_id}/accept"): Rule(AUTHOR),
    ("GET", "/community/trending"): Rule(PUBLIC),
    ("GET", "/collections"): Rule(PUBLIC),
    ("POST", "/collections"): Rule(SIGNED_IN, COLLECTION),
    ("GET", "/collections/{collection_id}"): Rule(PUBLIC),
    ("PUT", "/collections/{collection_id}"): Rule(AUTHOR, {**COLLECTION, "title": "Matrix picks, revised"}),
    ("DELETE", "/collections/{collection_id}"): Rule(
        AUTHOR_OR_ADMIN, parameters={"collection_id": "doomed_collection_id"}
    ),
    ("GET", "/collections/{collection_id}/comments"): Rule(PUBLIC),
    ("POST", "/collections/{collection_id}/comments"): Rule(SIGNED_IN, {"text": "Nice combination."}),
    ("POST", "/collections/{collection_id}/ratings"): Rule(NOT_OWN, {"stars": 4}),
    ("GET", "/me/collections"): Rule(SIGNED_IN),
    ("GET", "/users/{user_id}/collections"): Rule(PUBLIC),
    ("GET", "/ideas"): Rule(PUBLIC),
    ("POST", "/ideas"): Rule(SIGNED_IN, {"title": "Matrix idea", "description": "A lamp that folds flat."}),
    ("GET", "/ideas/{idea_id}"): Rule(PUBLIC),
    ("GET", "/ideas/{idea_id}/support"): Rule(SIGNED_IN),
    ("PUT", "/ideas/{idea_id}/support"): Rule(NOT_OWN),
    ("DELETE", "/ideas/{idea_id}/support"): Rule(SIGNED_IN),
    ("POST", "/admin/ideas/{idea_id}/decision"): Rule(
        ADDRESSED_VENDOR, {"decision": "declined", "feedback": "Not for this season."}
    ),
    ("POST", "/shares"): Rule(SIGNED_IN, {"target_type": "product", "target_id": "matrix-product"}),
    ("GET", "/s/{code}"): Rule(PUBLIC),
    ("GET", "/me/profile"): Rule(SIGNED_IN),
    ("PUT", "/me/profile"): Rule(SIGNED_IN, {"bio": "Matrix bio"}),
    ("POST", "/me/avatar"): Rule(SIGNED_IN, {"content_type": "image/png", "size": 1024}),
    ("GET", "/users/{user_id}"): Rule(PUBLIC),
    ("GET", "/users/{user_id}/avatar"): Rule(PUBLIC),
    ("PUT", "/users/{user_id}/follow"): Rule(SIGNED_IN),
    ("DELETE", "/users/{user_id}/follow"): Rule(SIGNED_IN),
    ("GET", "/me/feed"): Rule(SIGNED_IN),
    ("GET", "/newsletter/confirm"): Rule(PUBLIC, query={"token": "matrix-token"}),
    ("POST", "/feedback"): Rule(SIGNED_IN, {"topic": "checkout", "text": "Smooth checkout.", "rating": 5}),
    ("POST", "/suggestions"): Rule(SIGNED_IN, {"topic": "lamps", "text": "Sell more reading lamps."}),
    ("GET", "/admin/feedback"): Rule(ADMIN),
    ("POST", "/admin/feedback/{feedback_id}/acted-on"): Rule(ADMIN, {}),
    ("GET", "/admin/moderation"): Rule(ADMIN),
    ("POST", "/admin/moderation/{case_id}/decision"): Rule(ADMIN, {"decision": "approve"}),
    ("POST", "/articles"): Rule(SIGNED_IN, ARTICLE),
    ("GET", "/articles"): Rule(PUBLIC),
    ("GET", "/articles/{article_id}"): Rule(PUBLIC),
    ("PATCH", "/articles/{article_id}"): Rule(VENDOR_OWNER, {"summary": "Matrix summary"}),
    ("DELETE", "/articles/{article_id}"): Rule(VENDOR_OWNER, parameters={"article_id": "doomed_article_id"}),
    ("GET", "/articles/{article_id}/comments"): Rule(PUBLIC),
    ("POST", "/articles/{article_id}/comments"): Rule(SIGNED_IN, {"text": "Useful guide."}),
    ("GET", "/users/{user_id}/articles"): Rule(PUBLIC),
    ("GET", "/me/articles"): Rule(SIGNED_IN),
    ("GET", "/me/articles/{article_id}"): Rule(SIGNED_IN),
    ("POST", "/article-images"): Rule(SIGNED_IN, {"content_type": "image/jpeg", "size": 2048}),
    ("GET", "/article-images/{image_id}"): Rule(PUBLIC),
    ("GET", "/rewards/me"): Rule(SIGNED_IN),
    ("GET", "/rewards/me/ledger"): Rule(SIGNED_IN),
    ("GET", "/rewards/me/entitlements"): Rule(SIGNED_IN),
    ("GET", "/rewards/me/gift-cards"): Rule(SIGNED_IN),
    ("GET", "/rewards/me/advice-statement"): Rule(SIGNED_IN, query={"period": "2026-11"}),
    ("POST", "/rewards/visits"): Rule(SIGNED_IN),
    ("GET", "/rewards/catalog"): Rule(PUBLIC),
    ("POST", "/rewards/redemptions"): Rule(
        SIGNED_IN, {"reward_id": "matrix-reward"}, {"Idempotency-Key": "matrix-redemption"}
    ),
    ("POST", "/rewards/gift-cards/redeem"): Rule(
        SIGNED_IN, {"code": "{gift_card_code}", "amount": 100, "currency": "EUR", "key": "matrix-hold"}
    ),
    ("POST", "/rewards/gift-cards/release"): Rule(SHOPPER_OWNER, {"code": "{gift_card_code}", "key": "matrix-hold"}),
    ("GET", "/referrals/me"): Rule(SIGNED_IN),
    ("POST", "/referrals/claim"): Rule(SIGNED_IN, {"code": "MATRIX00"}),
    ("GET", "/admin/rewards/rules"): Rule(ADMIN),
    ("PUT", "/admin/rewards/rules"): Rule(ADMIN, {"expected_version": 999_999, "rules": EARNING_RULES}),
    ("POST", "/admin/rewards/adjustments"): Rule(
        ADMIN, {"user_id": "{user_id}", "points": 1, "reason": "matrix"}, {"Idempotency-Key": "matrix-adjustment"}
    ),
    ("GET", "/admin/rewards/members/{user_id}"): Rule(ADMIN),
    ("GET", "/admin/rewards/members/{user_id}/ledger"): Rule(ADMIN),
    ("GET", "/admin/segments"): Rule(ADMIN),
    ("GET", "/admin/segments/{stage}/members"): Rule(ADMIN),
    ("GET", "/admin/segments/affinities"): Rule(ADMIN),
    ("POST", "/admin/payouts/{period}"): Rule(ADMIN),
    ("GET", "/admin/payouts/{period}"): Rule(ADMIN),
    # newsletters and campaigns (notifications)
    ("GET", "/admin/segments/preview"): Rule(ADMIN, query={"stages": "fan", "active_within_days": "30"}),
    ("GET", "/admin/campaigns"): Rule(ADMIN),
    ("POST", "/admin/campaigns"): Rule(ADMIN, CAMPAIGN),
    ("GET", "/admin/campaigns/{campaign_id}"): Rule(ADMIN),
    ("PUT", "/admin/campaigns/{campaign_id}"): Rule(ADMIN, CAMPAIGN),
    ("POST", "/admin/campaigns/{campaign_id}/preview"): Rule(ADMIN, {"language": "de"}),
    ("POST", "/admin/campaigns/{campaign_id}/send"): Rule(ADMIN, {}, {"Idempotency-Key": "matrix-send"}),
    ("GET", "/newsletter/confirm/{token}"): Rule(PUBLIC, parameters={"token": "link_token"}),
    ("POST", "/newsletter/confirm/{token}"): Rule(
        PUBLIC, {"wording_id": "newsletter-2026-12"}, parameters={"token": "link_token"}
    ),
    ("GET", "/me/notifications"): Rule(SIGNED_IN),
    ("POST", "/me/notifications/{notification_id}/read"): Rule(SIGNED_IN),
    ("POST", "/me/notifications/read-all"): Rule(SIGNED_IN),
    ("GET", "/me/notification-preferences"): Rule(SIGNED_IN),
    ("PUT", "/me/notification-preferences"): Rule(
        SIGNED_IN,
        {"language": "en", "channels": {}, "daily_cap": 5, "consent_wording": "Matrix", "revision": 999},
    ),
    ("POST", "/me/devices"): Rule(SIGNED_IN, {"platform": "fcm", "token": "matrix-device-token"}),
    ("DELETE", "/me/devices/{device_id}"): Rule(SIGNED_IN),
    ("GET", "/unsubscribe/{token}"): Rule(PUBLIC, parameters={"token": "link_token"}),
    ("POST", "/unsubscribe/{token}"): Rule(PUBLIC, parameters={"token": "link_token"}),
    ("GET", "/review-invitations/{token}"): Rule(PUBLIC, parameters={"token": "link_token"}),
    ("POST", "/review-invitations/{token}/review"): Rule(
        PUBLIC, {"rating": 5, "title": "Matrix", "text": "Matrix review text"}, parameters={"token": "link_token"}
    ),
    ("GET", "/me/newsletter"): Rule(SIGNED_IN),
    ("DELETE", "/me/newsletter"): Rule(SIGNED_IN),
    ("GET", "/t/o/{token}"): Rule(PUBLIC, parameters={"token": "link_token"}),
    ("GET", "/t/c/{token}"): Rule(PUBLIC, parameters={"token": "link_token"}),
    ("GET", "/advice/programs"): Rule(VENDORS),
    ("POST", "/advice/programs"): Rule(
        VENDOR_OWNER, {"name": "Matrix program", "vendor_id": "{vendor_id}", "compensation": {"kind": "points"}}
    ),
    ("GET", "/advice/programs/{program_id}"): Rule(VENDOR_OWNER),
    ("POST", "/advice/programs/{program_id}/invites"): Rule(VENDOR_OWNER, {"max_uses": 1}),
    ("GET", "/advice/programs/{program_id}/test"): Rule(VENDOR_OWNER),
    ("PUT", "/advice/programs/{program_id}/test"): Rule(VENDOR_OWNER, PROGRAM_TEST),
    ("GET", "/advice/programs/{program_id}/knowledge-base"): Rule(PROGRAM_READER),
    ("PUT", "/advice/programs/{program_id}/knowledge-base"): Rule(VENDOR_OWNER, KNOWLEDGE_BASE),
    ("GET", "/advice/programs/{program_id}/report"): Rule(
        VENDOR_OWNER, query={"from": "2026-11-01T00:00:00Z", "to": "2026-11-30T00:00:00Z"}
    ),
    ("POST", "/advice/applications"): Rule(SIGNED_IN, {"invite_code": "MATRIX-NO-SUCH-CODE"}),
    ("GET", "/advice/applications/{application_id}"): Rule(AUTHOR),
    ("PATCH", "/advice/applications/{application_id}"): Rule(AUTHOR, {"knowledge_base_confirmed": True}),
    ("POST", "/advice/applications/{application_id}/answers"): Rule(AUTHOR, {"knowledge": [0, 0]}),
    ("GET", "/advice/advisors/me"): Rule(SIGNED_IN),
    ("PUT", "/advice/advisors/me"): Rule(
        SIGNED_IN, {"display_name": "Matrix advisor", "expertise": ["lighting"], "languages": ["nl"]}
    ),
    ("GET", "/advice/advisors/me/earnings"): Rule(SIGNED_IN),
    ("GET", "/advice/sessions"): Rule(SIGNED_IN),
    ("GET", "/advice/sessions/{session_id}"): Rule(PARTICIPANT),
    ("POST", "/advice/sessions/{session_id}/rating"): Rule(RATER, {"csat": 5}, {"Idempotency-Key": "matrix-rating"}),
}


def operations() -> list[tuple[str, str]]:
    document = json.loads(DOCUMENT.read_text())
    return sorted(
        (method.upper(), path)
        for path, methods in document["paths"].items()
        for method in methods
        if not path.startswith("/health/")
    )


def test_every_operation_has_a_rule() -> None:
    missing = [f"{method} {path}" for method, path in operations() if (method, path) not in RULES]
    stale = [f"{method} {path}" for method, path in RULES if (method, path) not in operations()]

    assert not missing, f"add a row to RULES for: {missing}"
    assert not stale, f"RULES names operations that no longer exist: {stale}"


@dataclass
class Scene:
    """The callers and the resources the paths name: the demo users' own (vendor, order)."""

    clients: dict[str, httpx.Client]
    parameters: dict[str, str]


@pytest.fixture(scope="module")
def scene(fuzzed_plein: Plein) -> Scene:
    plein = fuzzed_plein
    password = "Matrix-" + secrets.token_hex(6)
    clients = {"anonymous": plein.client()}
    for role in ("shopper", "vendor", "advisor", "admin"):
        clients[role] = plein.client(role)
    suffix = secrets.token_hex(3)
    plein.create_user(f"matrix-shopper-{suffix}", password, ["shopper"])
    clients["other_shopper"] = plein.client(f"matrix-shopper-{suffix}", password=password)
    vendor_id = str(plein.users["vendor"].vendor_id)
    other_vendor = next(v for v in _vendor_ids(clients["anonymous"]) if v != vendor_id)
    plein.create_user(f"matrix-vendor-{suffix}", password, ["vendor"], vendor_id=other_vendor)
    clients["other_vendor"] = plein.client(f"matrix-vendor-{suffix}", password=password)
    orders = clients["shopper"].get("/orders").json()["items"]
    assert orders, "the demo shopper has seeded orders"
    parameters = {
        "vendor_id": vendor_id,
        "order_id": orders[0]["order_id"],
        "product_id": "matrix-product",
        "offer_id": "matrix-offer",
        "sku": "matrix-sku",
        "feed_id": "matrix-feed",
        "return_id": "matrix-return",
        "user_id": plein.users["shopper"].sub,
        "code": "matrix-share",
        "case_id": "matrix-case",
        "feedback_id": "matrix-feedback",
        "stage": "new",
        "period": "2001-01",
        "month": "2026-12",
        "program_id": PROGRAM_ID,
        "campaign_id": "matrix-campaign",
        "link_token": "matrix.token",
        "notification_id": "matrix-notification",
        "device_id": "matrix-device",
    }
    parameters |= _community(plein, clients, vendor_id)
    parameters |= _articles(clients)
    parameters |= _rewards(clients, parameters["user_id"])
    parameters |= _advice(plein, clients)
    return Scene(clients, parameters)


def _community(plein: Plein, clients: dict[str, httpx.Client], vendor_id: str) -> dict[str, str]:
    """What the demo shopper wrote: a verified review of a product the demo vendor delivered to
    them, a question answered by another shopper, two public collections, an idea addressed to
    the demo vendor."""
    shopper, vendor = clients["shopper"], clients["vendor"]
    product_id, offer_id = in_stock_offer(shopper, vendor_id)
    assert shopper.put(f"/cart/items/{offer_id}", json={"quantity": 1}).status_code == 200
    in_germany = {**ADDRESS, "postal_code": "24103", "city": "Kiel", "country": "DE"}  # where it ships
    checkout = {"shipping_address": in_germany, "payment_method": "tok_visa"}
    order = shopper.post("/checkout", json=checkout, headers={"Idempotency-Key": f"matrix-{secrets.token_hex(4)}"})
    assert order.status_code == 201, order.text
    sold = f"/vendors/{vendor_id}/orders/{order.json()['order_id']}"
    assert vendor.post(f"{sold}/ship", json={"carrier": "PostNL", "tracking_number": "3SMATRIX1"}).status_code == 200
    assert vendor.post(f"{sold}/deliver", json={}).status_code == 200
    plein.wait_until_idle(60)
    review = {"rating": 5, "title": "Matrix verified", "text": "Arrived quickly, works as described."}
    question = shopper.post(f"/products/{product_id}/questions", json={"text": "How long is the cable?"})
    answer = clients["other_shopper"].post(
        f"/questions/{question.json()['question_id']}/answers", json={"text": "About two metres."}
    )
    return {
        "review_id": _created(shopper.post(f"/products/{product_id}/reviews", json=review), "review_id"),
        "question_id": _created(question, "question_id"),
        "answer_id": _created(answer, "answer_id"),
        "collection_id": _created(shopper.post("/collections", json=COLLECTION), "collection_id"),
        "doomed_collection_id": _created(
            shopper.post("/collections", json={**COLLECTION, "title": "Matrix picks to delete"}), "collection_id"
        ),
        "idea_id": _created(
            shopper.post(
                "/ideas",
                json={"title": "Matrix lamp in oak", "description": "The lamp, in oak.", "vendor_id": vendor_id},
            ),
            "idea_id",
        ),
    }


def _articles(clients: dict[str, httpx.Client]) -> dict[str, str]:
    """Two published guides by the demo vendor (one to delete); the image id names no upload."""
    vendor = clients["vendor"]
    return {
        "article_id": _created(vendor.post("/articles", json=ARTICLE), "article_id"),
        "doomed_article_id": _created(vendor.post("/articles", json={**ARTICLE, "title": "Doomed"}), "article_id"),
        "image_id": "matrix-image",
    }


def _rewards(clients: dict[str, httpx.Client], shopper_id: str) -> dict[str, str]:
    """A gift card the demo shopper redeemed points for, with a hold on it (key `matrix-hold`)."""
    shopper = clients["shopper"]
    reward = next(r for r in shopper.get("/rewards/catalog").json()["items"] if r["kind"] == "gift_card")
    credit = {"user_id": shopper_id, "points": reward["points"], "reason": "matrix gift card"}
    credited = clients["admin"].post("/admin/rewards/adjustments", json=credit, headers={"Idempotency-Key": "matrix"})
    assert credited.status_code == 201, credited.text
    redeemed = shopper.post(
        "/rewards/redemptions", json={"reward_id": reward["reward_id"]}, headers={"Idempotency-Key": "matrix-card"}
    )
    assert redeemed.status_code == 201, redeemed.text
    code = str(redeemed.json()["gift_card"]["code"])
    held = shopper.post("/rewards/gift-cards/redeem", json={"code": code, "amount": 100, "key": "matrix-hold"})
    assert held.status_code == 200, held.text
    return {"gift_card_code": code}


def _advice(plein: Plein, clients: dict[str, httpx.Client]) -> dict[str, str]:
    """The demo shopper's application to the seeded program (owned by the demo vendor, advised by
    the demo advisor) and an ended session between the two."""
    applied = clients["shopper"].post("/advice/applications", json={"invite_code": INVITE_CODE})
    return {
        "application_id": _created(applied, "application_id"),
        "session_id": run(_advice_session(plein)),
    }


async def _advice_session(plein: Plein) -> str:
    url = f"{plein.ws_url}/advice"
    async with (
        advice_socket(url, plein.access_token("advisor")) as advisor,
        advice_socket(url, plein.access_token("shopper")) as shopper,
    ):
        await advisor.send(action="presence", status="online")
        await advisor.take("presence")
        request = {"product_id": "matrix-product", "question": "Welke lamp?", "language": "nl", "mode": "chat"}
        await shopper.send(action="request", program_id=PROGRAM_ID, **request)
        offer = await advisor.take("offer")
        await advisor.send(action="accept", request_id=offer["request_id"])
        session_id = str((await shopper.take("matched"))["session_id"])
        await shopper.send(action="end", session_id=session_id)
        await shopper.take("ended")
        await advisor.send(action="presence", status="offline")
        return session_id


def _created(response: httpx.Response, key: str) -> str:
    assert response.status_code in (200, 201), response.text
    return str(response.json()[key])


def _vendor_ids(anonymous: httpx.Client) -> list[str]:
    buckets = anonymous.get("/products", params={"limit": 1}).json()["facets"]["vendor"]
    return [bucket["value"] for bucket in buckets]


@pytest.mark.parametrize(("method", "path"), sorted(RULES), ids=str)
def test_each_role_gets_what_the_rule_says(scene: Scene, method: str, path: str) -> None:
    rule = RULES[(method, path)]
    parameters = scene.parameters | {name: scene.parameters[key] for name, key in rule.parameters.items()}
    url = path.format(**parameters)
    body = _filled(rule.body, parameters)
    wrong: list[str] = []
    # the refused first: a write let through (a delete) must not change what they are told
    for role in sorted(ROLES, key=lambda role: rule.access[role] == THROUGH):
        response = scene.clients[role].request(
            method,
            url,
            json=body,
            params=dict(rule.query) or None,
            headers=dict(rule.headers) if rule.headers else None,
        )
        expected = rule.access[role]
        status = response.status_code
        if status >= 500:
            wrong.append(f"{role}: {status} {response.text[:200]}")
        elif expected == THROUGH and status in (401, 403):
            wrong.append(f"{role}: refused with {status}, should be let through")
        elif expected == HIDDEN and status not in (403, 404):
            wrong.append(f"{role}: {status}, should be refused with 403 or 404")
        elif isinstance(expected, int) and status != expected:
            wrong.append(f"{role}: {status}, should be {expected}")

    assert not wrong, f"{method} {path}: " + "; ".join(wrong)


def _filled(body: Any, parameters: Mapping[str, str]) -> Any:
    """The body with scene values in its `{placeholders}` (ids of what the fixture created)."""
    if isinstance(body, str):
        return body.format(**parameters)
    if isinstance(body, dict):
        return {key: _filled(value, parameters) for key, value in body.items()}
    if isinstance(body, list):
        return [_filled(value, parameters) for value in body]
    return body
