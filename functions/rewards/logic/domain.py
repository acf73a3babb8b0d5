"""Rewards domain: ledger entries, member accounts, journey stages, earning rules, gift cards,
entitlements and referrals, with the pure rules that move them (no I/O)."""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AwareDatetime, ConfigDict, Field, model_validator

from functions.common.errors import BadRequest
from functions.common.events import DomainEvent
from functions.common.inputs import StrictInput
from functions.common.models import Record
from functions.common.values import Currency, Identifier, MinorUnits

Points = Annotated[int, Field(ge=0, le=1_000_000)]
Percent = Annotated[int, Field(ge=0, le=1000, description="100 = 1x")]


class Stage(StrEnum):
    NEW = "new"
    REGULAR = "regular"
    ENGAGED = "engaged"
    FAN = "fan"
    AMBASSADOR = "ambassador"

    @property
    def rank(self) -> int:
        return list(Stage).index(self)

    def next(self) -> Stage | None:
        order = list(Stage)
        return order[self.rank + 1] if self.rank + 1 < len(order) else None


class EntryKind(StrEnum):
    EARN = "earn"
    REDEEM = "redeem"
    EXPIRE = "expire"
    ADJUST = "adjust"
    REVERSE = "reverse"


class Activity(StrEnum):
    """What an earning counts as for journey stages (visits count for points only)."""

    PURCHASE = "purchase"
    CONTRIBUTION = "contribution"
    REFERRAL = "referral"
    VISIT = "visit"


class RewardKind(StrEnum):
    GIFT_CARD = "gift_card"
    PERK = "perk"
    CHARITY = "charity"
    VOUCHER = "voucher"


def entry_id(cause: str, rule: str) -> str:
    """The ledger entry of `rule` applied to `cause` (an event id or a business key): one per pair,
    so a redelivered or replayed event finds its entry already written."""
    return hashlib.sha256(f"{rule}|{cause}".encode()).hexdigest()[:32]


class LedgerEntry(Record):
    """An append-only movement of points; `points` is signed (earn > 0, the others < 0 or either
    for adjustments)."""

    model_config = ConfigDict(frozen=True)

    entry_id: str
    user_id: str
    kind: EntryKind
    points: int
    reason: str
    rule: str
    cause: str = Field(description="The event id or business key that caused the entry")
    at: datetime
    activity: Activity | None = None
    expires_at: datetime | None = None
    ref: str | None = Field(default=None, description="The order (order_id#vendor_id) an order entry belongs to")
    amount: int | None = Field(
        default=None, description="Money behind the entry, minor units: an order's value, an advisor's cash pay"
    )
    actor: str | None = Field(default=None, description="Who made an adjustment")
    rules_version: int | None = None


class Account(Record):
    """A member's balance and journey stage."""

    user_id: str
    balance: int = 0
    stage: Stage = Stage.NEW
    stage_since: datetime | None = None
    period_ends_at: datetime | None = Field(default=None, description="When a downgrade may next apply")
    last_visit: date | None = None
    streak: int = 0
    first_order_id: str | None = None
    affinities: tuple[str, ...] = Field(default=(), description="From the member's community profile, case-folded")


class OrderRef(Record):
    """What an order's delivery earned, and what of it is still not reversed."""

    earned: int
    amount: int
    net: int


@dataclass(frozen=True)
class StageChange:
    old: Stage
    new: Stage
    period_ends_at: datetime | None


class Redemption(Record):
    redemption_id: str
    user_id: str
    reward_id: str
    kind: RewardKind
    points: int
    at: datetime
    idempotency_key: str
    gift_card_id: str | None = None
    gift_card_hash: str | None = Field(default=None, description="Finds the card again (never its code)")
    entitlement: str | None = None
    partner: str | None = None
    amount: int | None = None
    currency: str | None = None


class GiftCard(Record):
    """A gift card; its code is never stored, only `code_hash` (SHA-256 of the normalised code)."""

    gift_card_id: str
    code_hash: str
    last4: str
    owner_id: str
    initial: int
    balance: int
    currency: str
    issued_at: datetime


class GiftCardHold(Record):
    """An amount taken from a gift card for one checkout (`key`, order scoped); released once."""

    key: str
    gift_card_id: str
    user_id: str
    amount: int
    currency: str
    status: str = Field(description="captured or released")
    at: datetime


class Entitlement(Record):
    name: str
    user_id: str
    granted_at: datetime
    expires_at: datetime
    redemption_id: str


class ReferralStatus(StrEnum):
    CLAIMED = "claimed"
    ORDERED = "ordered"
    AWAITING_RETURN_WINDOW = "awaiting_return_window"
    CONVERTED = "converted"
    REFUSED = "refused"


class Referral(Record):
    referee_id: str
    referrer_id: str
    code: str
    status: ReferralStatus
    reason: str | None = Field(default=None, description="Why it was refused")
    claimed_at: datetime
    order_id: str | None = None
    order_value: int | None = None
    due_at: datetime | None = Field(default=None, description="When the return window of the first order ends")
    converted_at: datetime | None = None
    points: int | None = None
    version: int = 0


class ReferralCode(Record):
    code: str
    owner_id: str
    email_hash: str | None = None


@dataclass(frozen=True)
class Posting:
    """What one ledger entry writes in one transaction: the entry (once per entry id), the balance
    (never below zero), and whatever moves with it."""

    entry: LedgerEntry
    stage: StageChange | None = None
    visit: tuple[date, int] | None = None
    redemption: Redemption | None = None
    gift_card: GiftCard | None = None
    entitlement: Entitlement | None = None
    events: tuple[DomainEvent, ...] = field(default=())


# ---------------------------------------------------------------------------------- earning rules


class OrderRule(StrictInput):
    points_per_euro: Points = Field(default=1, description="Per whole euro of delivered lines")


class ReviewRule(StrictInput):
    points: Points = 20
    photo_bonus: Points = 10
    verified_bonus: Points = 10


class FlatRule(StrictInput):
    points: Points


class CollectionRule(StrictInput):
    points: Points = 2
    min_stars: int = Field(default=4, ge=1, le=5)


class VisitRule(StrictInput):
    points: Points = Field(default=1, description="For the first visit of a day")
    streak_bonus: Points = Field(default=1, description="Extra per consecutive day before")
    max_points: Points = Field(default=5, description="Cap per day")


class ReferralRule(StrictInput):
    points: Points = 200
    return_window_days: int = Field(default=14, ge=0, le=365)
    min_order_value: MinorUnits = 2000
    monthly_cap: int = Field(default=5, ge=0, le=1000, description="Conversions paid per referrer per month")


class AdviceRule(StrictInput):
    points: Points = Field(default=30, description="When the session carries no compensation_points")
    min_rating: int = Field(default=4, ge=1, le=5)


class StageThreshold(StrictInput):
    purchases: int = Field(default=0, ge=0, le=10_000)
    contributions: int = Field(default=0, ge=0, le=10_000)
    referrals: int = Field(default=0, ge=0, le=10_000)

    def reached_by(self, stats: ActivityStats) -> bool:
        return (
            stats.purchases >= self.purchases
            and stats.contributions >= self.contributions
            and stats.referrals >= self.referrals
        )

    def covers(self, other: StageThreshold) -> bool:
        return (
            self.purchases >= other.purchases
            and self.contributions >= other.contributions
            and self.referrals >= other.referrals
        )


class Campaign(StrictInput):
    name: str = Field(min_length=1, max_length=100)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    multiplier_percent: Percent = 200
    activities: list[Activity] = Field(default_factory=list, description="Empty: every activity")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise ValueError("a campaign ends after it starts")
        return self

    def applies(self, activity: Activity | None, at: datetime) -> bool:
        wanted = not self.activities or activity in self.activities
        return wanted and self.starts_at <= at < self.ends_at


class CatalogReward(StrictInput):
    reward_id: Identifier
    kind: RewardKind
    title: str = Field(min_length=1, max_length=200)
    points: int = Field(ge=1, le=1_000_000)
    amount: MinorUnits | None = Field(default=None, description="Gift card, donation or voucher value")
    currency: Currency = "EUR"
    entitlement: Identifier | None = Field(default=None, description="Perks: the feature unlocked")
    duration_days: int | None = Field(default=None, ge=1, le=3650, description="Perks: how long it lasts")
    partner: str | None = Field(default=None, max_length=100, description="Charity or vendor of a voucher")
    active: bool = True

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.kind is RewardKind.PERK and (self.entitlement is None or self.duration_days is None):
            raise ValueError("a perk needs an entitlement and a duration_days")
        if self.kind is not RewardKind.PERK and not self.amount:
            raise ValueError(f"a {self.kind} reward needs an amount")
        if self.kind in (RewardKind.CHARITY, RewardKind.VOUCHER) and not self.partner:
            raise ValueError(f"a {self.kind} reward needs a partner")
        return self


def _default_thresholds() -> dict[Stage, StageThreshold]:
    return {
        Stage.REGULAR: StageThreshold(purchases=3),
        Stage.ENGAGED: StageThreshold(purchases=3, contributions=3),
        Stage.FAN: StageThreshold(purchases=5, contributions=10),
        Stage.AMBASSADOR: StageThreshold(purchases=5, contributions=10, referrals=2),
    }


def _default_multipliers() -> dict[Stage, int]:
    return {Stage.NEW: 100, Stage.REGULAR: 100, Stage.ENGAGED: 110, Stage.FAN: 125, Stage.AMBASSADOR: 150}


def _default_catalog() -> list[CatalogReward]:
    return [
        CatalogReward(reward_id="gift-card-5", kind=RewardKind.GIFT_CARD, title="€5 gift card", points=500, amount=500),
        CatalogReward(
            reward_id="gift-card-10", kind=RewardKind.GIFT_CARD, title="€10 gift card", points=950, amount=1000
        ),
        CatalogReward(
            reward_id="early-access",
            kind=RewardKind.PERK,
            title="Early access to new collections for 90 days",
            points=300,
            entitlement="early_access",
            duration_days=90,
        ),
        CatalogReward(
            reward_id="charity-trees",
            kind=RewardKind.CHARITY,
            title="Plant trees: a €5 donation",
            points=450,
            amount=500,
            partner="Trees for All",
        ),
    ]


class EarningRules(StrictInput):
    """Everything an admin configures about points and stages (`PUT /admin/rewards/rules`)."""

    orders: OrderRule = Field(default_factory=OrderRule)
    reviews: ReviewRule = Field(default_factory=ReviewRule)
    answer_accepted: FlatRule = Field(default_factory=lambda: FlatRule(points=15))
    collection_rated: CollectionRule = Field(default_factory=CollectionRule)
    idea_milestone: FlatRule = Field(default_factory=lambda: FlatRule(points=50))
    feedback_acted_on: FlatRule = Field(default_factory=lambda: FlatRule(points=25))
    share_clicked: FlatRule = Field(default_factory=lambda: FlatRule(points=2), description="Once per share")
    visits: VisitRule = Field(default_factory=VisitRule)
    referrals: ReferralRule = Field(default_factory=ReferralRule)
    advice: AdviceRule = Field(default_factory=AdviceRule)
    stage_multipliers: dict[Stage, Percent] = Field(default_factory=_default_multipliers)
    stage_thresholds: dict[Stage, StageThreshold] = Field(default_factory=_default_thresholds)
    stage_window_days: int = Field(default=365, ge=1, le=3650, description="Activity counted for stages")
    stage_period_days: int = Field(default=90, ge=1, le=3650, description="Downgrades apply only at a period end")
    expiry_days: int = Field(default=365, ge=1, le=3650, description="Earned points expire after this")
    point_value: int = Field(
        default=1, ge=0, le=100, description="Minor units one point pays at checkout (0: points do not pay)"
    )
    campaigns: list[Campaign] = Field(default_factory=list, max_length=50)
    catalog: list[CatalogReward] = Field(default_factory=_default_catalog, max_length=200)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        missing = [stage for stage in Stage if stage not in self.stage_multipliers]
        if missing:
            raise ValueError(f"stage_multipliers lacks {', '.join(missing)}")
        upper = [stage for stage in Stage if stage is not Stage.NEW]
        if set(self.stage_thresholds) != set(upper):
            raise ValueError(f"stage_thresholds needs exactly {', '.join(upper)}")
        for lower, higher in itertools.pairwise(upper):
            if not self.stage_thresholds[higher].covers(self.stage_thresholds[lower]):
                raise ValueError(f"the {higher} threshold must be at least the {lower} one")
        ids = [reward.reward_id for reward in self.catalog]
        if len(ids) != len(set(ids)):
            raise ValueError("reward ids must be unique")
        return self

    def multiplier(self, stage: Stage, activity: Activity | None, at: datetime) -> int:
        """The percent applied to earned points: the stage's times every running campaign's."""
        percent = self.stage_multipliers[stage]
        for campaign in self.campaigns:
            if campaign.applies(activity, at):
                percent = percent * campaign.multiplier_percent // 100
        return percent

    def reward(self, reward_id: str) -> CatalogReward | None:
        return next((r for r in self.catalog if r.reward_id == reward_id and r.active), None)


class RulesVersion(Record):
    version: int = Field(description="0: the defaults, never saved")
    rules: EarningRules
    updated_by: str | None = None
    updated_at: datetime | None = None


# ---------------------------------------------------------------------------------- stages


class ActivityStats(Record):
    """A member's activity over the stage window."""

    purchases: int = 0
    contributions: int = 0
    referrals: int = 0

    def plus(self, activity: Activity | None) -> ActivityStats:
        if activity is Activity.PURCHASE:
            return self.model_copy(update={"purchases": self.purchases + 1})
        if activity is Activity.CONTRIBUTION:
            return self.model_copy(update={"contributions": self.contributions + 1})
        if activity is Activity.REFERRAL:
            return self.model_copy(update={"referrals": self.referrals + 1})
        return self


def stats_of(entries: list[LedgerEntry]) -> ActivityStats:
    stats = ActivityStats()
    for entry in entries:
        if entry.kind is EntryKind.EARN:
            stats = stats.plus(entry.activity)
    return stats


def stage_for(stats: ActivityStats, rules: EarningRules) -> Stage:
    """The highest stage whose threshold the activity reaches."""
    reached = Stage.NEW
    for stage in list(Stage)[1:]:
        if rules.stage_thresholds[stage].reached_by(stats):
            reached = stage
    return reached


def upgrade(account: Account, stats: ActivityStats, rules: EarningRules, now: datetime) -> StageChange | None:
    """Upgrades apply at once (a downgrade waits for the period end, see `review`)."""
    target = stage_for(stats, rules)
    if target.rank <= account.stage.rank:
        return None
    return StageChange(account.stage, target, now + timedelta(days=rules.stage_period_days))


def review(account: Account, stats: ActivityStats, rules: EarningRules, now: datetime) -> StageChange:
    """At a period end: the stage the activity supports now (lower, same or higher), and the next
    period end (none once back at `new`)."""
    target = stage_for(stats, rules)
    period = None if target is Stage.NEW else now + timedelta(days=rules.stage_period_days)
    return StageChange(account.stage, target, period)


def expired_points(entries: list[LedgerEntry], balance: int, now: datetime) -> int:
    """Points due to expire now, first in first out: earned points whose expiry has passed, less
    every point already taken off (redeemed, reversed, expired or adjusted down), never more than
    the balance. Running it again after the expiry entry is written gives 0."""
    expired_earnings = sum(
        entry.points
        for entry in entries
        if entry.points > 0 and entry.expires_at is not None and entry.expires_at <= now
    )
    taken = -sum(entry.points for entry in entries if entry.points < 0)
    return max(0, min(balance, expired_earnings - taken))


def visit_points(rule: VisitRule, streak: int) -> int:
    """Points for the visit on day `streak` of a streak (1 = first day)."""
    return min(rule.max_points, rule.points + rule.streak_bonus * (streak - 1))


def next_streak(account: Account, today: date) -> int:
    if account.last_visit is not None and account.last_visit == today - timedelta(days=1):
        return account.streak + 1
    return 1


def normalised_email(email: str | None) -> str | None:
    """The address as a hash, ignoring case and `+tags`, for self-referral checks."""
    if not email or "@" not in email:
        return None
    local, _, domain = email.strip().lower().partition("@")
    return hashlib.sha256(f"{local.split('+', 1)[0]}@{domain}".encode()).hexdigest()


IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


def idempotency_key(raw: str | None) -> str:
    """The Idempotency-Key header a write that moves points requires."""
    if not raw:
        raise BadRequest("send an Idempotency-Key header", code="missing_idempotency_key")
    if not IDEMPOTENCY_KEY.fullmatch(raw):
        raise BadRequest("the Idempotency-Key is 1-128 of A-Z a-z 0-9 _ . : -", code="invalid_idempotency_key")
    return raw


def gift_card_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace("-", "").encode()).hexdigest()


# ---------------------------------------------------------------- advisor cash payouts


class CashDue(Record):
    """Cash owed to an advisor for one rated session, in the period it is paid with."""

    model_config = ConfigDict(frozen=True)

    advisor_id: str
    session_id: str
    period: str = Field(description="YYYY-MM the session is paid with (its month, or the next open one)")
    amount: MinorUnits
    currency: Currency = "EUR"
    rated_at: datetime


class Payout(Record):
    """What finance pays one advisor for one closed month (no transfer happens on the platform)."""

    model_config = ConfigDict(frozen=True)

    payout_id: str
    advisor_id: str
    period: str
    amount: MinorUnits
    currency: Currency = "EUR"
    sessions: tuple[str, ...]
    created_at: datetime


class PayoutRun(Record):
    """The close of one month: created once, then one payout per advisor with cash owed."""

    model_config = ConfigDict(frozen=True)

    period: str
    closed_at: datetime
    closed_by: str
    complete: bool = False


def period_of(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def next_period(period: str) -> str:
    year, month = (int(part) for part in period.split("-"))
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def payout_id(period: str, advisor_id: str) -> str:
    """Deterministic, so a re-run of a close finds the payout it already made."""
    return "po_" + hashlib.sha256(f"{period}#{advisor_id}".encode()).hexdigest()[:24]
