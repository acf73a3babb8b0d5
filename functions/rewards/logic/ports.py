"""Ports the rewards logic needs; store/dynamo.py implements them on DynamoDB, tests in memory."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from functions.common.events import DomainEvent
from functions.rewards.logic.domain import (
    Account,
    CashDue,
    Entitlement,
    GiftCard,
    GiftCardHold,
    LedgerEntry,
    OrderRef,
    Payout,
    PayoutRun,
    Posting,
    Redemption,
    Referral,
    ReferralCode,
    RulesVersion,
    Stage,
    StageChange,
)

Cursor = dict[str, Any] | None
"""A store's position in a listing (opaque to logic, signed into the client's cursor)."""


class Ledger(Protocol):
    def account(self, user_id: str) -> Account | None: ...

    def post(self, posting: Posting) -> bool:
        """Write the posting in one transaction. False (and nothing written) when its entry id is
        already in the ledger. Raises Conflict `insufficient_points` when the balance would go
        below zero and Conflict `stage_changed` when the account's stage is no longer `stage.old`."""
        ...

    def entries(self, user_id: str, limit: int, cursor: Cursor) -> tuple[list[LedgerEntry], Cursor]:
        """Newest first."""
        ...

    def entries_since(self, user_id: str, since: datetime | None) -> list[LedgerEntry]:
        """Every entry at or after `since` (all of them for None), oldest first."""
        ...

    def order_ref(self, user_id: str, ref: str) -> OrderRef | None: ...

    def change_stage(self, user_id: str, change: StageChange, events: Sequence[DomainEvent]) -> None:
        """Conflict `stage_changed` when the stage is no longer `change.old`."""
        ...

    def record_first_order(self, user_id: str, order_id: str) -> str:
        """Remember the member's first order (once); returns the first order id."""
        ...

    def members(self, stage: Stage, limit: int, cursor: Cursor) -> tuple[list[Account], Cursor]: ...

    def count_members(self, stage: Stage) -> int: ...

    def periods_due(self, now: datetime, limit: int) -> list[Account]:
        """Members whose stage period ended at or before `now`."""
        ...

    def redemption(self, user_id: str, idempotency_key: str) -> Redemption | None: ...

    def entitlements(self, user_id: str) -> list[Entitlement]: ...


class RulesStore(Protocol):
    def current_rules(self) -> RulesVersion | None: ...

    def save_rules(self, rules: RulesVersion, expected_version: int) -> None:
        """Conflict `rules_version_conflict` unless the saved version is `expected_version`."""
        ...


class GiftCards(Protocol):
    def gift_card(self, code_hash: str) -> GiftCard | None: ...

    def gift_cards_of(self, user_id: str) -> list[GiftCard]: ...

    def hold(self, code_hash: str, key: str) -> GiftCardHold | None: ...

    def capture(self, code_hash: str, hold: GiftCardHold) -> bool:
        """Take `hold.amount` off the card and save the hold, once per key (False when the key is
        already held). Conflict `gift_card_balance_changed` when the balance is below the amount."""
        ...

    def release(self, code_hash: str, hold: GiftCardHold) -> bool:
        """Put a captured hold's amount back and mark it released; False when it already was."""
        ...


class Referrals(Protocol):
    def code_of(self, user_id: str) -> ReferralCode | None: ...

    def code(self, code: str) -> ReferralCode | None: ...

    def save_code(self, code: ReferralCode) -> bool:
        """Save a member's code; False when the code belongs to someone else or the member has one."""
        ...

    def referral(self, referee_id: str) -> Referral | None: ...

    def save_referral(self, referral: Referral) -> None:
        """Create (version 0) or replace the referral saved at `referral.version - 1`; Conflict
        `referral_changed` otherwise."""
        ...

    def referrals_of(self, referrer_id: str) -> list[Referral]: ...

    def referrals_due(self, now: datetime) -> list[Referral]: ...


class Affinities(Protocol):
    """Members' affinities, kept on their accounts (from community's ProfileUpdated)."""

    def set_affinities(self, user_id: str, affinities: Sequence[str], version: str) -> bool:
        """Replace the member's affinities (creating a `new` account if needed) unless a version at
        or after `version` is saved; False then (an older or redelivered event)."""
        ...

    def members_with(self, stage: Stage, affinity: str, limit: int, cursor: Cursor) -> tuple[list[Account], Cursor]:
        """Members of `stage` with `affinity`; a page may hold fewer than `limit` with more to come."""
        ...

    def count_members_with(self, stage: Stage, affinity: str) -> int: ...

    def affinity_counts(self, stage: Stage | None) -> dict[str, int]:
        """Members per affinity (of one stage, or of all)."""
        ...


class Payouts(Protocol):
    def record_due(self, due: CashDue) -> CashDue | None:
        """Save the session's cash once, in `due.period` or (when that period's run exists) the
        next period without a run; the saved due, or None when the session was already saved."""
        ...

    def due_of(self, session_ids: Sequence[str]) -> dict[str, CashDue]: ...

    def dues(self, period: str) -> list[CashDue]: ...

    def open_run(self, run: PayoutRun) -> tuple[PayoutRun, bool]:
        """Create the period's run (True), or return the one that exists (False)."""
        ...

    def complete_run(self, period: str) -> None: ...

    def run(self, period: str) -> PayoutRun | None: ...

    def save_payout(self, payout: Payout, events: Sequence[DomainEvent]) -> bool:
        """Save the payout and its events once per advisor and period; False when it exists."""
        ...

    def payouts(self, period: str) -> list[Payout]: ...

    def payout(self, period: str, advisor_id: str) -> Payout | None: ...


class Clock(Protocol):
    def __call__(self) -> datetime: ...


class RewardsStore(Ledger, RulesStore, GiftCards, Referrals, Affinities, Payouts, Protocol):
    """The context's one table serves every port."""
