"""Local event delivery: EventBridge → SQS → poller → consumer, and the DLQ after the retries."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import Plein
from tests.e2e.probe.wiring import FAILING_MAX_RECEIVES

pytestmark = pytest.mark.e2e


def test_an_event_published_by_a_handler_reaches_its_consumer(plein: Plein) -> None:
    # Given the probe API publishes a ProbeRecorded event on the bus
    published = plein.client("shopper").post("/probe/events", json={"note": "hello"})
    assert published.status_code == 200
    event_id = published.json()["event_id"]

    # When the pollers have delivered everything
    assert plein.wait_until_idle(30)

    # Then the consumer wrote its record
    response = plein.client().get(f"/probe/records/{event_id}")
    assert response.status_code == 200
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
    assert plein.wait_until_idle(60)

    # Then the message is in the DLQ, having been received as often as the redrive policy allows
    sqs = plein.boto3_client("sqs")
    messages = sqs.receive_message(
        QueueUrl=queue.dlq_url, MaxNumberOfMessages=10, AttributeNames=["All"], WaitTimeSeconds=1
    ).get("Messages", [])
    bodies = {json.loads(m["Body"])["detail"]["event_id"]: m for m in messages}
    assert event_id in bodies
    assert int(bodies[event_id]["Attributes"]["ApproximateReceiveCount"]) >= FAILING_MAX_RECEIVES
    # and nothing is left in the source queue
    attributes = sqs.get_queue_attributes(QueueUrl=queue.url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"
    # and no record was written
    assert plein.client().get(f"/probe/records/{event_id}").status_code == 404
