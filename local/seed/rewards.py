"""Demo rewards: members at every journey stage, the demo shopper's welcome points and a gift card
bought with them, and a referral (the demo advisor claimed the shopper's code).

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


def seed(ctx: SeedContext) -> None:
    services, store = _services(ctx)
    for stage, plan in PLAN.items():
        _member(services, store, f"seed-member-{stage}", plan)
    ctx.log(f"rewards: demo members at every stage ({', '.join(PLAN)})")
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


def _event(event_id: str, **fields: Any) -> dict[str, Any]:
    return {"event_id": event_id, "occurred_at": SEED_TIME.isoformat(), "version": 1, **fields}
