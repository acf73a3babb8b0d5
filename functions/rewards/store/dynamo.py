"""The rewards table (boto3): the points ledger, accounts, rules, gift cards, entitlements and
referrals. The only code that knows the layout (indexes in records.py):

| item | pk | sk |
| --- | --- | --- |
| account (balance, stage, visits) | `MEMBER#<user>` | `ACCOUNT` (gsi2 `STAGE#<stage>`, gsi1 `PERIOD`) |
| ledger entry, listed by time | `MEMBER#<user>` | `LEDGER#<at>#<entry_id>` |
| entry id guard (once per cause) | `ENTRY#<entry_id>` | `ENTRY` |
| what an order's delivery earned | `MEMBER#<user>` | `ORDERREF#<order_id>#<vendor_id>` |
| redemption per Idempotency-Key | `MEMBER#<user>` | `REDEMPTION#<key>` |
| entitlement | `MEMBER#<user>` | `ENT#<name>` |
| gift card (balance) | `GIFTCARD#<sha256 of code>` | `CARD` (gsi1 `GIFTCARDS#<owner>`) |
| gift card hold of a checkout | `GIFTCARD#<sha256 of code>` | `HOLD#<key>` |
| rules (current, history) | `RULES` | `CURRENT`, `V#<version>` |
| referral code | `REFCODE#<code>` and `MEMBER#<user>` | `CODE` and `REFCODE` |
| referral | `REFERRAL#<referee>` | `REFERRAL` (gsi1 `REFERRER#<referrer>`, gsi2 `REFERRALS_DUE`) |
| (store/segments.py) a member's affinities | on the account item: `affinities`, `affinities_version` | |
| (store/payouts.py) cash session owed, once | `CASHSESSION#<session>` | `DUE` (its pay period) |
| (store/payouts.py) cash owed in a period | `PAYDUE#<period>` | `<advisor>#<session>` |
| (store/payouts.py) a month's run, payouts | `PAYRUN#<period>` | `RUN`, `PAYOUT#<advisor>` (gsi1 `PAYOUTS#<adv>`) |

A posting is one TransactWriteItems: the entry guard (`attribute_not_exists`), the ledger item,
the balance (`ADD`, conditional on `balance >= :points` for debits), what moves with it and the
outbox items of its events.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

from functions.common.dynamo import N, S, cancellation_codes, error_code, translate_errors
from functions.common.errors import Conflict, Unavailable
from functions.common.events import DomainEvent
from functions.common.outbox import outbox_put
from functions.rewards.logic.domain import (
    Account,
    Entitlement,
    EntryKind,
    GiftCard,
    GiftCardHold,
    LedgerEntry,
    OrderRef,
    Posting,
    Redemption,
    Referral,
    ReferralCode,
    ReferralStatus,
    RulesVersion,
    Stage,
    StageChange,
)
from functions.rewards.logic.ports import Cursor
from functions.rewards.store.payouts import PayoutItems
from functions.rewards.store.segments import AffinityItems

ACCOUNT = "ACCOUNT"
PERIOD_INDEX = "PERIOD"
DUE_INDEX = "REFERRALS_DUE"
_HIGH = "~"
_ATTEMPTS = 5


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _dt(raw: str) -> datetime:
    return datetime.fromisoformat(raw.replace("Z", "+00:00"))


def member_pk(user_id: str) -> str:
    return f"MEMBER#{user_id}"


def stage_pk(stage: Stage) -> str:
    return f"STAGE#{stage}"


class DynamoRewardsStore(AffinityItems, PayoutItems):
    """Implements Ledger, RulesStore, GiftCards and Referrals (logic/ports.py); Affinities and
    Payouts come from store/segments.py and store/payouts.py."""

    def __init__(self, table_name: str, client: Any = None):
        from functions.common.aws import client as aws_client

        self._table = table_name
        self._db = client or aws_client("dynamodb")

    # ================================================================ plumbing

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        with translate_errors():
            item: dict[str, Any] | None = self._db.get_item(
                TableName=self._table, Key={"pk": S(pk), "sk": S(sk)}, ConsistentRead=True
            ).get("Item")
        return item

    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        request = {"TableName": self._table, **kwargs}
        while True:
            with translate_errors():
                page = self._db.query(**request)
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _page(self, limit: int, cursor: Cursor, **kwargs: Any) -> tuple[list[dict[str, Any]], Cursor]:
        request: dict[str, Any] = {"TableName": self._table, "Limit": limit, **kwargs}
        if cursor:
            request["ExclusiveStartKey"] = {name: S(str(value)) for name, value in cursor.items()}
        with translate_errors():
            page = self._db.query(**request)
        last = page.get("LastEvaluatedKey")
        after = {name: value["S"] for name, value in last.items()} if last else None
        return page.get("Items", []), after

    def _transact(self, items: list[dict[str, Any]]) -> list[str | None] | None:
        """Run the transaction; None when it went through, else the per-operation cancellation
        codes of failed conditions. Conflicting transactions are retried, then 503."""
        for attempt in range(_ATTEMPTS):
            try:
                self._db.transact_write_items(TransactItems=items)
                return None
            except Exception as exc:
                codes = cancellation_codes(exc)
                if codes is not None and "ConditionalCheckFailed" in codes:
                    return codes
                busy = error_code(exc) in {"TransactionConflictException", "TransactionCanceledException"}
                if not busy:
                    with translate_errors():
                        raise
                time.sleep(0.02 * (attempt + 1))
        raise Unavailable("the rewards table is busy, retry shortly", code="busy")

    # ================================================================ ledger

    def account(self, user_id: str) -> Account | None:
        item = self._get(member_pk(user_id), ACCOUNT)
        return _account(item) if item else None

    def post(self, posting: Posting) -> bool:
        entry = posting.entry
        items = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {"pk": S(f"ENTRY#{entry.entry_id}"), "sk": S("ENTRY"), "user_id": S(entry.user_id)},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {"Put": {"TableName": self._table, "Item": _entry_item(entry)}},
            self._account_update(posting),
        ]
        items += self._ref_change(entry)
        items += self._extras(posting)
        items += [outbox_put(self._table, event) for event in posting.events]
        codes = self._transact(items)
        if codes is None:
            return True
        if codes[0] == "ConditionalCheckFailed":
            return False
        if codes[2] == "ConditionalCheckFailed":
            if entry.points < 0:
                raise Conflict("not enough points for this", code="insufficient_points")
            raise Conflict("the member's stage changed meanwhile", code="stage_changed")
        if len(codes) > 3 and codes[3] == "ConditionalCheckFailed" and entry.ref is not None:
            raise Conflict("the order's points were reversed meanwhile", code="order_points_changed")
        raise Conflict("a redemption with this key exists", code="redemption_exists")

    def _account_update(self, posting: Posting) -> dict[str, Any]:
        entry = posting.entry
        sets = ["user_id = :u", "gsi2sk = :u"]
        values: dict[str, Any] = {":u": S(entry.user_id), ":delta": N(entry.points)}
        conditions: list[str] = []
        if entry.points < 0:
            conditions.append("balance >= :need")
            values[":need"] = N(-entry.points)
        change = posting.stage
        if change is None:
            sets += ["stage = if_not_exists(stage, :new)", "gsi2pk = if_not_exists(gsi2pk, :newpk)"]
            values |= {":new": S(Stage.NEW), ":newpk": S(stage_pk(Stage.NEW))}
        else:
            sets += ["stage = :stage", "gsi2pk = :stagepk", "stage_since = :now"]
            values |= {
                ":stage": S(change.new),
                ":stagepk": S(stage_pk(change.new)),
                ":now": S(iso(entry.at)),
                ":old": S(change.old),
            }
            conditions.append(
                "(attribute_not_exists(stage) OR stage = :old)" if change.old is Stage.NEW else "stage = :old"
            )
            if change.period_ends_at is not None:
                sets += ["period_ends_at = :period", "gsi1pk = :periodpk", "gsi1sk = :periodsk"]
                values |= {
                    ":period": S(iso(change.period_ends_at)),
                    ":periodpk": S(PERIOD_INDEX),
                    ":periodsk": S(f"{iso(change.period_ends_at)}#{entry.user_id}"),
                }
        if posting.visit is not None:
            day, streak = posting.visit
            sets += ["last_visit = :day", "streak = :streak"]
            values |= {":day": S(day.isoformat()), ":streak": N(streak)}
        update: dict[str, Any] = {
            "TableName": self._table,
            "Key": {"pk": S(member_pk(entry.user_id)), "sk": S(ACCOUNT)},
            "UpdateExpression": f"SET {', '.join(sets)} ADD balance :delta",
            "ExpressionAttributeValues": values,
        }
        if conditions:
            update["ConditionExpression"] = " AND ".join(conditions)
        return {"Update": update}

    def _ref_change(self, entry: LedgerEntry) -> list[dict[str, Any]]:
        if entry.ref is None:
            return []
        key = {"pk": S(member_pk(entry.user_id)), "sk": S(f"ORDERREF#{entry.ref}")}
        if entry.kind is EntryKind.EARN:
            item = {**key, "earned": N(entry.points), "amount": N(entry.amount or 0), "net": N(entry.points)}
            return [{"Put": {"TableName": self._table, "Item": item}}]
        return [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": key,
                    "UpdateExpression": "ADD net :delta",
                    "ConditionExpression": "net >= :need",
                    "ExpressionAttributeValues": {":delta": N(entry.points), ":need": N(-entry.points)},
                }
            }
        ]

    def _extras(self, posting: Posting) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        if posting.redemption is not None:
            r = posting.redemption
            item = {
                "pk": S(member_pk(r.user_id)),
                "sk": S(f"REDEMPTION#{r.idempotency_key}"),
                "doc": S(r.model_dump_json()),
            }
            items.append(
                {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}
            )
        if posting.gift_card is not None:
            card = posting.gift_card
            item = {
                "pk": S(f"GIFTCARD#{card.code_hash}"),
                "sk": S("CARD"),
                "doc": S(card.model_dump_json()),
                "balance": N(card.balance),
                "gsi1pk": S(f"GIFTCARDS#{card.owner_id}"),
                "gsi1sk": S(f"{iso(card.issued_at)}#{card.gift_card_id}"),
            }
            items.append(
                {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}
            )
        if posting.entitlement is not None:
            e = posting.entitlement
            item = {"pk": S(member_pk(e.user_id)), "sk": S(f"ENT#{e.name}"), "doc": S(e.model_dump_json())}
            items.append({"Put": {"TableName": self._table, "Item": item}})
        return items

    def entries(self, user_id: str, limit: int, cursor: Cursor) -> tuple[list[LedgerEntry], Cursor]:
        items, after = self._page(
            limit,
            cursor,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": S(member_pk(user_id)), ":prefix": S("LEDGER#")},
            ScanIndexForward=False,
        )
        return [_entry(item) for item in items], after

    def entries_since(self, user_id: str, since: datetime | None) -> list[LedgerEntry]:
        low = f"LEDGER#{iso(since)}" if since is not None else "LEDGER#"
        items = self._query(
            KeyConditionExpression="pk = :pk AND sk BETWEEN :low AND :high",
            ExpressionAttributeValues={":pk": S(member_pk(user_id)), ":low": S(low), ":high": S("LEDGER#" + _HIGH)},
            ConsistentRead=True,
        )
        return [_entry(item) for item in items]

    def order_ref(self, user_id: str, ref: str) -> OrderRef | None:
        item = self._get(member_pk(user_id), f"ORDERREF#{ref}")
        if item is None:
            return None
        return OrderRef(earned=int(item["earned"]["N"]), amount=int(item["amount"]["N"]), net=int(item["net"]["N"]))

    def change_stage(self, user_id: str, change: StageChange, events: Sequence[DomainEvent]) -> None:
        sets = ["stage = :stage", "gsi2pk = :stagepk"]
        values: dict[str, Any] = {":stage": S(change.new), ":stagepk": S(stage_pk(change.new)), ":old": S(change.old)}
        removes: list[str] = []
        if change.new is not change.old:
            sets.append("stage_since = :now")
            values[":now"] = S(iso(datetime.now(UTC)))
        if change.period_ends_at is None:
            removes += ["period_ends_at", "gsi1pk", "gsi1sk"]
        else:
            sets += ["period_ends_at = :period", "gsi1pk = :periodpk", "gsi1sk = :periodsk"]
            values |= {
                ":period": S(iso(change.period_ends_at)),
                ":periodpk": S(PERIOD_INDEX),
                ":periodsk": S(f"{iso(change.period_ends_at)}#{user_id}"),
            }
        expression = f"SET {', '.join(sets)}" + (f" REMOVE {', '.join(removes)}" if removes else "")
        update = {
            "TableName": self._table,
            "Key": {"pk": S(member_pk(user_id)), "sk": S(ACCOUNT)},
            "UpdateExpression": expression,
            "ConditionExpression": "stage = :old",
            "ExpressionAttributeValues": values,
        }
        codes = self._transact([{"Update": update}, *(outbox_put(self._table, event) for event in events)])
        if codes is not None:
            raise Conflict("the member's stage changed meanwhile", code="stage_changed")

    def record_first_order(self, user_id: str, order_id: str) -> str:
        with translate_errors():
            result = self._db.update_item(
                TableName=self._table,
                Key={"pk": S(member_pk(user_id)), "sk": S(ACCOUNT)},
                UpdateExpression=(
                    "SET first_order_id = if_not_exists(first_order_id, :o), user_id = :u, gsi2sk = :u, "
                    "stage = if_not_exists(stage, :new), gsi2pk = if_not_exists(gsi2pk, :newpk)"
                ),
                ExpressionAttributeValues={
                    ":o": S(order_id),
                    ":u": S(user_id),
                    ":new": S(Stage.NEW),
                    ":newpk": S(stage_pk(Stage.NEW)),
                },
                ReturnValues="ALL_NEW",
            )
        first: str = result["Attributes"]["first_order_id"]["S"]
        return first

    def members(self, stage: Stage, limit: int, cursor: Cursor) -> tuple[list[Account], Cursor]:
        items, after = self._page(
            limit,
            cursor,
            IndexName="gsi2",
            KeyConditionExpression="gsi2pk = :pk",
            ExpressionAttributeValues={":pk": S(stage_pk(stage))},
        )
        return [_account(item) for item in items], after

    def count_members(self, stage: Stage) -> int:
        return self.count_members_with(stage, None)

    def periods_due(self, now: datetime, limit: int) -> list[Account]:
        items, _ = self._page(
            limit,
            None,
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :pk AND gsi1sk <= :now",
            ExpressionAttributeValues={":pk": S(PERIOD_INDEX), ":now": S(iso(now) + "#" + _HIGH)},
        )
        return [_account(item) for item in items]

    def redemption(self, user_id: str, idempotency_key: str) -> Redemption | None:
        item = self._get(member_pk(user_id), f"REDEMPTION#{idempotency_key}")
        return Redemption.model_validate_json(item["doc"]["S"]) if item else None

    def entitlements(self, user_id: str) -> list[Entitlement]:
        items = self._query(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": S(member_pk(user_id)), ":prefix": S("ENT#")},
        )
        return [Entitlement.model_validate_json(item["doc"]["S"]) for item in items]

    # ================================================================ rules

    def current_rules(self) -> RulesVersion | None:
        item = self._get("RULES", "CURRENT")
        return RulesVersion.model_validate_json(item["doc"]["S"]) if item else None

    def save_rules(self, rules: RulesVersion, expected_version: int) -> None:
        doc = S(rules.model_dump_json())
        current = {"pk": S("RULES"), "sk": S("CURRENT"), "version": N(rules.version), "doc": doc}
        put: dict[str, Any] = {"TableName": self._table, "Item": current}
        if expected_version == 0:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "version = :expected"
            put["ExpressionAttributeValues"] = {":expected": N(expected_version)}
        history = {"pk": S("RULES"), "sk": S(f"V#{rules.version:08d}"), "doc": doc}
        codes = self._transact([{"Put": put}, {"Put": {"TableName": self._table, "Item": history}}])
        if codes is not None:
            raise Conflict("the rules were changed meanwhile: reload and edit again", code="rules_version_conflict")

    # ================================================================ gift cards

    def gift_card(self, code_hash: str) -> GiftCard | None:
        item = self._get(f"GIFTCARD#{code_hash}", "CARD")
        return _card(item) if item else None

    def gift_cards_of(self, user_id: str) -> list[GiftCard]:
        items = self._query(
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :pk",
            ExpressionAttributeValues={":pk": S(f"GIFTCARDS#{user_id}")},
        )
        return [_card(item) for item in items]

    def hold(self, code_hash: str, key: str) -> GiftCardHold | None:
        item = self._get(f"GIFTCARD#{code_hash}", f"HOLD#{key}")
        return GiftCardHold.model_validate_json(item["doc"]["S"]) if item else None

    def capture(self, code_hash: str, hold: GiftCardHold) -> bool:
        pk = f"GIFTCARD#{code_hash}"
        codes = self._transact(
            [
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": {"pk": S(pk), "sk": S(f"HOLD#{hold.key}"), "doc": S(hold.model_dump_json())},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": {"pk": S(pk), "sk": S("CARD")},
                        "UpdateExpression": "ADD balance :delta",
                        "ConditionExpression": "balance >= :amount",
                        "ExpressionAttributeValues": {":delta": N(-hold.amount), ":amount": N(hold.amount)},
                    }
                },
            ]
        )
        if codes is None:
            return True
        if codes[0] == "ConditionalCheckFailed":
            return False
        raise Conflict("the gift card balance changed", code="gift_card_balance_changed")

    def release(self, code_hash: str, hold: GiftCardHold) -> bool:
        pk = f"GIFTCARD#{code_hash}"
        released = hold.model_copy(update={"status": "released"})
        codes = self._transact(
            [
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": {"pk": S(pk), "sk": S(f"HOLD#{hold.key}")},
                        "UpdateExpression": "SET doc = :doc",
                        "ConditionExpression": "doc = :captured",
                        "ExpressionAttributeValues": {
                            ":doc": S(released.model_dump_json()),
                            ":captured": S(hold.model_dump_json()),
                        },
                    }
                },
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": {"pk": S(pk), "sk": S("CARD")},
                        "UpdateExpression": "ADD balance :amount",
                        "ExpressionAttributeValues": {":amount": N(hold.amount)},
                    }
                },
            ]
        )
        return codes is None

    # ================================================================ referrals

    def code_of(self, user_id: str) -> ReferralCode | None:
        item = self._get(member_pk(user_id), "REFCODE")
        return ReferralCode.model_validate_json(item["doc"]["S"]) if item else None

    def code(self, code: str) -> ReferralCode | None:
        item = self._get(f"REFCODE#{code}", "CODE")
        return ReferralCode.model_validate_json(item["doc"]["S"]) if item else None

    def save_code(self, code: ReferralCode) -> bool:
        doc = S(code.model_dump_json())
        puts = [
            {"pk": S(f"REFCODE#{code.code}"), "sk": S("CODE"), "doc": doc},
            {"pk": S(member_pk(code.owner_id)), "sk": S("REFCODE"), "doc": doc},
        ]
        codes = self._transact(
            [
                {"Put": {"TableName": self._table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}
                for item in puts
            ]
        )
        return codes is None

    def referral(self, referee_id: str) -> Referral | None:
        item = self._get(f"REFERRAL#{referee_id}", "REFERRAL")
        return Referral.model_validate_json(item["doc"]["S"]) if item else None

    def save_referral(self, referral: Referral) -> None:
        item: dict[str, Any] = {
            "pk": S(f"REFERRAL#{referral.referee_id}"),
            "sk": S("REFERRAL"),
            "doc": S(referral.model_dump_json()),
            "version": N(referral.version),
            "gsi1pk": S(f"REFERRER#{referral.referrer_id}"),
            "gsi1sk": S(f"{iso(referral.claimed_at)}#{referral.referee_id}"),
        }
        if referral.status is ReferralStatus.AWAITING_RETURN_WINDOW and referral.due_at is not None:
            item |= {"gsi2pk": S(DUE_INDEX), "gsi2sk": S(f"{iso(referral.due_at)}#{referral.referee_id}")}
        put: dict[str, Any] = {"TableName": self._table, "Item": item}
        if referral.version == 0:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "version = :previous"
            put["ExpressionAttributeValues"] = {":previous": N(referral.version - 1)}
        try:
            with translate_errors():
                self._db.put_item(**put)
        except Conflict as exc:
            raise Conflict("the referral changed meanwhile", code="referral_changed") from exc

    def referrals_of(self, referrer_id: str) -> list[Referral]:
        items = self._query(
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :pk",
            ExpressionAttributeValues={":pk": S(f"REFERRER#{referrer_id}")},
        )
        return [Referral.model_validate_json(item["doc"]["S"]) for item in items]

    def referrals_due(self, now: datetime) -> list[Referral]:
        items = self._query(
            IndexName="gsi2",
            KeyConditionExpression="gsi2pk = :pk AND gsi2sk <= :now",
            ExpressionAttributeValues={":pk": S(DUE_INDEX), ":now": S(iso(now) + "#" + _HIGH)},
        )
        return [Referral.model_validate_json(item["doc"]["S"]) for item in items]


# ==================================================================== mapping


def _entry_item(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "pk": S(member_pk(entry.user_id)),
        "sk": S(f"LEDGER#{iso(entry.at)}#{entry.entry_id}"),
        "doc": S(entry.model_dump_json()),
    }


def _entry(item: dict[str, Any]) -> LedgerEntry:
    return LedgerEntry.model_validate_json(item["doc"]["S"])


def _account(item: dict[str, Any]) -> Account:
    def text(name: str) -> str | None:
        value = item.get(name)
        return value["S"] if value else None

    since, period, visit = text("stage_since"), text("period_ends_at"), text("last_visit")
    return Account(
        user_id=item["user_id"]["S"],
        balance=int(item.get("balance", {}).get("N", "0")),
        stage=Stage(text("stage") or Stage.NEW),
        stage_since=_dt(since) if since else None,
        period_ends_at=_dt(period) if period else None,
        last_visit=date.fromisoformat(visit) if visit else None,
        streak=int(item.get("streak", {}).get("N", "0")),
        first_order_id=text("first_order_id"),
        affinities=tuple(value["S"] for value in item.get("affinities", {}).get("L", [])),
    )


account_from_item = _account
"""The account of an item (store/segments.py reads accounts too)."""


def _card(item: dict[str, Any]) -> GiftCard:
    card = GiftCard.model_validate(json.loads(item["doc"]["S"]))
    return card.model_copy(update={"balance": int(item["balance"]["N"])})
