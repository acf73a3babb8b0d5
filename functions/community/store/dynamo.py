"""The community table as the `Documents` port (boto3; one TransactWriteItems per commit).

Layout (single table, functions/community/store/records.py):
- a document: `pk = <kind>#<id>`, `sk = doc`; `data` (its JSON), `version`, optional `ttl`;
- a list entry: `pk = list#<name>#<scope>`, `sk = <kind>#<id>`, `gsi1pk = pk`, `gsi1sk = <sort>`,
  read in sort order through `gsi1` (so moving an entry is one put);
- outbox items (functions/common/outbox.py), written in the same transaction as the change.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from functions.common.aws import client as aws_client
from functions.common.dynamo import cancellation_codes, error_code, translate_errors
from functions.common.events import DomainEvent
from functions.common.outbox import outbox_puts
from functions.community.logic.ports import Change, ConditionFailed, Delete, Doc, Entry, Link, Put, Ref, Slice, Unlink

DOC = "doc"
INDEX = "gsi1"
BATCH_GET = 100


def _doc_key(ref: Ref) -> dict[str, Any]:
    return {"pk": {"S": f"{ref.kind}#{ref.id}"}, "sk": {"S": DOC}}


def _list_pk(name: str, scope: str) -> str:
    return f"list#{name}#{scope}"


def _ref_of(pk: str) -> Ref:
    kind, _, ident = pk.partition("#")
    return Ref(kind, ident)


class DynamoDocuments:
    def __init__(self, table_name: str, client: Any = None):
        self._table = table_name
        self._client = client or aws_client("dynamodb")

    def get(self, ref: Ref) -> Doc | None:
        with translate_errors():
            item = self._client.get_item(TableName=self._table, Key=_doc_key(ref), ConsistentRead=True).get("Item")
        return self._doc(ref, item) if item else None

    def get_many(self, refs: Sequence[Ref]) -> dict[Ref, Doc]:
        wanted = list(dict.fromkeys(refs))
        found: dict[Ref, Doc] = {}
        for start in range(0, len(wanted), BATCH_GET):
            keys = [_doc_key(ref) for ref in wanted[start : start + BATCH_GET]]
            request: dict[str, Any] = {self._table: {"Keys": keys, "ConsistentRead": True}}
            while request:
                with translate_errors():
                    response = self._client.batch_get_item(RequestItems=request)
                for item in response.get("Responses", {}).get(self._table, []):
                    ref = _ref_of(item["pk"]["S"])
                    found[ref] = self._doc(ref, item)
                request = response.get("UnprocessedKeys") or {}
        return found

    @staticmethod
    def _doc(ref: Ref, item: dict[str, Any]) -> Doc:
        return Doc(ref=ref, data=json.loads(item["data"]["S"]), version=int(item["version"]["N"]))

    def entries(
        self,
        name: str,
        scope: str,
        *,
        limit: int,
        after: dict[str, str] | None = None,
        ascending: bool = False,
        until: str | None = None,
    ) -> Slice:
        pk = _list_pk(name, scope)
        condition = "gsi1pk = :pk"
        values: dict[str, Any] = {":pk": {"S": pk}}
        if until is not None:
            condition += f" AND gsi1sk {'<=' if ascending else '>='} :until"
            values[":until"] = {"S": until}
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": INDEX,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": ascending,
            "Limit": limit,
        }
        if after:
            kwargs["ExclusiveStartKey"] = {
                "pk": {"S": pk},
                "sk": {"S": after["key"]},
                "gsi1pk": {"S": pk},
                "gsi1sk": {"S": after["sort"]},
            }
        with translate_errors():
            response = self._client.query(**kwargs)
        entries = [Entry(ref=_ref_of(item["sk"]["S"]), sort=item["gsi1sk"]["S"]) for item in response.get("Items", [])]
        last = response.get("LastEvaluatedKey")
        next_after = {"key": last["sk"]["S"], "sort": last["gsi1sk"]["S"]} if last and entries else None
        return Slice(entries=entries, after=next_after)

    def count(self, name: str, scope: str) -> int:
        kwargs: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": _list_pk(name, scope)}},
            "Select": "COUNT",
        }
        total = 0
        while True:
            with translate_errors():
                response = self._client.query(**kwargs)
            total += int(response.get("Count", 0))
            if "LastEvaluatedKey" not in response:
                return total
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def commit(self, changes: Sequence[Change], events: Sequence[DomainEvent] = ()) -> None:
        if not changes and not events:
            return
        operations = [self._operation(change) for change in changes] + outbox_puts(self._table, events)
        try:
            with translate_errors():
                self._client.transact_write_items(TransactItems=operations)
        except Exception as exc:
            codes = cancellation_codes(exc)
            if codes is None:
                if error_code(exc) == "TransactionConflictException":
                    raise ConditionFailed([]) from exc
                raise
            failed = [
                change.ref
                for change, code in zip(changes, codes, strict=False)
                if code == "ConditionalCheckFailed" and isinstance(change, Put | Delete)
            ]
            raise ConditionFailed(failed) from exc

    def _operation(self, change: Change) -> dict[str, Any]:
        match change:
            case Put(ref=ref, data=data, expect=expect, expires_at=expires_at):
                item = {
                    **_doc_key(ref),
                    "data": {"S": json.dumps(data, separators=(",", ":"), sort_keys=True)},
                    "version": {"N": str(change.new_version)},
                }
                if expires_at is not None:
                    item["ttl"] = {"N": str(int(expires_at.timestamp()))}
                put: dict[str, Any] = {"TableName": self._table, "Item": item}
                put.update(self._expectation(expect))
                return {"Put": put}
            case Delete(ref=ref, expect=expect):
                return {"Delete": {"TableName": self._table, "Key": _doc_key(ref), **self._expectation(expect)}}
            case Link(name=name, scope=scope, ref=ref, sort=sort):
                pk = _list_pk(name, scope)
                entry = {
                    "pk": {"S": pk},
                    "sk": {"S": f"{ref.kind}#{ref.id}"},
                    "gsi1pk": {"S": pk},
                    "gsi1sk": {"S": sort},
                }
                return {"Put": {"TableName": self._table, "Item": entry}}
            case Unlink(name=name, scope=scope, ref=ref):
                key = {"pk": {"S": _list_pk(name, scope)}, "sk": {"S": f"{ref.kind}#{ref.id}"}}
                return {"Delete": {"TableName": self._table, "Key": key}}
        raise TypeError(f"not a change: {change!r}")

    @staticmethod
    def _expectation(expect: int | None) -> dict[str, Any]:
        if expect is None:
            return {}
        if expect == 0:
            return {"ConditionExpression": "attribute_not_exists(pk)"}
        return {
            "ConditionExpression": "version = :expected",
            "ExpressionAttributeValues": {":expected": {"N": str(expect)}},
        }
