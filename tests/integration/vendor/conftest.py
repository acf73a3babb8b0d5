"""moto (in-process `mock_aws`) with the vendor table (streams on), the feeds bucket and a bus.

Every event on the bus lands in the `captured` SQS queue so that tests can read what was published.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from functions.vendor.store.records import VendorRecord

TABLE = "plein-test-vendor"
BUCKET = "plein-test-feeds"
BUS = "plein-test"
REGION = "eu-west-1"


def table_request(name: str) -> dict[str, Any]:
    schema = VendorRecord._get_schema()
    return {
        "TableName": name,
        "KeySchema": schema["key_schema"],
        "AttributeDefinitions": schema["attribute_definitions"],
        "GlobalSecondaryIndexes": [
            {"IndexName": i["index_name"], "KeySchema": i["key_schema"], "Projection": i["projection"]}
            for i in schema["global_secondary_indexes"]
        ],
        "BillingMode": "PAY_PER_REQUEST",
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    }


@dataclass
class Aws:
    dynamodb: Any
    s3: Any
    sqs: Any
    events: Any
    streams: Any
    captured_url: str
    feed_queue_url: str
    stream_arn: str

    def published(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while True:
            response = self.sqs.receive_message(QueueUrl=self.captured_url, MaxNumberOfMessages=10)
            messages = response.get("Messages", [])
            if not messages:
                return found
            for message in messages:
                found.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.captured_url, ReceiptHandle=message["ReceiptHandle"])

    def stream_records(self) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        shards = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
        for shard in shards:
            iterator = self.streams.get_shard_iterator(
                StreamArn=self.stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            while iterator:
                response = self.streams.get_records(ShardIterator=iterator, Limit=1000)
                records.extend(response["Records"])
                if not response["Records"]:
                    break
                iterator = response.get("NextShardIterator")
        return records


def reset_caches() -> None:
    from functions.common import aws
    from functions.common.settings import load_settings
    from functions.vendor.handlers import dependencies

    load_settings.cache_clear()
    aws.client.cache_clear()
    for name in dir(dependencies):
        factory = getattr(dependencies, name)
        if hasattr(factory, "cache_clear"):
            factory.cache_clear()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    for key, value in {
        "TABLE_NAME": TABLE,
        "FEEDS_BUCKET": BUCKET,
        "EVENT_BUS_NAME": BUS,
        "STAGE": "test",
        "CURSOR_SECRET": "test-cursor-secret-0123456789",
        "POWERTOOLS_SERVICE_NAME": "plein-vendor",
        "POWERTOOLS_METRICS_NAMESPACE": "Plein",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("USER_POOL_ID", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        reset_caches()
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        description = dynamodb.create_table(**table_request(TABLE))["TableDescription"]
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        sqs = boto3.client("sqs", region_name=REGION)
        captured = sqs.create_queue(QueueName="captured")["QueueUrl"]
        feed_queue = sqs.create_queue(QueueName="feed-import")["QueueUrl"]
        arn = lambda url: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]  # noqa: E731
        s3.put_bucket_notification_configuration(
            Bucket=BUCKET,
            NotificationConfiguration={
                "QueueConfigurations": [
                    {
                        "QueueArn": arn(feed_queue),
                        "Events": ["s3:ObjectCreated:*"],
                        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "feeds/"}]}},
                    }
                ]
            },
        )
        events = boto3.client("events", region_name=REGION)
        events.create_event_bus(Name=BUS)
        events.put_rule(Name="all", EventBusName=BUS, EventPattern=json.dumps({"source": [{"prefix": "plein."}]}))
        events.put_targets(Rule="all", EventBusName=BUS, Targets=[{"Id": "q", "Arn": arn(captured)}])
        from functions.vendor.store.dynamo import bind

        bind(TABLE)
        yield Aws(
            dynamodb=dynamodb,
            s3=s3,
            sqs=sqs,
            events=events,
            streams=boto3.client("dynamodbstreams", region_name=REGION),
            captured_url=captured,
            feed_queue_url=feed_queue,
            stream_arn=description["LatestStreamArn"],
        )
        reset_caches()
