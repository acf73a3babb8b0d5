"""Segments for targeted communication: members per journey stage, counted, listed and exported
(admins only). Stage changes also leave as StageChanged events an e-mail tool can subscribe to."""

from __future__ import annotations

import csv
import io

from functions.common.auth import Principal, Role
from functions.common.errors import NotFound
from functions.common.pagination import CursorCodec, clamp_limit
from functions.rewards.logic.domain import Account, Stage
from functions.rewards.logic.ports import Ledger
from functions.rewards.models.api import SegmentCount, SegmentMember, SegmentMembersPage, SegmentsOut

EXPORT_PAGE = 100
EXPORT_MAX_ROWS = 50_000
CSV_COLUMNS = ("user_id", "stage", "stage_since", "balance")


class SegmentService:
    def __init__(self, ledger: Ledger, cursors: CursorCodec):
        self._ledger = ledger
        self._cursors = cursors

    def counts(self, caller: Principal) -> SegmentsOut:
        caller.require(Role.ADMIN)
        stages = [SegmentCount(stage=stage, members=self._ledger.count_members(stage)) for stage in Stage]
        return SegmentsOut(stages=stages, total=sum(s.members for s in stages))

    def members(self, caller: Principal, name: str, limit: int | None, cursor: str | None) -> SegmentMembersPage:
        caller.require(Role.ADMIN)
        stage = segment(name)
        scope = f"segment:{stage}"
        accounts, after = self._ledger.members(stage, clamp_limit(limit), self._cursors.decode(cursor, scope))
        return SegmentMembersPage(items=[_member(a) for a in accounts], next_cursor=self._cursors.encode(after, scope))

    def export_csv(self, caller: Principal, name: str) -> str:
        """The whole segment as CSV (up to EXPORT_MAX_ROWS members)."""
        caller.require(Role.ADMIN)
        stage = segment(name)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        cursor = None
        rows = 0
        while rows < EXPORT_MAX_ROWS:
            accounts, cursor = self._ledger.members(stage, EXPORT_PAGE, cursor)
            for account in accounts:
                member = _member(account)
                since = member.stage_since.isoformat() if member.stage_since else ""
                writer.writerow((member.user_id, member.stage, since, member.balance))
            rows += len(accounts)
            if cursor is None:
                break
        return out.getvalue()


def segment(name: str) -> Stage:
    try:
        return Stage(name)
    except ValueError:
        raise NotFound(f"no segment {name!r}; segments are the journey stages", code="segment_not_found") from None


def _member(account: Account) -> SegmentMember:
    return SegmentMember(
        user_id=account.user_id, stage=account.stage, stage_since=account.stage_since, balance=account.balance
    )
