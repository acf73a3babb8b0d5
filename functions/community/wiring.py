"""How the community context is wired: its table (with the outbox stream), API, consumers and schedules."""

from functions.common.wiring import (
    ContextWiring,
    EventSubscription,
    Function,
    Need,
    Schedule,
    TableSpec,
    outbox_relay,
)

EVENTS = Function("community-events", "functions.community.handlers.events.handler")
IDEA_EXPIRY = Function("community-idea-expiry", "functions.community.handlers.expiry.handler", timeout_seconds=120)
EXPIRY_MINUTES = 60
ARTICLE_PUBLISHER = Function(
    "community-article-publisher", "functions.community.handlers.publisher.handler", frozenset({Need.LINKS})
)
PUBLISHER_MINUTES = 1
"""Scheduled articles go public at most this late."""

WIRING = ContextWiring(
    name="community",
    table=TableSpec(model="functions.community.store.records:CommunityRecord", stream=True),
    # The API presigns avatar uploads into the stage's upload bucket (under `avatars/`) and writes
    # links (short links, avatar and article image URLs, newsletter confirmation).
    api=Function(
        "community-api", "functions.community.handlers.api.handler", frozenset({Need.FEEDS_BUCKET, Need.LINKS})
    ),
    events=(
        EventSubscription(EVENTS, sources=("plein.orders",), detail_types=("OrderDelivered",)),
        EventSubscription(EVENTS, sources=("plein.rewards",), detail_types=("StageChanged",)),
    ),
    streams=(outbox_relay("community"),),
    schedules=(
        Schedule(IDEA_EXPIRY, rate_minutes=EXPIRY_MINUTES),
        Schedule(ARTICLE_PUBLISHER, rate_minutes=PUBLISHER_MINUTES),
    ),
    publishes=(
        "ReviewPublished",
        "ProductRatingChanged",
        "ReviewReplied",
        "AnswerPosted",
        "AnswerAccepted",
        "ProductHearted",
        "CollectionPublished",
        "CollectionRated",
        "IdeaSupported",
        "IdeaMilestoneReached",
        "IdeaDecided",
        "ShareClicked",
        "FeedbackActedOn",
        "NewsletterOptInRequested",
        "ProfileUpdated",
        "ArticlePublished",
        "FollowChanged",
    ),
)
