"""How points are earned from other contexts' events: one method per event, each naming its rule.

Each earning is keyed on its cause, a business key of what earned (a delivered sub-order, a review,
an accepted answer, a collection and its rater, an idea milestone, a share, an advice session) or
the event id (a return): a redelivered or replayed event, or the same action reported twice, earns once.
Orders: points per whole euro of a delivered sub-order's lines; a return reverses the same share
of them as its refund is of the delivered value.
"""

from __future__ import annotations

from functions.common.errors import Unavailable
from functions.rewards.logic.domain import Activity, EntryKind
from functions.rewards.logic.ledger import Award, LedgerService
from functions.rewards.logic.payouts import PayoutService
from functions.rewards.logic.ports import Ledger
from functions.rewards.logic.referrals import ReferralService
from functions.rewards.logic.rules import RulesService
from functions.rewards.models.consumed import (
    AdviceSessionRatedView,
    AnswerAcceptedView,
    CollectionRatedView,
    FeedbackActedOnView,
    IdeaMilestoneReachedView,
    OrderCancelledView,
    OrderDeliveredView,
    OrderPlacedView,
    OrderReturnedView,
    ReviewPublishedView,
    ShareClickedView,
)

CENTS_PER_EURO = 100
ADVICE_RULE = "advice_session_rated"
Contribution = (
    ReviewPublishedView | AnswerAcceptedView | CollectionRatedView | IdeaMilestoneReachedView | FeedbackActedOnView
)


def order_ref(order_id: str, vendor_id: str) -> str:
    return f"{order_id}#{vendor_id}"


class EarningService:
    def __init__(
        self,
        ledger: Ledger,
        points: LedgerService,
        rules: RulesService,
        referrals: ReferralService,
        payouts: PayoutService | None = None,
    ):
        self._ledger = ledger
        self._points = points
        self._rules = rules
        self._referrals = referrals
        self._payouts = payouts

    # ---------------------------------------------------------------- orders

    def order_placed(self, event: OrderPlacedView) -> None:
        self._referrals.order_placed(event)

    def order_delivered(self, event: OrderDeliveredView) -> None:
        rule = self._rules.current().rules.orders
        amount = event.lines_total
        ref = order_ref(event.order_id, event.vendor_id)
        self._points.earn(
            Award(
                user_id=event.user_id,
                rule="order_delivered",
                cause=ref,
                points=amount // CENTS_PER_EURO * rule.points_per_euro,
                reason="order delivered",
                activity=Activity.PURCHASE,
                occurred_at=event.occurred_at,
                ref=ref,
                amount=amount,
            )
        )
        self._referrals.order_delivered(event)

    def order_returned(self, event: OrderReturnedView) -> None:
        self._reverse_return(event)
        self._referrals.order_returned(event)

    def _reverse_return(self, event: OrderReturnedView) -> None:
        ref = order_ref(event.order_id, event.vendor_id)
        earned = self._ledger.order_ref(event.user_id, ref)
        if earned is None:
            # The delivery is not counted yet (queues do not keep order): fail, so the queue
            # delivers the return again later; one whose delivery never comes ends in the DLQ.
            raise Unavailable("the order's delivery is not counted yet", code="order_not_earned_yet")
        if earned.amount <= 0:
            return
        share = earned.earned * min(event.refund_amount, earned.amount) // earned.amount
        points = min(share, earned.net, self._points.account(event.user_id).balance)
        if points <= 0:
            return
        self._points.debit(
            event.user_id,
            kind=EntryKind.REVERSE,
            points=points,
            reason="order returned",
            rule="order_returned",
            cause=event.event_id,
            ref=ref,
        )

    def order_cancelled(self, event: OrderCancelledView) -> None:
        self._referrals.order_cancelled(event)

    # ---------------------------------------------------------------- community

    def review_published(self, event: ReviewPublishedView) -> None:
        rule = self._rules.current().rules.reviews
        points = rule.points
        points += rule.photo_bonus if event.has_photos else 0
        points += rule.verified_bonus if event.verified else 0
        self._contribution(event, event.user_id, "review_published", event.review_id, points)

    def answer_accepted(self, event: AnswerAcceptedView) -> None:
        points = self._rules.current().rules.answer_accepted.points
        self._contribution(event, event.user_id, "answer_accepted", event.answer_id, points)

    def collection_rated(self, event: CollectionRatedView) -> None:
        rule = self._rules.current().rules.collection_rated
        if event.user_id == event.owner_id or event.stars < rule.min_stars:
            return
        cause = f"{event.collection_id}#{event.user_id}"
        self._contribution(event, event.owner_id, "collection_rated", cause, rule.points)

    def idea_milestone_reached(self, event: IdeaMilestoneReachedView) -> None:
        points = self._rules.current().rules.idea_milestone.points
        cause = f"{event.idea_id}#{event.milestone}"
        self._contribution(event, event.author_id, "idea_milestone", cause, points)

    def feedback_acted_on(self, event: FeedbackActedOnView) -> None:
        points = self._rules.current().rules.feedback_acted_on.points
        self._contribution(event, event.user_id, "feedback_acted_on", event.feedback_id, points)

    def share_clicked(self, event: ShareClickedView) -> None:
        points = self._rules.current().rules.share_clicked.points
        self._points.earn(
            Award(
                user_id=event.user_id,
                rule="share_clicked",
                cause=event.share_id,
                points=points,
                reason="share clicked",
                activity=None,
                occurred_at=event.occurred_at,
            )
        )

    # ---------------------------------------------------------------- advice

    def advice_session_rated(self, event: AdviceSessionRatedView) -> None:
        """Advisor compensation: a session rated at least the rules' minimum earns the program's
        `compensation_points` (or the rules' default); a cash-paid program's session is entered with
        no points and its `compensation_cash`, for the advisor's earnings statement."""
        rule = self._rules.current().rules.advice
        if event.rating < rule.min_rating:
            return
        points = rule.points if event.compensation_points is None else event.compensation_points
        cash = event.compensation_kind == "cash"
        self._points.earn(
            Award(
                user_id=event.advisor_id,
                rule=ADVICE_RULE,
                cause=event.session_id,
                reason="advice session rated",
                activity=Activity.CONTRIBUTION,
                occurred_at=event.occurred_at,
                amount=event.compensation_cash if cash else None,
                points=0 if cash else points,
                multiply=False,
            )
        )
        if cash and self._payouts is not None:
            # Owed once per session (also on a redelivery whose entry is already written).
            self._payouts.record(event.advisor_id, event.session_id, event.compensation_cash, event.occurred_at)

    def _contribution(self, event: Contribution, user_id: str, rule: str, cause: str, points: int) -> None:
        self._points.earn(
            Award(
                user_id=user_id,
                rule=rule,
                cause=cause,
                points=points,
                reason=rule.replace("_", " "),
                activity=Activity.CONTRIBUTION,
                occurred_at=event.occurred_at,
            )
        )
