"""Request and response models of the rewards API (pydantic; the OpenAPI document is generated from them)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from functions.common.inputs import StrictInput
from functions.common.models import View
from functions.common.values import Currency, Identifier, MinorUnits
from functions.rewards.logic.domain import (
    Activity,
    CatalogReward,
    EarningRules,
    Entitlement,
    EntryKind,
    GiftCard,
    GiftCardHold,
    LedgerEntry,
    Referral,
    ReferralStatus,
    RewardKind,
    RulesVersion,
    Stage,
)

GiftCardCode = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=8, max_length=40, pattern=r"^[A-Za-z0-9-]+$")
]
CheckoutKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:#-]{1,128}$")]
ReferralCodeIn = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=4, max_length=32, pattern=r"^[A-Za-z0-9]+$")
]


class EntryOut(View):
    entry_id: str
    kind: EntryKind
    points: int = Field(description="Signed: earnings positive, redemptions, reversals and expiry negative")
    reason: str
    at: datetime
    expires_at: datetime | None = None
    activity: Activity | None = None

    @classmethod
    def of(cls, entry: LedgerEntry) -> EntryOut:
        return cls(
            entry_id=entry.entry_id,
            kind=entry.kind,
            points=entry.points,
            reason=entry.reason,
            at=entry.at,
            expires_at=entry.expires_at,
            activity=entry.activity,
        )


class AuditEntryOut(EntryOut):
    """A ledger entry with its audit trail (admins)."""

    rule: str
    cause: str = Field(description="The event id or business key that caused it")
    actor: str | None = Field(default=None, description="The admin who made an adjustment")
    rules_version: int | None = None
    amount: int | None = None

    @classmethod
    def of(cls, entry: LedgerEntry) -> AuditEntryOut:
        return cls(
            **EntryOut.of(entry).model_dump(),
            rule=entry.rule,
            cause=entry.cause,
            actor=entry.actor,
            rules_version=entry.rules_version,
            amount=entry.amount,
        )


class AuditPage(View):
    items: list[AuditEntryOut]
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` to get the next page")


class LedgerPage(View):
    items: list[EntryOut]
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` to get the next page")


class Progress(View):
    """How far a member is from one threshold of the next stage (activity over the stage window)."""

    have: int
    need: int
    left: int = Field(description="What is still missing (0 when reached)")


class StageProgress(View):
    next_stage: Stage | None = Field(description="None at the top stage")
    purchases: Progress | None = None
    contributions: Progress | None = None
    referrals: Progress | None = None


class MeOut(View):
    user_id: str
    balance: int
    stage: Stage
    stage_since: datetime | None = None
    downgrade_check_at: datetime | None = Field(default=None, description="Period end: a downgrade can apply only then")
    progress: StageProgress
    streak: int = Field(description="Consecutive days visited")
    recent: list[EntryOut] = Field(description="The newest ledger entries; GET /rewards/me/ledger for all")


class VisitOut(View):
    day: date
    streak: int
    points: int = Field(description="Points this visit earned (0 when today was already counted)")
    balance: int


class RewardOut(View):
    reward_id: str
    kind: RewardKind
    title: str
    points: int
    amount: int | None = None
    currency: str
    entitlement: str | None = None
    duration_days: int | None = None
    partner: str | None = None

    @classmethod
    def of(cls, reward: CatalogReward) -> RewardOut:
        return cls.model_validate(reward.model_dump(exclude={"active"}))


class CatalogOut(View):
    items: list[RewardOut]


class RedemptionIn(StrictInput):
    reward_id: Identifier


class GiftCardOut(View):
    gift_card_id: str
    code: str | None = Field(default=None, description="Shown once, in the response that issued the card")
    last4: str
    initial: int
    balance: int
    currency: str
    issued_at: datetime

    @classmethod
    def of(cls, card: GiftCard, code: str | None = None) -> GiftCardOut:
        return cls(
            gift_card_id=card.gift_card_id,
            code=code,
            last4=card.last4,
            initial=card.initial,
            balance=card.balance,
            currency=card.currency,
            issued_at=card.issued_at,
        )


class GiftCardList(View):
    items: list[GiftCardOut]


class EntitlementOut(View):
    name: str
    granted_at: datetime
    expires_at: datetime

    @classmethod
    def of(cls, entitlement: Entitlement) -> EntitlementOut:
        return cls(name=entitlement.name, granted_at=entitlement.granted_at, expires_at=entitlement.expires_at)


class EntitlementList(View):
    items: list[EntitlementOut]


class RedemptionOut(View):
    redemption_id: str
    reward_id: str
    kind: RewardKind
    points: int
    balance: int = Field(description="Points left after the redemption")
    at: datetime
    gift_card: GiftCardOut | None = Field(default=None, description="Gift cards: the card, with its code once")
    entitlement: EntitlementOut | None = None
    partner: str | None = Field(default=None, description="Charity or vendor of a donation or voucher")
    amount: int | None = None
    currency: str | None = None


class GiftCardRedeemIn(StrictInput):
    code: GiftCardCode
    amount: MinorUnits = Field(gt=0, description="What is still to pay: the card pays up to this")
    currency: Currency = "EUR"
    key: CheckoutKey = Field(description="Order-scoped key (e.g. the order id): a repeat returns the same hold")


class GiftCardReleaseIn(StrictInput):
    code: GiftCardCode
    key: CheckoutKey


class GiftCardHoldOut(View):
    key: str
    gift_card_id: str
    applied: int = Field(description="Minor units taken from the card for this key (0 once released)")
    status: str = Field(description="captured or released")
    balance: int = Field(description="What is left on the card")
    currency: str

    @classmethod
    def of(cls, hold: GiftCardHold, balance: int) -> GiftCardHoldOut:
        return cls(
            key=hold.key,
            gift_card_id=hold.gift_card_id,
            applied=hold.amount if hold.status == "captured" else 0,
            status=hold.status,
            balance=balance,
            currency=hold.currency,
        )


class ReferralOut(View):
    referee_id: str
    status: ReferralStatus
    reason: str | None = Field(default=None, description="Why it was refused")
    claimed_at: datetime
    due_at: datetime | None = Field(default=None, description="When the first order's return window ends")
    converted_at: datetime | None = None
    points: int | None = None

    @classmethod
    def of(cls, referral: Referral) -> ReferralOut:
        return cls(
            referee_id=referral.referee_id,
            status=referral.status,
            reason=referral.reason,
            claimed_at=referral.claimed_at,
            due_at=referral.due_at,
            converted_at=referral.converted_at,
            points=referral.points,
        )


class ReferralsOut(View):
    code: str
    link: str = Field(description="Path of the sign-up link carrying the code; prefix the client's origin")
    referrals: list[ReferralOut] = Field(description="Everyone who claimed the code, newest first")


class ClaimIn(StrictInput):
    code: ReferralCodeIn


class RulesOut(View):
    version: int = Field(description="0: the defaults, never saved")
    updated_by: str | None = None
    updated_at: datetime | None = None
    rules: EarningRules

    @classmethod
    def of(cls, saved: RulesVersion) -> RulesOut:
        return cls(version=saved.version, updated_by=saved.updated_by, updated_at=saved.updated_at, rules=saved.rules)


class RulesIn(StrictInput):
    expected_version: int = Field(ge=0, description="The version the edit is based on (409 if another was saved)")
    rules: EarningRules


class AdjustmentIn(StrictInput):
    user_id: Identifier
    points: int = Field(ge=-1_000_000, le=1_000_000, description="Signed, not 0")
    reason: str = Field(min_length=3, max_length=500, description="Why: kept in the ledger with who adjusted")


class SegmentCount(View):
    stage: Stage
    members: int


class SegmentsOut(View):
    stages: list[SegmentCount]
    total: int
    affinity: str | None = Field(default=None, description="The affinity the counts are filtered by (case-folded)")


class AffinityCount(View):
    affinity: str
    members: int


class AffinitiesOut(View):
    """The most common affinities, most members first."""

    stage: Stage | None = Field(default=None, description="The stage counted, or null for every member")
    affinities: list[AffinityCount]
    distinct: int = Field(description="How many different affinities members have")


class SegmentMember(View):
    user_id: str
    stage: Stage
    stage_since: datetime | None = None
    balance: int
    affinities: list[str] = Field(default_factory=list)


class SegmentMembersPage(View):
    items: list[SegmentMember]
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` to get the next page")


class StatementLine(View):
    session_id: str
    at: datetime
    points: int
    cash: int = Field(description="Minor units")
    pay_period: str | None = Field(default=None, description="The month whose payout run pays this cash (YYYY-MM)")
    payout_id: str | None = Field(default=None, description="The payout that pays it, once its month is closed")
    paid: bool = Field(default=False, description="True once a payout covers it")


class AdvisorStatement(View):
    """An advisor's compensation for rated advice sessions in one calendar month (UTC)."""

    period: str = Field(description="YYYY-MM")
    sessions: int
    points: int
    cash: int = Field(description="Cash owed for the period, minor units")
    cash_paid: int = Field(default=0, description="Of `cash`, what payouts cover (minor units)")
    currency: str = "EUR"
    items: list[StatementLine]


Period = Annotated[str, StringConstraints(pattern=r"^2\d{3}-(0[1-9]|1[0-2])$")]
"""A month of the years 2000-2999: no statement predates Plein, and every month has a next one."""


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


class PayoutOut(View):
    """One advisor's cash for one closed month: the record finance pays from (no transfer happens here)."""

    payout_id: str
    advisor_id: str
    period: str = Field(description="YYYY-MM")
    amount: int = Field(description="Minor units")
    currency: str
    sessions: list[str]
    created_at: datetime


class PayoutRunOut(View):
    period: str = Field(description="YYYY-MM")
    status: Literal["open", "closed"] = Field(description="closed once an admin closed the month")
    closed_at: datetime | None = None
    closed_by: str | None = None
    payouts: list[PayoutOut]
    total: int = Field(description="Sum of the payouts, minor units")
    currency: str = "EUR"
