"""Consumers are idempotent on event ids; the events community publishes validate against the
views their consumers declare, and community's views accept what producers send."""

from __future__ import annotations

import importlib
import inspect
from datetime import UTC, datetime

import pytest
from pydantic import BaseModel, ValidationError

from functions.catalog.models.consumed import ProductHeartedView, ProductRatingChangedView
from functions.common.events import DomainEvent
from functions.community.handlers import events as consumer_entry
from functions.community.models.consumed import OrderDeliveredView, StageChangedView
from functions.community.models.events import (
    PUBLISHED,
    AnswerAccepted,
    AnswerPosted,
    ArticlePublished,
    CollectionPublished,
    CollectionRated,
    FeedbackActedOn,
    FollowChanged,
    IdeaDecided,
    IdeaMilestoneReached,
    IdeaSupported,
    NewsletterOptInRequested,
    ProductHearted,
    ProductRatingChanged,
    ProfileUpdated,
    ReviewPublished,
    ReviewReplied,
    ShareClicked,
)
from functions.community.wiring import WIRING
from functions.orders.models.events import EventLine, OrderDelivered
from tests.unit.community.conftest import Community

AT = datetime(2026, 12, 1, tzinfo=UTC)


def order_delivered() -> OrderDelivered:
    line = EventLine(offer_id="o", product_id="pan", vendor_id="v1", sku="s", quantity=1, unit_price=10, line_total=10)
    return OrderDelivered(order_id="ord", user_id="u1", vendor_ids=["v1"], lines=[line], vendor_id="v1")


def test_orders_order_delivered_validates_against_the_community_view() -> None:
    view = OrderDeliveredView.model_validate_json(order_delivered().model_dump_json())

    assert (view.user_id, [(line.product_id, line.vendor_id) for line in view.lines]) == ("u1", [("pan", "v1")])


def test_catalog_views_accept_what_community_publishes() -> None:
    rating = ProductRatingChanged(product_id="p", average=4.33, count=3, histogram={"4": 2, "5": 1})
    heart = ProductHearted(product_id="p", user_id="u", hearted=False)

    view = ProductRatingChangedView.model_validate_json(rating.model_dump_json())
    assert (view.rating_sum, view.count) == (13, 3)
    assert ProductHeartedView.model_validate_json(heart.model_dump_json()).hearted is False


SAMPLES: dict[str, DomainEvent] = {
    event.detail_type: event
    for event in (
        ReviewPublished(review_id="r", product_id="p", user_id="u", rating=4, has_photos=True, verified=True),
        ProductRatingChanged(product_id="p", average=4.5, count=2, histogram={"4": 1, "5": 1}),
        ReviewReplied(review_id="r", product_id="p", user_id="u", vendor_id="v"),
        AnswerPosted(answer_id="a", question_id="q", product_id="p", user_id="u", asker_id="k", author_role="vendor"),
        AnswerAccepted(answer_id="a", question_id="q", product_id="p", user_id="u", asker_id="k"),
        ProductHearted(product_id="p", user_id="u"),
        CollectionPublished(collection_id="c", user_id="u", product_ids=["p1", "p2"]),
        CollectionRated(collection_id="c", owner_id="o", user_id="u", stars=5),
        IdeaSupported(idea_id="i", user_id="u", author_id="a", supporters=3),
        IdeaMilestoneReached(idea_id="i", author_id="a", milestone=100, supporters=100),
        IdeaDecided(idea_id="i", author_id="a", decision="accepted", feedback="yes"),
        ShareClicked(share_id="s", user_id="u", referral_code="ABCD2345", target_type="idea", target_id="i"),
        FeedbackActedOn(feedback_id="f", user_id="u", kind="suggestion"),
        NewsletterOptInRequested(user_id="u", email="u@example.com", confirm_url="https://x/c?token=t", expires_at=AT),
        ProfileUpdated(user_id="u", display_name="U", interests=["coffee"], languages=["nl"], newsletter=True),
        ArticlePublished(
            article_id="a", kind="guide", author_id="u", vendor_id="v", language="nl", title="T", published_at=AT
        ),
        FollowChanged(follower_id="f", user_id="u", following=True),
    )
}


def consumer_views() -> list[type[BaseModel]]:
    """Every view of a community event that another context declares (in its models/consumed.py)."""
    found = []
    for context in ("catalog", "rewards", "notifications", "advice", "vendor", "orders"):
        try:
            module = importlib.import_module(f"functions.{context}.models.consumed")
        except ModuleNotFoundError:
            continue
        found += [
            member
            for _, member in inspect.getmembers(module, inspect.isclass)
            if issubclass(member, BaseModel) and getattr(member, "source", None) == "plein.community"
        ]
    return found


def test_every_sample_is_a_published_event() -> None:
    assert set(SAMPLES) == {event.detail_type for event in PUBLISHED}


@pytest.mark.parametrize("view", consumer_views(), ids=lambda view: f"{view.__module__}.{view.__name__}")
def test_other_contexts_views_accept_what_community_publishes(view: type[BaseModel]) -> None:
    event = SAMPLES[getattr(view, "detail_type")]  # noqa: B009  # a ClassVar of the view

    parsed = view.model_validate_json(event.model_dump_json())

    assert parsed.model_dump(include={"event_id"}) == {"event_id": event.event_id}


def test_the_wiring_declares_every_published_event() -> None:
    assert set(WIRING.publishes) == {event.detail_type for event in PUBLISHED}
    assert WIRING.table.stream is True


def test_a_delivery_handled_twice_changes_nothing_the_second_time(community: Community) -> None:
    view = OrderDeliveredView.model_validate_json(order_delivered().model_dump_json())
    community.consumer.order_delivered(view)
    snapshot = {ref: doc.version for ref, doc in community.docs.docs.items()}

    community.consumer.order_delivered(view)

    assert {ref: doc.version for ref, doc in community.docs.docs.items()} == snapshot


def test_a_stage_change_handled_twice_gives_one_badge(community: Community) -> None:
    event = StageChangedView(event_id="e1", occurred_at=AT, user_id="u1", new_stage="ambassador")
    community.consumer.stage_changed(event)
    community.consumer.stage_changed(event)
    community.consumer.stage_changed(StageChangedView(event_id="e2", occurred_at=AT, user_id="u1", new_stage="fan"))

    profile = community.profiles.public("u1")

    assert profile.badges == ["ambassador", "fan"]


def test_the_entry_routes_events_and_refuses_bad_details(community: Community, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(consumer_entry, "event_consumer", lambda: community.consumer)
    stage = {"event_id": "e1", "occurred_at": AT.isoformat(), "user_id": "u1", "new_stage": "fan"}

    consumer_entry.handle_event("plein.rewards", "StageChanged", stage)
    with pytest.raises(ValidationError):
        consumer_entry.handle_event("plein.orders", "OrderDelivered", {"event_id": "e2"})

    assert community.profiles.public("u1").badges == ["fan"]


def test_rewards_stage_changed_validates_against_the_community_view() -> None:
    rewards = pytest.importorskip("functions.rewards.models.events")
    event = rewards.StageChanged(user_id="u1", old_stage="regular", new_stage="engaged")

    view = StageChangedView.model_validate_json(event.model_dump_json())

    assert (view.user_id, view.new_stage) == ("u1", "engaged")
