"""The local runtime's JSON request parsing (local/aws/moto_parse.py) gives moto's own parameters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core.responses import BaseResponse

from local.aws import moto_parse, patches
from tests.unit.local.moto_tables import create_table

TABLE = "parse-patch"


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, bool, bool]]]:
    """(operation, plain JSON path taken, parameters equal to moto's parser) for every request."""
    from moto.dynamodb.responses import DynamoHandler

    patches.install()
    patched = DynamoHandler.parse_parameters
    assert patched is not BaseResponse.parse_parameters
    found: list[tuple[str, bool, bool]] = []

    def both(self: Any, request: Any) -> None:
        patched(self, request)
        fast = self.params
        BaseResponse.parse_parameters(self, request)
        action = self._get_action()
        found.append((action, moto_parse.plain_json(action, request.data or b"{}"), fast == self.params))

    monkeypatch.setattr(DynamoHandler, "parse_parameters", both)
    try:
        with mock_aws():
            yield found
    finally:
        patches.remove()


def test_item_requests_parse_as_moto_parses_them(compared: list[tuple[str, bool, bool]]) -> None:
    client = boto3.client("dynamodb", region_name="eu-west-1")
    create_table(client, TABLE)
    doc = {"M": {"l": {"L": [{"S": "x"}, {"NULL": True}, {"BOOL": False}, {"NS": ["1", "2.5"]}, {"SS": ["a"]}]}}}
    key = {"pk": {"S": "p1"}, "sk": {"S": "OFFER"}}
    client.transact_write_items(
        TransactItems=[
            {
                "Put": {
                    "TableName": TABLE,
                    "Item": key | {"doc": doc, "n": {"N": "3"}},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {
                "Update": {
                    "TableName": TABLE,
                    "Key": {"pk": {"S": "p2"}, "sk": {"S": "OFFER"}},
                    "UpdateExpression": "SET #n = :n",
                    "ConditionExpression": "attribute_not_exists(pk) OR #n < :n",
                    "ExpressionAttributeNames": {"#n": "n"},
                    "ExpressionAttributeValues": {":n": {"N": "5"}},
                }
            },
        ]
    )
    client.put_item(TableName=TABLE, Item={"pk": {"S": "p3"}, "sk": {"S": "OFFER"}, "raw": {"B": b"\x00\xff"}})
    client.batch_write_item(RequestItems={TABLE: [{"PutRequest": {"Item": {"pk": {"S": "p4"}, "sk": {"S": "B"}}}}]})
    found = client.batch_get_item(
        RequestItems={TABLE: {"Keys": [key, {"pk": {"S": "p3"}, "sk": {"S": "OFFER"}}], "ConsistentRead": True}}
    )["Responses"][TABLE]
    client.query(
        TableName=TABLE,
        KeyConditionExpression="pk = :p AND begins_with(sk, :s)",
        ExpressionAttributeValues={":p": {"S": "p1"}, ":s": {"S": "OFF"}},
        Limit=5,
        ExclusiveStartKey={"pk": {"S": "p1"}, "sk": {"S": "A"}},
    )
    client.update_item(
        TableName=TABLE, Key=key, UpdateExpression="ADD n :one", ExpressionAttributeValues={":one": {"N": "1"}}
    )
    client.delete_item(TableName=TABLE, Key={"pk": {"S": "p2"}, "sk": {"S": "OFFER"}})

    assert {item["pk"]["S"] for item in found} == {"p1", "p3"}
    assert all(equal for _, _, equal in compared)
    fast = {action for action, plain, _ in compared if plain}
    assert fast == {"TransactWriteItems", "BatchGetItem", "Query", "UpdateItem", "DeleteItem"}
    assert {action for action, plain, _ in compared if not plain} == {"CreateTable", "PutItem", "BatchWriteItem"}
