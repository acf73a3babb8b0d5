"""How the notifications context is wired: its table (with the outbox stream), API, consumer and
the sweeper of due work (review requests, deliveries deferred past quiet hours)."""

from functions.common.wiring import (
    ContextWiring,
    EventSubscription,
    Function,
    Need,
    Schedule,
    TableSpec,
    outbox_relay,
)

SENDING = frozenset({Need.MAIL, Need.PUSH, Need.CONTACTS, Need.LINKS})
EVENTS = Function(
    "notifications-events", "functions.notifications.handlers.events.handler", SENDING, timeout_seconds=60
)
SWEEPER = Function(
    "notifications-sweeper", "functions.notifications.handlers.sweeper.handler", SENDING, timeout_seconds=120
)
SWEEP_MINUTES = 1
# Newsletters and campaigns: the opt-in mail and the segment projection; the campaign pages and
# batches (their send rate is a counter in the table, shared by every instance).
AUDIENCE = Function(
    "notifications-audience", "functions.notifications.handlers.campaigns.audience", SENDING, timeout_seconds=60
)
CAMPAIGNS = Function(
    "notifications-campaigns",
    "functions.notifications.handlers.campaigns.sender",
    SENDING,
    timeout_seconds=300,
    reserved_concurrency=2,
)

WIRING = ContextWiring(
    name="notifications",
    table=TableSpec(model="functions.notifications.store.records:NotificationsRecord", stream=True),
    # Events leave through the outbox relay only; the API registers push devices (SNS) and writes
    # links (campaign previews, unsubscribe pages).
    api=Function(
        "notifications-api", "functions.notifications.handlers.api.handler", frozenset({Need.PUSH, Need.LINKS})
    ),
    events=(
        EventSubscription(
            EVENTS, sources=("plein.orders",), detail_types=("OrderPlaced", "OrderShipped", "OrderDelivered")
        ),
        EventSubscription(
            EVENTS,
            sources=("plein.community",),
            detail_types=(
                "AnswerPosted",
                "ReviewReplied",
                "IdeaMilestoneReached",
                "IdeaDecided",
                "ArticlePublished",
                "FollowChanged",
            ),
        ),
        EventSubscription(
            EVENTS, sources=("plein.rewards",), detail_types=("PointsAwarded", "StageChanged", "GiftCardIssued")
        ),
        EventSubscription(
            EVENTS, sources=("plein.vendor",), detail_types=("VendorApproved", "VendorDeclined", "FeedImportCompleted")
        ),
        EventSubscription(
            EVENTS, sources=("plein.advice",), detail_types=("AdvisorApproved", "AdvisorInvited", "AdviceMissed")
        ),
        EventSubscription(EVENTS, sources=("plein.rewards",), detail_types=("AdvisorPaid",)),
        # SES feedback (a configuration set's EventBridge destination puts these on the default bus;
        # the stage forwards them to the platform bus).
        EventSubscription(EVENTS, sources=("aws.ses",), detail_types=("Email Bounced", "Email Complaint Received")),
        EventSubscription(
            AUDIENCE,
            sources=("plein.community",),
            detail_types=("NewsletterOptInRequested", "ProfileUpdated", "ReviewPublished", "ProductHearted"),
        ),
        EventSubscription(AUDIENCE, sources=("plein.orders",), detail_types=("OrderPlaced",)),
        EventSubscription(AUDIENCE, sources=("plein.rewards",), detail_types=("StageChanged",)),
        EventSubscription(
            CAMPAIGNS, sources=("plein.notifications",), detail_types=("CampaignPageQueued", "CampaignBatchQueued")
        ),
    ),
    streams=(outbox_relay("notifications"),),
    schedules=(Schedule(SWEEPER, rate_minutes=SWEEP_MINUTES),),
    publishes=("NotificationCreated", "CampaignPageQueued", "CampaignBatchQueued"),
)
