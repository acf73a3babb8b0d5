"""An in-memory rewards store with the DynamoDB store's semantics: a posting is all or nothing,
an entry id is written once, a debit never takes the balance below zero, a stage change needs the
stage it changes from; and a settable clock."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from functions.common.errors import Conflict
from functions.common.events import DomainEvent
from functions.rewards.logic.domain import (
    Account,
    Entitlement,
    EntryKind,
    GiftCard,
    GiftCardHold,
    LedgerEntry,
    OrderRef,
    Posting,
    Redemption,
    Referral,
    ReferralCode,
    ReferralStatus,
    RulesVersion,
    Stage,
    StageChange,
)
from functions.rewards.logic.ports import Cursor
from tests.unit.rewards.segment_fakes import InMemoryAffinities, InMemoryPayouts

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime = T0):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def _page(items: list[Any], key: str, limit: int, cursor: Cursor) -> tuple[list[Any], Cursor]:
    """Items after the cursor's key, `limit` of them, and a cursor if more may follow."""
    keys = [getattr(item, key) if not isinstance(item, tuple) else item[0] for item in items]
    start = keys.index(cursor["k"]) + 1 if cursor else 0
    chosen = items[start : start + limit]
    more = start + limit < len(items)
    last = chosen[-1] if chosen else None
    if not more or last is None:
        return chosen, None
    return chosen, {"k": last[0] if isinstance(last, tuple) else getattr(last, key)}


class InMemoryRewardsStore(InMemoryAffinities, InMemoryPayouts):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.accounts: dict[str, Account] = {}
        self.ledger: dict[str, LedgerEntry] = {}
        self.refs: dict[tuple[str, str], OrderRef] = {}
        self.redemptions: dict[tuple[str, str], Redemption] = {}
        self.cards: dict[str, GiftCard] = {}
        self.holds: dict[tuple[str, str], GiftCardHold] = {}
        self.grants: dict[tuple[str, str], Entitlement] = {}
        self.rules: RulesVersion | None = None
        self.rules_history: list[RulesVersion] = []
        self.codes: dict[str, ReferralCode] = {}
        self.referral_items: dict[str, Referral] = {}
        self.outbox: list[DomainEvent] = []

    # ---------------------------------------------------------------- ledger

    def account(self, user_id: str) -> Account | None:
        return self.accounts.get(user_id)

    def post(self, posting: Posting) -> bool:
        with self._lock:
            if posting.entry.entry_id in self.ledger:
                return False
            self._check(posting)
            self._apply(posting)
            return True

    def _check(self, posting: Posting) -> None:
        """Every condition of the transaction, before anything is written."""
        entry = posting.entry
        account = self.accounts.get(entry.user_id) or Account(user_id=entry.user_id)
        if entry.points < 0 and account.balance < -entry.points:
            raise Conflict("not enough points for this", code="insufficient_points")
        if posting.stage is not None and account.stage is not posting.stage.old:
            raise Conflict("the member's stage changed meanwhile", code="stage_changed")
        if entry.ref is not None and entry.kind is not EntryKind.EARN:
            ref = self.refs.get((entry.user_id, entry.ref))
            if ref is None or ref.net < -entry.points:
                raise Conflict("the order's points were reversed meanwhile", code="order_points_changed")
        r = posting.redemption
        if r is not None and (r.user_id, r.idempotency_key) in self.redemptions:
            raise Conflict("a redemption with this key exists", code="redemption_exists")

    def _apply(self, posting: Posting) -> None:
        entry = posting.entry
        account = self.accounts.get(entry.user_id) or Account(user_id=entry.user_id)
        self.ledger[entry.entry_id] = entry
        update: dict[str, Any] = {"balance": account.balance + entry.points}
        if posting.stage is not None:
            change = posting.stage
            update |= {"stage": change.new, "stage_since": entry.at, "period_ends_at": change.period_ends_at}
        if posting.visit is not None:
            update |= {"last_visit": posting.visit[0], "streak": posting.visit[1]}
        self.accounts[entry.user_id] = account.model_copy(update=update)
        if entry.ref is not None:
            key = (entry.user_id, entry.ref)
            if entry.kind is EntryKind.EARN:
                self.refs[key] = OrderRef(earned=entry.points, amount=entry.amount or 0, net=entry.points)
            else:
                self.refs[key] = self.refs[key].model_copy(update={"net": self.refs[key].net + entry.points})
        if posting.redemption is not None:
            self.redemptions[(posting.redemption.user_id, posting.redemption.idempotency_key)] = posting.redemption
        if posting.gift_card is not None:
            self.cards[posting.gift_card.code_hash] = posting.gift_card
        if posting.entitlement is not None:
            self.grants[(posting.entitlement.user_id, posting.entitlement.name)] = posting.entitlement
        self.outbox.extend(posting.events)

    def _entries_of(self, user_id: str) -> list[LedgerEntry]:
        return sorted((e for e in self.ledger.values() if e.user_id == user_id), key=lambda e: (e.at, e.entry_id))

    def entries(self, user_id: str, limit: int, cursor: Cursor) -> tuple[list[LedgerEntry], Cursor]:
        return _page(list(reversed(self._entries_of(user_id))), "entry_id", limit, cursor)

    def entries_since(self, user_id: str, since: datetime | None) -> list[LedgerEntry]:
        return [e for e in self._entries_of(user_id) if since is None or e.at >= since]

    def order_ref(self, user_id: str, ref: str) -> OrderRef | None:
        return self.refs.get((user_id, ref))

    def change_stage(self, user_id: str, change: StageChange, events: Sequence[DomainEvent]) -> None:
        with self._lock:
            account = self.accounts[user_id]
            if account.stage is not change.old:
                raise Conflict("the member's stage changed meanwhile", code="stage_changed")
            since = account.stage_since if change.new is change.old else datetime.now(UTC)
            self.accounts[user_id] = account.model_copy(
                update={"stage": change.new, "stage_since": since, "period_ends_at": change.period_ends_at}
            )
            self.outbox.extend(events)

    def record_first_order(self, user_id: str, order_id: str) -> str:
        with self._lock:
            account = self.accounts.get(user_id) or Account(user_id=user_id)
            if account.first_order_id is None:
                account = account.model_copy(update={"first_order_id": order_id})
                self.accounts[user_id] = account
            return account.first_order_id or order_id

    def _members(self, stage: Stage) -> list[Account]:
        return sorted((a for a in self.accounts.values() if a.stage is stage), key=lambda a: a.user_id)

    def members(self, stage: Stage, limit: int, cursor: Cursor) -> tuple[list[Account], Cursor]:
        return _page(self._members(stage), "user_id", limit, cursor)

    def count_members(self, stage: Stage) -> int:
        return len(self._members(stage))

    def periods_due(self, now: datetime, limit: int) -> list[Account]:
        due = [a for a in self.accounts.values() if a.period_ends_at is not None and a.period_ends_at <= now]
        return sorted(due, key=lambda a: (a.period_ends_at or now, a.user_id))[:limit]

    def redemption(self, user_id: str, idempotency_key: str) -> Redemption | None:
        return self.redemptions.get((user_id, idempotency_key))

    def entitlements(self, user_id: str) -> list[Entitlement]:
        return [e for (owner, _), e in self.grants.items() if owner == user_id]

    # ---------------------------------------------------------------- rules

    def current_rules(self) -> RulesVersion | None:
        return self.rules

    def save_rules(self, rules: RulesVersion, expected_version: int) -> None:
        with self._lock:
            saved = self.rules.version if self.rules else 0
            if saved != expected_version:
                raise Conflict("the rules were changed meanwhile", code="rules_version_conflict")
            self.rules = rules
            self.rules_history.append(rules)

    # ---------------------------------------------------------------- gift cards

    def gift_card(self, code_hash: str) -> GiftCard | None:
        return self.cards.get(code_hash)

    def gift_cards_of(self, user_id: str) -> list[GiftCard]:
        return [c for c in self.cards.values() if c.owner_id == user_id]

    def hold(self, code_hash: str, key: str) -> GiftCardHold | None:
        return self.holds.get((code_hash, key))

    def capture(self, code_hash: str, hold: GiftCardHold) -> bool:
        with self._lock:
            if (code_hash, hold.key) in self.holds:
                return False
            card = self.cards[code_hash]
            if card.balance < hold.amount:
                raise Conflict("the gift card balance changed", code="gift_card_balance_changed")
            self.cards[code_hash] = card.model_copy(update={"balance": card.balance - hold.amount})
            self.holds[(code_hash, hold.key)] = hold
            return True

    def release(self, code_hash: str, hold: GiftCardHold) -> bool:
        with self._lock:
            if self.holds.get((code_hash, hold.key)) != hold:
                return False
            card = self.cards[code_hash]
            self.cards[code_hash] = card.model_copy(update={"balance": card.balance + hold.amount})
            self.holds[(code_hash, hold.key)] = hold.model_copy(update={"status": "released"})
            return True

    # ---------------------------------------------------------------- referrals

    def code_of(self, user_id: str) -> ReferralCode | None:
        return next((c for c in self.codes.values() if c.owner_id == user_id), None)

    def code(self, code: str) -> ReferralCode | None:
        return self.codes.get(code)

    def save_code(self, code: ReferralCode) -> bool:
        with self._lock:
            if code.code in self.codes or self.code_of(code.owner_id) is not None:
                return False
            self.codes[code.code] = code
            return True

    def referral(self, referee_id: str) -> Referral | None:
        return self.referral_items.get(referee_id)

    def save_referral(self, referral: Referral) -> None:
        with self._lock:
            existing = self.referral_items.get(referral.referee_id)
            expected = None if referral.version == 0 else referral.version - 1
            if (existing.version if existing else None) != expected:
                raise Conflict("the referral changed meanwhile", code="referral_changed")
            self.referral_items[referral.referee_id] = referral

    def referrals_of(self, referrer_id: str) -> list[Referral]:
        return [r for r in self.referral_items.values() if r.referrer_id == referrer_id]

    def referrals_due(self, now: datetime) -> list[Referral]:
        return [
            r
            for r in self.referral_items.values()
            if r.status is ReferralStatus.AWAITING_RETURN_WINDOW and r.due_at is not None and r.due_at <= now
        ]
