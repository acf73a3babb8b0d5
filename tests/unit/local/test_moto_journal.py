"""The DynamoDB write journal (local/aws/moto_journal.py): what a killed runtime keeps.

Writes go through moto with the local patches installed and the journal open; a "restart" is a
fresh moto (empty tables) that loads the journal's folder. Whatever happened before must be there,
exactly: puts, updates, deletes, batches, transactions, binary values; a refused write leaves
nothing in the journal, and a line cut off by a kill is skipped.
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
    client = boto3.client("dynamodb", region_name=REGION)
    _tables(client)
    return client, moto_journal.load(directory, ACCOUNT_ID, REGION)


def test_a_killed_runtime_comes_back_with_every_acknowledged_write(journal_dir: Path) -> None:
    # Given a journal opened on empty tables and every kind of write
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        _tables(client)
        moto_journal.JOURNAL.open(journal_dir)
        _writes(client)
        before = _everything(client)
        journaled = (journal_dir / moto_journal.JOURNAL_FILE).read_text().splitlines()
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
    with mock_aws():
        client, _ = _restart(journal_dir)
        client.delete_item(TableName="orders", Key={"pk": {"S": "o2"}, "sk": {"S": "a"}})
        client.put_item(TableName="flat", Item={"pk": {"S": "new"}})
        before = _everything(client)
    with mock_aws():
        client, counts = _restart(journal_dir)
        assert _everything(client) == before
    assert counts == {"orders": 2, "flat": 2}


def test_a_line_cut_off_by_a_kill_is_skipped(journal_dir: Path) -> None:
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        _tables(client)
        moto_journal.JOURNAL.open(journal_dir)
        client.put_item(TableName="flat", Item={"pk": {"S": "kept"}})
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
