"""Rewards on the whole local runtime over HTTP: a delivered order earns points and its return
reverses them; a referral pays once after the referee's first delivered order and is refused for a
self-referral; points buy a gift card that pays part of a checkout. Orders reach rewards the way they
do in production: OrderDelivered/OrderReturned on the bus, through the rewards-events queue."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Plein
from tests.e2e.test_orders import ADDRESS, PASSWORD, new_shopper, publish_offer, wait_for_offer

pytestmark = pytest.mark.e2e
PRICE = 2500  # minor units: 25 points at the default 1 point per euro


def eventually(read: Callable[[], Any], wanted: Callable[[Any], bool], timeout: float = 90) -> Any:
    """Poll `read` until `wanted` holds (events travel through queues); the last value otherwise."""
    deadline = time.monotonic() + timeout
    value = read()
    while not wanted(value) and time.monotonic() < deadline:
        time.sleep(0.5)
        value = read()
    return value


@pytest.fixture(scope="module")
def shop(plein: Plein) -> tuple[str, str, httpx.Client]:
    """An offer of a fresh vendor, and that vendor's signed-in client."""
    vendor_id = f"vd_e2e_{secrets.token_hex(4)}"
    offer_id = f"e2e-rewards-{secrets.token_hex(4)}"
    publish_offer(plein, vendor_id, offer_id, quantity=100, price=PRICE)
    plein.wait_until_idle(60)
    probe = new_shopper(plein, "rprobe")
    wait_for_offer(probe, offer_id)
    probe.close()
    username = f"e2e-rvendor-{secrets.token_hex(3)}"
    plein.create_user(username, PASSWORD, ["vendor"], vendor_id=vendor_id)
    seller = httpx.Client(
        base_url=plein.rest_url, headers={"Authorization": f"Bearer {plein.token(username, PASSWORD)}"}, timeout=60
    )
    return vendor_id, offer_id, seller


@pytest.fixture(scope="module")
def short_return_window(plein: Plein) -> None:
    """Referrals pay when the first order is delivered (return window 0) in these tests."""
    admin = plein.client("admin")
    current = admin.get("/admin/rewards/rules").json()
    rules = current["rules"]
    rules["referrals"]["return_window_days"] = 0
    saved = admin.put("/admin/rewards/rules", json={"expected_version": current["version"], "rules": rules})
    assert saved.status_code == 200, saved.text


def buy_and_deliver(client: httpx.Client, shop: tuple[str, str, httpx.Client]) -> str:
    vendor_id, offer_id, seller = shop
    assert client.put(f"/cart/items/{offer_id}", json={"quantity": 1}).status_code == 200
    order = client.post(
        "/checkout",
        json={"shipping_address": ADDRESS, "payment_method": "tok_visa"},
        headers={"Idempotency-Key": f"co-{secrets.token_hex(4)}"},
    )
    assert order.status_code == 201, order.text
    order_id: str = order.json()["order_id"]
    shipped = seller.post(
        f"/vendors/{vendor_id}/orders/{order_id}/ship", json={"carrier": "PostNL", "tracking_number": "3SRW"}
    )
    assert shipped.status_code == 200, shipped.text
    assert seller.post(f"/vendors/{vendor_id}/orders/{order_id}/deliver").status_code == 200
    return order_id


def balance(client: httpx.Client) -> int:
    response = client.get("/rewards/me")
    assert response.status_code == 200, response.text
    value: int = response.json()["balance"]
    return value


def test_a_delivered_order_earns_points_and_its_return_reverses_them(
    plein: Plein, shop: tuple[str, str, httpx.Client]
) -> None:
    vendor_id, offer_id, seller = shop
    shopper = new_shopper(plein, "earner")
    order_id = buy_and_deliver(shopper, shop)

    assert eventually(lambda: balance(shopper), lambda b: b == 25) == 25
    ledger = shopper.get("/rewards/me/ledger").json()["items"]
    assert [(e["kind"], e["points"], e["reason"]) for e in ledger] == [("earn", 25, "order delivered")]

    requested = shopper.post(f"/orders/{order_id}/returns", json={"offer_id": offer_id, "quantity": 1, "reason": "x"})
    assert requested.status_code == 200, requested.text
    return_id = requested.json()["request"]["return_id"]
    decided = seller.post(f"/vendors/{vendor_id}/returns/{return_id}/decision", json={"decision": "accept"})
    assert decided.status_code == 200, decided.text

    assert eventually(lambda: balance(shopper), lambda b: b == 0) == 0
    kinds = [(e["kind"], e["points"]) for e in shopper.get("/rewards/me/ledger").json()["items"]]
    assert kinds == [("reverse", -25), ("earn", 25)]

    stranger = new_shopper(plein, "stranger")
    assert balance(stranger) == 0  # members see only their own ledger
    assert stranger.get("/admin/rewards/rules").status_code == 403


def test_a_referral_pays_once_after_the_first_delivered_order_and_self_referral_is_refused(
    plein: Plein, shop: tuple[str, str, httpx.Client], short_return_window: None
) -> None:
    referrer, referee = new_shopper(plein, "referrer"), new_shopper(plein, "referee")
    code = referrer.get("/referrals/me").json()["code"]

    own = referrer.post("/referrals/claim", json={"code": code})
    assert (own.status_code, own.json()["error"]["code"]) == (422, "self_referral")
    claimed = referee.post("/referrals/claim", json={"code": code})
    assert claimed.status_code == 201, claimed.text

    buy_and_deliver(referee, shop)

    def statuses() -> dict[str, tuple[str, str | None]]:
        mine = referrer.get("/referrals/me").json()["referrals"]
        return {r["referee_id"]: (r["status"], r["reason"]) for r in mine}

    referee_id = referee.headers["X-Test-Sub"]
    referrer_id = referrer.headers["X-Test-Sub"]
    found = eventually(statuses, lambda s: s.get(referee_id, ("",))[0] == "converted")
    assert found == {referee_id: ("converted", None), referrer_id: ("refused", "self_referral")}
    assert eventually(lambda: balance(referrer), lambda b: b == 200) == 200

    buy_and_deliver(referee, shop)  # a second order pays nothing more
    assert eventually(lambda: balance(referee), lambda b: b == 50) == 50
    plein.wait_until_idle(30)
    assert balance(referrer) == 200


def test_points_buy_a_gift_card_that_pays_part_of_a_checkout(plein: Plein) -> None:
    shopper = new_shopper(plein, "giftcard")
    user_id = shopper.headers["X-Test-Sub"]
    admin = plein.client("admin")
    credited = admin.post(
        "/admin/rewards/adjustments",
        json={"user_id": user_id, "points": 600, "reason": "e2e welcome"},
        headers={"Idempotency-Key": f"adj-{user_id}"},
    )
    assert credited.status_code == 201, credited.text

    key = {"Idempotency-Key": "gift-1"}
    card = shopper.post("/rewards/redemptions", json={"reward_id": "gift-card-5"}, headers=key)
    assert card.status_code == 201, card.text
    code = card.json()["gift_card"]["code"]
    again = shopper.post("/rewards/redemptions", json={"reward_id": "gift-card-5"}, headers=key)
    assert (again.status_code, again.json()["gift_card"]["code"], balance(shopper)) == (200, None, 100)

    hold = shopper.post("/rewards/gift-cards/redeem", json={"code": code, "amount": 320, "key": "order-e2e-1"})
    assert (hold.status_code, hold.json()["applied"], hold.json()["balance"]) == (200, 320, 180)
    rest = shopper.post("/rewards/gift-cards/redeem", json={"code": code, "amount": 4995, "key": "order-e2e-2"})
    assert (rest.json()["applied"], rest.json()["balance"]) == (180, 0)
    released = shopper.post("/rewards/gift-cards/release", json={"code": code, "key": "order-e2e-1"})
    assert (released.json()["status"], released.json()["balance"]) == ("released", 320)
    cards = shopper.get("/rewards/me/gift-cards").json()["items"]
    assert [(c["balance"], c["code"]) for c in cards] == [(320, None)]


def test_a_gift_card_redeemed_from_points_pays_part_of_a_checkout_once(
    plein: Plein, shop: tuple[str, str, httpx.Client]
) -> None:
    """Checkout pays through rewards-redemptions (a direct Lambda invoke from orders-api)."""
    vendor_id, offer_id, seller = shop
    shopper = new_shopper(plein, "cardpay")
    # Given 600 points earned by a delivered order of €600 (2 x €300)
    pricey = f"e2e-pricey-{secrets.token_hex(4)}"
    publish_offer(plein, vendor_id, pricey, quantity=10, price=30000)
    wait_for_offer(shopper, pricey)
    assert shopper.put(f"/cart/items/{pricey}", json={"quantity": 2}).status_code == 200
    bought = shopper.post(
        "/checkout", json={"shipping_address": ADDRESS, "payment_method": "tok_visa"}, headers={"Idempotency-Key": "k0"}
    )
    assert bought.status_code == 201, bought.text
    earned_on = bought.json()["order_id"]
    ship = {"carrier": "PostNL", "tracking_number": "3SRW"}
    assert seller.post(f"/vendors/{vendor_id}/orders/{earned_on}/ship", json=ship).status_code == 200
    assert seller.post(f"/vendors/{vendor_id}/orders/{earned_on}/deliver").status_code == 200
    assert eventually(lambda: balance(shopper), lambda b: b == 600) == 600

    # and a €5 gift card redeemed from 500 of them
    card = shopper.post("/rewards/redemptions", json={"reward_id": "gift-card-5"}, headers={"Idempotency-Key": "g1"})
    assert card.status_code == 201, card.text
    code = card.json()["gift_card"]["code"]
    assert balance(shopper) == 100

    def card_balance() -> int:
        value: int = shopper.get("/rewards/me/gift-cards").json()["items"][0]["balance"]
        return value

    # a bad code is refused before anything is reserved or charged
    assert shopper.put(f"/cart/items/{offer_id}", json={"quantity": 1}).status_code == 200
    body: dict[str, Any] = {
        "shipping_address": ADDRESS,
        "payment_method": "tok_visa",
        "gift_card_code": "PLN-AAAA-BBBB-CCCC-DDDD",
    }
    bad = shopper.post("/checkout", json=body, headers={"Idempotency-Key": "bad-card"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "gift_card_invalid")

    # the card (€5) and 100 points pay part of the order; the card payment pays the rest
    body = {"shipping_address": ADDRESS, "payment_method": "tok_visa", "gift_card_code": code, "points": 100}
    first = shopper.post("/checkout", json=body, headers={"Idempotency-Key": "pay-1"})
    assert first.status_code == 201, first.text
    order = first.json()
    assert (order["discount_total"], order["gift_card_paid"], order["points_paid"]) == (600, 500, 100)
    assert order["total"] == order["items_total"] + order["shipping_total"] - 600
    assert (card_balance(), balance(shopper)) == (0, 0)

    # the same checkout retried with the same Idempotency-Key charges once
    again = shopper.post("/checkout", json=body, headers={"Idempotency-Key": "pay-1"})
    assert (again.status_code, again.json()["order_id"]) == (200, order["order_id"])
    assert (card_balance(), balance(shopper)) == (0, 0)

    # a cancelled order gives the card's balance and the points back
    cancelled = shopper.post(f"/orders/{order['order_id']}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert (card_balance(), balance(shopper)) == (500, 100)


def test_a_published_review_earns_points(plein: Plein, shop: tuple[str, str, httpx.Client]) -> None:
    _, offer_id, _ = shop
    reviewer = new_shopper(plein, "reviewer")
    buy_and_deliver(reviewer, shop)
    assert eventually(lambda: balance(reviewer), lambda b: b == 25) == 25
    plein.wait_until_idle(30)  # community has marked the purchase verified too
    review = {"rating": 5, "title": "Lovely", "text": "Does what it says, well made and quick to arrive."}
    written = reviewer.post(f"/products/p-{offer_id}/reviews", json=review)
    assert written.status_code == 201, written.text
    assert written.json()["status"] == "published"

    # 20 for the review and 10 for the verified purchase (the default rules), on top of the order's 25
    assert eventually(lambda: balance(reviewer), lambda b: b == 55) == 55
    reasons = [e["reason"] for e in reviewer.get("/rewards/me/ledger").json()["items"]]
    assert reasons == ["review published", "order delivered"]


def test_the_seed_has_members_at_every_stage_and_the_demo_shoppers_rewards(plein: Plein) -> None:
    admin = plein.client("admin")
    counts = {s["stage"]: s["members"] for s in admin.get("/admin/segments").json()["stages"]}
    assert all(counts[stage] >= 1 for stage in ("new", "regular", "engaged", "fan", "ambassador")), counts
    fans = admin.get("/admin/segments/fan/members", params={"format": "csv"})
    assert fans.headers["content-type"].startswith("text/csv")
    assert "seed-member-fan" in fans.text

    shopper = plein.client("shopper")
    (card,) = shopper.get("/rewards/me/gift-cards").json()["items"]
    assert (card["initial"], card["code"]) == (500, None)
    referrals = shopper.get("/referrals/me").json()["referrals"]
    assert [r["referee_id"] for r in referrals] == [plein.users["advisor"].sub]
    # the seeded delivered order earns through the bus once the orders seed has placed it
    reasons = eventually(
        lambda: {e["reason"] for e in shopper.get("/rewards/me/ledger").json()["items"]},
        lambda found: "order delivered" in found,
        timeout=300,
    )
    assert {"order delivered", "adjustment: demo welcome bonus", "redeemed: €5 gift card"} <= reasons


def test_a_profiles_affinity_reaches_the_segment_counts(plein: Plein) -> None:
    # Given a member who names a rare interest in their community profile
    affinity = f"e2e-{secrets.token_hex(3)}"
    member = new_shopper(plein, "raff")
    assert member.put("/me/profile", json={"interests": [affinity, "tea"], "languages": ["en"]}).status_code == 200
    admin = plein.client("admin")

    # Then ProfileUpdated reaches rewards through the bus: the segment counts and the member list have them
    counts = eventually(
        lambda: admin.get("/admin/segments", params={"affinity": affinity.upper()}).json(),
        lambda body: body["total"] == 1,
    )
    assert {s["stage"]: s["members"] for s in counts["stages"]}["new"] == 1
    top = admin.get("/admin/segments/affinities", params={"stage": "new", "limit": "100"}).json()
    assert {"affinity": affinity, "members": 1} in top["affinities"]
    listed = admin.get("/admin/segments/new/members", params={"affinity": affinity, "format": "csv"})
    assert listed.status_code == 200
    (row,) = listed.text.splitlines()[1:]
    assert row.endswith(f",{affinity};tea")


def test_closing_a_month_twice_pays_once(plein: Plein) -> None:
    from datetime import UTC, datetime

    from functions.advice.models.events import AdviceSessionRated
    from infra.topology import bus_name

    # Given two cash-paid sessions rated in a past month, delivered on the bus (the second twice)
    month = secrets.choice(range(1, 13))
    period = f"2019-{month:02d}"
    advisor = f"adv-e2e-{secrets.token_hex(3)}"
    rated = [
        AdviceSessionRated(
            session_id=f"ses-{advisor}-{n}",
            program_id="p-e2e",
            advisor_id=advisor,
            shopper_id="u-e2e",
            rating=5,
            compensation_kind="cash",
            compensation_points=0,
            compensation_cash=cash,
            occurred_at=datetime(2019, month, 10, tzinfo=UTC),
        )
        for n, cash in ((1, 1200), (2, 800))
    ]
    entries = [
        {
            "Source": event.source,
            "DetailType": event.detail_type,
            "Detail": event.model_dump_json(),
            "EventBusName": bus_name(plein.config.stage),
        }
        for event in [*rated, rated[1]]
    ]
    assert plein.boto3_client("events").put_events(Entries=entries)["FailedEntryCount"] == 0
    admin = plein.client("admin")
    advisor_client_view = eventually(
        lambda: admin.get(f"/admin/rewards/members/{advisor}/ledger").json()["items"],
        lambda items: len(items) == 2,
    )
    assert len(advisor_client_view) == 2
    plein.wait_until_idle(60)

    # When an admin closes the month twice
    first = admin.post(f"/admin/payouts/{period}")
    second = admin.post(f"/admin/payouts/{period}")

    # Then one payout pays both sessions, and the repeat answers the same run
    assert first.status_code == 201, first.text
    assert (second.status_code, second.json()) == (200, first.json())
    (payout,) = [p for p in first.json()["payouts"] if p["advisor_id"] == advisor]
    assert (payout["amount"], len(payout["sessions"])) == (2000, 2)
    listed = admin.get(f"/admin/payouts/{period}", params={"format": "csv"})
    assert listed.text.count(advisor) == 1
    current = datetime.now(UTC).strftime("%Y-%m")
    refused = admin.post(f"/admin/payouts/{current}")
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "period_not_finished")
