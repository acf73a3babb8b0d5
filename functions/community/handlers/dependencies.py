"""Settings and services of the community functions, built once per process on first use.

Routes receive services through Powertools `Depends(<provider>)`; tests replace them with
`app.dependency_overrides[<provider>]`. The store is imported only here. Each provider imports
its service's module itself, so a function loads only the logic (and API models) it uses: the
events consumer never imports the review or article logic the API needs.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from functions.common.pagination import CursorCodec
from functions.common.settings import ApiSettings, FeedsBucketSettings, LinkSettings, load_settings
from functions.community.logic.deps import Deps, PublicUrls
from functions.community.logic.moderation import ModerationService, Policy, Screener

if TYPE_CHECKING:  # each provider imports its service: a function loads only the logic it uses
    from functions.community.logic.articles import ArticleService
    from functions.community.logic.collections import CollectionService
    from functions.community.logic.consumers import EventConsumer
    from functions.community.logic.feedback import FeedbackService
    from functions.community.logic.hearts import HeartService
    from functions.community.logic.ideas import IdeaPolicy, IdeaService
    from functions.community.logic.invitations import ReviewInvitations
    from functions.community.logic.moderation import Subjects
    from functions.community.logic.profiles import ProfileService
    from functions.community.logic.questions import QuestionService
    from functions.community.logic.reports import ReportService
    from functions.community.logic.reviews import ReviewService
    from functions.community.logic.shares import ShareService


class CommunitySettings(ApiSettings, LinkSettings):
    """What every community function reads (the API and the workers alike): the table, the bus,
    the cursor key, and the community's tunable rules. The API also reads `FEEDS_BUCKET` (avatars)."""

    idea_milestones: tuple[int, ...] = Field(default=(100, 1000, 5000, 10000), alias="IDEA_MILESTONES")
    idea_window_days: int = Field(default=60, ge=1, le=3650, alias="IDEA_WINDOW_DAYS")
    posts_per_hour: int = Field(default=20, ge=1, le=10_000, alias="COMMUNITY_POSTS_PER_HOUR")

    @field_validator("idea_milestones", mode="before")
    @classmethod
    def _milestones(cls, value: object) -> object:
        """`IDEA_MILESTONES=100,1000,5000,10000`: ascending, positive."""
        if isinstance(value, str):
            value = tuple(int(part) for part in value.split(",") if part.strip())
        if isinstance(value, tuple | list) and (not value or list(value) != sorted(set(value)) or min(value) < 1):
            raise ValueError("milestones must be distinct positive numbers in ascending order")
        return value


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


def settings() -> CommunitySettings:
    config: CommunitySettings = load_settings(CommunitySettings)
    return config


@cache
def deps() -> Deps:
    from functions.community.store.dynamo import DynamoDocuments

    config = settings()
    docs = DynamoDocuments(config.table_name)
    return Deps(
        docs=docs,
        screener=Screener(docs, utc_now, Policy(posts_per_hour=config.posts_per_hour)),
        cursors=CursorCodec(config.cursor_key),
        clock=utc_now,
        new_id=new_id,
    )


def idea_policy(config: CommunitySettings) -> IdeaPolicy:
    from functions.community.logic.ideas import IdeaPolicy

    return IdeaPolicy(milestones=config.idea_milestones, window=timedelta(days=config.idea_window_days))


@cache
def review_service() -> ReviewService:
    from functions.community.logic.reviews import ReviewService

    return ReviewService(deps())


@cache
def invitation_service() -> ReviewInvitations:
    """Review invitations from review-request e-mails (tokens signed by the notifications context)."""
    from functions.common.signed_links import REVIEW_INVITATION, SignedLinks
    from functions.community.logic.invitations import ReviewInvitations

    return ReviewInvitations(review_service(), SignedLinks(settings().cursor_key, REVIEW_INVITATION), utc_now)


@cache
def heart_service() -> HeartService:
    from functions.community.logic.hearts import HeartService

    return HeartService(deps())


@cache
def question_service() -> QuestionService:
    from functions.community.logic.questions import QuestionService

    return QuestionService(deps())


@cache
def collection_service() -> CollectionService:
    from functions.community.logic.collections import CollectionService

    return CollectionService(deps())


@cache
def idea_service() -> IdeaService:
    from functions.community.logic.ideas import IdeaService

    return IdeaService(deps(), idea_policy(settings()))


def public_urls() -> PublicUrls:
    config = settings()
    return PublicUrls(api_url=config.api_base() or config.web_base, web_url=config.web_base)


@cache
def share_service() -> ShareService:
    from functions.community.logic.shares import ShareService

    return ShareService(deps(), public_urls())


@cache
def profile_service() -> ProfileService:
    from functions.common.aws import client
    from functions.community.logic.profiles import ProfileService
    from functions.community.store.s3 import S3Uploads

    bucket: FeedsBucketSettings = load_settings(FeedsBucketSettings)
    return ProfileService(deps(), public_urls(), S3Uploads(bucket.feeds_bucket, client("s3")))


@cache
def article_service() -> ArticleService:
    from functions.common.aws import client
    from functions.community.logic.articles import ArticleService
    from functions.community.store.s3 import S3Uploads

    bucket: FeedsBucketSettings = load_settings(FeedsBucketSettings)
    return ArticleService(deps(), public_urls(), S3Uploads(bucket.feeds_bucket, client("s3")))


@cache
def article_publisher() -> ArticleService:
    """Articles for the scheduled publisher, which has no upload bucket (it never serves images)."""
    from functions.community.logic.articles import ArticleService

    return ArticleService(deps(), public_urls(), None)


@cache
def report_service() -> ReportService:
    from functions.community.logic.reports import ReportService

    return ReportService(deps())


@cache
def feedback_service() -> FeedbackService:
    from functions.community.logic.feedback import FeedbackService

    return FeedbackService(deps())


def moderation_subjects(
    reviews: ReviewService,
    questions: QuestionService,
    collections: CollectionService,
    ideas: IdeaService,
    articles: ArticleService | None = None,
) -> Subjects:
    """What a moderator's decision does, per kind of content."""
    subjects = {
        "review": reviews.moderated,
        "question": questions.question_moderated,
        "answer": questions.answer_moderated,
        "collection": collections.collection_moderated,
        "comment": collections.comment_moderated,
        "idea": ideas.moderated,
    }
    if articles is not None:
        subjects |= {"article": articles.article_moderated, "article_comment": articles.comment_moderated}
    return subjects


@cache
def moderation_service() -> ModerationService:
    base = deps()
    subjects = moderation_subjects(
        review_service(), question_service(), collection_service(), idea_service(), article_service()
    )
    return ModerationService(base.docs, base.cursors, base.clock, subjects)


@cache
def event_consumer() -> EventConsumer:
    from functions.community.logic.consumers import EventConsumer

    return EventConsumer(deps())
