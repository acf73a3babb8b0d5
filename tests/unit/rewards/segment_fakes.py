"""In-memory affinities and payouts with the DynamoDB store's semantics (mixed into
InMemoryRewardsStore): newest affinities win, a session is owed once and never in a closed month,
one payout per advisor and month."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from typing import Any

from functions.common.events import DomainEvent
from functions.rewards.logic.domain import Account, CashDue, Payout, PayoutRun, Stage, next_period
from functions.rewards.logic.ports import Cursor


class InMemoryAffinities:
    _lock: threading.Lock
    accounts: dict[str, Account]

    @property
    def _versions(self) -> dict[str, str]:
        found: dict[str, str] = self.__dict__.setdefault("affinity_versions", {})
        return found

    def set_affinities(self, user_id: str, affinities: Sequence[str], version: str) -> bool:
        with self._lock:
            saved = self._versions.get(user_id)
            if saved is not None and saved >= version:
                return False
            self._versions[user_id] = version
            account = self.accounts.get(user_id) or Account(user_id=user_id)
            self.accounts[user_id] = account.model_copy(update={"affinities": tuple(affinities)})
            return True

    def _with(self, stage: Stage | None, affinity: str | None) -> list[Account]:
        return sorted(
            (
                a
                for a in self.accounts.values()
                if (stage is None or a.stage is stage) and (affinity is None or affinity in a.affinities)
            ),
            key=lambda a: a.user_id,
        )

    def members_with(self, stage: Stage, affinity: str, limit: int, cursor: Cursor) -> tuple[list[Account], Cursor]:
        found = self._with(stage, affinity)
        start = [a.user_id for a in found].index(cursor["k"]) + 1 if cursor else 0
        chosen = found[start : start + limit]
        more = start + limit < len(found)
        return chosen, {"k": chosen[-1].user_id} if more and chosen else None

    def count_members_with(self, stage: Stage, affinity: str) -> int:
        return len(self._with(stage, affinity))

    def affinity_counts(self, stage: Stage | None) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for account in self._with(stage, None):
            counts.update(set(account.affinities))
        return dict(counts)


class InMemoryPayouts:
    _lock: threading.Lock
    outbox: list[DomainEvent]

    @property
    def _pay(self) -> dict[str, Any]:
        state: dict[str, Any] = self.__dict__.setdefault(
            "payout_state", {"sessions": {}, "dues": {}, "runs": {}, "payouts": {}}
        )
        return state

    def record_due(self, due: CashDue) -> CashDue | None:
        with self._lock:
            if due.session_id in self._pay["sessions"]:
                return None
            period = due.period
            while period in self._pay["runs"]:
                period = next_period(period)
            owed = due.model_copy(update={"period": period})
            self._pay["sessions"][due.session_id] = owed
            self._pay["dues"].setdefault(period, []).append(owed)
            return owed

    def due_of(self, session_ids: Sequence[str]) -> dict[str, CashDue]:
        sessions: dict[str, CashDue] = self._pay["sessions"]
        return {s: sessions[s] for s in session_ids if s in sessions}

    def dues(self, period: str) -> list[CashDue]:
        return list(self._pay["dues"].get(period, []))

    def open_run(self, run: PayoutRun) -> tuple[PayoutRun, bool]:
        with self._lock:
            existing: PayoutRun | None = self._pay["runs"].get(run.period)
            if existing is not None:
                return existing, False
            self._pay["runs"][run.period] = run
            return run, True

    def complete_run(self, period: str) -> None:
        run = self._pay["runs"].get(period)
        if run is not None:
            self._pay["runs"][period] = run.model_copy(update={"complete": True})

    def run(self, period: str) -> PayoutRun | None:
        found: PayoutRun | None = self._pay["runs"].get(period)
        return found

    def save_payout(self, payout: Payout, events: Sequence[DomainEvent]) -> bool:
        with self._lock:
            key = (payout.period, payout.advisor_id)
            if key in self._pay["payouts"]:
                return False
            self._pay["payouts"][key] = payout
            self.outbox.extend(events)
            return True

    def payouts(self, period: str) -> list[Payout]:
        return sorted((p for (per, _), p in self._pay["payouts"].items() if per == period), key=lambda p: p.advisor_id)

    def payout(self, period: str, advisor_id: str) -> Payout | None:
        found: Payout | None = self._pay["payouts"].get((period, advisor_id))
        return found
