"""The transactional outbox on moto: an event saved with its change reaches the bus through the
stream relay; a failed transaction leaves no event; the same event id is never saved twice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar

import boto3
import pytest
from moto import mock_aws

from functions.common.events import DomainEvent, EventBridgePublisher
from functions.common.outbox import outbox_put, relay

TABLE = "plein-test-outbox"
BUS = "plein-test"
REGION = "eu-west-1"


class ThingCreated(DomainEvent):
    source: ClassVar[str] = "plein.test"
    detail_type: ClassVar[str] = "ThingCreated"
    thing_id: str


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    monkeypatch.setenv("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        table = dynamodb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        events = boto3.client("events", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        events.create_event_bus(Name=BUS)
        queue_url = sqs.create_queue(QueueName="captured")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(Name="all", EventBusName=BUS, EventPattern=json.dumps({"source": ["plein.test"]}))
        events.put_targets(Rule="all", EventBusName=BUS, Targets=[{"Id": "q", "Arn": queue_arn}])
        yield {
            "dynamodb": dynamodb,
            "streams": boto3.client("dynamodbstreams", region_name=REGION),
            "stream_arn": table["TableDescription"]["LatestStreamArn"],
            "events": events,
            "sqs": sqs,
            "queue_url": queue_url,
        }


def stream_records(aws: dict[str, Any]) -> list[dict[str, Any]]:
    streams = aws["streams"]
    shard = streams.describe_stream(StreamArn=aws["stream_arn"])["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(
        StreamArn=aws["stream_arn"], ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records: list[dict[str, Any]] = streams.get_records(ShardIterator=iterator)["Records"]
    return records


def published(aws: dict[str, Any]) -> list[dict[str, Any]]:
    messages = aws["sqs"].receive_message(QueueUrl=aws["queue_url"], MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(message["Body"]) for message in messages]


def save_thing(aws: dict[str, Any], thing_id: str, event: DomainEvent, condition: str | None = None) -> None:
    put: dict[str, Any] = {"TableName": TABLE, "Item": {"pk": {"S": f"thing#{thing_id}"}, "sk": {"S": "thing"}}}
    if condition:
        put["ConditionExpression"] = condition
    aws["dynamodb"].transact_write_items(TransactItems=[{"Put": put}, outbox_put(TABLE, event)])


def test_event_saved_with_its_change_is_relayed_to_the_bus(aws: dict[str, Any]) -> None:
    # Given a change saved together with its event
    event = ThingCreated(thing_id="t1")
    save_thing(aws, "t1", event)

    # When the relay reads the table's stream
    count = relay(stream_records(aws), EventBridgePublisher(BUS, aws["events"]))

    # Then only the outbox item became an event, with its source, type and detail intact
    assert count == 1
    [message] = published(aws)
    assert message["source"] == "plein.test"
    assert message["detail-type"] == "ThingCreated"
    assert ThingCreated.model_validate(message["detail"]) == event


def test_failed_change_publishes_nothing(aws: dict[str, Any]) -> None:
    save_thing(aws, "t1", ThingCreated(thing_id="t1"))
    relay(stream_records(aws), EventBridgePublisher(BUS, aws["events"]))
    published(aws)

    # When a second save of the same thing fails its condition
    with pytest.raises(aws["dynamodb"].exceptions.TransactionCanceledException):
        save_thing(aws, "t1", ThingCreated(thing_id="t1"), condition="attribute_not_exists(pk)")

    # Then the stream has no new outbox item
    assert relay(stream_records(aws)[2:], EventBridgePublisher(BUS, aws["events"])) == 0


def test_the_same_event_is_saved_once(aws: dict[str, Any]) -> None:
    event = ThingCreated(thing_id="t1")
    save_thing(aws, "t1", event)

    with pytest.raises(aws["dynamodb"].exceptions.TransactionCanceledException):
        save_thing(aws, "t2", event)
