"""moto (in-process `mock_aws`) with the orders table, a bus and a queue capturing what orders publishes
(moto has no table streams: `Aws.published` relays the table's new outbox items as the stream would)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from moto import mock_aws

from functions.common.events import EventBridgePublisher
from functions.common.outbox import OUTBOX_PREFIX, relay
from functions.orders.store.dynamo import DynamoOrdersStore
from functions.orders.store.records import OrdersRecord
from tests.unit.orders.fakes import FakeClock, InMemoryOrdersStore, OrdersPorts

TABLE = "plein-test-orders"
BUS = "plein-test"
REGION = "eu-west-1"


def create_table(client: Any, name: str = TABLE) -> None:
    schema = OrdersRecord._get_schema()
    client.create_table(
        TableName=name,
        KeySchema=schema["key_schema"],
        AttributeDefinitions=schema["attribute_definitions"],
        GlobalSecondaryIndexes=[
            {"IndexName": i["index_name"], "KeySchema": i["key_schema"], "Projection": i["projection"]}
            for i in schema["global_secondary_indexes"]
        ],
        BillingMode="PAY_PER_REQUEST",
    )


@dataclass
class Aws:
    sqs: Any
    events: Any
    captured_url: str
    relayed: set[str] = field(default_factory=set)

    def outbox(self) -> list[dict[str, Any]]:
        """The outbox items in the orders table (DynamoDB wire format), oldest first."""
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        items = dynamodb.scan(TableName=TABLE)["Items"]
        found = [item for item in items if item["pk"]["S"].startswith(OUTBOX_PREFIX)]
        return sorted(found, key=lambda item: (item["occurred_at"]["S"], item["pk"]["S"]))

    def published(self) -> list[dict[str, Any]]:
        """What reached the bus: the outbox items not relayed yet go through the outbox relay first."""
        fresh = [item for item in self.outbox() if item["pk"]["S"] not in self.relayed]
        self.relayed |= {item["pk"]["S"] for item in fresh}
        relay([{"eventName": "INSERT", "dynamodb": {"NewImage": item}} for item in fresh], self.publisher())
        found: list[dict[str, Any]] = []
        while True:
            messages = self.sqs.receive_message(QueueUrl=self.captured_url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                return found
            for message in messages:
                found.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.captured_url, ReceiptHandle=message["ReceiptHandle"])

    def publisher(self) -> EventBridgePublisher:
        return EventBridgePublisher(BUS, self.events)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    with mock_aws():
        create_table(boto3.client("dynamodb", region_name=REGION))
        events = boto3.client("events", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        events.create_event_bus(Name=BUS)
        url = sqs.create_queue(QueueName="captured")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(Name="all", EventBusName=BUS, EventPattern=json.dumps({"source": ["plein.orders"]}))
        events.put_targets(Rule="all", EventBusName=BUS, Targets=[{"Id": "q", "Arn": arn}])
        yield Aws(sqs=sqs, events=events, captured_url=url)


@pytest.fixture
def dynamo_store(aws: Aws) -> DynamoOrdersStore:
    return DynamoOrdersStore(TABLE)


def moto_ports(store: Any, clock: FakeClock, aws: Aws | None = None) -> OrdersPorts:
    """Ports over a store on moto (its events are in the table's outbox: `Aws.published`)."""
    return OrdersPorts(store, clock)


@pytest.fixture(params=["fake", "dynamo"])
def any_store(request: pytest.FixtureRequest) -> Any:
    """The contract suite's subject: the in-memory fake and the DynamoDB store on moto."""
    if request.param == "fake":
        return InMemoryOrdersStore()
    return request.getfixturevalue("dynamo_store")
