"""How the rewards context is wired: its table (with the outbox stream), API, consumer and schedule."""

from functions.common.wiring import (
    ContextWiring,
    EventSubscription,
    Function,
    Schedule,
    TableSpec,
    outbox_relay,
)

EVENTS = Function("rewards-events", "functions.rewards.handlers.events.handler", timeout_seconds=60)
SCHEDULE = Function("rewards-schedule", "functions.rewards.handlers.schedule.handler", timeout_seconds=300)
# Invoked by orders-api only (Need.REDEMPTIONS): gift cards and points paying at checkout.
REDEMPTIONS = Function("rewards-redemptions", "functions.rewards.handlers.redemptions.handler", timeout_seconds=10)

WIRING = ContextWiring(
    name="rewards",
    table=TableSpec(model="functions.rewards.store.records:RewardsRecord", stream=True),
    # No bus access for any rewards function: events leave through the outbox relay only.
    api=Function("rewards-api", "functions.rewards.handlers.api.handler"),
    events=(
        EventSubscription(
            EVENTS,
            sources=("plein.orders",),
            detail_types=("OrderPlaced", "OrderDelivered", "OrderReturned", "OrderCancelled"),
        ),
        EventSubscription(
            EVENTS,
            sources=("plein.community",),
            detail_types=(
                "ReviewPublished",
                "AnswerAccepted",
                "CollectionRated",
                "IdeaMilestoneReached",
                "FeedbackActedOn",
                "ShareClicked",
                "ProfileUpdated",
            ),
        ),
        EventSubscription(EVENTS, sources=("plein.advice",), detail_types=("AdviceSessionRated",)),
    ),
    streams=(outbox_relay("rewards"),),
    # Hourly: points expiry, stage downgrades at period ends, referrals past their return window.
    schedules=(Schedule(SCHEDULE, rate_minutes=60),),
    internal=(REDEMPTIONS,),
    publishes=("PointsAwarded", "StageChanged", "RewardRedeemed", "GiftCardIssued", "ReferralConverted", "AdvisorPaid"),
)
