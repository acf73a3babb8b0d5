"""One contract for the `Documents` port, run against the in-memory fake and DynamoDB on moto:
conditional puts and deletes, atomic commits, ordered lists with paging and bounds, counts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest

from functions.common.events import DomainEvent, EventBridgePublisher
from functions.common.outbox import relay
from functions.community.logic.ports import ConditionFailed, Delete, Link, Put, Ref, Unlink
from functions.community.store.dynamo import DynamoDocuments
from tests.integration.community.conftest import BUS, TABLE, Aws

A, B, C = Ref("review", "a"), Ref("review", "b#x"), Ref("idea", "c")


class Noted(DomainEvent):
    source: ClassVar[str] = "plein.community"
    detail_type: ClassVar[str] = "Noted"
    note: str


def test_puts_respect_expectations_and_count_versions(documents: Any) -> None:
    documents.commit([Put(A, {"n": 1}, expect=0)])
    with pytest.raises(ConditionFailed) as refused:
        documents.commit([Put(A, {"n": 2}, expect=0)])
    assert refused.value.refs == (A,)

    documents.commit([Put(A, {"n": 2, "nested": {"x": [1, 2]}}, expect=1)])
    doc = documents.get(A)
    assert (doc.data, doc.version) == ({"n": 2, "nested": {"x": [1, 2]}}, 2)
    with pytest.raises(ConditionFailed):
        documents.commit([Put(A, {"n": 3}, expect=1)])
    assert documents.get(Ref("review", "missing")) is None


def test_a_commit_applies_everything_or_nothing(documents: Any) -> None:
    documents.commit([Put(A, {"n": 1}, expect=0)])

    with pytest.raises(ConditionFailed) as refused:
        documents.commit([Put(B, {"n": 1}, expect=0), Link("l", "s", B, "1"), Put(A, {"n": 9}, expect=7)])

    assert refused.value.refs == (A,)
    assert documents.get(B) is None
    assert documents.entries("l", "s", limit=10).entries == []
    assert documents.get(A).data == {"n": 1}


def test_deletes_and_get_many(documents: Any) -> None:
    documents.commit([Put(A, {"n": 1}, expect=0), Put(B, {"n": 2}, expect=0), Put(C, {"n": 3})])
    documents.commit([Delete(B, expect=1)])

    found = documents.get_many([A, B, C, A])

    assert {ref: doc.data["n"] for ref, doc in found.items()} == {A: 1, C: 3}
    with pytest.raises(ConditionFailed):
        documents.commit([Delete(A, expect=5)])


def test_lists_page_in_sort_order_in_both_directions_with_bounds(documents: Any) -> None:
    refs = [Ref("review", f"r{i}") for i in range(7)]
    documents.commit([Link("reviews", "pan", ref, f"2026-12-0{i + 1}") for i, ref in enumerate(refs)])
    documents.commit([Link("reviews", "pan", refs[0], "2026-12-09"), Link("reviews", "mug", refs[1], "x")])
    documents.commit([Unlink("reviews", "pan", refs[6])])

    first = documents.entries("reviews", "pan", limit=4)
    second = documents.entries("reviews", "pan", limit=4, after=first.after)
    assert [e.ref.id for e in first.entries] == ["r0", "r5", "r4", "r3"]
    assert [e.ref.id for e in second.entries] == ["r2", "r1"]
    assert second.after is None

    rising = documents.entries("reviews", "pan", limit=10, ascending=True, until="2026-12-04")
    assert [e.ref.id for e in rising.entries] == ["r1", "r2", "r3"]
    falling = documents.entries("reviews", "pan", limit=10, until="2026-12-05")
    assert [e.ref.id for e in falling.entries] == ["r0", "r5", "r4"]
    assert documents.count("reviews", "pan") == 6
    assert documents.count("reviews", "nothing") == 0


def test_events_are_saved_with_the_change_and_relayed_to_the_bus(aws: Aws) -> None:
    store = DynamoDocuments(TABLE, client=aws.dynamodb)
    store.commit([Put(A, {"n": 1}, expect=0)], [Noted(note="first")])
    with pytest.raises(ConditionFailed):
        store.commit([Put(A, {"n": 1}, expect=0)], [Noted(note="lost")])

    relayed = relay(aws.stream_records(), EventBridgePublisher(BUS, aws.events))

    assert relayed == 1
    assert [(e["detail-type"], e["detail"]["note"]) for e in aws.published()] == [("Noted", "first")]


def test_expiring_documents_carry_a_ttl(aws: Aws) -> None:
    store = DynamoDocuments(TABLE, client=aws.dynamodb)
    expires = datetime(2027, 1, 1, tzinfo=UTC)

    store.commit([Put(Ref("event", "e1"), {"handled": True}, expect=0, expires_at=expires)])

    item = aws.dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": "event#e1"}, "sk": {"S": "doc"}})["Item"]
    assert int(item["ttl"]["N"]) == int(expires.timestamp())
