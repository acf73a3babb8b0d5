"""Advisor cash payouts: an admin closes a finished month, and every advisor with cash owed for it
gets exactly one payout, the record finance pays from (the platform moves no money).

A cash-paid rated session is owed in the month it was rated (UTC). When that month is already
closed as the session reaches rewards (a late event), it is owed in the next month that is not
closed, so a closed month never changes and nothing is paid twice or lost. Closing writes the
month's run first; sessions recorded after that see the run and go to the next month.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import datetime

from functions.common.auth import Principal, Role
from functions.common.errors import Conflict
from functions.common.values import DEFAULT_CURRENCY
from functions.rewards.logic.domain import CashDue, Payout, PayoutRun, payout_id, period_of
from functions.rewards.logic.ports import Clock, Payouts
from functions.rewards.models.api import PayoutOut, PayoutRunOut
from functions.rewards.models.events import AdvisorPaid

CSV_COLUMNS = ("payout_id", "advisor_id", "period", "amount", "currency", "sessions", "created_at")


class PayoutService:
    def __init__(self, payouts: Payouts, clock: Clock):
        self._payouts = payouts
        self._clock = clock

    def record(self, advisor_id: str, session_id: str, amount: int, rated_at: datetime) -> CashDue | None:
        """Owe an advisor a session's cash (once per session); None when it was already owed."""
        if amount <= 0:
            return None
        due = CashDue(
            advisor_id=advisor_id, session_id=session_id, period=period_of(rated_at), amount=amount, rated_at=rated_at
        )
        return self._payouts.record_due(due)

    def close(self, caller: Principal, period: str) -> tuple[PayoutRunOut, bool]:
        """Close a finished month: one payout per advisor owed cash in it. A repeat (or a retry
        after a crash) adds only what is missing and returns the same run; True when this call closed it."""
        caller.require(Role.ADMIN)
        now = self._clock()
        if period >= period_of(now):
            raise Conflict(f"{period} is not over yet; close a finished month", code="period_not_finished")
        run, created = self._payouts.open_run(PayoutRun(period=period, closed_at=now, closed_by=caller.user_id))
        if not run.complete:
            self._pay(run)
            self._payouts.complete_run(period)
        return self._view(period, run), created

    def _pay(self, run: PayoutRun) -> None:
        owed: dict[str, list[CashDue]] = defaultdict(list)
        for due in self._payouts.dues(run.period):
            owed[due.advisor_id].append(due)
        for advisor_id, dues in sorted(owed.items()):
            payout = Payout(
                payout_id=payout_id(run.period, advisor_id),
                advisor_id=advisor_id,
                period=run.period,
                amount=sum(d.amount for d in dues),
                currency=dues[0].currency,
                sessions=tuple(sorted(d.session_id for d in dues)),
                created_at=self._clock(),
            )
            event = AdvisorPaid(
                advisor_id=advisor_id,
                payout_id=payout.payout_id,
                period=run.period,
                amount=payout.amount,
                currency=payout.currency,
                sessions=len(payout.sessions),
            )
            self._payouts.save_payout(payout, [event])

    def run(self, caller: Principal, period: str) -> PayoutRunOut:
        caller.require(Role.ADMIN)
        return self._view(period, self._payouts.run(period))

    def export_csv(self, caller: Principal, period: str) -> str:
        view = self.run(caller, period)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for p in view.payouts:
            writer.writerow(
                (p.payout_id, p.advisor_id, p.period, p.amount, p.currency, len(p.sessions), p.created_at.isoformat())
            )
        return out.getvalue()

    def _view(self, period: str, run: PayoutRun | None) -> PayoutRunOut:
        payouts = [_out(p) for p in self._payouts.payouts(period)] if run else []
        return PayoutRunOut(
            period=period,
            status="closed" if run else "open",
            closed_at=run.closed_at if run else None,
            closed_by=run.closed_by if run else None,
            payouts=payouts,
            total=sum(p.amount for p in payouts),
            currency=payouts[0].currency if payouts else DEFAULT_CURRENCY,
        )

    def paid_status(self, advisor_id: str, session_ids: list[str]) -> dict[str, tuple[str, Payout | None]]:
        """For each owed session: the period that pays it and, once closed, the payout."""
        found: dict[str, tuple[str, Payout | None]] = {}
        payouts: dict[str, Payout | None] = {}
        for session_id, due in self._payouts.due_of(session_ids).items():
            if due.advisor_id != advisor_id:
                continue
            if due.period not in payouts:
                payouts[due.period] = self._payouts.payout(due.period, advisor_id)
            payout = payouts[due.period]
            found[session_id] = (due.period, payout if payout and session_id in payout.sessions else None)
        return found


def _out(payout: Payout) -> PayoutOut:
    return PayoutOut(
        payout_id=payout.payout_id,
        advisor_id=payout.advisor_id,
        period=payout.period,
        amount=payout.amount,
        currency=payout.currency,
        sessions=list(payout.sessions),
        created_at=payout.created_at,
    )
