"""The local runtime's item construction (local/aws/moto_items.py) matches moto's own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from local.aws import moto_items
from tests.unit.local.moto_tables import create_table, moto

TABLE = "items-patch"


@pytest.fixture(params=["patched", "moto"])
def dynamodb(request: pytest.FixtureRequest) -> Iterator[Any]:
    from moto.dynamodb.models.dynamo_type import Item

    patched = request.param == "patched"
    with moto(patched) as client:
        assert (Item.__init__ is moto_items.item_init) is patched
        create_table(client, TABLE, sort_key=False)
        yield client


def sized(key: str, payload: int) -> dict[str, Any]:
    """An item whose attributes (names and values, as moto counts them) take about `payload` bytes."""
    return {"pk": {"S": key}, "a": {"S": "x" * (payload // 2)}, "b": {"S": "y" * (payload - payload // 2)}}


def test_items_round_trip_with_every_type(dynamodb: Any) -> None:
    item = {
        "pk": {"S": "k"},
        "n": {"N": "1.5"},
        "b": {"B": b"\x00\x01"},
        "ss": {"SS": ["a", "b"]},
        "m": {"M": {"l": {"L": [{"S": "x"}, {"NULL": True}, {"BOOL": False}]}}},
    }
    dynamodb.put_item(TableName=TABLE, Item=item)

    assert dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": "k"}})["Item"] == item


def test_the_item_size_limit_is_moto_s(dynamodb: Any) -> None:
    dynamodb.put_item(TableName=TABLE, Item=sized("fits", 404_000))
    with pytest.raises(ClientError) as error:
        dynamodb.put_item(TableName=TABLE, Item=sized("too-large", 406_000))

    assert error.value.response["Error"]["Code"] == "ValidationException"
    assert "size" in error.value.response["Error"]["Message"].lower()
    assert "Item" not in dynamodb.get_item(TableName=TABLE, Key={"pk": {"S": "too-large"}})
    # an update that grows an item past the limit is still refused (moto's own check on attrs)
    with pytest.raises(ClientError):
        dynamodb.update_item(
            TableName=TABLE,
            Key={"pk": {"S": "fits"}},
            UpdateExpression="SET c = :c",
            ExpressionAttributeValues={":c": {"S": "z" * 3000}},
        )
