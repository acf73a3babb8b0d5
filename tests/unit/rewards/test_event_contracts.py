"""Consumer contract: what the orders context produces validates against rewards' own views, and
the subscriptions match what the producers publish (orders, community, advice)."""

from __future__ import annotations

import json

from functions.common.events import ConsumedView, DomainEvent
from functions.orders.models import events as orders
from functions.orders.wiring import WIRING as ORDERS_WIRING
from functions.rewards.models import consumed
from functions.rewards.models.events import PUBLISHED
from functions.rewards.wiring import WIRING
from tests.unit.rewards.conftest import delivered, placed, returned, wire


def test_orders_events_validate_against_the_rewards_views() -> None:
    view = consumed.OrderDeliveredView.model_validate(wire(delivered("u1", "o1", [2500, 1750])))
    assert (view.user_id, view.order_id, view.vendor_id, view.lines_total) == ("u1", "o1", "v1", 4250)
    back = consumed.OrderReturnedView.model_validate(wire(returned("u1", "o1", 1750)))
    assert (back.refund_amount, back.vendor_id) == (1750, "v1")
    assert consumed.OrderPlacedView.model_validate(wire(placed("u1", "o1", 3000))).items_total == 3000
    cancelled = orders.OrderCancelled(order_id="o1", user_id="u1", vendor_ids=["v1"], lines=[], refund_amount=0)
    assert consumed.OrderCancelledView.model_validate(wire(cancelled)).order_id == "o1"


def test_every_view_matches_the_producers_names_and_the_subscriptions() -> None:
    produced = {(event.source, event.detail_type) for event in orders.ORDER_EVENTS}
    subscribed = {(source, kind) for sub in WIRING.events for source in sub.sources for kind in sub.detail_types}
    views = {(view.source, view.detail_type) for view in consumed.CONSUMED}
    assert subscribed == views
    order_views = {pair for pair in views if pair[0] == orders.SOURCE}
    assert order_views <= produced
    assert {kind for _, kind in order_views} <= set(ORDERS_WIRING.publishes)


def test_the_wiring_publishes_exactly_the_event_models_through_the_outbox() -> None:
    assert set(WIRING.publishes) == {event.detail_type for event in PUBLISHED}
    assert WIRING.table.stream
    assert [stream.function.handler for stream in WIRING.streams] == ["functions.common.outbox.handler"]


def _wire(event: DomainEvent) -> dict[str, object]:
    result: dict[str, object] = json.loads(event.model_dump_json())
    return result


def test_community_events_validate_against_the_rewards_views() -> None:
    from functions.community.models import events as community

    samples: list[tuple[DomainEvent, type[ConsumedView]]] = [
        (
            community.ReviewPublished(
                review_id="r1", product_id="p1", user_id="u1", rating=5, has_photos=True, verified=True
            ),
            consumed.ReviewPublishedView,
        ),
        (
            community.AnswerAccepted(answer_id="a1", question_id="q1", product_id="p1", user_id="u1", asker_id="u2"),
            consumed.AnswerAcceptedView,
        ),
        (
            community.CollectionRated(collection_id="c1", owner_id="u1", user_id="u2", stars=4),
            consumed.CollectionRatedView,
        ),
        (
            community.IdeaMilestoneReached(idea_id="i1", author_id="u1", milestone=100, supporters=101),
            consumed.IdeaMilestoneReachedView,
        ),
        (community.FeedbackActedOn(feedback_id="f1", user_id="u1", kind="feedback"), consumed.FeedbackActedOnView),
        (
            community.ShareClicked(
                share_id="s1", user_id="u1", referral_code="ABC", target_type="product", target_id="p1"
            ),
            consumed.ShareClickedView,
        ),
    ]
    for event, view in samples:
        parsed = view.model_validate(_wire(event))
        assert parsed.event_id == event.event_id
        assert (event.source, type(event).detail_type) == (view.source, view.detail_type)
    review = consumed.ReviewPublishedView.model_validate(_wire(samples[0][0]))
    assert (review.user_id, review.has_photos, review.verified) == ("u1", True, True)


def test_the_community_subscription_matches_what_community_publishes() -> None:
    from functions.community.wiring import WIRING as COMMUNITY_WIRING

    wanted = {kind for sub in WIRING.events if sub.sources == ("plein.community",) for kind in sub.detail_types}
    assert wanted <= set(COMMUNITY_WIRING.publishes)


def test_advice_session_rated_validates_against_the_rewards_view() -> None:
    from functions.advice.models import events as advice
    from functions.advice.wiring import WIRING as ADVICE_WIRING

    rated = advice.AdviceSessionRated(
        session_id="s1",
        program_id="p1",
        advisor_id="adv",
        shopper_id="u1",
        rating=5,
        compensation_kind="points",
        compensation_points=40,
        compensation_cash=0,
    )
    view = consumed.AdviceSessionRatedView.model_validate(_wire(rated))
    assert (view.advisor_id, view.rating, view.compensation_kind, view.compensation_points) == ("adv", 5, "points", 40)
    assert (rated.source, rated.detail_type) == (view.source, view.detail_type)
    assert "AdviceSessionRated" in ADVICE_WIRING.publishes


def test_profile_updated_validates_against_the_rewards_view() -> None:
    from functions.community.models import events as community
    from functions.community.wiring import WIRING as COMMUNITY_WIRING

    profile = community.ProfileUpdated(
        user_id="u1", display_name="Ann", interests=["Ceramics", "tea"], languages=["nl"]
    )
    view = consumed.ProfileUpdatedView.model_validate(_wire(profile))
    assert (view.user_id, view.interests, view.event_id) == ("u1", ["Ceramics", "tea"], profile.event_id)
    assert (profile.source, profile.detail_type) == (view.source, view.detail_type)
    assert "ProfileUpdated" in COMMUNITY_WIRING.publishes
