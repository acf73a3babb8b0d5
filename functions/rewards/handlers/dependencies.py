"""The composition root of the rewards functions: settings, and the services built once per
process on first use (stores are imported inside the providers).

Routes receive services through Powertools `Depends(...)`; tests replace them with
`app.dependency_overrides[member_service] = lambda: services.members` over in-memory fakes
(`build(fake_store, cursors)`). The consumer and the scheduled job get theirs from `worker()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from functions.common.pagination import CursorCodec
from functions.common.settings import (
    ApiSettings,
    CursorSettings,
    Observability,
    Stage,
    TableSettings,
    load_settings,
)
from functions.rewards.logic.checkout_payments import CheckoutPayments
from functions.rewards.logic.earning import EarningService
from functions.rewards.logic.jobs import ScheduledJobs
from functions.rewards.logic.ledger import LedgerService
from functions.rewards.logic.members import MemberService
from functions.rewards.logic.payouts import PayoutService
from functions.rewards.logic.ports import Clock, RewardsStore
from functions.rewards.logic.redemption import RedemptionService
from functions.rewards.logic.referrals import ReferralService
from functions.rewards.logic.rules import RulesService
from functions.rewards.logic.segments import SegmentService


class WorkerSettings(Observability, Stage, TableSettings, CursorSettings):
    """The consumer and the scheduled job: the table (events leave through its outbox)."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Rewards:
    """Every service of the context over one store."""

    rules: RulesService
    points: LedgerService
    members: MemberService
    referrals: ReferralService
    earning: EarningService
    redemptions: RedemptionService
    segments: SegmentService
    jobs: ScheduledJobs
    payouts: PayoutService


def build(store: RewardsStore, cursors: CursorCodec, clock: Clock = utc_now) -> Rewards:
    rules = RulesService(store, clock)
    points = LedgerService(store, rules, clock)
    referrals = ReferralService(store, store, points, rules, clock)
    payouts = PayoutService(store, clock)
    return Rewards(
        rules=rules,
        points=points,
        members=MemberService(store, points, rules, cursors, clock, payouts=payouts),
        referrals=referrals,
        earning=EarningService(store, points, rules, referrals, payouts),
        redemptions=RedemptionService(store, store, points, rules, clock),
        segments=SegmentService(store, store, cursors),
        jobs=ScheduledJobs(store, points, rules, referrals, clock),
        payouts=payouts,
    )


@cache
def api_services() -> Rewards:
    from functions.rewards.store.dynamo import DynamoRewardsStore

    settings = load_settings(ApiSettings)
    return build(DynamoRewardsStore(settings.table_name), CursorCodec(settings.cursor_key))


@cache
def worker() -> Rewards:
    """The consumer's and the scheduled job's services."""
    from functions.rewards.store.dynamo import DynamoRewardsStore

    settings = load_settings(WorkerSettings)
    return build(DynamoRewardsStore(settings.table_name), CursorCodec(settings.cursor_key))


def rules_service() -> RulesService:
    return api_services().rules


def member_service() -> MemberService:
    return api_services().members


def referral_service() -> ReferralService:
    return api_services().referrals


def redemption_service() -> RedemptionService:
    return api_services().redemptions


def segment_service() -> SegmentService:
    return api_services().segments


def payout_service() -> PayoutService:
    return api_services().payouts


class RedemptionsSettings(Observability, Stage, TableSettings):
    """rewards-redemptions (invoked by orders at checkout): the table."""


@cache
def checkout_payments() -> CheckoutPayments:
    """Gift cards and points paying at checkout (rewards-redemptions)."""
    from functions.rewards.store.charges import DynamoCheckoutCharges

    store = DynamoCheckoutCharges(load_settings(RedemptionsSettings).table_name)
    return CheckoutPayments(store, RulesService(store, utc_now), utc_now)
