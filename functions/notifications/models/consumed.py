"""The notifications context's views of the events it consumes (only the fields it reads).

Unknown fields are ignored so producers can add fields; tests/unit/notifications/test_event_contracts.py
validates each view against its producer's model.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from functions.common.events import ConsumedPart, ConsumedView

ORDERS = "plein.orders"
COMMUNITY = "plein.community"
REWARDS = "plein.rewards"
VENDOR = "plein.vendor"
ADVICE = "plein.advice"
SES = "aws.ses"


class OrderLineView(ConsumedPart):
    product_id: str
    vendor_id: str
    quantity: int = Field(ge=1)


class _OrderView(ConsumedView):
    source: ClassVar[str] = ORDERS

    order_id: str
    user_id: str
    vendor_ids: list[str] = Field(default_factory=list)
    lines: list[OrderLineView]
    currency: str = "EUR"


class OrderPlacedView(_OrderView):
    detail_type: ClassVar[str] = "OrderPlaced"

    total: int = Field(ge=0)


class OrderShippedView(_OrderView):
    detail_type: ClassVar[str] = "OrderShipped"

    vendor_id: str
    carrier: str
    tracking_number: str


class OrderDeliveredView(_OrderView):
    detail_type: ClassVar[str] = "OrderDelivered"

    vendor_id: str


class AnswerPostedView(ConsumedView):
    source: ClassVar[str] = COMMUNITY
    detail_type: ClassVar[str] = "AnswerPosted"

    answer_id: str
    question_id: str
    product_id: str
    user_id: str
    asker_id: str


class ReviewRepliedView(ConsumedView):
    source: ClassVar[str] = COMMUNITY
    detail_type: ClassVar[str] = "ReviewReplied"

    review_id: str
    product_id: str
    user_id: str


class IdeaMilestoneReachedView(ConsumedView):
    source: ClassVar[str] = COMMUNITY
    detail_type: ClassVar[str] = "IdeaMilestoneReached"

    idea_id: str
    author_id: str
    milestone: int
    supporters: int


class IdeaDecidedView(ConsumedView):
    source: ClassVar[str] = COMMUNITY
    detail_type: ClassVar[str] = "IdeaDecided"

    idea_id: str
    author_id: str
    decision: Literal["accepted", "declined"]
    feedback: str = ""


class ArticlePublishedView(ConsumedView):
    source: ClassVar[str] = COMMUNITY
    detail_type: ClassVar[str] = "ArticlePublished"

    article_id: str
    kind: str
    author_id: str
    vendor_id: str | None = None
    title: str


class FollowChangedView(ConsumedView):
    source: ClassVar[str] = COMMUNITY
    detail_type: ClassVar[str] = "FollowChanged"

    follower_id: str
    user_id: str
    following: bool


class PointsAwardedView(ConsumedView):
    source: ClassVar[str] = REWARDS
    detail_type: ClassVar[str] = "PointsAwarded"

    user_id: str
    entry_id: str
    points: int
    balance: int


class StageChangedView(ConsumedView):
    source: ClassVar[str] = REWARDS
    detail_type: ClassVar[str] = "StageChanged"

    user_id: str
    new_stage: str


class GiftCardIssuedView(ConsumedView):
    source: ClassVar[str] = REWARDS
    detail_type: ClassVar[str] = "GiftCardIssued"

    user_id: str
    gift_card_id: str
    amount: int
    currency: str = "EUR"


class VendorApprovedView(ConsumedView):
    source: ClassVar[str] = VENDOR
    detail_type: ClassVar[str] = "VendorApproved"

    vendor_id: str
    name: str
    owner_user_id: str


class VendorDeclinedView(ConsumedView):
    source: ClassVar[str] = VENDOR
    detail_type: ClassVar[str] = "VendorDeclined"

    vendor_id: str
    name: str
    owner_user_id: str
    reason: str


class FeedCountsView(ConsumedPart):
    created: int = 0
    updated: int = 0
    rejected: int = 0


class FeedImportCompletedView(ConsumedView):
    source: ClassVar[str] = VENDOR
    detail_type: ClassVar[str] = "FeedImportCompleted"

    vendor_id: str
    feed_id: str
    status: Literal["completed", "failed"]
    counts: FeedCountsView


class AdvisorApprovedView(ConsumedView):
    source: ClassVar[str] = ADVICE
    detail_type: ClassVar[str] = "AdvisorApproved"

    advisor_id: str
    program_id: str


class AdvisorInvitedView(ConsumedView):
    source: ClassVar[str] = ADVICE
    detail_type: ClassVar[str] = "AdvisorInvited"

    program_name: str
    invitee_id: str
    code: str
    expires_at: datetime | None = None


class AdviceMissedView(ConsumedView):
    source: ClassVar[str] = ADVICE
    detail_type: ClassVar[str] = "AdviceMissed"

    request_id: str
    product_title: str | None = None
    question: str
    advisor_ids: list[str]


class AdvisorPaidView(ConsumedView):
    source: ClassVar[str] = REWARDS
    detail_type: ClassVar[str] = "AdvisorPaid"

    advisor_id: str
    payout_id: str
    period: str
    amount: int
    currency: str = "EUR"


# ---- SES events on the default bus (configuration set event destination: EventBridge) -------
class SesRecipient(ConsumedPart):
    email_address: str = Field(alias="emailAddress")


class SesBounce(ConsumedPart):
    bounce_type: str = Field(alias="bounceType")
    bounced_recipients: list[SesRecipient] = Field(alias="bouncedRecipients")


class SesComplaint(ConsumedPart):
    complained_recipients: list[SesRecipient] = Field(alias="complainedRecipients")


class SesMail(ConsumedPart):
    message_id: str = Field(alias="messageId")


class SesBounceView(ConsumedPart):
    """detail of `aws.ses` "Email Bounced": `eventType` Bounce, `bounce`, `mail`."""

    source: ClassVar[str] = SES
    detail_type: ClassVar[str] = "Email Bounced"

    bounce: SesBounce
    mail: SesMail


class SesComplaintView(ConsumedPart):
    """detail of `aws.ses` "Email Complaint Received": `eventType` Complaint, `complaint`, `mail`."""

    source: ClassVar[str] = SES
    detail_type: ClassVar[str] = "Email Complaint Received"

    complaint: SesComplaint
    mail: SesMail


# ==== newsletters and segments (logic/newsletter.py, logic/segments.py) =======================
# The audience projection reads StageChangedView and OrderPlacedView above, and these.


class NewsletterOptInRequestedView(ConsumedView):
    source: ClassVar[str] = COMMUNITY
    detail_type: ClassVar[str] = "NewsletterOptInRequested"

    user_id: str
    email: str | None = None
    confirm_url: str
    expires_at: datetime


class ProfileUpdatedView(ConsumedView):
    source: ClassVar[str] = COMMUNITY
    detail_type: ClassVar[str] = "ProfileUpdated"

    user_id: str
    interests: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    newsletter: bool = False


class ReviewPublishedView(ConsumedView):
    source: ClassVar[str] = COMMUNITY
    detail_type: ClassVar[str] = "ReviewPublished"

    user_id: str
    product_id: str


class ProductHeartedView(ConsumedView):
    source: ClassVar[str] = COMMUNITY
    detail_type: ClassVar[str] = "ProductHearted"

    user_id: str
    product_id: str
    hearted: bool = True
