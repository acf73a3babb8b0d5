"""Community unit fixtures: services on the in-memory document store, and the real API resolver
with its providers overridden to use them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from functions.common.auth import Principal, Role
from functions.common.pagination import CursorCodec
from functions.community.handlers import dependencies
from functions.community.handlers.api import app
from functions.community.logic.articles import ArticleService
from functions.community.logic.collections import CollectionService
from functions.community.logic.consumers import EventConsumer
from functions.community.logic.deps import Deps, PublicUrls
from functions.community.logic.feedback import FeedbackService
from functions.community.logic.hearts import HeartService
from functions.community.logic.ideas import IdeaPolicy, IdeaService
from functions.community.logic.moderation import ModerationService, Policy, Screener
from functions.community.logic.profiles import ProfileService
from functions.community.logic.questions import QuestionService
from functions.community.logic.reports import ReportService
from functions.community.logic.reviews import ReviewService
from functions.community.logic.shares import ShareService
from tests.unit.common.test_errors_and_api import rest_event
from tests.unit.community.fakes import FakeClock, FakeUploads, InMemoryDocuments, SequentialIds

MILESTONES = (2, 3, 5)
LINKS = PublicUrls(api_url="https://api.plein.test", web_url="https://plein.test")


@dataclass
class Community:
    """Every community service over one in-memory store, clock and id sequence."""

    docs: InMemoryDocuments
    clock: FakeClock
    deps: Deps
    reviews: ReviewService
    hearts: HeartService
    questions: QuestionService
    collections: CollectionService
    ideas: IdeaService
    shares: ShareService
    profiles: ProfileService
    feedback: FeedbackService
    reports: ReportService
    moderation: ModerationService
    consumer: EventConsumer
    uploads: FakeUploads
    articles: ArticleService


def build(posts_per_hour: int = 20, docs: InMemoryDocuments | None = None) -> Community:
    docs, clock, uploads = docs or InMemoryDocuments(), FakeClock(), FakeUploads()
    deps = Deps(
        docs=docs,
        screener=Screener(docs, clock, Policy(posts_per_hour=posts_per_hour)),
        cursors=CursorCodec("unit-test-cursor-secret"),
        clock=clock,
        new_id=SequentialIds(),
    )
    reviews, questions = ReviewService(deps), QuestionService(deps)
    collections, ideas = CollectionService(deps), IdeaService(deps, IdeaPolicy(milestones=MILESTONES))
    articles = ArticleService(deps, LINKS, uploads)
    subjects = dependencies.moderation_subjects(reviews, questions, collections, ideas, articles)
    return Community(
        docs=docs,
        clock=clock,
        deps=deps,
        reviews=reviews,
        hearts=HeartService(deps),
        questions=questions,
        collections=collections,
        ideas=ideas,
        shares=ShareService(deps, LINKS),
        profiles=ProfileService(deps, LINKS, uploads),
        feedback=FeedbackService(deps),
        reports=ReportService(deps),
        moderation=ModerationService(docs, deps.cursors, clock, subjects),
        consumer=EventConsumer(deps),
        uploads=uploads,
        articles=articles,
    )


@pytest.fixture
def community() -> Community:
    return build()


def member(user_id: str, *roles: Role, vendor_id: str | None = None) -> Principal:
    return Principal(user_id=user_id, groups=frozenset({Role.SHOPPER, *roles}), vendor_id=vendor_id)


ADMIN = member("admin-1", Role.ADMIN)

PROVIDERS = {
    dependencies.review_service: "reviews",
    dependencies.heart_service: "hearts",
    dependencies.question_service: "questions",
    dependencies.collection_service: "collections",
    dependencies.idea_service: "ideas",
    dependencies.share_service: "shares",
    dependencies.profile_service: "profiles",
    dependencies.feedback_service: "feedback",
    dependencies.report_service: "reports",
    dependencies.moderation_service: "moderation",
    dependencies.article_service: "articles",
}


class Api:
    """Calls the community API through the real resolver, signed in as `user` (with `groups`)."""

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}

    def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        user: str | None = "u1",
        groups: str = "shopper",
        vendor_id: str | None = None,
        query: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        claims = None
        if user:
            claims = {"sub": user, "cognito:groups": groups}
            if vendor_id:
                claims["custom:vendor_id"] = vendor_id
        event = rest_event(method, path, body, claims)
        if query:
            event["queryStringParameters"] = query
            event["multiValueQueryStringParameters"] = {key: [value] for key, value in query.items()}
        response = app.resolve(event, None)  # type: ignore[arg-type]
        multi = response.get("multiValueHeaders") or {}
        self.headers = {**(response.get("headers") or {}), **{key: values[0] for key, values in multi.items()}}
        body_text = response.get("body") or ""
        return int(response["statusCode"]), json.loads(body_text) if body_text else None


@pytest.fixture
def api(community: Community) -> Iterator[Api]:
    for provider, name in PROVIDERS.items():
        service = getattr(community, name)
        app.dependency_overrides[provider] = lambda service=service: service
    yield Api()
    app.dependency_overrides.clear()
