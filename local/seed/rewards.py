"""Demo rewards: members at every journey stage (with affinities, as their community profiles would
bring them), the demo shopper's welcome points and a gift card bought with them, a referral (the demo
advisor claimed the shopper's code), and the demo advisor's cash-paid sessions: October 2026 closed
with a payout, one November session still unpaid.

The demo shopper's seeded orders earn their points the way any order does: their OrderDelivered
event reaches the rewards consumer once event delivery runs. Deterministic and idempotent: every
earning is keyed on a fixed cause and every redemption on a fixed Idempotency-Key, so a second run
adds nothing (the gift card's code is logged once, when the card is made).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from functions.common.auth import Principal, Role
from functions.common.errors import PleinError
from functions.common.pagination import CursorCodec
from functions.rewards.handlers.dependencies import Rewards, build
from functions.rewards.logic.domain import ReferralStatus, Stage
from functions.rewards.logic.ports import RewardsStore
from functions.rewards.models import consumed
from functions.rewards.models.api import AdjustmentIn
from local.seed import SeedContext

SHOPPER, ADVISOR = "shopper", "advisor"
ADMIN = Principal(user_id="seed", groups=frozenset({Role.ADMIN}))
SEED_TIME = datetime(2026, 11, 1, 12, tzinfo=UTC)
PLAN: dict[Stage, tuple[int, int, int]] = {
    Stage.NEW: (1, 0, 0),
    Stage.REGULAR: (3, 1, 0),
    Stage.ENGAGED: (3, 3, 0),
    Stage.FAN: (5, 10, 0),
    Stage.AMBASSADOR: (5, 10, 2),
}
"""Per stage: delivered orders, published reviews and converted referrals of its demo member, which
reach the stage under the default thresholds."""
WELCOME_POINTS = 600
AFFINITIES: dict[Stage, list[str]] = {
    Stage.NEW: ["coffee", "kitchen"],
    Stage.REGULAR: ["coffee", "bikes"],
    Stage.ENGAGED: ["kitchen", "design"],
    Stage.FAN: ["coffee", "design", "lighting"],
    Stage.AMBASSADOR: ["coffee", "outdoor"],
}
PAID_PERIOD = "2026-10"
CASH_SESSIONS = (
    ("seed-cash-session-1", datetime(2026, 10, 8, 15, tzinfo=UTC), 1500),
    ("seed-cash-session-2", datetime(2026, 10, 21, 11, tzinfo=UTC), 1500),
    ("seed-cash-session-3", datetime(2026, 11, 12, 10, tzinfo=UTC), 1500),
)
"""The demo advisor's cash-paid sessions (minor units): October is closed by the seed, November is not."""


def seed(ctx: SeedContext) -> None:
    services, store = _services(ctx)
    for stage, plan in PLAN.items():
        _member(services, store, f"seed-member-{stage}", plan)
        _affinities(services, f"seed-member-{stage}", AFFINITIES[stage])
    ctx.log(f"rewards: demo members at every stage ({', '.join(PLAN)}), with affinities")
    shopper, advisor = ctx.users.get(SHOPPER), ctx.users.get(ADVISOR)
    if shopper is None:
        ctx.log("rewards: no demo shopper, the gift card and referral are skipped")
        return
    me = Principal(user_id=shopper.sub, email=shopper.email)
    services.members.adjust(
        ADMIN, "seed-welcome", AdjustmentIn(user_id=shopper.sub, points=WELCOME_POINTS, reason="demo welcome bonus")
    )
    redemption, created = services.redemptions.redeem(me, "seed-gift-card", "gift-card-5")
    if created and redemption.gift_card is not None:
        ctx.log(f"rewards: the demo shopper's gift card code is {redemption.gift_card.code} (shown once)")
    code = services.referrals.my_code(me).code
    if advisor is not None:
        try:
            services.referrals.claim(Principal(user_id=advisor.sub, email=advisor.email), code)
        except PleinError as exc:  # claimed on an earlier run
            ctx.log(f"rewards: demo referral already there ({exc.code})")
    ctx.log(f"rewards: the demo shopper's referral code is {code}")
    if advisor is not None:
        _cash_sessions(services, advisor.sub)
        ctx.log(f"rewards: the demo advisor's {PAID_PERIOD} cash sessions are paid out, one later session is not")


def _services(ctx: SeedContext) -> tuple[Rewards, RewardsStore]:
    from functions.rewards.store.dynamo import DynamoRewardsStore

    environment = ctx.environment("rewards")
    store = DynamoRewardsStore(environment["TABLE_NAME"], client=ctx.client("dynamodb"))
    return build(store, CursorCodec(environment["CURSOR_SECRET"])), store


def _member(services: Rewards, store: RewardsStore, user_id: str, plan: tuple[int, int, int]) -> None:
    orders, reviews, referrals = plan
    for index in range(orders):
        _deliver(services, user_id, f"{user_id}-order-{index}", 2500 + 500 * index)
    for index in range(reviews):
        review = _event(f"{user_id}-review-{index}", review_id=f"{user_id}-review-{index}", user_id=user_id)
        services.earning.review_published(consumed.ReviewPublishedView.model_validate(review))
    for index in range(referrals):
        _converted_referral(services, store, user_id, f"{user_id}-friend-{index}")


def _deliver(services: Rewards, user_id: str, order_id: str, value: int) -> None:
    common = {"order_id": order_id, "user_id": user_id, "lines": [{"line_total": value}]}
    placed = _event(f"{order_id}-placed", items_total=value, **common)
    delivered = _event(f"{order_id}-delivered", vendor_id="seed-vendor", **common)
    services.earning.order_placed(consumed.OrderPlacedView.model_validate(placed))
    services.earning.order_delivered(consumed.OrderDeliveredView.model_validate(delivered))


def _converted_referral(services: Rewards, store: RewardsStore, referrer_id: str, referee_id: str) -> None:
    """A friend claims the referrer's code and orders; the return window is skipped for the demo."""
    if store.referral(referee_id) is None:
        services.referrals.claim(
            Principal(user_id=referee_id), services.referrals.my_code(Principal(user_id=referrer_id)).code
        )
    _deliver(services, referee_id, f"{referee_id}-order", 4000)
    referral = store.referral(referee_id)
    if referral is not None and referral.status is ReferralStatus.AWAITING_RETURN_WINDOW:
        services.referrals.convert(referral)


def _affinities(services: Rewards, user_id: str, interests: list[str]) -> None:
    profile = _event(f"{user_id}-profile", user_id=user_id, interests=interests)
    services.segments.profile_updated(consumed.ProfileUpdatedView.model_validate(profile))


def _cash_sessions(services: Rewards, advisor_id: str) -> None:
    for session_id, rated_at, cash in CASH_SESSIONS:
        rated = _event(
            session_id,
            session_id=session_id,
            advisor_id=advisor_id,
            rating=5,
            compensation_kind="cash",
            compensation_points=0,
            compensation_cash=cash,
        ) | {"occurred_at": rated_at.isoformat()}
        services.earning.advice_session_rated(consumed.AdviceSessionRatedView.model_validate(rated))
    services.payouts.close(ADMIN, PAID_PERIOD)  # a second run answers the same run


def _event(event_id: str, **fields: Any) -> dict[str, Any]:
    return {"event_id": event_id, "occurred_at": SEED_TIME.isoformat(), "version": 1, **fields}
