"""Events the rewards context publishes (source `plein.rewards`), always through its outbox:
saved in the same transaction as the ledger change they describe. Consumers declare their own views."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from functions.common.events import DomainEvent
from functions.common.values import Currency

SOURCE = "plein.rewards"


class PointsAwarded(DomainEvent):
    """Points were earned (or, for `reason` adjust, credited by an admin)."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "PointsAwarded"

    user_id: str
    entry_id: str
    points: int
    reason: str
    balance: int = Field(description="The balance after this entry")


class StageChanged(DomainEvent):
    """A member moved along the journey (new → regular → engaged → fan → ambassador); downgrades
    happen only at a period end. Subscribe for targeted communication per segment."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "StageChanged"

    user_id: str
    old_stage: str
    new_stage: str


class RewardRedeemed(DomainEvent):
    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "RewardRedeemed"

    user_id: str
    redemption_id: str
    reward_id: str
    kind: str = Field(description="gift_card, perk, charity or voucher")
    points: int


class GiftCardIssued(DomainEvent):
    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "GiftCardIssued"

    user_id: str
    gift_card_id: str
    amount: int = Field(description="Minor units")
    currency: Currency = "EUR"


class ReferralConverted(DomainEvent):
    """The referee's first order was delivered and kept past its return window: the referrer earned."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "ReferralConverted"

    referrer_id: str
    referee_id: str
    points: int


class AdvisorPaid(DomainEvent):
    """An admin closed a month and the advisor has a cash payout for it: the record finance pays
    from (the platform moves no money). Once per advisor and month."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "AdvisorPaid"

    advisor_id: str
    payout_id: str
    period: str = Field(description="YYYY-MM")
    amount: int = Field(description="Minor units")
    currency: Currency = "EUR"
    sessions: int = Field(description="How many rated sessions it pays")


PUBLISHED: tuple[type[DomainEvent], ...] = (
    PointsAwarded,
    StageChanged,
    RewardRedeemed,
    GiftCardIssued,
    ReferralConverted,
    AdvisorPaid,
)
