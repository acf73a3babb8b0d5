"""Consumer of orders, community and advice events: points, stages, referrals, affinities and cash owed
(rewards-events)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from functions.common.consumers import eventbridge_sqs_entry
from functions.common.observability import logger
from functions.rewards.handlers.dependencies import Rewards, worker
from functions.rewards.logic.earning import EarningService
from functions.rewards.models import consumed as c

Route = Callable[[Rewards, Any], None]


def _earning(method: Callable[[EarningService, Any], None]) -> Route:
    return lambda services, view: method(services.earning, view)


def _affinities(services: Rewards, view: c.ProfileUpdatedView) -> None:
    services.segments.profile_updated(view)


ROUTES: dict[tuple[str, str], tuple[type[BaseModel], Route]] = {
    (c.OrderPlacedView.source, c.OrderPlacedView.detail_type): (
        c.OrderPlacedView,
        _earning(EarningService.order_placed),
    ),
    (c.OrderDeliveredView.source, c.OrderDeliveredView.detail_type): (
        c.OrderDeliveredView,
        _earning(EarningService.order_delivered),
    ),
    (c.OrderReturnedView.source, c.OrderReturnedView.detail_type): (
        c.OrderReturnedView,
        _earning(EarningService.order_returned),
    ),
    (c.OrderCancelledView.source, c.OrderCancelledView.detail_type): (
        c.OrderCancelledView,
        _earning(EarningService.order_cancelled),
    ),
    (c.ReviewPublishedView.source, c.ReviewPublishedView.detail_type): (
        c.ReviewPublishedView,
        _earning(EarningService.review_published),
    ),
    (c.AnswerAcceptedView.source, c.AnswerAcceptedView.detail_type): (
        c.AnswerAcceptedView,
        _earning(EarningService.answer_accepted),
    ),
    (c.CollectionRatedView.source, c.CollectionRatedView.detail_type): (
        c.CollectionRatedView,
        _earning(EarningService.collection_rated),
    ),
    (c.IdeaMilestoneReachedView.source, c.IdeaMilestoneReachedView.detail_type): (
        c.IdeaMilestoneReachedView,
        _earning(EarningService.idea_milestone_reached),
    ),
    (c.FeedbackActedOnView.source, c.FeedbackActedOnView.detail_type): (
        c.FeedbackActedOnView,
        _earning(EarningService.feedback_acted_on),
    ),
    (c.ShareClickedView.source, c.ShareClickedView.detail_type): (
        c.ShareClickedView,
        _earning(EarningService.share_clicked),
    ),
    (c.ProfileUpdatedView.source, c.ProfileUpdatedView.detail_type): (c.ProfileUpdatedView, _affinities),
    (c.AdviceSessionRatedView.source, c.AdviceSessionRatedView.detail_type): (
        c.AdviceSessionRatedView,
        _earning(EarningService.advice_session_rated),
    ),
}


def handle_event(source: str, detail_type: str, detail: dict[str, Any]) -> None:
    """Route one EventBridge event; a detail that does not validate fails the record (→ DLQ)."""
    route = ROUTES.get((source, detail_type))
    if route is None:
        logger().warning("ignoring an event rewards does not consume", extra={"source": source, "type": detail_type})
        return
    view, method = route
    method(worker(), view.model_validate(detail))


handler = eventbridge_sqs_entry(handle_event)
