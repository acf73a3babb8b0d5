"""A member's own view of the programme: balance, stage and progress, ledger history, daily visits,
entitlements; and admin adjustments (audited in the ledger: who and why)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from functions.common.auth import Principal, Role
from functions.common.errors import UnprocessableEntity
from functions.common.pagination import CursorCodec, clamp_limit
from functions.rewards.logic.domain import (
    Account,
    Activity,
    ActivityStats,
    Entitlement,
    EntryKind,
    LedgerEntry,
    entry_id,
    next_streak,
    stats_of,
    visit_points,
)
from functions.rewards.logic.earning import ADVICE_RULE
from functions.rewards.logic.ledger import Award, LedgerService
from functions.rewards.logic.payouts import PayoutService
from functions.rewards.logic.ports import Clock, Ledger
from functions.rewards.logic.rules import RulesService
from functions.rewards.models.api import (
    AdjustmentIn,
    AdvisorStatement,
    AuditEntryOut,
    AuditPage,
    EntryOut,
    LedgerPage,
    MeOut,
    Progress,
    StageProgress,
    StatementLine,
    VisitOut,
)

RECENT = 5
ADJUSTMENT_RULE = "adjustment"


class MemberService:
    def __init__(
        self,
        ledger: Ledger,
        points: LedgerService,
        rules: RulesService,
        cursors: CursorCodec,
        clock: Clock,
        *,
        payouts: PayoutService | None = None,
    ):
        self._ledger = ledger
        self._points = points
        self._rules = rules
        self._cursors = cursors
        self._clock = clock
        self._payouts = payouts

    def me(self, caller: Principal) -> MeOut:
        return self._summary(caller.user_id)

    def member(self, caller: Principal, user_id: str) -> MeOut:
        """Any member's summary, for admins (support, audits)."""
        caller.require(Role.ADMIN)
        return self._summary(user_id)

    def _summary(self, user_id: str) -> MeOut:
        account = self._points.account(user_id)
        rules = self._rules.current().rules
        window = self._ledger.entries_since(user_id, self._clock() - timedelta(days=rules.stage_window_days))
        recent, _ = self._ledger.entries(user_id, RECENT, None)
        return MeOut(
            user_id=user_id,
            balance=account.balance,
            stage=account.stage,
            stage_since=account.stage_since,
            downgrade_check_at=account.period_ends_at,
            progress=self._progress(account, stats_of(window)),
            streak=self._streak(account),
            recent=[EntryOut.of(entry) for entry in recent],
        )

    def _progress(self, account: Account, stats: ActivityStats) -> StageProgress:
        upcoming = account.stage.next()
        if upcoming is None:
            return StageProgress(next_stage=None)
        need = self._rules.current().rules.stage_thresholds[upcoming]

        def progress(have: int, wanted: int) -> Progress | None:
            return Progress(have=have, need=wanted, left=max(0, wanted - have)) if wanted else None

        return StageProgress(
            next_stage=upcoming,
            purchases=progress(stats.purchases, need.purchases),
            contributions=progress(stats.contributions, need.contributions),
            referrals=progress(stats.referrals, need.referrals),
        )

    def _streak(self, account: Account) -> int:
        """The streak is alive while the last visit was today or yesterday."""
        today = self._clock().date()
        alive = account.last_visit is not None and account.last_visit >= today - timedelta(days=1)
        return account.streak if alive else 0

    def history(self, caller: Principal, limit: int | None, cursor: str | None) -> LedgerPage:
        entries, after = self._entries(caller.user_id, limit, cursor)
        return LedgerPage(items=[EntryOut.of(e) for e in entries], next_cursor=after)

    def audit(self, caller: Principal, user_id: str, limit: int | None, cursor: str | None) -> AuditPage:
        """Any member's ledger with who adjusted, which rule, cause and rules version (admins)."""
        caller.require(Role.ADMIN)
        entries, after = self._entries(user_id, limit, cursor)
        return AuditPage(items=[AuditEntryOut.of(e) for e in entries], next_cursor=after)

    def _entries(self, user_id: str, limit: int | None, cursor: str | None) -> tuple[list[LedgerEntry], str | None]:
        scope = f"ledger:{user_id}"
        entries, after = self._ledger.entries(user_id, clamp_limit(limit), self._cursors.decode(cursor, scope))
        return entries, self._cursors.encode(after, scope)

    def visit(self, caller: Principal) -> VisitOut:
        """Count today's visit once: the first visit of a day earns, more on a streak (capped)."""
        today = self._clock().date()
        account = self._points.account(caller.user_id)
        if account.last_visit == today:
            return VisitOut(day=today, streak=account.streak, points=0, balance=account.balance)
        streak = next_streak(account, today)
        entry = self._points.earn(
            Award(
                user_id=caller.user_id,
                rule="visit",
                cause=f"{caller.user_id}#{today.isoformat()}",
                points=visit_points(self._rules.current().rules.visits, streak),
                reason="daily visit",
                activity=Activity.VISIT,
                occurred_at=self._clock(),
                visit=(today, streak),
            )
        )
        after = self._points.account(caller.user_id)
        return VisitOut(day=today, streak=after.streak, points=entry.points if entry else 0, balance=after.balance)

    def entitlements(self, caller: Principal) -> list[Entitlement]:
        """The caller's perks still running (other contexts ask with the member's token)."""
        now = self._clock()
        return sorted(
            (e for e in self._ledger.entitlements(caller.user_id) if e.expires_at > now), key=lambda e: e.name
        )

    def advice_statement(self, caller: Principal, period: str) -> AdvisorStatement:
        """The caller's compensation for rated advice sessions in `period` (YYYY-MM, UTC): points
        earned and cash owed, each cash line with the month that pays it and, once that month is
        closed, its payout (finance pays from the payout; no money moves on the platform)."""
        year, month = (int(part) for part in period.split("-"))
        start = datetime(year, month, 1, tzinfo=UTC)
        end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
        lines = [
            StatementLine(session_id=e.cause, at=e.at, points=e.points, cash=e.amount or 0)
            for e in self._ledger.entries_since(caller.user_id, start)
            if e.rule == ADVICE_RULE and e.at < end
        ]
        if self._payouts is not None:
            cash = [line.session_id for line in lines if line.cash > 0]
            status = self._payouts.paid_status(caller.user_id, cash) if cash else {}
            for i, line in enumerate(lines):
                if line.session_id in status:
                    pay_period, payout = status[line.session_id]
                    lines[i] = line.model_copy(
                        update={
                            "pay_period": pay_period,
                            "payout_id": payout.payout_id if payout else None,
                            "paid": payout is not None,
                        }
                    )
        return AdvisorStatement(
            period=period,
            sessions=len(lines),
            points=sum(line.points for line in lines),
            cash=sum(line.cash for line in lines),
            cash_paid=sum(line.cash for line in lines if line.paid),
            items=lines,
        )

    def adjust(self, caller: Principal, key: str, request: AdjustmentIn) -> EntryOut:
        """An admin credits or debits a member, once per Idempotency-Key; the entry keeps who and why."""
        caller.require(Role.ADMIN)
        if request.points == 0:
            raise UnprocessableEntity("an adjustment moves at least one point", code="zero_adjustment")
        cause = f"{caller.user_id}#{key}"
        reason = f"adjustment: {request.reason}"
        if request.points > 0:
            self._points.earn(
                Award(
                    user_id=request.user_id,
                    rule=ADJUSTMENT_RULE,
                    cause=cause,
                    points=request.points,
                    reason=reason,
                    activity=None,
                    occurred_at=self._clock(),
                    multiply=False,
                ),
                actor=caller.user_id,
            )
        else:
            self._points.debit(
                request.user_id,
                kind=EntryKind.ADJUST,
                points=-request.points,
                reason=reason,
                rule=ADJUSTMENT_RULE,
                cause=cause,
                actor=caller.user_id,
            )
        return EntryOut(
            entry_id=entry_id(cause, ADJUSTMENT_RULE),
            kind=EntryKind.ADJUST,
            points=request.points,
            reason=reason,
            at=self._clock(),
        )
