"""Hearts and trending: one heart per member and product (idempotent both ways), a count per
product, and a trending ranking that a handful of accounts cannot game.

Trending (`domain.trending_scores`) adds up the hearts given within the window, each weighed by
the member's age on Plein (nothing in the first day, little in the first weeks) and halved every
half-life since it was given. Hearts are listed per day, so a ranking reads at most the hearts of
the window's days (up to MAX_HEARTS_READ; beyond that the most recent ones count).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from functions.common.auth import Principal
from functions.community.logic.deps import Deps
from functions.community.logic.domain import (
    WINDOWS,
    Heart,
    HeartCount,
    heart_weight,
    ranked,
    sortable,
    trending_scores,
)
from functions.community.logic.members import member_since
from functions.community.logic.paging import retrying
from functions.community.logic.ports import Change, Delete, Link, Put, Ref, Unlink
from functions.community.models.api import HeartView, TrendingItem, TrendingList
from functions.community.models.events import ProductHearted

MAX_HEARTS_READ = 20_000
PAGE = 500


def heart_ref(product_id: str, user_id: str) -> Ref:
    return Ref("heart", f"{product_id}#{user_id}")


def _day(at: datetime) -> str:
    return f"{at:%Y-%m-%d}"


class HeartService:
    def __init__(self, deps: Deps):
        self._docs = deps.docs
        self._clock = deps.clock

    def count(self, product_id: str) -> int:
        doc = self._docs.get(Ref("hearts", product_id))
        return HeartCount.model_validate(doc.data).hearts if doc else 0

    def status(self, principal: Principal, product_id: str) -> HeartView:
        hearted = self._docs.get(heart_ref(product_id, principal.user_id)) is not None
        return HeartView(product_id=product_id, hearted=hearted, hearts=self.count(product_id))

    def heart(self, principal: Principal, product_id: str) -> HeartView:
        """Heart a product; hearting it again changes nothing (and publishes nothing)."""
        ref = heart_ref(product_id, principal.user_id)

        def attempt() -> HeartView:
            if self._docs.get(ref) is not None:
                return HeartView(product_id=product_id, hearted=True, hearts=self.count(product_id))
            now = self._clock()
            joined_at, changes = member_since(self._docs, principal.user_id, now)
            heart = Heart(product_id=product_id, user_id=principal.user_id, at=now, weight=heart_weight(joined_at, now))
            hearts = self._count_change(product_id, +1, changes)
            changes += [
                Put(ref, heart.model_dump(mode="json"), expect=0),
                Link("hearts_by_day", _day(now), ref, sortable(now)),
                Link("hearted_by", principal.user_id, Ref("product", product_id), sortable(now)),
            ]
            self._docs.commit(changes, [ProductHearted(product_id=product_id, user_id=principal.user_id)])
            return HeartView(product_id=product_id, hearted=True, hearts=hearts)

        return retrying(attempt)

    def unheart(self, principal: Principal, product_id: str) -> HeartView:
        """Take a heart back; without one, nothing changes."""
        ref = heart_ref(product_id, principal.user_id)

        def attempt() -> HeartView:
            doc = self._docs.get(ref)
            if doc is None:
                return HeartView(product_id=product_id, hearted=False, hearts=self.count(product_id))
            heart = Heart.model_validate(doc.data)
            changes: list[Change] = []
            hearts = self._count_change(product_id, -1, changes)
            changes += [
                Delete(ref, expect=doc.version),
                Unlink("hearts_by_day", _day(heart.at), ref),
                Unlink("hearted_by", principal.user_id, Ref("product", product_id)),
            ]
            event = ProductHearted(product_id=product_id, user_id=principal.user_id, hearted=False)
            self._docs.commit(changes, [event])
            return HeartView(product_id=product_id, hearted=False, hearts=hearts)

        return retrying(attempt)

    def _count_change(self, product_id: str, delta: int, changes: list[Change]) -> int:
        ref = Ref("hearts", product_id)
        doc = self._docs.get(ref)
        current = HeartCount.model_validate(doc.data) if doc else HeartCount(product_id=product_id)
        updated = HeartCount(product_id=product_id, hearts=max(0, current.hearts + delta))
        changes.append(Put(ref, updated.model_dump(mode="json"), expect=doc.version if doc else 0))
        return updated.hearts

    def trending(self, window: str, limit: int) -> TrendingList:
        now = self._clock()
        hearts = self._recent_hearts(now, WINDOWS[window])
        top = ranked(trending_scores(hearts, now, window), limit)
        counts = self._docs.get_many([Ref("hearts", product_id) for product_id, _ in top])
        hearts_of = {ref.id: HeartCount.model_validate(doc.data).hearts for ref, doc in counts.items()}
        items = [
            TrendingItem(product_id=product_id, score=round(score, 4), hearts=hearts_of.get(product_id, 0))
            for product_id, score in top
        ]
        return TrendingList(window=window, items=items)

    def _recent_hearts(self, now: datetime, span: timedelta) -> list[Heart]:
        since = sortable(now - span)
        refs: list[Ref] = []
        day = now
        while _day(day) >= _day(now - span) and len(refs) < MAX_HEARTS_READ:
            after = None
            while len(refs) < MAX_HEARTS_READ:
                found = self._docs.entries("hearts_by_day", _day(day), limit=PAGE, after=after, until=since)
                refs += [entry.ref for entry in found.entries]
                after = found.after
                if after is None:
                    break
            day -= timedelta(days=1)
        loaded = self._docs.get_many(refs)
        return [Heart.model_validate(doc.data) for doc in loaded.values()]
