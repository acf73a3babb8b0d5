"""SQS consumers of EventBridge events: one at a time, or some types together (`bulk`)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions.common.consumers import eventbridge_sqs_entry
from tests.unit.test_api_smoke import FakeLambdaContext

BULK = ("plein.vendor", "OffersChanged")


def record(message_id: str, source: str, detail_type: str, detail: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps({"source": source, "detail-type": detail_type, "detail": detail})
    return {"messageId": message_id, "body": body, "eventSource": "aws:sqs", "receiptHandle": message_id}


class Consumer:
    """Records what it is handed; fails events whose detail says `bad`, and bulk calls containing one."""

    def __init__(self) -> None:
        self.single: list[str] = []
        self.bulk_calls: list[list[str]] = []

    def handle_event(self, source: str, detail_type: str, detail: dict[str, Any]) -> None:
        if detail.get("bad"):
            raise ValueError("bad event")
        self.single.append(detail["id"])

    def handle_bulk(self, details: list[dict[str, Any]]) -> None:
        self.bulk_calls.append([detail["id"] for detail in details])
        if any(detail.get("bad") for detail in details):
            raise ValueError("bad event in bulk")

    def run(self, records: list[dict[str, Any]]) -> set[str]:
        handler = eventbridge_sqs_entry(self.handle_event, bulk={BULK: self.handle_bulk})
        response = handler({"Records": records}, FakeLambdaContext())
        return {failure["itemIdentifier"] for failure in response["batchItemFailures"]}


def test_events_of_a_bulk_type_are_handled_in_one_call_and_others_one_at_a_time() -> None:
    consumer = Consumer()

    failed = consumer.run(
        [
            record("m1", *BULK, {"id": "a"}),
            record("m2", "plein.vendor", "VendorUpdated", {"id": "v"}),
            record("m3", *BULK, {"id": "b"}),
        ]
    )

    assert failed == set()
    assert consumer.bulk_calls == [["a", "b"]]
    assert consumer.single == ["v"]


def test_a_failing_bulk_call_is_retried_one_event_at_a_time_so_only_the_bad_event_fails() -> None:
    consumer = Consumer()

    bad = record("m2", *BULK, {"id": "x", "bad": True})

    failed = consumer.run([record("m1", *BULK, {"id": "a"}), bad, record("m3", *BULK, {"id": "b"})])

    assert failed == {"m2"}
    assert consumer.bulk_calls == [["a", "x", "b"]]
    assert sorted(consumer.single) == ["a", "b"]


def test_a_record_that_is_not_an_eventbridge_event_fails_alone() -> None:
    consumer = Consumer()
    broken = {"messageId": "m0", "body": "not json", "eventSource": "aws:sqs", "receiptHandle": "m0"}

    failed = consumer.run([broken, record("m1", *BULK, {"id": "a"})])

    assert failed == {"m0"}
    assert consumer.bulk_calls == [["a"]]


def test_a_batch_of_bulk_events_only_needs_no_single_handling() -> None:
    consumer = Consumer()

    assert consumer.run([record("m1", *BULK, {"id": "a"})]) == set()
    assert consumer.single == []


def test_when_every_record_fails_the_whole_batch_fails() -> None:
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    consumer = Consumer()

    with pytest.raises(BatchProcessingError):
        consumer.run([record("m1", *BULK, {"id": "x", "bad": True})])


def test_a_consumer_collects_garbage_less_often_than_cpython_does() -> None:
    import gc

    from functions.common.consumers import BATCH_GC_THRESHOLD

    default = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        eventbridge_sqs_entry(Consumer().handle_event)

        assert gc.get_threshold() == (BATCH_GC_THRESHOLD, 10, 10)
    finally:
        gc.set_threshold(*default)
        gc.unfreeze()
