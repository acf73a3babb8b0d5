"""Posting to the points ledger: every movement of points goes through here.

Earnings are multiplied per journey stage and running campaign, upgrade the stage in the same
transaction when the member's activity reaches the next threshold, and are written at most once per
(cause, rule): a redelivered or replayed event finds its entry and adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from functions.common.errors import Conflict, Unavailable
from functions.common.events import DomainEvent
from functions.rewards.logic.domain import (
    Account,
    Activity,
    Entitlement,
    EntryKind,
    GiftCard,
    LedgerEntry,
    Posting,
    Redemption,
    RulesVersion,
    entry_id,
    stats_of,
    upgrade,
)
from functions.rewards.logic.ports import Clock, Ledger
from functions.rewards.logic.rules import RulesService
from functions.rewards.models.events import PointsAwarded, StageChanged

_ATTEMPTS = 4


@dataclass(frozen=True)
class Award:
    """Points to earn for one cause under one rule (before multipliers)."""

    user_id: str
    rule: str
    cause: str
    points: int
    reason: str
    activity: Activity | None
    occurred_at: datetime
    ref: str | None = None
    amount: int | None = None
    multiply: bool = True
    visit: tuple[date, int] | None = None
    events: tuple[DomainEvent, ...] = field(default=())


class LedgerService:
    def __init__(self, ledger: Ledger, rules: RulesService, clock: Clock):
        self._ledger = ledger
        self._rules = rules
        self._clock = clock

    def account(self, user_id: str) -> Account:
        return self._ledger.account(user_id) or Account(user_id=user_id)

    def earn(self, award: Award, actor: str | None = None) -> LedgerEntry | None:
        """Write the earning; None when this cause already earned under this rule (or it earns
        nothing: no points and no activity that counts for stages)."""
        current = self._rules.current()
        for _ in range(_ATTEMPTS):
            posting = self._earning(award, current, actor)
            if posting.entry.points == 0 and award.activity is None:
                return None  # a rule set to 0 points, and nothing that counts for stages
            try:
                return posting.entry if self._ledger.post(posting) else None
            except Conflict as exc:
                if exc.code != "stage_changed":
                    raise
        raise Unavailable("the account changed too often, retry shortly", code="account_busy")

    def _earning(self, award: Award, current: RulesVersion, actor: str | None) -> Posting:
        rules, now = current.rules, self._clock()
        account = self.account(award.user_id)
        percent = rules.multiplier(account.stage, award.activity, award.occurred_at) if award.multiply else 100
        points = award.points * percent // 100
        entry = LedgerEntry(
            entry_id=entry_id(award.cause, award.rule),
            user_id=award.user_id,
            kind=EntryKind.EARN if actor is None else EntryKind.ADJUST,
            points=points,
            reason=award.reason,
            rule=award.rule,
            cause=award.cause,
            at=now,
            activity=award.activity,
            expires_at=now + timedelta(days=rules.expiry_days) if points > 0 else None,
            ref=award.ref,
            amount=award.amount,
            actor=actor,
            rules_version=current.version,
        )
        window = self._ledger.entries_since(award.user_id, now - timedelta(days=rules.stage_window_days))
        change = upgrade(account, stats_of([*window, entry]), rules, now)
        events: list[DomainEvent] = list(award.events)
        if points > 0:
            events.insert(0, awarded(entry, account.balance + points))
        if change is not None:
            events.append(StageChanged(user_id=award.user_id, old_stage=change.old, new_stage=change.new))
        return Posting(entry=entry, stage=change, visit=award.visit, events=tuple(events))

    def debit(
        self,
        user_id: str,
        *,
        kind: EntryKind,
        points: int,
        reason: str,
        rule: str,
        cause: str,
        actor: str | None = None,
        ref: str | None = None,
        redemption: Redemption | None = None,
        gift_card: GiftCard | None = None,
        entitlement: Entitlement | None = None,
        events: tuple[DomainEvent, ...] = (),
    ) -> bool:
        """Take `points` (> 0) off the balance, with what moves with it, once per (cause, rule);
        False when already taken. Conflict `insufficient_points` when the balance is short."""
        entry = LedgerEntry(
            entry_id=entry_id(cause, rule),
            user_id=user_id,
            kind=kind,
            points=-points,
            reason=reason,
            rule=rule,
            cause=cause,
            at=self._clock(),
            ref=ref,
            actor=actor,
            rules_version=self._rules.current().version,
        )
        return self._ledger.post(
            Posting(entry=entry, redemption=redemption, gift_card=gift_card, entitlement=entitlement, events=events)
        )


def awarded(entry: LedgerEntry, balance: int) -> PointsAwarded:
    """The event of an earning; its id is the entry's, so the outbox holds it once."""
    return PointsAwarded(
        event_id=entry.entry_id,
        user_id=entry.user_id,
        entry_id=entry.entry_id,
        points=entry.points,
        reason=entry.reason,
        balance=balance,
    )
