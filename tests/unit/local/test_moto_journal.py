"""The DynamoDB write journal (local/aws/moto_journal.py): what a killed runtime keeps.

Writes go through moto with the local patches installed and the journal open; a "restart" is a
fresh moto (empty tables) that loads the journal's folder. Whatever happened before must be there,
exactly: puts, updates, deletes, batches, transactions, binary values; a refused write leaves
nothing in the journal, and a line cut off by a kill is skipped. Writes after the journal's last
idle checkpoint are replayed through the tables once their streams are on (their consumers may
never have seen them), and again after a second kill until a checkpoint settles them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from local.aws import moto_journal, patches
from local.config import ACCOUNT_ID
from tests.unit.local.moto_tables import create_table

REGION = "eu-west-1"


@pytest.fixture
def journal_dir(tmp_path: Path) -> Iterator[Path]:
    patches.install()
    try:
        yield tmp_path / "dynamodb"
    finally:
        moto_journal.JOURNAL.close()
        patches.remove()


def _tables(client: Any) -> None:
    create_table(client, "orders")
    create_table(client, "flat", sort_key=False)


def _everything(client: Any) -> dict[str, list[dict[str, Any]]]:
    return {name: sorted(client.scan(TableName=name)["Items"], key=repr) for name in ("orders", "flat")}


def _writes(client: Any) -> None:
    client.put_item(TableName="orders", Item={"pk": {"S": "o1"}, "sk": {"S": "a"}, "n": {"N": "1"}})
    client.put_item(TableName="orders", Item={"pk": {"S": "o1"}, "sk": {"S": "b"}, "blob": {"B": b"\x00\xff"}})
    client.update_item(
        TableName="orders",
        Key={"pk": {"S": "o1"}, "sk": {"S": "a"}},
        UpdateExpression="ADD n :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )
    client.put_item(TableName="flat", Item={"pk": {"S": "gone"}})
    client.delete_item(TableName="flat", Key={"pk": {"S": "gone"}})
    client.batch_write_item(
        RequestItems={
            "flat": [
                {"PutRequest": {"Item": {"pk": {"S": "f1"}, "tags": {"SS": ["x", "y"]}}}},
                {"PutRequest": {"Item": {"pk": {"S": "f2"}}}},
            ],
        }
    )
    client.transact_write_items(
        TransactItems=[
            {
                "Put": {
                    "TableName": "orders",
                    "Item": {"pk": {"S": "o2"}, "sk": {"S": "a"}, "m": {"M": {"k": {"L": []}}}},
                }
            },
            {"Delete": {"TableName": "flat", "Key": {"pk": {"S": "f2"}}}},
            {
                "Update": {
                    "TableName": "orders",
                    "Key": {"pk": {"S": "o1"}, "sk": {"S": "b"}},
                    "UpdateExpression": "SET s = :s",
                    "ExpressionAttributeValues": {":s": {"S": "shipped"}},
                }
            },
        ]
    )
    with pytest.raises(ClientError):  # refused: nothing changes, nothing is journaled
        client.put_item(
            TableName="flat", Item={"pk": {"S": "f1"}, "x": {"S": "y"}}, ConditionExpression="attribute_not_exists(pk)"
        )


def _restart(directory: Path) -> tuple[Any, dict[str, int]]:
    """A fresh emulator loads the folder and replays what the journal left unsettled."""
    client = boto3.client("dynamodb", region_name=REGION)
    _tables(client)
    counts = moto_journal.load(directory, ACCOUNT_ID, REGION)
    moto_journal.replay_pending(ACCOUNT_ID, REGION)
    return client, counts


def _settle() -> None:
    """What the runtime does when it is idle: every write so far has had its effects."""
    moto_journal.JOURNAL.checkpoint(moto_journal.JOURNAL.length)


def test_a_killed_runtime_comes_back_with_every_acknowledged_write(journal_dir: Path) -> None:
    # Given a journal opened on empty tables and every kind of write
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        _tables(client)
        moto_journal.JOURNAL.open(journal_dir)
        _writes(client)
        before = _everything(client)
        journaled = (journal_dir / moto_journal.JOURNAL_FILE).read_text().splitlines()
        _settle()
    # (one line per item a successful write touched: 2 puts, 1 update, put + delete, 2 batch puts,
    # 3 transaction items; the refused put none)
    assert len(journaled) == 10
    moto_journal.JOURNAL.close()  # what a kill leaves: the file as it was flushed

    # When a new emulator loads the folder
    with mock_aws():
        client, counts = _restart(journal_dir)
        after = _everything(client)

    # Then every table is as it was, the table files hold it and the journal starts empty
    assert after == before
    assert counts == {"orders": 3, "flat": 1}
    assert (journal_dir / moto_journal.JOURNAL_FILE).read_text() == ""
    assert len((journal_dir / "orders.jsonl").read_text().splitlines()) == 3


def test_writes_after_a_load_are_kept_on_top_of_the_compacted_tables(journal_dir: Path) -> None:
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        _tables(client)
        moto_journal.JOURNAL.open(journal_dir)
        _writes(client)
        _settle()
    with mock_aws():
        client, _ = _restart(journal_dir)
        client.delete_item(TableName="orders", Key={"pk": {"S": "o2"}, "sk": {"S": "a"}})
        client.put_item(TableName="flat", Item={"pk": {"S": "new"}})
        before = _everything(client)
        _settle()
    with mock_aws():
        client, counts = _restart(journal_dir)
        assert _everything(client) == before
    assert counts == {"orders": 2, "flat": 2}


def test_unsettled_writes_reach_the_stream_again_after_a_kill_until_settled(journal_dir: Path) -> None:
    def streamed(client: Any) -> list[tuple[str, str]]:
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        arn = client.describe_table(TableName="events")["Table"]["LatestStreamArn"]
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
        records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
        return [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in records]

    def emulator() -> Any:
        client = boto3.client("dynamodb", region_name=REGION)
        create_table(client, "events", sort_key=False)  # the stream is enabled after the load
        return client

    # Given a write whose effects happened (a checkpoint followed it) and two that may not have
    with mock_aws():
        client = emulator()
        moto_journal.JOURNAL.open(journal_dir)
        client.put_item(TableName="events", Item={"pk": {"S": "handled"}})
        _settle()
        client.put_item(TableName="events", Item={"pk": {"S": "unsure"}})
        client.put_item(TableName="events", Item={"pk": {"S": "gone"}})
        client.delete_item(TableName="events", Key={"pk": {"S": "gone"}})

    for _ in range(2):  # killed again before anything settled them: replayed again
        # When an emulator loads the folder, turns the stream on and replays
        with mock_aws():
            client = emulator()
            counts = moto_journal.load(journal_dir, ACCOUNT_ID, REGION)
            client.update_table(
                TableName="events", StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
            )
            replayed = moto_journal.replay_pending(ACCOUNT_ID, REGION)

            # Then only the unsettled writes reach the stream, in their order, and the table is whole
            assert counts == {"events": 1}
            assert replayed == 3
            assert streamed(client) == [("INSERT", "unsure"), ("INSERT", "gone"), ("REMOVE", "gone")]
            assert sorted(i["pk"]["S"] for i in client.scan(TableName="events")["Items"]) == ["handled", "unsure"]

    # And once a checkpoint settles them, the next start replays nothing
    moto_journal.JOURNAL.open(journal_dir)
    _settle()
    moto_journal.JOURNAL.close()
    with mock_aws():
        client = emulator()
        assert moto_journal.load(journal_dir, ACCOUNT_ID, REGION) == {"events": 2}
        assert moto_journal.replay_pending(ACCOUNT_ID, REGION) == 0


def test_a_line_cut_off_by_a_kill_is_skipped(journal_dir: Path) -> None:
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        _tables(client)
        moto_journal.JOURNAL.open(journal_dir)
        client.put_item(TableName="flat", Item={"pk": {"S": "kept"}})
        _settle()
    moto_journal.JOURNAL.close()
    with (journal_dir / moto_journal.JOURNAL_FILE).open("a") as journal:
        journal.write('{"t": "flat", "k": {"pk": {"S": "half')

    with mock_aws():
        client, counts = _restart(journal_dir)

    assert counts == {"orders": 0, "flat": 1}


def test_nothing_is_journaled_before_the_runtime_opens_the_journal(journal_dir: Path) -> None:
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        _tables(client)
        client.put_item(TableName="flat", Item={"pk": {"S": "seeded"}})

    assert not (journal_dir / moto_journal.JOURNAL_FILE).exists()
