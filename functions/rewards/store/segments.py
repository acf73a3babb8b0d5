"""Members' affinities on their account items (the layout is in store/dynamo.py): the list
`affinities` (case-folded) and `affinities_version` (`<event time>#<event id>`, newest wins).
Stage-and-affinity segments query the stage index (gsi2) with a filter on the list."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from functions.common.dynamo import S, condition_held, translate_errors
from functions.rewards.logic.domain import Account, Stage
from functions.rewards.logic.ports import Cursor

ACCOUNT_SK = "ACCOUNT"


class AffinityItems:
    """Implements the Affinities port; mixed into DynamoRewardsStore (its plumbing below)."""

    _table: str
    _db: Any

    if TYPE_CHECKING:

        def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]: ...

        def _page(self, limit: int, cursor: Cursor, **kwargs: Any) -> tuple[list[dict[str, Any]], Cursor]: ...

    def set_affinities(self, user_id: str, affinities: Sequence[str], version: str) -> bool:
        from functions.rewards.store.dynamo import stage_pk

        request = {
            "TableName": self._table,
            "Key": {"pk": S(f"MEMBER#{user_id}"), "sk": S(ACCOUNT_SK)},
            "UpdateExpression": (
                "SET user_id = :u, gsi2sk = :u, stage = if_not_exists(stage, :new), "
                "gsi2pk = if_not_exists(gsi2pk, :newpk), affinities = :a, affinities_version = :v"
            ),
            "ConditionExpression": "attribute_not_exists(affinities_version) OR affinities_version < :v",
            "ExpressionAttributeValues": {
                ":u": S(user_id),
                ":new": S(Stage.NEW),
                ":newpk": S(stage_pk(Stage.NEW)),
                ":a": {"L": [S(a) for a in affinities]},
                ":v": S(version),
            },
        }
        return condition_held(lambda: self._db.update_item(**request))

    def _stage_query(self, stage: Stage, affinity: str | None) -> dict[str, Any]:
        from functions.rewards.store.dynamo import stage_pk

        query: dict[str, Any] = {
            "IndexName": "gsi2",
            "KeyConditionExpression": "gsi2pk = :pk",
            "ExpressionAttributeValues": {":pk": S(stage_pk(stage))},
        }
        if affinity is not None:
            query["FilterExpression"] = "contains(affinities, :a)"
            query["ExpressionAttributeValues"][":a"] = S(affinity)
        return query

    def members_with(self, stage: Stage, affinity: str, limit: int, cursor: Cursor) -> tuple[list[Account], Cursor]:
        from functions.rewards.store.dynamo import account_from_item

        items, after = self._page(limit, cursor, **self._stage_query(stage, affinity))
        return [account_from_item(item) for item in items], after

    def count_members_with(self, stage: Stage, affinity: str | None) -> int:
        """Members at `stage` (with `affinity`, when one is given)."""
        request: dict[str, Any] = {"TableName": self._table, "Select": "COUNT", **self._stage_query(stage, affinity)}
        total = 0
        while True:
            with translate_errors():
                page = self._db.query(**request)
            total += int(page.get("Count", 0))
            if "LastEvaluatedKey" not in page:
                return total
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def affinity_counts(self, stage: Stage | None) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for one in [stage] if stage else list(Stage):
            query = self._stage_query(one, None)
            for item in self._query(ProjectionExpression="affinities", **query):
                counts.update({value["S"] for value in item.get("affinities", {}).get("L", [])})
        return dict(counts)
