from __future__ import annotations

import json
from typing import Any, ClassVar

import pytest

from functions.common.errors import Unavailable
from functions.common.events import DomainEvent, EventBridgePublisher, eventbridge_detail


class ThingHappened(DomainEvent):
    source: ClassVar[str] = "plein.test"
    detail_type: ClassVar[str] = "ThingHappened"

    thing_id: str


class FakeEventBridge:
    """Records PutEvents calls; fails the first attempt of chosen entries like EventBridge does."""

    def __init__(self, failing_once: set[str] | None = None) -> None:
        self.calls: list[list[dict[str, Any]]] = []
        self.failing_once = failing_once or set()

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803 (boto3 name)
        self.calls.append(Entries)
        results = []
        for entry in Entries:
            thing = json.loads(entry["Detail"])["thing_id"]
            if thing in self.failing_once:
                self.failing_once.discard(thing)
                results.append({"ErrorCode": "InternalFailure", "ErrorMessage": "try again"})
            else:
                results.append({"EventId": "e"})
        return {"FailedEntryCount": sum("ErrorCode" in r for r in results), "Entries": results}


def test_envelope_fields_and_batches_of_ten() -> None:
    bus = FakeEventBridge()
    events = [ThingHappened(thing_id=str(n)) for n in range(23)]

    EventBridgePublisher("plein-test", bus).publish(events)

    assert [len(call) for call in bus.calls] == [10, 10, 3]
    entry = bus.calls[0][0]
    assert (entry["Source"], entry["DetailType"], entry["EventBusName"]) == (
        "plein.test",
        "ThingHappened",
        "plein-test",
    )
    detail = json.loads(entry["Detail"])
    assert {"event_id", "occurred_at", "version", "thing_id"} <= detail.keys()


def test_failed_entries_are_retried_alone() -> None:
    bus = FakeEventBridge(failing_once={"2"})

    EventBridgePublisher("b", bus).publish([ThingHappened(thing_id=str(n)) for n in range(3)])

    assert [len(call) for call in bus.calls] == [3, 1]


def test_persistent_failure_is_unavailable() -> None:
    class AlwaysFailing(FakeEventBridge):
        def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
            self.calls.append(Entries)
            return {"FailedEntryCount": len(Entries), "Entries": [{"ErrorCode": "X"} for _ in Entries]}

    with pytest.raises(Unavailable):
        EventBridgePublisher("b", AlwaysFailing()).publish([ThingHappened(thing_id="1")])


def test_sqs_delivered_eventbridge_body_is_unwrapped() -> None:
    body = json.dumps({"source": "plein.test", "detail-type": "ThingHappened", "detail": {"thing_id": "t"}})

    assert eventbridge_detail(body) == ("plein.test", "ThingHappened", {"thing_id": "t"})
