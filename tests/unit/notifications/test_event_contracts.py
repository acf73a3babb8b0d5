"""Each consumed view accepts what its producer publishes (the producers' own models)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from functions.advice.models.events import AdviceMissed, AdvisorApproved, AdvisorInvited
from functions.common.events import ConsumedView, DomainEvent
from functions.community.models.events import (
    AnswerPosted,
    ArticlePublished,
    FollowChanged,
    IdeaDecided,
    IdeaMilestoneReached,
    ReviewReplied,
)
from functions.notifications.models import consumed as c
from functions.rewards.models.events import AdvisorPaid, GiftCardIssued, PointsAwarded, StageChanged
from functions.vendor.models.events import FeedCounts, FeedImportCompleted, VendorApproved
from tests.unit.notifications.conftest import line


def test_views_read_the_producers_events() -> None:
    from functions.orders.models import events as orders

    produced: list[tuple[type[ConsumedView], DomainEvent]] = [
        (
            c.OrderPlacedView,
            orders.OrderPlaced(
                order_id="o",
                user_id="u",
                vendor_ids=["v1"],
                lines=[line("p")],
                items_total=1,
                shipping_total=0,
                total=1,
            ),
        ),
        (
            c.OrderShippedView,
            orders.OrderShipped(
                order_id="o",
                user_id="u",
                vendor_ids=["v1"],
                lines=[line("p")],
                vendor_id="v1",
                carrier="PostNL",
                tracking_number="3S",
            ),
        ),
        (
            c.OrderDeliveredView,
            orders.OrderDelivered(order_id="o", user_id="u", vendor_ids=["v1"], lines=[line("p")], vendor_id="v1"),
        ),
        (
            c.AnswerPostedView,
            AnswerPosted(
                answer_id="a", question_id="q", product_id="p", user_id="u", asker_id="x", author_role="member"
            ),
        ),
        (c.ReviewRepliedView, ReviewReplied(review_id="r", product_id="p", user_id="u", vendor_id="v")),
        (c.IdeaMilestoneReachedView, IdeaMilestoneReached(idea_id="i", author_id="u", milestone=10, supporters=10)),
        (c.IdeaDecidedView, IdeaDecided(idea_id="i", author_id="u", decision="accepted", feedback="ok")),
        (
            c.ArticlePublishedView,
            ArticlePublished(
                article_id="ar",
                kind="brand_story",
                author_id="u",
                vendor_id="v1",
                language="en",
                title="Our story",
                published_at=datetime.now(UTC),
            ),
        ),
        (c.FollowChangedView, FollowChanged(follower_id="f", user_id="u", following=False)),
        (c.PointsAwardedView, PointsAwarded(user_id="u", entry_id="e", points=5, reason="review", balance=5)),
        (c.StageChangedView, StageChanged(user_id="u", old_stage="new", new_stage="regular")),
        (c.GiftCardIssuedView, GiftCardIssued(user_id="u", gift_card_id="g", amount=500)),
        (c.VendorApprovedView, VendorApproved(vendor_id="v1", name="Atelier", owner_user_id="u")),
        (
            c.FeedImportCompletedView,
            FeedImportCompleted(vendor_id="v1", feed_id="f", status="completed", counts=FeedCounts(created=1)),
        ),
        (c.AdvisorApprovedView, AdvisorApproved(advisor_id="u", program_id="pr")),
        (
            c.AdvisorInvitedView,
            AdvisorInvited(program_id="pr", program_name="Coffee", invitee_id="u", code="C0DE", brands=["Sage"]),
        ),
        (
            c.AdviceMissedView,
            AdviceMissed(request_id="r", program_id="pr", product_id="p", question="?", advisor_ids=["a1", "a2"]),
        ),
        (
            c.AdvisorPaidView,
            AdvisorPaid(advisor_id="a1", payout_id="po", period="2026-11", amount=1250, sessions=5),
        ),
    ]
    for view, event in produced:
        assert view.detail_type == event.detail_type
        assert view.source == event.source
        view.model_validate(json.loads(event.model_dump_json()))
