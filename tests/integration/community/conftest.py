"""moto (in-process `mock_aws`) with the community table (its stream on) and a bus whose
community events land in a queue."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from functions.community.store.dynamo import DynamoDocuments
from functions.community.store.records import CommunityRecord
from tests.unit.community.fakes import InMemoryDocuments

TABLE = "plein-test-community"
BUS = "plein-test"
REGION = "eu-west-1"


@dataclass
class Aws:
    dynamodb: Any
    streams: Any
    stream_arn: str
    events: Any
    sqs: Any
    queue_url: str

    def stream_records(self) -> list[dict[str, Any]]:
        shard = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"][0]
        iterator = self.streams.get_shard_iterator(
            StreamArn=self.stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records: list[dict[str, Any]] = self.streams.get_records(ShardIterator=iterator)["Records"]
        return records

    def published(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while messages := self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages"):
            for message in messages:
                found.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return found


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_DYNAMODB", raising=False)
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        schema = CommunityRecord._get_schema()
        table = dynamodb.create_table(
            TableName=TABLE,
            KeySchema=schema["key_schema"],
            AttributeDefinitions=schema["attribute_definitions"],
            GlobalSecondaryIndexes=[
                {"IndexName": i["index_name"], "KeySchema": i["key_schema"], "Projection": i["projection"]}
                for i in schema["global_secondary_indexes"]
            ],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        events = boto3.client("events", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        events.create_event_bus(Name=BUS)
        url = sqs.create_queue(QueueName="captured")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(Name="all", EventBusName=BUS, EventPattern=json.dumps({"source": ["plein.community"]}))
        events.put_targets(Rule="all", EventBusName=BUS, Targets=[{"Id": "q", "Arn": arn}])
        yield Aws(
            dynamodb=dynamodb,
            streams=boto3.client("dynamodbstreams", region_name=REGION),
            stream_arn=table["TableDescription"]["LatestStreamArn"],
            events=events,
            sqs=sqs,
            queue_url=url,
        )


@pytest.fixture(params=["fake", "dynamo"])
def documents(request: pytest.FixtureRequest) -> Any:
    """The contract suite's subject: the in-memory fake and the DynamoDB store on moto."""
    if request.param == "fake":
        return InMemoryDocuments()
    aws: Aws = request.getfixturevalue("aws")
    return DynamoDocuments(TABLE, client=aws.dynamodb)
