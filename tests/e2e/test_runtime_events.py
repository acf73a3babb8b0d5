"""Local event delivery: EventBridge → SQS → poller → consumer, and the DLQ after the retries."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.conftest import Plein
from tests.e2e.probe.wiring import FAILING_MAX_RECEIVES

pytestmark = pytest.mark.e2e


def eventually(check: Callable[[], Any], timeout: float = 120.0) -> Any:
    """The first truthy result of `check`, polled (other contexts' consumers may be busy)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError(f"not within {timeout} s")


def test_an_event_published_by_a_handler_reaches_its_consumer(plein: Plein) -> None:
    # Given the probe API publishes a ProbeRecorded event on the bus
    published = plein.client("shopper").post("/probe/events", json={"note": "hello"})
    assert published.status_code == 200
    event_id = published.json()["event_id"]

    # When the poller delivers it, Then the consumer writes its record
    client = plein.client()
    response = eventually(lambda: (r := client.get(f"/probe/records/{event_id}")).status_code == 200 and r)
    assert response.json() == {"event_id": event_id, "note": "hello"}


def test_a_consumer_that_raises_sends_the_message_to_the_dlq(plein: Plein) -> None:
    # Given a consumer that always raises, with maxReceiveCount 2
    resources = plein.runtime.resources
    assert resources is not None
    queue = next(q for q in resources.queues if q.function == "probe-failing")
    assert queue.max_receive_count == FAILING_MAX_RECEIVES

    # When an event for it is published and delivery settles
    published = plein.client("shopper").post("/probe/events", json={"note": "doomed", "fail": True})
    event_id = published.json()["event_id"]
    sqs = plein.boto3_client("sqs")

    def in_dlq() -> dict[str, Any]:
        messages = sqs.receive_message(
            QueueUrl=queue.dlq_url, MaxNumberOfMessages=10, AttributeNames=["All"], VisibilityTimeout=0
        ).get("Messages", [])
        return {json.loads(m["Body"])["detail"]["event_id"]: m for m in messages}

    # Then the message reaches the DLQ, having been received as often as the redrive policy allows
    bodies = eventually(lambda: event_id in (found := in_dlq()) and found)
    assert int(bodies[event_id]["Attributes"]["ApproximateReceiveCount"]) >= FAILING_MAX_RECEIVES
    # and nothing is left in the source queue
    attributes = sqs.get_queue_attributes(QueueUrl=queue.url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"
    # and no record was written
    assert plein.client().get(f"/probe/records/{event_id}").status_code == 404


def test_wait_until_idle_sees_a_delivery_through(plein: Plein) -> None:
    # Given an event on its way to the recording consumer
    published = plein.client("shopper").post("/probe/events", json={"note": "idle"})
    event_id = published.json()["event_id"]

    # When the runtime says it is idle (every queue empty, streams drained, nothing in flight)
    assert plein.wait_until_idle(300)

    # Then the delivery has happened
    assert plein.client().get(f"/probe/records/{event_id}").status_code == 200
