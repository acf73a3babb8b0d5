"""Consumer of orders, community and advice events: points, stages and referrals (rewards-events)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from functions.common.consumers import eventbridge_sqs_entry
from functions.common.observability import logger
from functions.rewards.handlers.dependencies import worker
from functions.rewards.logic.earning import EarningService
from functions.rewards.models import consumed as c

ROUTES: dict[tuple[str, str], tuple[type[BaseModel], Callable[[EarningService, Any], None]]] = {
    (c.OrderPlacedView.source, c.OrderPlacedView.detail_type): (c.OrderPlacedView, EarningService.order_placed),
    (c.OrderDeliveredView.source, c.OrderDeliveredView.detail_type): (
        c.OrderDeliveredView,
        EarningService.order_delivered,
    ),
    (c.OrderReturnedView.source, c.OrderReturnedView.detail_type): (c.OrderReturnedView, EarningService.order_returned),
    (c.OrderCancelledView.source, c.OrderCancelledView.detail_type): (
        c.OrderCancelledView,
        EarningService.order_cancelled,
    ),
    (c.ReviewPublishedView.source, c.ReviewPublishedView.detail_type): (
        c.ReviewPublishedView,
        EarningService.review_published,
    ),
    (c.AnswerAcceptedView.source, c.AnswerAcceptedView.detail_type): (
        c.AnswerAcceptedView,
        EarningService.answer_accepted,
    ),
    (c.CollectionRatedView.source, c.CollectionRatedView.detail_type): (
        c.CollectionRatedView,
        EarningService.collection_rated,
    ),
    (c.IdeaMilestoneReachedView.source, c.IdeaMilestoneReachedView.detail_type): (
        c.IdeaMilestoneReachedView,
        EarningService.idea_milestone_reached,
    ),
    (c.FeedbackActedOnView.source, c.FeedbackActedOnView.detail_type): (
        c.FeedbackActedOnView,
        EarningService.feedback_acted_on,
    ),
    (c.ShareClickedView.source, c.ShareClickedView.detail_type): (c.ShareClickedView, EarningService.share_clicked),
    (c.AdviceSessionRatedView.source, c.AdviceSessionRatedView.detail_type): (
        c.AdviceSessionRatedView,
        EarningService.advice_session_rated,
    ),
}


def handle_event(source: str, detail_type: str, detail: dict[str, Any]) -> None:
    """Route one EventBridge event; a detail that does not validate fails the record (→ DLQ)."""
    route = ROUTES.get((source, detail_type))
    if route is None:
        logger().warning("ignoring an event rewards does not consume", extra={"source": source, "type": detail_type})
        return
    view, method = route
    method(worker().earning, view.model_validate(detail))


handler = eventbridge_sqs_entry(handle_event)
