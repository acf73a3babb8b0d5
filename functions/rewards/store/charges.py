"""Checkout charges on the rewards table (logic/checkout_payments.py `CheckoutCharges`):

| item | pk | sk |
| --- | --- | --- |
| what a checkout key took (`version` guards releases) | `CHARGE#<key>` | `CHARGE` |
| one release of it, once per release key | `CHARGE#<key>` | `RELEASE#<release_key>` |

A charge is one TransactWriteItems: the charge record (`attribute_not_exists`), the gift card's
`ADD balance -x` (conditional on `balance >= x`) and the points entry (its id guard, the ledger
item and the account's `ADD balance -p` conditional on `balance >= p`), laid out as
store/dynamo.py lays out postings. A release writes its record, the charge at its next version,
the card's increment and the points entry given back.
"""

from __future__ import annotations

from typing import Any

from functions.common.dynamo import N, S
from functions.common.errors import Conflict
from functions.rewards.logic.checkout_payments import ChargeRelease, CheckoutCharge
from functions.rewards.logic.domain import LedgerEntry, Stage
from functions.rewards.store.dynamo import ACCOUNT, DynamoRewardsStore, iso, member_pk, stage_pk

CHARGE = "CHARGE"


class DynamoCheckoutCharges(DynamoRewardsStore):
    """The rewards store with checkout charges (its table, its transactions)."""

    def recorded_charge(self, key: str) -> CheckoutCharge | None:
        item = self._get(f"CHARGE#{key}", CHARGE)
        return CheckoutCharge.model_validate_json(item["doc"]["S"]) if item else None

    def points_balance(self, user_id: str) -> int:
        account = self.account(user_id)
        return account.balance if account is not None else 0

    def recorded_release(self, key: str, release_key: str) -> ChargeRelease | None:
        item = self._get(f"CHARGE#{key}", f"RELEASE#{release_key}")
        return ChargeRelease.model_validate_json(item["doc"]["S"]) if item else None

    def save_charge(self, charge: CheckoutCharge, entry: LedgerEntry | None) -> bool:
        record = {"pk": S(f"CHARGE#{charge.key}"), "sk": S(CHARGE), "doc": S(charge.model_dump_json())}
        record["version"] = N(charge.version)
        items: list[dict[str, Any]] = [
            {"Put": {"TableName": self._table, "Item": record, "ConditionExpression": "attribute_not_exists(pk)"}}
        ]
        if charge.gift_card_hash is not None and charge.gift_card_amount:
            items.append(self._card_change(charge.gift_card_hash, -charge.gift_card_amount))
        if entry is not None:
            items += self._entry_items(entry)
        codes = self._transact(items)
        if codes is None:
            return True
        if codes[0] == "ConditionalCheckFailed":
            return False
        if charge.gift_card_amount and codes[1] == "ConditionalCheckFailed":
            raise Conflict("the gift card balance changed", code="gift_card_balance_changed")
        raise Conflict("not enough points", code="insufficient_points")

    def save_release(self, charge: CheckoutCharge, release: ChargeRelease, entry: LedgerEntry | None) -> bool:
        record = {
            "pk": S(f"CHARGE#{release.key}"),
            "sk": S(f"RELEASE#{release.release_key}"),
            "doc": S(release.model_dump_json()),
        }
        items: list[dict[str, Any]] = [
            {"Put": {"TableName": self._table, "Item": record, "ConditionExpression": "attribute_not_exists(pk)"}},
            {
                "Update": {
                    "TableName": self._table,
                    "Key": {"pk": S(f"CHARGE#{charge.key}"), "sk": S(CHARGE)},
                    "UpdateExpression": "SET doc = :doc, version = :version",
                    "ConditionExpression": "version = :previous",
                    "ExpressionAttributeValues": {
                        ":doc": S(charge.model_dump_json()),
                        ":version": N(charge.version),
                        ":previous": N(charge.version - 1),
                    },
                }
            },
        ]
        if charge.gift_card_hash is not None and release.gift_card_amount:
            items.append(self._card_change(charge.gift_card_hash, release.gift_card_amount))
        if entry is not None:
            items += self._entry_items(entry)
        codes = self._transact(items)
        if codes is None:
            return True
        if codes[0] == "ConditionalCheckFailed":
            return False
        raise Conflict("the charge changed meanwhile", code="charge_changed")

    # ------------------------------------------------------------ items

    def _card_change(self, code_hash: str, delta: int) -> dict[str, Any]:
        update: dict[str, Any] = {
            "TableName": self._table,
            "Key": {"pk": S(f"GIFTCARD#{code_hash}"), "sk": S("CARD")},
            "UpdateExpression": "ADD balance :delta",
            "ExpressionAttributeValues": {":delta": N(delta)},
        }
        if delta < 0:
            update["ConditionExpression"] = "balance >= :need"
            update["ExpressionAttributeValues"][":need"] = N(-delta)
        else:
            update["ConditionExpression"] = "attribute_exists(pk)"
        return {"Update": update}

    def _entry_items(self, entry: LedgerEntry) -> list[dict[str, Any]]:
        """The entry's id guard, the ledger item and the account's balance (never below zero)."""
        values: dict[str, Any] = {
            ":u": S(entry.user_id),
            ":delta": N(entry.points),
            ":new": S(Stage.NEW),
            ":newpk": S(stage_pk(Stage.NEW)),
        }
        account: dict[str, Any] = {
            "TableName": self._table,
            "Key": {"pk": S(member_pk(entry.user_id)), "sk": S(ACCOUNT)},
            "UpdateExpression": (
                "SET user_id = :u, gsi2sk = :u, stage = if_not_exists(stage, :new), "
                "gsi2pk = if_not_exists(gsi2pk, :newpk) ADD balance :delta"
            ),
            "ExpressionAttributeValues": values,
        }
        if entry.points < 0:
            account["ConditionExpression"] = "balance >= :need"
            values[":need"] = N(-entry.points)
        ledger = {
            "pk": S(member_pk(entry.user_id)),
            "sk": S(f"LEDGER#{iso(entry.at)}#{entry.entry_id}"),
            "doc": S(entry.model_dump_json()),
        }
        guard = {"pk": S(f"ENTRY#{entry.entry_id}"), "sk": S("ENTRY"), "user_id": S(entry.user_id)}
        return [
            {"Put": {"TableName": self._table, "Item": guard, "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Put": {"TableName": self._table, "Item": ledger}},
            {"Update": account},
        ]
