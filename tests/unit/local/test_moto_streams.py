"""The local runtime's GetRecords (local/aws/moto_streams.py) returns what moto's own returns."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from unittest import mock

import boto3

from tests.unit.local.moto_tables import create_table, moto

TABLE = "streams-patch"
CREATED = datetime(2026, 11, 25, 23, 4, 5, 678901)  # moto's clock: naive UTC


def records(patched: bool) -> list[dict[str, Any]]:
    """Every record of a stream that saw inserts, updates and deletes of plain and binary items."""
    from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

    with moto(patched) as client, mock.patch("moto.dynamodb.models.table.utcnow", return_value=CREATED):
        assert (DynamoDBStreamsHandler.get_records.__module__ == "local.aws.moto_streams") is patched
        create_table(client, TABLE, stream=True)
        nested = {"M": {"n": {"N": "1.50"}, "l": {"L": [{"S": "x"}, {"BOOL": True}, {"NULL": True}]}}}
        for n in range(5):
            item = {"pk": {"S": f"p{n}"}, "sk": {"S": "OFFER"}, "price": {"N": str(100 + n)}, "doc": nested}
            client.put_item(TableName=TABLE, Item=item | {"tags": {"SS": ["a", "b"]}})
        client.put_item(TableName=TABLE, Item={"pk": {"S": "p1"}, "sk": {"S": "OFFER"}, "price": {"N": "7"}})
        client.put_item(TableName=TABLE, Item={"pk": {"S": "b"}, "sk": {"S": "BIN"}, "raw": {"B": b"\x00\xff"}})
        client.delete_item(TableName=TABLE, Key={"pk": {"S": "p2"}, "sk": {"S": "OFFER"}})
        streams = boto3.client("dynamodbstreams", region_name="eu-west-1")
        arn = client.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
        found: list[dict[str, Any]] = []
        pages = [streams.get_records(ShardIterator=iterator["ShardIterator"], Limit=3)]
        while pages[-1]["Records"]:
            found += pages[-1]["Records"]
            pages.append(streams.get_records(ShardIterator=pages[-1]["NextShardIterator"], Limit=3))
        return found


def comparable(record: dict[str, Any]) -> dict[str, Any]:
    """A record without what differs between any two runs: its random event id."""
    return {k: v for k, v in record.items() if k != "eventID"}


def test_get_records_returns_moto_s_records() -> None:
    patched, original = records(patched=True), records(patched=False)

    assert [comparable(r) for r in patched] == [comparable(r) for r in original]
    assert len(patched) == 8
    assert patched[5]["dynamodb"]["OldImage"]["doc"]["M"]["l"]["L"][1] == {"BOOL": True}
    assert patched[6]["dynamodb"]["NewImage"]["raw"] == {"B": b"\x00\xff"}
    assert patched[0]["dynamodb"]["ApproximateCreationDateTime"].timestamp() == 1795647845.678  # ms kept
    assert all(r["dynamodb"]["SizeBytes"] > 100 for r in patched)
