"""Events the community context publishes (source `plein.community`), through its outbox.

Member ids (`user_id`, `author_id`, `owner_id`, `asker_id`) are Cognito subs. Consumers declare
their own views of these; keep field names stable and add only optional fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from functions.common.events import DomainEvent

SOURCE = "plein.community"


class ReviewPublished(DomainEvent):
    """A review became visible (directly, or approved by a moderator); counted once per review."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "ReviewPublished"

    review_id: str
    product_id: str
    user_id: str = Field(description="The review's author")
    rating: int = Field(ge=1, le=5)
    has_photos: bool = False
    verified: bool = False
    vendor_id: str | None = Field(
        default=None, description="Verified reviews: the vendor who delivered the product to the author (vendor rating)"
    )


class ProductRatingChanged(DomainEvent):
    """A product's rating over its published reviews, after a review was published or removed."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "ProductRatingChanged"

    product_id: str
    average: float = Field(ge=0, le=5)
    count: int = Field(ge=0)
    histogram: dict[str, int] = Field(description='Reviews per star count, keys "1".."5"')


class ReviewReplied(DomainEvent):
    """A vendor replied publicly to a review of a product it sells."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "ReviewReplied"

    review_id: str
    product_id: str
    user_id: str = Field(description="The review's author")
    vendor_id: str


class AnswerPosted(DomainEvent):
    """An answer to a question became visible; `asker_id` is whom to notify."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "AnswerPosted"

    answer_id: str
    question_id: str
    product_id: str
    user_id: str = Field(description="The answer's author")
    asker_id: str
    author_role: Literal["member", "vendor", "advisor"]


class AnswerAccepted(DomainEvent):
    """The asker accepted an answer to their question."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "AnswerAccepted"

    answer_id: str
    question_id: str
    product_id: str
    user_id: str = Field(description="The answer's author")
    asker_id: str


class ProductHearted(DomainEvent):
    """A member hearted (`hearted` true) or un-hearted a product; sent only when that changed."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "ProductHearted"

    product_id: str
    user_id: str
    hearted: bool = True


class CollectionPublished(DomainEvent):
    """A collection became public (and passed moderation)."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "CollectionPublished"

    collection_id: str
    user_id: str = Field(description="The collection's owner")
    product_ids: list[str]


class CollectionRated(DomainEvent):
    """A member rated someone else's public collection (first rating or a change)."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "CollectionRated"

    collection_id: str
    owner_id: str
    user_id: str = Field(description="The member who rated")
    stars: int = Field(ge=1, le=5)


class IdeaSupported(DomainEvent):
    """A member supported an idea (once per member); `supporters` counts them after this one."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "IdeaSupported"

    idea_id: str
    user_id: str = Field(description="The supporter")
    author_id: str
    supporters: int = Field(ge=1)


class IdeaMilestoneReached(DomainEvent):
    """An idea reached a support milestone (each milestone once per idea)."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "IdeaMilestoneReached"

    idea_id: str
    author_id: str
    milestone: int = Field(ge=1)
    supporters: int = Field(ge=1)


class IdeaDecided(DomainEvent):
    """An admin (or the vendor the idea is addressed to) accepted or declined an idea in review."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "IdeaDecided"

    idea_id: str
    author_id: str
    decision: Literal["accepted", "declined"]
    feedback: str
    product_id: str | None = None


class ShareClicked(DomainEvent):
    """Someone opened a member's share link; `referral_code` is the sharer's."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "ShareClicked"

    share_id: str
    user_id: str = Field(description="The member who shared")
    referral_code: str
    target_type: Literal["product", "collection", "idea"]
    target_id: str


class FeedbackActedOn(DomainEvent):
    """An admin acted on a member's feedback or product suggestion (once per item)."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "FeedbackActedOn"

    feedback_id: str
    user_id: str = Field(description="The feedback's author")
    kind: Literal["feedback", "suggestion"]


class NewsletterOptInRequested(DomainEvent):
    """A member opted in to the newsletter: send them `confirm_url` (double opt-in); the link is
    valid for `expires_at`."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "NewsletterOptInRequested"

    user_id: str
    email: str | None = None
    confirm_url: str
    expires_at: datetime


class ProfileUpdated(DomainEvent):
    """A member changed their profile or confirmed the newsletter: interests and languages for
    recommendations and segments, `newsletter` (confirmed by double opt-in) for mailings."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "ProfileUpdated"

    user_id: str
    display_name: str | None = None
    interests: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    newsletter: bool = False


class ArticlePublished(DomainEvent):
    """An article (guide, brand story or lookbook) became public: at once, after a moderator
    approved it, or at its scheduled `published_at`. Once per article."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "ArticlePublished"

    article_id: str
    kind: Literal["guide", "brand_story", "lookbook"]
    author_id: str
    vendor_id: str | None = Field(default=None, description="The vendor a vendor's article speaks for")
    language: str
    title: str
    tags: list[str] = Field(default_factory=list)
    product_ids: list[str] = Field(default_factory=list, description="Every linked product (looks' too)")
    published_at: datetime


class FollowChanged(DomainEvent):
    """A member followed (`following`) or unfollowed another member. Consumers keep a projection
    of followers; the newer `occurred_at` wins for a pair (events may arrive out of order)."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "FollowChanged"

    follower_id: str = Field(description="The member who follows (or stopped following)")
    user_id: str = Field(description="The member followed")
    following: bool


PUBLISHED: tuple[type[DomainEvent], ...] = (
    ReviewPublished,
    ProductRatingChanged,
    ReviewReplied,
    AnswerPosted,
    AnswerAccepted,
    ProductHearted,
    CollectionPublished,
    CollectionRated,
    IdeaSupported,
    IdeaMilestoneReached,
    IdeaDecided,
    ShareClicked,
    FeedbackActedOn,
    NewsletterOptInRequested,
    ProfileUpdated,
    ArticlePublished,
    FollowChanged,
)
