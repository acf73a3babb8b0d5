"""The local runtime's SQS queue scans (local/aws/moto_sqs.py) count and deliver as moto's own do."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from local.aws import moto_sqs, patches

COUNTS = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"]


@pytest.fixture(params=["patched", "moto"])
def sqs(request: pytest.FixtureRequest) -> Iterator[Any]:
    from moto.sqs.models import SQSBackend

    if request.param == "patched":
        patches.install()
    patched = (
        SQSBackend.is_message_valid_based_on_retention_period is moto_sqs.is_message_valid_based_on_retention_period
    )
    assert patched is (request.param == "patched")
    try:
        with mock_aws():
            yield boto3.client("sqs", region_name="eu-west-1")
    finally:
        patches.remove()


def counts(sqs: Any, url: str) -> list[int]:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=COUNTS)["Attributes"]
    return [int(attributes[name]) for name in COUNTS]


def test_visible_in_flight_and_delayed_messages_are_counted_and_delivered(sqs: Any) -> None:
    # Given five messages: two received (in flight), one delayed, two waiting
    url = sqs.create_queue(QueueName="q", Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
    for n in range(4):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{n}")
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=60)
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2)["Messages"]

    # Then the counts are moto's, and only the two waiting messages can be received
    assert [m["Body"] for m in received] == ["m0", "m1"]
    assert counts(sqs, url) == [2, 2, 1]
    rest = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in rest] == ["m2", "m3"]
    assert counts(sqs, url) == [0, 4, 1]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=rest[0]["ReceiptHandle"])
    assert counts(sqs, url) == [0, 3, 1]


def test_expired_messages_are_not_delivered_and_redrive_still_applies(sqs: Any) -> None:
    from moto.sqs.models import sqs_backends

    # Given a queue whose first message is past the retention period, with a DLQ after one receive
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "1"})
    url = sqs.create_queue(
        QueueName="q", Attributes={"MessageRetentionPeriod": "60", "VisibilityTimeout": "0", "RedrivePolicy": redrive}
    )["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="old")
    queue = sqs_backends["123456789012"]["eu-west-1"].queues["q"]
    old: Any = queue._messages[0]
    old.sent_timestamp -= 120_000

    # Then it is not delivered; a fresh message is delivered once and then moves to the DLQ
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    sqs.send_message(QueueUrl=url, MessageBody="new")
    queue._messages = [m for m in queue._messages if m.body == "new"]
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url)["Messages"]] == ["new"]
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=dlq)["Messages"]] == ["new"]
