"""Community domain models and pure rules: ratings, trending scores, idea milestones, referral codes.

No I/O here. Documents in the store hold these models' JSON (`model_dump(mode="json")`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal, Self

from pydantic import ConfigDict, Field

from functions.common.auth import Principal, Role
from functions.common.models import Record


class Status(StrEnum):
    """Where moderated content stands: only published content is shown to others."""

    PUBLISHED = "published"
    PENDING = "pending"
    REJECTED = "rejected"


class Entity(Record):
    model_config = ConfigDict(extra="ignore")


class Moderated(Entity):
    status: Status = Status.PUBLISHED
    reasons: list[str] = Field(default_factory=list)


# --- reviews -----------------------------------------------------------------------------------


class VendorReply(Entity):
    vendor_id: str
    text: str
    replied_at: datetime


class Review(Moderated):
    review_id: str
    product_id: str
    user_id: str
    rating: int = Field(ge=1, le=5)
    title: str
    text: str
    photos: list[str] = Field(default_factory=list)
    verified: bool = False
    vendor_id: str | None = None
    """The vendor who delivered the product to the author (verified reviews)."""
    helpful: int = 0
    reply: VendorReply | None = None
    created_at: datetime


def review_id_of(product_id: str, user_id: str) -> str:
    """One review per member and product: the id is derived from both."""
    return "rv" + hashlib.sha256(f"{product_id}\0{user_id}".encode()).hexdigest()[:24]


class Stars(Entity):
    """A rating aggregate over published reviews: count, total stars, how many of each."""

    count: int = 0
    total: int = 0
    histogram: dict[str, int] = Field(default_factory=lambda: {str(stars): 0 for stars in range(1, 6)})

    @property
    def average(self) -> float:
        return round(self.total / self.count, 2) if self.count else 0.0

    def add(self, stars: int, sign: int = 1) -> Self:
        histogram = dict(self.histogram)
        histogram[str(stars)] = max(0, histogram.get(str(stars), 0) + sign)
        update = {
            "count": max(0, self.count + sign),
            "total": max(0, self.total + sign * stars),
            "histogram": histogram,
        }
        return self.model_copy(update=update)


class Rating(Stars):
    """A product's rating over its published reviews."""

    product_id: str


class VendorRating(Stars):
    """A vendor's rating over the published reviews of verified purchases from it (the reviews
    that name the vendor they were bought from)."""

    vendor_id: str


# --- questions and answers ---------------------------------------------------------------------


class AuthorRole(StrEnum):
    MEMBER = "member"
    VENDOR = "vendor"
    ADVISOR = "advisor"


def author_role(principal: Principal) -> AuthorRole:
    """How an answer is marked: vendors first, then advisors, everyone else a member."""
    if principal.has(Role.VENDOR) and principal.vendor_id:
        return AuthorRole.VENDOR
    if principal.has(Role.ADVISOR):
        return AuthorRole.ADVISOR
    return AuthorRole.MEMBER


class Question(Moderated):
    question_id: str
    product_id: str
    user_id: str
    text: str
    answers: int = 0
    accepted_answer_id: str | None = None
    created_at: datetime


class Answer(Moderated):
    answer_id: str
    question_id: str
    product_id: str
    user_id: str
    role: AuthorRole
    vendor_id: str | None = None
    text: str
    accepted: bool = False
    created_at: datetime


# --- hearts and trending -----------------------------------------------------------------------


class Heart(Entity):
    product_id: str
    user_id: str
    at: datetime
    weight: float = Field(ge=0, le=1)


class HeartCount(Entity):
    product_id: str
    hearts: int = 0


NEW_ACCOUNT_WEIGHTS: tuple[tuple[timedelta, float], ...] = (
    (timedelta(days=1), 0.0),
    (timedelta(days=7), 0.25),
    (timedelta(days=30), 0.6),
)
"""Weight of a heart by the member's age on Plein: none in the first day, little in the first week."""

WINDOWS: dict[str, timedelta] = {"24h": timedelta(hours=24), "7d": timedelta(days=7)}
HALF_LIVES: dict[str, timedelta] = {"24h": timedelta(hours=6), "7d": timedelta(days=2)}


def heart_weight(member_since: datetime, at: datetime) -> float:
    age = at - member_since
    for limit, weight in NEW_ACCOUNT_WEIGHTS:
        if age < limit:
            return weight
    return 1.0


def decayed(weight: float, at: datetime, now: datetime, half_life: timedelta) -> float:
    """A heart's contribution `now`: its weight halved every `half_life` since it was given."""
    age = max(timedelta(0), now - at)
    return weight * math.pow(0.5, age / half_life)


def trending_scores(hearts: Iterable[Heart], now: datetime, window: str) -> dict[str, float]:
    """Score per product over `window` ("24h" or "7d"): the decayed weights of its hearts given
    within the window. One heart per member and product is the store's invariant."""
    span, half_life = WINDOWS[window], HALF_LIVES[window]
    scores: dict[str, float] = {}
    for heart in hearts:
        if now - span <= heart.at <= now:
            scores[heart.product_id] = scores.get(heart.product_id, 0.0) + decayed(
                heart.weight, heart.at, now, half_life
            )
    return scores


def ranked(scores: dict[str, float], limit: int) -> list[tuple[str, float]]:
    """Highest score first; ties by product id, so the order is stable."""
    return sorted(((pid, score) for pid, score in scores.items() if score > 0), key=lambda p: (-p[1], p[0]))[:limit]


# --- collections -------------------------------------------------------------------------------


class Visibility(StrEnum):
    PRIVATE = "private"
    PUBLIC = "public"


class CollectionItem(Entity):
    product_id: str
    note: str | None = None


class Collection(Moderated):
    collection_id: str
    owner_id: str
    title: str
    description: str = ""
    cover_image: str | None = None
    visibility: Visibility = Visibility.PRIVATE
    items: list[CollectionItem] = Field(default_factory=list)
    rating_count: int = 0
    rating_total: int = 0
    comments: int = 0
    published_at: datetime | None = None
    created_at: datetime
    updated_at: datetime

    @property
    def listed(self) -> bool:
        return self.visibility is Visibility.PUBLIC and self.status is Status.PUBLISHED

    @property
    def average_stars(self) -> float:
        return round(self.rating_total / self.rating_count, 2) if self.rating_count else 0.0


TOP_PRIOR_COUNT = 3
TOP_PRIOR_MEAN = 3.0


def top_score(rating_total: int, rating_count: int) -> float:
    """A Bayesian average: a few five-star ratings do not outrank many good ones."""
    return (rating_total + TOP_PRIOR_MEAN * TOP_PRIOR_COUNT) / (rating_count + TOP_PRIOR_COUNT)


class CollectionRating(Entity):
    collection_id: str
    user_id: str
    stars: int = Field(ge=1, le=5)


class Remark(Moderated):
    """A comment on something (a collection, an article): the fields every comment thread shares."""

    comment_id: str
    user_id: str
    text: str
    created_at: datetime

    @property
    def parent_id(self) -> str:
        raise NotImplementedError


class Comment(Remark):
    collection_id: str

    @property
    def parent_id(self) -> str:
        return self.collection_id


# --- ideas -------------------------------------------------------------------------------------


class IdeaStatus(StrEnum):
    OPEN = "open"
    IN_REVIEW = "in_review"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


class Idea(Moderated):
    idea_id: str
    author_id: str
    title: str
    description: str
    images: list[str] = Field(default_factory=list)
    vendor_id: str | None = None
    """The vendor the idea is addressed to, who may decide on it besides admins."""
    state: IdeaStatus = IdeaStatus.OPEN
    supporters: int = 0
    milestone: int = 0
    """The highest milestone reached (0: none yet)."""
    deadline: datetime
    """The idea expires unless its next milestone is reached before this."""
    feedback: str | None = None
    product_id: str | None = None
    decided_at: datetime | None = None
    created_at: datetime


class MilestoneStep(Record):
    """What one more (or one less) supporter does to an idea."""

    supporters: int
    reached: list[int]
    state: IdeaStatus
    milestone: int


def support_step(idea: Idea, delta: int, milestones: Sequence[int]) -> MilestoneStep:
    """Supporters after `delta`; milestones newly reached (each once: `milestone` never goes
    down, and withdrawing support reaches nothing); the idea goes to review when the last
    milestone is reached."""
    supporters = max(0, idea.supporters + delta)
    reached = [m for m in milestones if idea.milestone < m <= supporters] if delta > 0 else []
    milestone = max([idea.milestone, *reached])
    state = idea.state
    if state is IdeaStatus.OPEN and milestones and milestone >= milestones[-1]:
        state = IdeaStatus.IN_REVIEW
    return MilestoneStep(supporters=supporters, reached=reached, state=state, milestone=milestone)


def next_milestone(idea: Idea, milestones: Sequence[int]) -> int | None:
    return next((m for m in milestones if m > idea.milestone), None)


# --- shares ------------------------------------------------------------------------------------


ShareTarget = Literal["product", "collection", "idea"]


class Share(Entity):
    code: str
    user_id: str
    target_type: ShareTarget
    target_id: str
    referral_code: str
    clicks: int = 0
    created_at: datetime


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def referral_code(user_id: str) -> str:
    """A member's stable referral code: 8 Crockford base-32 characters derived from the member id."""
    number = int.from_bytes(hashlib.sha256(f"plein-referral\0{user_id}".encode()).digest()[:5], "big")
    return "".join(_CROCKFORD[(number >> shift) & 31] for shift in range(35, -1, -5))


# --- profiles, follows, badges -----------------------------------------------------------------


class Profile(Entity):
    user_id: str
    display_name: str | None = None
    avatar_url: str | None = None
    avatar_key: str | None = None
    """The uploaded avatar's object (served through GET /users/{id}/avatar)."""
    bio: str = ""
    interests: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    newsletter: bool = False
    """Subscribed: the member confirmed the opt-in from the e-mail (double opt-in)."""
    newsletter_pending: bool = False
    """Opted in, waiting for the confirmation."""
    stage: str | None = None
    badges: list[str] = Field(default_factory=list)
    joined_at: datetime


# --- feedback, moderation ----------------------------------------------------------------------


FeedbackKind = Literal["feedback", "suggestion"]


class Feedback(Entity):
    feedback_id: str
    kind: FeedbackKind
    user_id: str
    topic: str
    text: str
    rating: int | None = None
    product_url: str | None = None
    acted_on: bool = False
    acted_at: datetime | None = None
    note: str | None = None
    created_at: datetime


SubjectKind = Literal["review", "question", "answer", "collection", "comment", "idea", "article", "article_comment"]
Reportable = Literal["review", "question", "answer", "comment", "article_comment"]


class CaseState(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"


class ModerationCase(Entity):
    """Content waiting for a moderator: held back by the automatic checks, or reported."""

    case_id: str
    subject: SubjectKind
    subject_id: str
    author_id: str
    excerpt: str
    reasons: list[str]
    origin: Literal["automatic", "report"]
    state: CaseState = CaseState.OPEN
    created_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = None


def sortable(at: datetime) -> str:
    """A time as a sort string (ISO 8601 in UTC sorts chronologically)."""
    return at.isoformat()


# --- articles (editorial content) ----------------------------------------------------------------


class ArticleKind(StrEnum):
    GUIDE = "guide"
    BRAND_STORY = "brand_story"
    LOOKBOOK = "lookbook"


class ArticleState(StrEnum):
    """draft: its author's alone; pending: a member's article waiting for a moderator; scheduled:
    cleared, waiting for `publish_at`; published: listed and searchable; rejected by a moderator."""

    DRAFT = "draft"
    PENDING = "pending"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    REJECTED = "rejected"


class AuthorKind(StrEnum):
    MEMBER = "member"
    VENDOR = "vendor"
    ADMIN = "admin"


def article_author(principal: Principal) -> AuthorKind:
    """Admins and vendors (with their vendor id) publish directly; everyone else is moderated."""
    if principal.has(Role.ADMIN):
        return AuthorKind.ADMIN
    if principal.has(Role.VENDOR) and principal.vendor_id:
        return AuthorKind.VENDOR
    return AuthorKind.MEMBER


class Look(Entity):
    """One look of a lookbook: an image and the products in it."""

    image: str
    caption: str = ""
    product_ids: list[str] = Field(default_factory=list)


class Article(Entity):
    article_id: str
    kind: ArticleKind
    author_id: str
    author_kind: AuthorKind
    vendor_id: str | None = None
    """Brand stories and vendors' guides: the vendor it speaks for."""
    title: str
    language: str
    summary: str = ""
    body: str = ""
    """Sanitised HTML (logic/html.py)."""
    cover_image: str | None = None
    images: list[str] = Field(default_factory=list)
    product_ids: list[str] = Field(default_factory=list)
    looks: list[Look] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    state: ArticleState
    reasons: list[str] = Field(default_factory=list)
    publish_at: datetime | None = None
    published_at: datetime | None = None
    comments: int = 0
    created_at: datetime
    updated_at: datetime

    @property
    def listed(self) -> bool:
        return self.state is ArticleState.PUBLISHED

    def linked_products(self) -> list[str]:
        """Every linked product, the article's own first, then each look's (no repeats)."""
        ids = [*self.product_ids, *(pid for look in self.looks for pid in look.product_ids)]
        return list(dict.fromkeys(ids))


def cleared_state(publish_at: datetime | None, now: datetime) -> ArticleState:
    """Where an article cleared for publication stands: scheduled until `publish_at`."""
    return ArticleState.SCHEDULED if publish_at is not None and publish_at > now else ArticleState.PUBLISHED


class ArticleComment(Remark):
    article_id: str

    @property
    def parent_id(self) -> str:
        return self.article_id
