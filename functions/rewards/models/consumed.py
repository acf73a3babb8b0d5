"""The rewards context's own views of the events it consumes (only the fields it reads).

Unknown fields are ignored so that producers can add fields; tests/unit/rewards/test_event_contracts.py
validates these views against the producers' models where the producer exists.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from functions.common.events import ConsumedPart, ConsumedView

ORDERS = "plein.orders"
COMMUNITY = "plein.community"
ADVICE = "plein.advice"


class OrderLineView(ConsumedPart):
    line_total: int = Field(ge=0)


class _OrderView(ConsumedView):
    source: ClassVar[str] = ORDERS

    order_id: str
    user_id: str
    lines: list[OrderLineView]
    currency: str = "EUR"

    @property
    def lines_total(self) -> int:
        return sum(line.line_total for line in self.lines)


class OrderPlacedView(_OrderView):
    detail_type: ClassVar[str] = "OrderPlaced"

    items_total: int = Field(ge=0)


class OrderDeliveredView(_OrderView):
    detail_type: ClassVar[str] = "OrderDelivered"

    vendor_id: str


class OrderReturnedView(_OrderView):
    detail_type: ClassVar[str] = "OrderReturned"

    vendor_id: str
    refund_amount: int = Field(ge=0)


class OrderCancelledView(_OrderView):
    detail_type: ClassVar[str] = "OrderCancelled"


class ReviewPublishedView(ConsumedView):
    source: ClassVar[str] = COMMUNITY
    detail_type: ClassVar[str] = "ReviewPublished"

    review_id: str
    user_id: str
    has_photos: bool = False
    verified: bool = False


class AnswerAcceptedView(ConsumedView):
    source: ClassVar[str] = COMMUNITY
    detail_type: ClassVar[str] = "AnswerAccepted"

    answer_id: str
    user_id: str = Field(description="Who answered")


class CollectionRatedView(ConsumedView):
    source: ClassVar[str] = COMMUNITY
    detail_type: ClassVar[str] = "CollectionRated"

    collection_id: str
    owner_id: str
    user_id: str = Field(description="Who rated")
    stars: int = Field(ge=1, le=5)


class IdeaMilestoneReachedView(ConsumedView):
    source: ClassVar[str] = COMMUNITY
    detail_type: ClassVar[str] = "IdeaMilestoneReached"

    idea_id: str
    author_id: str
    milestone: int


class FeedbackActedOnView(ConsumedView):
    source: ClassVar[str] = COMMUNITY
    detail_type: ClassVar[str] = "FeedbackActedOn"

    feedback_id: str
    user_id: str


class ShareClickedView(ConsumedView):
    source: ClassVar[str] = COMMUNITY
    detail_type: ClassVar[str] = "ShareClicked"

    share_id: str
    user_id: str = Field(description="Who shared")


class ProfileUpdatedView(ConsumedView):
    """A member's profile: its `interests` are the member's affinities for segments."""

    source: ClassVar[str] = COMMUNITY
    detail_type: ClassVar[str] = "ProfileUpdated"

    user_id: str
    interests: list[str] = Field(default_factory=list, max_length=500)


class AdviceSessionRatedView(ConsumedView):
    source: ClassVar[str] = ADVICE
    detail_type: ClassVar[str] = "AdviceSessionRated"

    session_id: str
    advisor_id: str
    rating: int = Field(ge=1, le=5)
    compensation_kind: Literal["points", "cash"] = "points"
    compensation_points: int | None = Field(default=None, ge=0, le=100_000)
    compensation_cash: int = Field(default=0, ge=0, le=10**9, description="Minor units")


CONSUMED: tuple[type[ConsumedView], ...] = (
    OrderPlacedView,
    OrderDeliveredView,
    OrderReturnedView,
    OrderCancelledView,
    ReviewPublishedView,
    AnswerAcceptedView,
    CollectionRatedView,
    IdeaMilestoneReachedView,
    FeedbackActedOnView,
    ShareClickedView,
    ProfileUpdatedView,
    AdviceSessionRatedView,
)
