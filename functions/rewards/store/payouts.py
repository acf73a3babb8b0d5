"""Advisor cash payouts in the rewards table (the layout table is in store/dynamo.py):

| item | pk | sk |
| --- | --- | --- |
| a session's cash, owed once (its pay period) | `CASHSESSION#<session>` | `DUE` |
| cash owed in a period | `PAYDUE#<period>` | `<advisor>#<session>` |
| a month's payout run | `PAYRUN#<period>` | `RUN` |
| an advisor's payout for the month | `PAYRUN#<period>` | `PAYOUT#<advisor>` (gsi1 `PAYOUTS#<advisor>`) |

Owing a session is one transaction: the period has no run (ConditionCheck), the session is not owed
yet, the owed item. Closing a month writes its run first and then reads the period's owed items
(consistently), so a session owed meanwhile either is read or went to the next period.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from functions.common.dynamo import S, translate_errors
from functions.common.events import DomainEvent
from functions.common.outbox import outbox_put
from functions.rewards.logic.domain import CashDue, Payout, PayoutRun, next_period

MAX_CARRY = 240
"""A late session moves at most this many months forward (runs exist only for past months)."""


def _run_pk(period: str) -> str:
    return f"PAYRUN#{period}"


class PayoutItems:
    """Implements the Payouts port; mixed into DynamoRewardsStore (its plumbing below)."""

    _table: str
    _db: Any

    if TYPE_CHECKING:

        def _get(self, pk: str, sk: str) -> dict[str, Any] | None: ...

        def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]: ...

        def _transact(self, items: list[dict[str, Any]]) -> list[str | None] | None: ...

    def record_due(self, due: CashDue) -> CashDue | None:
        period = due.period
        for _ in range(MAX_CARRY):
            owed = due.model_copy(update={"period": period})
            doc = S(owed.model_dump_json())
            body = {"doc": doc}
            items = [
                {
                    "ConditionCheck": {
                        "TableName": self._table,
                        "Key": {"pk": S(_run_pk(period)), "sk": S("RUN")},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": {"pk": S(f"CASHSESSION#{due.session_id}"), "sk": S("DUE"), "doc": doc},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": {"pk": S(f"PAYDUE#{period}"), "sk": S(f"{due.advisor_id}#{due.session_id}"), **body},
                    }
                },
            ]
            codes = self._transact(items)
            if codes is None:
                return owed
            if codes[1] == "ConditionalCheckFailed":
                return None
            period = next_period(period)
        raise RuntimeError(f"no open period after {due.period}")  # pragma: no cover (runs close past months only)

    def due_of(self, session_ids: Sequence[str]) -> dict[str, CashDue]:
        found: dict[str, CashDue] = {}
        for session_id in dict.fromkeys(session_ids):
            item = self._get(f"CASHSESSION#{session_id}", "DUE")
            if item:
                found[session_id] = CashDue.model_validate_json(item["doc"]["S"])
        return found

    def dues(self, period: str) -> list[CashDue]:
        items = self._query(
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": S(f"PAYDUE#{period}")},
            ConsistentRead=True,
        )
        return [CashDue.model_validate_json(item["doc"]["S"]) for item in items]

    def open_run(self, run: PayoutRun) -> tuple[PayoutRun, bool]:
        item = {"pk": S(_run_pk(run.period)), "sk": S("RUN"), "doc": S(run.model_dump_json())}
        put = {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}
        if self._transact([put]) is None:
            return run, True
        existing = self.run(run.period)
        if existing is None:  # pragma: no cover (a run is never deleted)
            raise RuntimeError("the payout run vanished")
        return existing, False

    def complete_run(self, period: str) -> None:
        run = self.run(period)
        if run is None or run.complete:
            return
        done = run.model_copy(update={"complete": True})
        with translate_errors():
            self._db.put_item(
                TableName=self._table,
                Item={"pk": S(_run_pk(period)), "sk": S("RUN"), "doc": S(done.model_dump_json())},
            )

    def run(self, period: str) -> PayoutRun | None:
        item = self._get(_run_pk(period), "RUN")
        return PayoutRun.model_validate_json(item["doc"]["S"]) if item else None

    def save_payout(self, payout: Payout, events: Sequence[DomainEvent]) -> bool:
        item = {
            "pk": S(_run_pk(payout.period)),
            "sk": S(f"PAYOUT#{payout.advisor_id}"),
            "doc": S(payout.model_dump_json()),
            "gsi1pk": S(f"PAYOUTS#{payout.advisor_id}"),
            "gsi1sk": S(payout.period),
        }
        put = {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}
        return self._transact([put, *(outbox_put(self._table, event) for event in events)]) is None

    def payouts(self, period: str) -> list[Payout]:
        items = self._query(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :payout)",
            ExpressionAttributeValues={":pk": S(_run_pk(period)), ":payout": S("PAYOUT#")},
            ConsistentRead=True,
        )
        return [Payout.model_validate_json(item["doc"]["S"]) for item in items]

    def payout(self, period: str, advisor_id: str) -> Payout | None:
        item = self._get(_run_pk(period), f"PAYOUT#{advisor_id}")
        return Payout.model_validate_json(item["doc"]["S"]) if item else None
