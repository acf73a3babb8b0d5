"""Request and response models of the community API.

Texts are stored and returned exactly as written, as plain text: HTML or script in them is never
interpreted by the API and must be rendered as text by clients. Limits are enforced here (422).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, StringConstraints

from functions.common.inputs import StrictInput
from functions.common.models import View
from functions.common.values import Identifier
from functions.community.logic.domain import (
    Answer,
    Article,
    ArticleComment,
    ArticleKind,
    ArticleState,
    AuthorKind,
    AuthorRole,
    Collection,
    Comment,
    Feedback,
    Idea,
    ModerationCase,
    Profile,
    Question,
    Reportable,
    Review,
    Visibility,
)

Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s<>\"']{1,2000}$", max_length=2000)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[\w -]{1,40}$")]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
Stars = Annotated[int, Field(ge=1, le=5, description="1 to 5 stars")]


# --- reviews -----------------------------------------------------------------------------------


class ReviewInput(StrictInput):
    rating: Stars
    title: Title
    text: Text
    photos: list[Url] = Field(default_factory=list, max_length=6, description="Photo URLs")


class ReportInput(StrictInput):
    subject: Reportable
    subject_id: str = Field(min_length=1, max_length=128)
    reason: Literal["spam", "offensive", "off_topic", "fake", "other"]
    note: Annotated[str, StringConstraints(max_length=500)] | None = None


class ReportView(View):
    subject: str
    subject_id: str
    reports: int = Field(description="Members who reported it")


class ReplyInput(StrictInput):
    text: ShortText


class ReviewView(Review):
    """A review; `verified` when the author received the product through Plein."""


class RatingView(View):
    product_id: str
    average: float
    count: int
    histogram: dict[str, int]


class VendorRatingView(View):
    vendor_id: str
    average: float = Field(description="Over the published reviews of verified purchases from the vendor")
    count: int
    histogram: dict[str, int] = Field(description='Reviews per star count, keys "1".."5"')


class ProductReviews(View):
    rating: RatingView
    items: list[ReviewView]
    next_cursor: str | None = None


class HelpfulView(View):
    review_id: str
    helpful: int


# --- questions and answers ---------------------------------------------------------------------


class QuestionInput(StrictInput):
    text: ShortText


class AnswerInput(StrictInput):
    text: Text


class QuestionView(Question):
    pass


class AnswerView(Answer):
    role: AuthorRole = Field(description="member, vendor or advisor: how the answer is marked")


class QuestionThread(View):
    question: QuestionView
    answers: list[AnswerView]


# --- hearts and trending -----------------------------------------------------------------------


class HeartView(View):
    product_id: str
    hearted: bool = Field(description="Whether the caller hearts the product")
    hearts: int = Field(description="Members who heart the product")


class TrendingItem(View):
    product_id: str
    score: float
    hearts: int


class TrendingList(View):
    window: Literal["24h", "7d"]
    items: list[TrendingItem]


# --- collections -------------------------------------------------------------------------------


class CollectionItemInput(StrictInput):
    product_id: Identifier
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None


class CollectionInput(StrictInput):
    title: Title
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    cover_image: Url | None = None
    visibility: Visibility = Visibility.PRIVATE
    items: list[CollectionItemInput] = Field(default_factory=list, max_length=50)


class CollectionView(Collection):
    product_ids: list[str] = Field(description="Every item's product, for 'add all to cart' via PUT /cart/items")
    average: float = Field(description="Average of the members' ratings")

    @classmethod
    def of(cls, collection: Collection) -> CollectionView:
        return cls.model_validate(
            {
                **collection.model_dump(),
                "product_ids": [item.product_id for item in collection.items],
                "average": collection.average_stars,
            }
        )


class CollectionRatingInput(StrictInput):
    stars: Stars


class CommentInput(StrictInput):
    text: ShortText


class CommentView(Comment):
    pass


# --- ideas -------------------------------------------------------------------------------------


class IdeaInput(StrictInput):
    title: Title
    description: Text
    images: list[Url] = Field(default_factory=list, max_length=6)
    vendor_id: Identifier | None = Field(default=None, description="A vendor the idea is addressed to")


class IdeaView(Idea):
    next_milestone: int | None = Field(description="Supporters needed for the next milestone")


class SupportView(View):
    idea_id: str
    supported: bool
    supporters: int


class IdeaDecisionInput(StrictInput):
    decision: Literal["accepted", "declined"]
    feedback: ShortText
    product_id: Identifier | None = Field(default=None, description="The product an accepted idea became")


# --- shares ------------------------------------------------------------------------------------


class ShareInput(StrictInput):
    target_type: Literal["product", "collection", "idea"]
    target_id: Identifier


class ShareView(View):
    code: str
    link: str = Field(description="The short link; carries the sharer's referral code")
    referral_code: str
    target_type: str
    target_id: str
    target_url: str = Field(description="Where the short link leads")
    targets: dict[str, str] = Field(description="Ready-made share URLs per network (and mailto)")


# --- profiles ----------------------------------------------------------------------------------


class ProfileInput(StrictInput):
    display_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)] | None = None
    avatar_url: Url | None = None
    bio: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] = ""
    interests: list[Tag] = Field(default_factory=list, max_length=20)
    languages: list[Language] = Field(default_factory=list, max_length=10)
    newsletter: bool = Field(
        default=False, description="Opt in (a confirmation e-mail follows: double opt-in) or out of the newsletter"
    )


class AvatarUploadInput(StrictInput):
    content_type: Literal["image/jpeg", "image/png", "image/webp"]
    size: int = Field(ge=1, le=2 * 1024 * 1024, description="Bytes; at most 2 MiB")


class AvatarUpload(View):
    url: str = Field(description="POST the form `fields` and then the file (as `file`) here")
    fields: dict[str, str]
    avatar_url: str = Field(description="The profile's avatar from now on (serves the uploaded image)")
    expires_in: int = Field(description="Seconds the upload stays allowed")


class NewsletterConfirmed(View):
    user_id: str
    newsletter: bool


class ProfileView(Profile):
    referral_code: str


class Contributions(View):
    reviews: int
    answers: int
    collections: int
    ideas: int


class PublicProfile(View):
    user_id: str
    display_name: str | None
    avatar_url: str | None
    bio: str
    interests: list[str]
    badges: list[str]
    joined_at: datetime
    contributions: Contributions
    followers: int
    following: int
    followed: bool | None = Field(default=None, description="Whether the caller follows this member")


class FollowView(View):
    user_id: str
    following: bool


class FeedItem(View):
    kind: Literal["review", "collection"]
    id: str
    user_id: str
    at: datetime
    title: str
    product_id: str | None = None


class Feed(View):
    items: list[FeedItem]


# --- feedback and moderation -------------------------------------------------------------------


class FeedbackInput(StrictInput):
    topic: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    text: Text
    rating: Stars | None = None


class SuggestionInput(StrictInput):
    topic: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    text: Text
    product_url: Url | None = Field(default=None, description="Where the suggested product can be seen")


class FeedbackView(Feedback):
    pass


class ActedOnInput(StrictInput):
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None


class ModerationDecisionInput(StrictInput):
    decision: Literal["approve", "reject"]
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None


class CaseView(ModerationCase):
    pass


# --- articles (editorial content) --------------------------------------------------------------

ArticleTitle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=160)]
Summary = Annotated[str, StringConstraints(strip_whitespace=True, max_length=400)]
Html = Annotated[str, StringConstraints(max_length=100_000)]
ArticleLanguage = Literal["nl", "de", "en"]
Caption = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


class LookInput(StrictInput):
    image: Url
    caption: Caption = ""
    product_ids: list[Identifier] = Field(default_factory=list, max_length=20)


class ArticleInput(StrictInput):
    """An article. `body` is HTML, sanitised on write (scripts, styles, frames, event handlers and
    other than http(s)/mailto links are removed; links get `rel="noopener nofollow"`). `looks` only
    in lookbooks (which need at least one to be published). `publish_at` in the future keeps it
    hidden until then; `draft` keeps it the author's alone."""

    kind: ArticleKind
    title: ArticleTitle
    language: ArticleLanguage
    summary: Summary = ""
    body: Html = ""
    cover_image: Url | None = None
    images: list[Url] = Field(default_factory=list, max_length=30, description="Inline images (uploaded ones too)")
    product_ids: list[Identifier] = Field(default_factory=list, max_length=50)
    looks: list[LookInput] = Field(default_factory=list, max_length=30)
    tags: list[Tag] = Field(default_factory=list, max_length=10)
    publish_at: AwareDatetime | None = None
    draft: bool = False


class ArticlePatch(StrictInput):
    """The fields to change (the kind stays); `cover_image` and `publish_at` may be set to null."""

    title: ArticleTitle | None = None
    language: ArticleLanguage | None = None
    summary: Summary | None = None
    body: Html | None = None
    cover_image: Url | None = None
    images: list[Url] | None = Field(default=None, max_length=30)
    product_ids: list[Identifier] | None = Field(default=None, max_length=50)
    looks: list[LookInput] | None = Field(default=None, max_length=30)
    tags: list[Tag] | None = Field(default=None, max_length=10)
    publish_at: AwareDatetime | None = None
    draft: bool | None = None


class ArticleView(Article):
    linked_product_ids: list[str] = Field(description="The article's and its looks' products, for product cards")

    @classmethod
    def of(cls, article: Article) -> ArticleView:
        return cls(**article.model_dump(), linked_product_ids=article.linked_products())


class ArticleCard(View):
    """An article in a list (without its body and looks)."""

    article_id: str
    kind: ArticleKind
    title: str
    language: str
    summary: str
    cover_image: str | None
    tags: list[str]
    author_id: str
    author_kind: AuthorKind
    vendor_id: str | None
    state: ArticleState
    publish_at: datetime | None
    published_at: datetime | None
    linked_product_ids: list[str]
    comments: int

    @classmethod
    def of(cls, article: Article) -> ArticleCard:
        return cls(**article.model_dump(include=set(cls.model_fields)), linked_product_ids=article.linked_products())


class ArticleImageUploadInput(StrictInput):
    content_type: Literal["image/jpeg", "image/png", "image/webp"]
    size: int = Field(ge=1, le=5 * 1024 * 1024, description="Bytes; at most 5 MiB")


class ArticleImageUpload(View):
    url: str = Field(description="POST the form `fields` and then the file (as `file`) here")
    fields: dict[str, str]
    image_url: str = Field(description="Where the image is served from once uploaded (use it in the body or looks)")
    expires_in: int = Field(description="Seconds the upload stays allowed")


class ArticleCommentView(ArticleComment):
    pass
