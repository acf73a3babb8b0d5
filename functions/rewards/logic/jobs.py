"""The scheduled job: points expiry, stage reviews at period ends (the only time a member moves
down), and referrals whose return window has ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from functions.common.errors import Conflict
from functions.rewards.logic.domain import (
    Account,
    EntryKind,
    Stage,
    expired_points,
    review,
    stats_of,
)
from functions.rewards.logic.ledger import LedgerService
from functions.rewards.logic.ports import Clock, Ledger
from functions.rewards.logic.referrals import ReferralService
from functions.rewards.logic.rules import RulesService
from functions.rewards.models.events import StageChanged

EXPIRY_RULE = "expiry"
PAGE = 100
MAX_PAGES = 50
"""Stage reviews per run at most PAGE * MAX_PAGES; the rest wait for the next run."""


@dataclass(frozen=True)
class JobReport:
    expired_members: int
    stage_reviews: int
    referrals_decided: int


class ScheduledJobs:
    def __init__(
        self, ledger: Ledger, points: LedgerService, rules: RulesService, referrals: ReferralService, clock: Clock
    ):
        self._ledger = ledger
        self._points = points
        self._rules = rules
        self._referrals = referrals
        self._clock = clock

    def run(self) -> JobReport:
        return JobReport(
            expired_members=self.expire_points(),
            stage_reviews=self.review_stages(),
            referrals_decided=self._referrals.convert_due(),
        )

    def expire_points(self) -> int:
        """Write an expiry entry for every member with points past their expiry; how many."""
        expired = 0
        for stage in Stage:
            cursor = None
            while True:
                members, cursor = self._ledger.members(stage, PAGE, cursor)
                expired += sum(self._expire(account) for account in members if account.balance > 0)
                if cursor is None:
                    break
        return expired

    def _expire(self, account: Account) -> bool:
        now = self._clock()
        entries = self._ledger.entries_since(account.user_id, None)
        points = expired_points(entries, account.balance, now)
        if points <= 0:
            return False
        newest = max(
            (e for e in entries if e.expires_at is not None and e.expires_at <= now), key=lambda e: e.expires_at or now
        )
        # keyed on the newest expired earning: a second run at the same state writes nothing
        return self._points.debit(
            account.user_id,
            kind=EntryKind.EXPIRE,
            points=points,
            reason="points expired",
            rule=EXPIRY_RULE,
            cause=newest.entry_id,
        )

    def review_stages(self) -> int:
        """At each member's period end: move to the stage their activity supports now."""
        rules = self._rules.current().rules
        reviewed = 0
        for _ in range(MAX_PAGES):
            due = self._ledger.periods_due(self._clock(), PAGE)
            for account in due:
                now = self._clock()
                window = self._ledger.entries_since(account.user_id, now - timedelta(days=rules.stage_window_days))
                change = review(account, stats_of(window), rules, now)
                events = []
                if change.new is not change.old:
                    events.append(StageChanged(user_id=account.user_id, old_stage=change.old, new_stage=change.new))
                try:
                    self._ledger.change_stage(account.user_id, change, events)
                except Conflict:
                    continue  # earned meanwhile (and maybe upgraded): reviewed on the next run
                reviewed += 1
            if len(due) < PAGE:
                break
        return reviewed
