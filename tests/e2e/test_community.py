"""The community on the whole local runtime over HTTP: a verified review reaches the product's
rating in the catalog, a duplicate is refused, a seeded idea passes its first milestone and the
event reaches the bus, a collection across two vendors is published, rated and added to the cart,
and other members cannot change it."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from infra.topology import bus_name
from local.seed.vendor import demo_product
from tests.e2e.conftest import Plein
from tests.e2e.test_orders import ADDRESS, PASSWORD, new_shopper, publish_offer, wait_for_offer

pytestmark = pytest.mark.e2e


def eventually(probe: Callable[[], Any], timeout: float = 90) -> Any:
    """The first truthy result of `probe`, polled until `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"{probe.__doc__ or 'condition'} not met within {timeout} s")


@pytest.fixture
def community_events(plein: Plein) -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """What plein.community publishes on the bus from now on (a rule into a queue of the test's own)."""
    events, sqs = plein.boto3_client("events"), plein.boto3_client("sqs")
    name = f"e2e-community-{secrets.token_hex(4)}"
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    bus = bus_name(plein.config.stage)
    events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps({"source": ["plein.community"]}))
    events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "q", "Arn": arn}])
    seen: list[dict[str, Any]] = []

    def received() -> list[dict[str, Any]]:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        for message in messages:
            seen.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return seen

    yield received
    events.remove_targets(Rule=name, EventBusName=bus, Ids=["q"])
    events.delete_rule(Name=name, EventBusName=bus)
    sqs.delete_queue(QueueUrl=url)


def signed_in(plein: Plein, username: str, groups: list[str], vendor_id: str | None = None) -> httpx.Client:
    plein.create_user(username, PASSWORD, groups, vendor_id=vendor_id)
    return httpx.Client(
        base_url=plein.rest_url, headers={"Authorization": f"Bearer {plein.token(username, PASSWORD)}"}, timeout=60
    )


def test_a_received_product_gets_a_verified_review_that_reaches_its_rating(plein: Plein) -> None:
    # Given a shopper who bought a product and had it delivered
    vendor_id, offer_id = f"vd_e2e_{secrets.token_hex(4)}", f"e2e-review-{secrets.token_hex(4)}"
    product_id = f"p-{offer_id}"
    publish_offer(plein, vendor_id, offer_id, quantity=5)
    shopper = new_shopper(plein, "reviewer")
    wait_for_offer(shopper, offer_id)
    shopper.put(f"/cart/items/{offer_id}", json={"quantity": 1})
    checkout = {"shipping_address": ADDRESS, "payment_method": "tok_visa"}
    order = shopper.post("/checkout", json=checkout, headers={"Idempotency-Key": "review-1"}).json()
    seller = signed_in(plein, f"e2e-seller-{secrets.token_hex(3)}", ["vendor"], vendor_id=vendor_id)
    base = f"/vendors/{vendor_id}/orders/{order['order_id']}"
    assert seller.post(f"{base}/ship", json={"carrier": "DHL", "tracking_number": "JJD1"}).status_code == 200
    assert seller.post(f"{base}/deliver").status_code == 200
    plein.wait_until_idle(60)

    # When they review it
    review = {"rating": 5, "title": "Exactly as described", "text": "<b>Great</b>, arrived in two days."}
    written = shopper.post(f"/products/{product_id}/reviews", json=review)

    # Then the review is verified, published and kept as plain text
    assert written.status_code == 201, written.text
    body = written.json()
    assert (body["verified"], body["status"], body["text"]) == (True, "published", review["text"])

    def rated() -> dict[str, Any] | None:
        """the catalog shows the rating"""
        product = shopper.get(f"/products/{product_id}").json()
        return product if product.get("rating_count") == 1 else None

    assert eventually(rated)["rating"] == 5.0
    assert shopper.get(f"/products/{product_id}/reviews").json()["rating"]["histogram"]["5"] == 1
    # And the vendor's rating (the vendor dashboard's) holds it
    vendor_rating = plein.client().get(f"/vendors/{vendor_id}/rating").json()
    assert (vendor_rating["count"], vendor_rating["average"]) == (1, 5.0)

    # And a second review of the same product is refused
    again = shopper.post(f"/products/{product_id}/reviews", json={**review, "text": "Still great."})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "duplicate_review")
    # And the vendor who sold it may reply publicly
    reply = seller.put(f"/reviews/{body['review_id']}/reply", json={"text": "Thank you!"})
    assert (reply.status_code, reply.json()["reply"]["vendor_id"]) == (200, vendor_id)
    for client in (shopper, seller):
        client.close()


def test_a_seeded_idea_passes_its_first_milestone_and_the_event_reaches_the_bus(
    plein: Plein, community_events: Callable[[], list[dict[str, Any]]]
) -> None:
    anonymous = plein.client()
    ideas = anonymous.get("/ideas", params={"state": "open", "limit": 100}).json()["items"]
    idea = next(item for item in ideas if item["supporters"] == 99 and item["next_milestone"] == 100)
    supporter = new_shopper(plein, "supporter")

    supported = supporter.put(f"/ideas/{idea['idea_id']}/support")

    assert supported.json() == {"idea_id": idea["idea_id"], "supported": True, "supporters": 100}
    assert anonymous.get(f"/ideas/{idea['idea_id']}").json()["milestone"] == 100

    def milestone_event() -> list[dict[str, Any]]:
        """IdeaMilestoneReached on the bus"""
        return [
            event["detail"]
            for event in community_events()
            if event["detail-type"] == "IdeaMilestoneReached" and event["detail"]["idea_id"] == idea["idea_id"]
        ]

    reached = eventually(milestone_event)
    assert [(event["milestone"], event["supporters"]) for event in reached] == [(100, 100)]
    supporter.close()


def in_stock_offer(client: httpx.Client, vendor_id: str, *, besides: str | None = None) -> tuple[str, str]:
    """A seeded product of `vendor_id` (other than `besides`) and that vendor's offer of it, in stock."""
    found = client.get("/products", params={"vendor": vendor_id, "in_stock": "true", "limit": 20}).json()["items"]
    for hit in (hit for hit in found if hit["product_id"] != besides):
        offers = client.get(f"/products/{hit['product_id']}").json()["offers"]
        for offer in offers:
            if offer["vendor_id"] == vendor_id and offer["available"]:
                return hit["product_id"], offer["offer_id"]
    raise AssertionError(f"no offer of {vendor_id} in stock")


def test_a_collection_across_two_vendors_is_published_rated_carted_and_kept_by_its_owner(plein: Plein) -> None:
    owner, rater, stranger = (new_shopper(plein, role) for role in ("owner", "rater", "stranger"))
    first = in_stock_offer(owner, demo_product(1)[1][0])
    picks = [first, in_stock_offer(owner, demo_product(2)[1][0], besides=first[0])]
    outfit = {
        "title": "Two shops, one look",
        "visibility": "public",
        "items": [{"product_id": picks[0][0], "note": "the base"}, {"product_id": picks[1][0]}],
    }

    created = owner.post("/collections", json=outfit)
    assert created.status_code == 201, created.text
    collection = created.json()
    path = f"/collections/{collection['collection_id']}"
    assert collection["status"] == "published"

    rated = rater.post(f"{path}/ratings", json={"stars": 4})
    assert (rated.status_code, rated.json()["average"]) == (200, 4.0)
    assert owner.post(f"{path}/ratings", json={"stars": 5}).json()["error"]["code"] == "own_collection"

    # "Add all to cart" is the client's: each product's offer (of the vendor it was picked from) goes in the cart.
    offers = dict(picks)
    for product_id in rater.get(path).json()["product_ids"]:
        assert rater.put(f"/cart/items/{offers[product_id]}", json={"quantity": 1}).status_code == 200
    cart = rater.get("/cart").json()
    assert sorted(len(group["lines"]) for group in cart["vendors"]) == [1, 1]

    assert stranger.put(path, json={**outfit, "title": "Mine now"}).status_code == 403
    assert stranger.delete(path).status_code == 403
    assert owner.get(path).json()["title"] == outfit["title"]
    assert owner.delete(path).status_code == 204
    assert owner.get(path).status_code == 404
    for client in (owner, rater, stranger):
        client.close()
