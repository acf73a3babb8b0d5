"""The community services on DynamoDB (moto): what they commit reaches the bus through the outbox."""

from __future__ import annotations

import pytest

from functions.common.auth import Principal, Role
from functions.common.errors import Conflict
from functions.common.events import EventBridgePublisher
from functions.common.outbox import relay
from functions.common.pagination import CursorCodec
from functions.community.logic.deps import Deps
from functions.community.logic.ideas import IdeaPolicy, IdeaService
from functions.community.logic.moderation import Screener
from functions.community.logic.reviews import ReviewService
from functions.community.models.api import IdeaInput, ReviewInput
from functions.community.store.dynamo import DynamoDocuments
from tests.integration.community.conftest import BUS, TABLE, Aws
from tests.unit.community.fakes import FakeClock, SequentialIds


def deps(aws: Aws) -> Deps:
    docs = DynamoDocuments(TABLE, client=aws.dynamodb)
    clock = FakeClock()
    return Deps(docs, Screener(docs, clock), CursorCodec("integration-cursor-secret"), clock, SequentialIds())


def shopper(user_id: str) -> Principal:
    return Principal(user_id=user_id, groups=frozenset({Role.SHOPPER}))


def test_a_review_is_stored_once_and_its_events_are_relayed(aws: Aws) -> None:
    reviews = ReviewService(deps(aws))
    request = ReviewInput(rating=5, title="Great", text="Really great")
    reviews.write(shopper("u1"), "pan", request)
    with pytest.raises(Conflict) as duplicate:
        reviews.write(shopper("u1"), "pan", ReviewInput(rating=1, title="Bad", text="Changed my mind"))
    assert duplicate.value.code == "duplicate_review"

    relay(aws.stream_records(), EventBridgePublisher(BUS, aws.events))

    published = {e["detail-type"]: e["detail"] for e in aws.published()}
    assert published["ReviewPublished"]["rating"] == 5
    assert published["ProductRatingChanged"]["histogram"]["5"] == 1
    assert reviews.product_reviews("pan", None, None).rating.count == 1


def test_a_milestone_is_relayed_once(aws: Aws) -> None:
    ideas = IdeaService(deps(aws), IdeaPolicy(milestones=(2, 4)))
    idea = ideas.propose(shopper("author"), IdeaInput(title="Waffle pan", description="Heart-shaped"))
    for user in ("s1", "s2", "s2", "s3"):
        ideas.support(shopper(user), idea.idea_id)

    relay(aws.stream_records(), EventBridgePublisher(BUS, aws.events))

    kinds = [e["detail-type"] for e in aws.published()]
    assert kinds.count("IdeaSupported") == 3
    assert kinds.count("IdeaMilestoneReached") == 1
