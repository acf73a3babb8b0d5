"""The local moto server's stream records (local/aws/moto_records.py) equal moto's own."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from local.aws import moto_records
from tests.unit.local.moto_tables import create_table, moto

TABLE = "records-patch"
AT = datetime.datetime(2026, 11, 25, 20, 0, 0, 123457)


def _records(patched: bool, view: str) -> list[dict[str, Any]]:
    """Every stream record of a run of writes, with moto or with the patches, at one fixed time."""
    from moto.dynamodb.models import table as moto_table
    from moto.dynamodb.models.table import StreamRecord

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(moto_table, "utcnow", lambda: AT)
        with moto(patched) as client:
            assert (StreamRecord.__init__ is moto_records.stream_record_init) is patched
            create_table(client, TABLE, sort_key_type="N", stream=True, stream_view=view)
            _write(client)
            from moto.dynamodb.models import dynamodb_backends

            shard = dynamodb_backends["123456789012"]["eu-west-1"].get_table(TABLE).stream_shard
            assert shard is not None
            return [{**record.to_json(), "eventID": None} for record in shard.items]


def _write(client: Any) -> None:
    key = {"pk": {"S": "a"}, "sk": {"N": "1"}}
    client.put_item(TableName=TABLE, Item={**key, "s": {"S": 'é ü " \\ \n'}, "n": {"N": "-1.50"}})
    client.put_item(
        TableName=TABLE,
        Item={
            **key,
            "m": {"M": {"l": {"L": [{"S": "x"}, {"NULL": True}, {"BOOL": False}, {"NS": ["1", "2"]}]}}},
            "ss": {"SS": ["b", "a"]},
        },
    )
    client.update_item(
        TableName=TABLE, Key=key, UpdateExpression="SET c = :c", ExpressionAttributeValues={":c": {"N": "3"}}
    )
    client.put_item(TableName=TABLE, Item={"pk": {"S": "b"}, "sk": {"N": "2"}, "b": {"B": b"\x00\xff"}})
    client.put_item(
        TableName=TABLE, Item={"pk": {"S": "b"}, "sk": {"N": "2"}, "m": {"M": {"bs": {"BS": [b"x", b"y"]}}}}
    )
    client.delete_item(TableName=TABLE, Key={"pk": {"S": "b"}, "sk": {"N": "2"}})
    client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": TABLE, "Item": {"pk": {"S": "c"}, "sk": {"N": str(i)}, "v": {"S": "x" * i}}}}
            for i in range(5)
        ]
    )
    client.delete_item(TableName=TABLE, Key=key)


@pytest.fixture(params=["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"])
def view(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_stream_records_are_moto_s(view: str) -> None:
    expected = _records(False, view)

    found = _records(True, view)

    assert found == expected
    assert len(found) == 12
    assert {record["eventName"] for record in found} == {"INSERT", "MODIFY", "REMOVE"}


def test_sizes_are_moto_s_for_any_record_part() -> None:
    from moto.dynamodb.models.utilities import dynamo_json_dump

    parts: list[dict[str, Any]] = [
        {"ApproximateCreationDateTime": AT, "Keys": {"pk": {"S": "ü"}}, "SizeBytes": 1},
        {"ApproximateCreationDateTime": AT, "NewImage": {"b": {"B": b"\x00"}}},  # moto's encoder writes bytes
        {"ApproximateCreationDateTime": None, "Keys": {}},
        {"ApproximateCreationDateTime": datetime.datetime(1970, 1, 1), "n": 1.5},
    ]
    for part in parts:
        assert moto_records.size_bytes(part) == len(dynamo_json_dump(part))
