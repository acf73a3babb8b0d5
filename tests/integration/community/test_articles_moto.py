"""Articles on DynamoDB (moto): the largest article fits its transactions (its search entries are
written in batches), scheduled publishing and moderation commit on the real store, and
ArticlePublished reaches the bus through the outbox once."""

from __future__ import annotations

from datetime import timedelta

from functions.common.auth import Principal, Role
from functions.common.events import EventBridgePublisher
from functions.common.outbox import relay
from functions.common.pagination import CursorCodec
from functions.community.handlers.dependencies import moderation_subjects
from functions.community.logic.articles import TERMS, ArticleFilter, ArticleService
from functions.community.logic.collections import CollectionService
from functions.community.logic.deps import Deps, PublicUrls
from functions.community.logic.domain import CaseState
from functions.community.logic.ideas import IdeaService
from functions.community.logic.moderation import ModerationService, Screener
from functions.community.logic.questions import QuestionService
from functions.community.logic.reviews import ReviewService
from functions.community.models.api import ArticleInput, ArticlePatch
from functions.community.store.dynamo import DynamoDocuments
from tests.integration.community.conftest import BUS, TABLE, Aws
from tests.unit.community.fakes import FakeClock, FakeUploads, SequentialIds

ADMIN = Principal(user_id="admin", groups=frozenset({Role.ADMIN}))
VENDOR = Principal(user_id="vendor-user", groups=frozenset({Role.VENDOR}), vendor_id="vd_kiel")
MEMBER = Principal(user_id="member", groups=frozenset({Role.SHOPPER}))
URLS = PublicUrls(api_url="https://api.plein.test", web_url="https://plein.test")


def services(aws: Aws) -> tuple[ArticleService, ModerationService, DynamoDocuments, FakeClock]:
    docs = DynamoDocuments(TABLE, client=aws.dynamodb)
    clock = FakeClock()
    deps = Deps(docs, Screener(docs, clock), CursorCodec("integration-cursor-secret"), clock, SequentialIds())
    articles = ArticleService(deps, URLS, FakeUploads())
    subjects = moderation_subjects(
        ReviewService(deps), QuestionService(deps), CollectionService(deps), IdeaService(deps), articles
    )
    return articles, ModerationService(docs, deps.cursors, clock, subjects), docs, clock


def distinct_words(count: int, length: int) -> str:
    """`count` words with distinct 3-letter prefixes."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    prefixes = (f"{letters[n // 26 % 26]}{letters[n % 26]}{letters[n // 676 % 26]}" for n in range(count))
    return " ".join(prefix + "x" * (length - 3) for prefix in prefixes)


def test_the_largest_article_is_stored_and_found_by_every_word(aws: Aws) -> None:
    articles, _, docs, _ = services(aws)
    # Given an article in more search lists (150) than one transaction may write
    words = distinct_words(150, 3).split()
    request = ArticleInput(
        kind="guide",
        title=" ".join(words[:40]),
        language="en",
        summary=" ".join(words[40:140]),
        body="<p>" + "Text. " * 10_000 + "</p>",
        product_ids=[f"p-{n}" for n in range(50)],
        tags=[f"{w} tag" for w in words[140:150]],
    )

    article = articles.create(VENDOR, request)

    assert article.state == "published"
    assert sum(docs.count(TERMS, word[:3]) for word in words) == 150
    for word in (words[0], words[99], words[149]):
        assert [a.article_id for a in articles.search(ArticleFilter(q=word), None, None).items] == [article.article_id]

    # When the author deletes it, every entry goes with it
    articles.delete(VENDOR, article.article_id)
    assert sum(docs.count(TERMS, word[:3]) for word in words) == 0


def test_scheduled_and_moderated_articles_publish_once_through_the_outbox(aws: Aws) -> None:
    articles, moderation, _, clock = services(aws)
    at = clock() + timedelta(minutes=5)
    scheduled = articles.create(ADMIN, ArticleInput(kind="guide", title="Winter tyres", language="nl", publish_at=at))
    pending = articles.create(MEMBER, ArticleInput(kind="guide", title="Mijn fietstas", language="nl"))
    assert (scheduled.state, pending.state) == ("scheduled", "pending")
    assert articles.publish_due() == 0

    clock.advance(minutes=6)
    assert articles.publish_due() == 1
    case = moderation.queue(ADMIN, CaseState.OPEN, None, None).items[0]
    moderation.decide(ADMIN, case.case_id, approve=True, note=None)
    articles.update(ADMIN, scheduled.article_id, ArticlePatch(summary="Edited after publication"))

    relay(aws.stream_records(), EventBridgePublisher(BUS, aws.events))
    published = [e["detail"]["article_id"] for e in aws.published() if e["detail-type"] == "ArticlePublished"]
    assert sorted(published) == sorted([scheduled.article_id, pending.article_id])
    found = articles.search(ArticleFilter(q="fiets"), None, None).items
    assert [a.article_id for a in found] == [pending.article_id]
    assert [a.article_id for a in articles.search(ArticleFilter(language="nl"), None, None).items] == [
        pending.article_id,
        scheduled.article_id,
    ]
