"""Segments for targeted communication: members per journey stage and per affinity, counted, listed
and exported (admins only). Stage changes also leave as StageChanged events an e-mail tool can
subscribe to.

Affinities come from the member's community profile (ProfileUpdated `interests`), case-folded and
kept on the member's account: the newest event wins (by its time, then its id), so a redelivered or
out-of-order event changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC

from functions.common.auth import Principal, Role
from functions.common.errors import NotFound
from functions.common.pagination import CursorCodec, clamp_limit
from functions.rewards.logic.domain import Account, Stage
from functions.rewards.logic.ports import Affinities, Cursor, Ledger
from functions.rewards.models.api import (
    AffinitiesOut,
    AffinityCount,
    SegmentCount,
    SegmentMember,
    SegmentMembersPage,
    SegmentsOut,
)
from functions.rewards.models.consumed import ProfileUpdatedView

EXPORT_PAGE = 100
EXPORT_MAX_ROWS = 50_000
CSV_COLUMNS = ("user_id", "stage", "stage_since", "balance", "affinities")
MAX_AFFINITIES = 50
MAX_AFFINITY_LENGTH = 60
TOP_AFFINITIES = 10


def affinity_key(value: str) -> str:
    return value.strip().casefold()


def affinities_of(values: list[str]) -> list[str]:
    """Case-folded, trimmed, de-duplicated (in order), at most MAX_AFFINITIES."""
    seen: dict[str, None] = {}
    for value in values:
        key = affinity_key(value)[:MAX_AFFINITY_LENGTH]
        if key:
            seen.setdefault(key, None)
    return list(seen)[:MAX_AFFINITIES]


class SegmentService:
    def __init__(self, ledger: Ledger, affinities: Affinities, cursors: CursorCodec):
        self._ledger = ledger
        self._affinities = affinities
        self._cursors = cursors

    # ---------------------------------------------------------------- the consumer

    def profile_updated(self, event: ProfileUpdatedView) -> bool:
        """Keep the member's affinities; True when they changed (False for an older or repeated event)."""
        version = f"{event.occurred_at.astimezone(UTC).isoformat()}#{event.event_id}"
        return self._affinities.set_affinities(event.user_id, affinities_of(event.interests), version)

    # ---------------------------------------------------------------- admins

    def counts(self, caller: Principal, affinity: str | None = None) -> SegmentsOut:
        """Members per stage; with `affinity`, only those who have it (stage and affinity)."""
        caller.require(Role.ADMIN)
        key = affinity_key(affinity) if affinity else None

        def count(stage: Stage) -> int:
            return self._affinities.count_members_with(stage, key) if key else self._ledger.count_members(stage)

        stages = [SegmentCount(stage=stage, members=count(stage)) for stage in Stage]
        return SegmentsOut(stages=stages, total=sum(s.members for s in stages), affinity=key)

    def top_affinities(self, caller: Principal, stage: str | None, limit: int | None) -> AffinitiesOut:
        """The most common affinities with their member counts (of one stage, or of everyone)."""
        caller.require(Role.ADMIN)
        chosen = segment(stage) if stage else None
        counts = Counter(self._affinities.affinity_counts(chosen))
        top = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[: limit or TOP_AFFINITIES]
        return AffinitiesOut(
            stage=chosen,
            affinities=[AffinityCount(affinity=name, members=members) for name, members in top],
            distinct=len(counts),
        )

    def members(
        self, caller: Principal, name: str, limit: int | None, cursor: str | None, affinity: str | None = None
    ) -> SegmentMembersPage:
        caller.require(Role.ADMIN)
        stage = segment(name)
        key = affinity_key(affinity) if affinity else None
        scope = f"segment:{stage}" if key is None else f"segment:{stage}:{key}"
        accounts, after = self._page(stage, key, clamp_limit(limit), self._cursors.decode(cursor, scope))
        return SegmentMembersPage(items=[_member(a) for a in accounts], next_cursor=self._cursors.encode(after, scope))

    def export_csv(self, caller: Principal, name: str, affinity: str | None = None) -> str:
        """The whole segment as CSV (up to EXPORT_MAX_ROWS members); affinities joined with `;`."""
        caller.require(Role.ADMIN)
        stage = segment(name)
        key = affinity_key(affinity) if affinity else None
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        cursor: Cursor = None
        rows = 0
        while rows < EXPORT_MAX_ROWS:
            accounts, cursor = self._page(stage, key, EXPORT_PAGE, cursor)
            for account in accounts:
                member = _member(account)
                since = member.stage_since.isoformat() if member.stage_since else ""
                writer.writerow((member.user_id, member.stage, since, member.balance, ";".join(member.affinities)))
            rows += len(accounts)
            if cursor is None:
                break
        return out.getvalue()

    def _page(self, stage: Stage, affinity: str | None, limit: int, cursor: Cursor) -> tuple[list[Account], Cursor]:
        if affinity:
            return self._affinities.members_with(stage, affinity, limit, cursor)
        return self._ledger.members(stage, limit, cursor)


def segment(name: str) -> Stage:
    try:
        return Stage(name)
    except ValueError:
        raise NotFound(f"no segment {name!r}; segments are the journey stages", code="segment_not_found") from None


def _member(account: Account) -> SegmentMember:
    return SegmentMember(
        user_id=account.user_id,
        stage=account.stage,
        stage_since=account.stage_since,
        balance=account.balance,
        affinities=list(account.affinities),
    )
