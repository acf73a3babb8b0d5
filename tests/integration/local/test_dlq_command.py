"""`python -m local dlq` on moto: DLQs are listed with their messages, and --redrive sends event
messages back to the queue they came from (stream failure records are listed only)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from local.commands.dlq import dead_letter_queues, redrive

EVENT = {"source": "plein.orders", "detail-type": "OrderPlaced", "detail": {"event_id": "e-1"}}


@pytest.fixture
def sqs() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("sqs", region_name="eu-west-1")


def test_lists_and_redrives_event_messages(sqs: Any) -> None:
    # Given a consumer queue whose DLQ holds a failed event, and a stream consumer's failure queue
    source = sqs.create_queue(QueueName="plein-local-catalog-indexer")["QueueUrl"]
    dead = sqs.create_queue(QueueName="plein-local-catalog-indexer-dlq")["QueueUrl"]
    stream_failures = sqs.create_queue(QueueName="plein-local-vendor-offer-relay-dlq")["QueueUrl"]
    sqs.send_message(QueueUrl=dead, MessageBody=json.dumps(EVENT))
    sqs.send_message(QueueUrl=stream_failures, MessageBody=json.dumps({"requestContext": {}}))

    # When the DLQs are listed
    listed = {letters.queue: letters for letters in dead_letter_queues(sqs)}

    # Then both show with their counts and what is in them
    indexer = listed["plein-local-catalog-indexer-dlq"]
    assert (indexer.count, indexer.source_url) == (1, source)
    assert indexer.samples == ["plein.orders OrderPlaced e-1"]
    assert listed["plein-local-vendor-offer-relay-dlq"].source_url is None

    # And a redrive moves the event back to its queue and leaves stream failures alone
    assert redrive(sqs, indexer) == 1
    assert redrive(sqs, listed["plein-local-vendor-offer-relay-dlq"]) == 0
    [message] = sqs.receive_message(QueueUrl=source)["Messages"]
    assert json.loads(message["Body"]) == EVENT
    assert "Messages" not in sqs.receive_message(QueueUrl=dead)
