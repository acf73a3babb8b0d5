"""Reviews and ratings through the API: one per member and product, verified purchases, rating
aggregates and their events, helpful votes, reports, vendor replies, bad input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from functions.community.models.consumed import DeliveredLine, OrderDeliveredView
from functions.community.models.events import ProductRatingChanged, ReviewPublished, ReviewReplied
from tests.unit.community.conftest import Api, Community

REVIEW = {"rating": 4, "title": "Solid pan", "text": "Heats evenly, easy to clean."}


def delivered(user: str, product: str, vendor: str = "v1", event_id: str = "ev-1") -> OrderDeliveredView:
    return OrderDeliveredView(
        event_id=event_id,
        occurred_at=datetime(2026, 12, 1, tzinfo=UTC),
        order_id="o1",
        user_id=user,
        vendor_id=vendor,
        lines=[DeliveredLine(product_id=product, vendor_id=vendor)],
    )


def test_a_review_is_published_counted_and_announced(api: Api, community: Community) -> None:
    status, review = api("POST", "/products/pan/reviews", REVIEW)
    assert (status, review["status"], review["verified"]) == (201, "published", False)

    status, second = api("POST", "/products/pan/reviews", {**REVIEW, "rating": 2, "text": "Sticks."}, user="u2")
    assert status == 201

    status, listed = api("GET", "/products/pan/reviews", user=None)
    assert status == 200
    assert [item["review_id"] for item in listed["items"]] == [second["review_id"], review["review_id"]]
    assert listed["rating"] == {
        "product_id": "pan",
        "average": 3.0,
        "count": 2,
        "histogram": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0},
    }
    published = community.docs.of_type(ReviewPublished)
    assert [(e.user_id, e.rating) for e in published] == [("u1", 4), ("u2", 2)]
    assert community.docs.of_type(ProductRatingChanged)[-1].count == 2


def test_a_second_review_of_the_same_product_is_a_conflict(api: Api, community: Community) -> None:
    assert api("POST", "/products/pan/reviews", REVIEW)[0] == 201

    status, body = api("POST", "/products/pan/reviews", {**REVIEW, "text": "Changed my mind entirely."})

    assert (status, body["error"]["code"]) == (409, "duplicate_review")
    assert len(community.docs.of_type(ReviewPublished)) == 1


def test_a_delivered_product_makes_the_review_verified_before_and_after(api: Api, community: Community) -> None:
    community.consumer.order_delivered(delivered("u1", "pan"))
    status, review = api("POST", "/products/pan/reviews", REVIEW)
    assert (status, review["verified"], review["vendor_id"]) == (201, True, "v1")
    published = community.docs.of_type(ReviewPublished)[0]
    assert (published.verified, published.vendor_id) == (True, "v1")

    api("POST", "/products/kettle/reviews", {**REVIEW, "text": "Boils fast."}, user="u1")
    community.consumer.order_delivered(delivered("u1", "kettle", vendor="v2", event_id="ev-2"))
    _, listed = api("GET", "/products/kettle/reviews")
    assert (listed["items"][0]["verified"], listed["items"][0]["vendor_id"]) == (True, "v2")


def test_a_vendors_rating_counts_the_verified_reviews_of_its_sales(api: Api, community: Community) -> None:
    # Given two verified buyers from v1 (one of them also from v2) and an unverified reviewer
    community.consumer.order_delivered(delivered("u1", "pan"))
    community.consumer.order_delivered(delivered("u2", "kettle", event_id="ev-2"))
    community.consumer.order_delivered(delivered("u2", "lamp", vendor="v2", event_id="ev-3"))
    api("POST", "/products/pan/reviews", {**REVIEW, "rating": 5}, user="u1")
    _, second = api("POST", "/products/kettle/reviews", {**REVIEW, "rating": 3, "text": "Boils fast."}, user="u2")
    api("POST", "/products/lamp/reviews", {**REVIEW, "rating": 1, "text": "Flickers."}, user="u2")
    api("POST", "/products/pan/reviews", {**REVIEW, "rating": 1, "text": "Burns eggs."}, user="u3")

    # Then each vendor's rating holds its own buyers' reviews only, for anyone to read
    status, rating = api("GET", "/vendors/v1/rating", user=None)
    assert status == 200
    assert (rating["count"], rating["average"], rating["histogram"]["5"], rating["histogram"]["3"]) == (2, 4.0, 1, 1)
    assert api("GET", "/vendors/v2/rating")[1]["count"] == 1
    assert api("GET", "/vendors/nobody/rating")[1] == {
        "vendor_id": "nobody",
        "average": 0.0,
        "count": 0,
        "histogram": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
    }

    # When a moderator removes one of v1's reviews, it leaves the vendor's rating too
    api("POST", "/reports", {"subject": "review", "subject_id": second["review_id"], "reason": "fake"}, user="u4")
    _, queue = api("GET", "/admin/moderation", user="admin", groups="admin")
    case_id = queue["items"][0]["case_id"]
    api("POST", f"/admin/moderation/{case_id}/decision", {"decision": "reject"}, user="admin", groups="admin")
    assert api("GET", "/vendors/v1/rating")[1]["count"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**REVIEW, "rating": 0}, "rating"),
        ({**REVIEW, "rating": 6}, "rating"),
        ({**REVIEW, "rating": "five"}, "rating"),
        ({**REVIEW, "text": "x" * 5001}, "text"),
        ({**REVIEW, "title": ""}, "title"),
        ({**REVIEW, "photos": ["javascript:alert(1)"]}, "photos.0"),
        ({**REVIEW, "extra": 1}, "extra"),
    ],
)
def test_bad_reviews_are_refused_with_422(api: Api, body: dict[str, object], field: str) -> None:
    status, error = api("POST", "/products/pan/reviews", body)

    assert (status, error["error"]["code"]) == (422, "validation_failed")
    assert any(detail["field"] == field for detail in error["error"]["details"])


def test_an_unknown_product_id_is_a_404(api: Api) -> None:
    status, error = api("POST", "/products/<script>/reviews", REVIEW)

    assert (status, error["error"]["code"]) == (404, "product_not_found")


def test_html_in_a_review_is_kept_as_plain_text(api: Api) -> None:
    text = '<script>alert("x")</script> <b>great</b> & cheap'

    status, review = api("POST", "/products/pan/reviews", {**REVIEW, "text": text})

    assert (status, review["text"]) == (201, text)
    _, fetched = api("GET", f"/reviews/{review['review_id']}")
    assert fetched["text"] == text


def test_helpful_votes_count_once_per_member_and_never_ones_own(api: Api) -> None:
    _, review = api("POST", "/products/pan/reviews", REVIEW)
    path = f"/reviews/{review['review_id']}/helpful"

    assert api("POST", path, user="u2") == (200, {"review_id": review["review_id"], "helpful": 1})
    status, again = api("POST", path, user="u2")
    assert (status, again["error"]["code"]) == (409, "already_voted")
    status, own = api("POST", path, user="u1")
    assert (status, own["error"]["code"]) == (403, "own_review")
    assert api("POST", path, user="u3")[1]["helpful"] == 2


def test_a_report_opens_one_moderation_case_and_rejecting_removes_the_rating(api: Api, community: Community) -> None:
    _, review = api("POST", "/products/pan/reviews", REVIEW)
    fake = {"subject": "review", "subject_id": review["review_id"], "reason": "fake"}
    assert api("POST", "/reports", fake, user="u2")[0] == 200
    assert api("POST", "/reports", fake, user="u2")[1]["error"]["code"] == "already_reported"
    assert api("POST", "/reports", {**fake, "reason": "spam"}, user="u3")[0] == 200

    status, queue = api("GET", "/admin/moderation", user="admin", groups="admin")
    assert status == 200
    assert [(c["subject_id"], c["origin"], c["reasons"]) for c in queue["items"]] == [
        (review["review_id"], "report", ["reported_fake"])
    ]
    case_id = queue["items"][0]["case_id"]
    status, decided = api(
        "POST",
        f"/admin/moderation/{case_id}/decision",
        {"decision": "reject", "note": "fake"},
        user="admin",
        groups="admin",
    )
    assert (status, decided["state"], decided["decided_by"]) == (200, "rejected", "admin")

    _, listed = api("GET", "/products/pan/reviews")
    assert listed["items"] == []
    assert listed["rating"]["count"] == 0
    assert community.docs.of_type(ProductRatingChanged)[-1].count == 0
    assert api("GET", f"/reviews/{review['review_id']}")[0] == 404


def test_vendors_reply_only_to_reviews_of_products_they_sold(api: Api, community: Community) -> None:
    _, review = api("POST", "/products/pan/reviews", REVIEW)
    path = f"/reviews/{review['review_id']}/reply"
    reply = {"text": "Thank you for your review!"}

    status, error = api("PUT", path, reply, user="vend", groups="vendor", vendor_id="v1")
    assert (status, error["error"]["code"]) == (403, "not_your_product")
    assert api("PUT", path, reply, user="u2")[1]["error"]["code"] == "missing_group"

    community.consumer.order_delivered(delivered("u9", "pan", vendor="v1"))
    status, replied = api("PUT", path, reply, user="vend", groups="vendor", vendor_id="v1")
    assert (status, replied["reply"]["vendor_id"], replied["reply"]["text"]) == (200, "v1", reply["text"])
    assert [e.vendor_id for e in community.docs.of_type(ReviewReplied)] == ["v1"]
    status, refused = api(
        "PUT", path, {"text": "call us at +31 20 123 4567"}, user="vend", groups="vendor", vendor_id="v1"
    )
    assert (status, refused["error"]["code"]) == (422, "moderation_refused")


def test_a_pending_review_is_published_by_a_moderator(api: Api, community: Community) -> None:
    status, review = api("POST", "/products/pan/reviews", {**REVIEW, "text": "Cheaper at www.example.com"})
    assert (status, review["status"], review["reasons"]) == (201, "pending", ["link"])
    assert api("GET", "/products/pan/reviews")[1]["items"] == []
    assert community.docs.of_type(ReviewPublished) == []

    _, queue = api("GET", "/admin/moderation", user="admin", groups="admin")
    case_id = queue["items"][0]["case_id"]
    assert api("POST", f"/admin/moderation/{case_id}/decision", {"decision": "approve"}, user="u1")[0] == 403
    status, _ = api("POST", f"/admin/moderation/{case_id}/decision", {"decision": "approve"}, user="a", groups="admin")
    assert status == 200
    again = api("POST", f"/admin/moderation/{case_id}/decision", {"decision": "reject"}, user="a", groups="admin")
    assert (again[0], again[1]["error"]["code"]) == (409, "already_decided")

    assert [item["review_id"] for item in api("GET", "/products/pan/reviews")[1]["items"]] == [review["review_id"]]
    assert len(community.docs.of_type(ReviewPublished)) == 1
    _, audit = api("GET", "/admin/moderation", user="admin", groups="admin", query={"state": "approved"})
    assert [c["case_id"] for c in audit["items"]] == [case_id]


def test_a_rejected_review_may_be_written_again(api: Api) -> None:
    status, rejected = api("POST", "/products/pan/reviews", {**REVIEW, "text": "what a piece of shit"})
    assert (status, rejected["status"], rejected["reasons"]) == (201, "rejected", ["profanity"])

    status, again = api("POST", "/products/pan/reviews", REVIEW)

    assert (status, again["status"]) == (201, "published")
