"""The runtime's streams client reads GetRecords as Lambda hands records to a consumer (wire JSON)."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

REGION = "eu-west-1"


@pytest.fixture
def stream_arn() -> Iterator[str]:
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        table = dynamodb.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        dynamodb.put_item(TableName="t", Item={"pk": {"S": "a"}, "blob": {"B": b"\x00\x01"}, "n": {"N": "1.50"}})
        yield table["TableDescription"]["LatestStreamArn"]


def test_stream_records_come_in_wire_form(stream_arn: str) -> None:
    from local.runtime import AwsClients

    # Given the runtime's clients (no endpoint: in-process moto answers)
    streams = AwsClients(endpoint=None, region=REGION)("dynamodbstreams")  # type: ignore[arg-type]
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")

    # When the stream is read
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]

    # Then the image is typed JSON with binary as base64 and the time in epoch seconds, as in a Lambda event
    image = records[0]["dynamodb"]["NewImage"]
    assert image == {"pk": {"S": "a"}, "blob": {"B": base64.b64encode(b"\x00\x01").decode()}, "n": {"N": "1.50"}}
    assert isinstance(records[0]["dynamodb"]["ApproximateCreationDateTime"], int | float)
    # and a plain client of the same session still parses into Python types
    plain = AwsClients(endpoint=None, region=REGION)("dynamodb")  # type: ignore[arg-type]
    assert plain.get_item(TableName="t", Key={"pk": {"S": "a"}})["Item"]["blob"] == {"B": b"\x00\x01"}


def test_errors_still_raise_client_errors(stream_arn: str) -> None:
    from local.runtime import AwsClients

    streams = AwsClients(endpoint=None, region=REGION)("dynamodbstreams")  # type: ignore[arg-type]

    with pytest.raises(ClientError):
        streams.describe_stream(StreamArn=stream_arn.replace("table/t/", "table/missing/"))
