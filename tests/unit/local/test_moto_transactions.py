"""The local runtime's TransactWriteItems (local/aws/moto_transactions.py) behaves like moto's own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.unit.local.moto_tables import create_table, moto

TABLE = "tx-patch"


@pytest.fixture(params=["patched", "moto"])
def dynamodb(request: pytest.FixtureRequest) -> Iterator[Any]:
    with moto(request.param == "patched") as client:
        create_table(client, TABLE)
        client.put_item(TableName=TABLE, Item={"pk": {"S": "a"}, "sk": {"S": "x"}, "n": {"N": "5"}})
        yield client


def reserve(key: str, quantity: int) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": TABLE,
            "Key": {"pk": {"S": key}, "sk": {"S": "x"}},
            "UpdateExpression": "SET n = n - :q",
            "ConditionExpression": "n >= :q",
            "ExpressionAttributeValues": {":q": {"N": str(quantity)}},
        }
    }


def put(key: str, condition: str | None = "attribute_not_exists(pk)") -> dict[str, Any]:
    operation: dict[str, Any] = {"TableName": TABLE, "Item": {"pk": {"S": key}, "sk": {"S": "x"}, "n": {"N": "1"}}}
    if condition:
        operation["ConditionExpression"] = condition
    return {"Put": operation}


def n(client: Any, key: str) -> int | None:
    item = client.get_item(TableName=TABLE, Key={"pk": {"S": key}, "sk": {"S": "x"}}).get("Item")
    return None if item is None else int(item["n"]["N"])


def test_a_transaction_applies_every_operation(dynamodb: Any) -> None:
    dynamodb.transact_write_items(TransactItems=[reserve("a", 2), put("b")])
    assert (n(dynamodb, "a"), n(dynamodb, "b")) == (3, 1)


def test_a_failed_condition_applies_nothing_and_names_the_operation(dynamodb: Any) -> None:
    with pytest.raises(ClientError) as error:
        dynamodb.transact_write_items(TransactItems=[put("b"), reserve("a", 9), put("c", None)])
    reasons = [reason["Code"] for reason in error.value.response["CancellationReasons"]]
    assert reasons == ["None", "ConditionalCheckFailed", "None"]
    assert (n(dynamodb, "a"), n(dynamodb, "b"), n(dynamodb, "c")) == (5, None, None)


def failing_update(pk: str) -> dict[str, Any]:
    """An Update whose condition holds but which fails while applied (`missing` has no value)."""
    return {
        "Update": {
            "TableName": TABLE,
            "Key": {"pk": {"S": pk}, "sk": {"S": "x"}},
            "UpdateExpression": "SET n = missing - :q",
            "ExpressionAttributeValues": {":q": {"N": "1"}},
        }
    }


def test_an_operation_failing_while_applied_rolls_the_others_back(dynamodb: Any) -> None:
    with pytest.raises(ClientError) as error:
        dynamodb.transact_write_items(TransactItems=[put("b"), failing_update("a")])
    assert error.value.response["Error"]["Code"] in {"TransactionCanceledException", "ValidationException"}
    assert (n(dynamodb, "a"), n(dynamodb, "b")) == (5, None)


def test_two_operations_on_one_item_are_refused(dynamodb: Any) -> None:
    with pytest.raises(ClientError) as error:
        dynamodb.transact_write_items(TransactItems=[reserve("a", 1), reserve("a", 1)])
    assert error.value.response["Error"]["Code"] == "ValidationException"
    assert n(dynamodb, "a") == 5


@pytest.mark.parametrize("first", ["replace", "delete", "update"])
def test_items_replaced_or_deleted_before_a_failing_operation_come_back(dynamodb: Any, first: str) -> None:
    # Given a second item, and a transaction that first changes "a", then fails while applied
    dynamodb.put_item(TableName=TABLE, Item={"pk": {"S": "z"}, "sk": {"S": "x"}, "n": {"N": "7"}})
    key = {"pk": {"S": "a"}, "sk": {"S": "x"}}
    before = dynamodb.get_item(TableName=TABLE, Key=key)["Item"]
    change = {
        "replace": {"Put": {"TableName": TABLE, "Item": {**key, "n": {"N": "99"}, "extra": {"S": "new"}}}},
        "delete": {"Delete": {"TableName": TABLE, "Key": key}},
        "update": {
            "Update": {
                "TableName": TABLE,
                "Key": key,
                "UpdateExpression": "SET n = :n, extra = :e",
                "ExpressionAttributeValues": {":n": {"N": "99"}, ":e": {"S": "new"}},
            }
        },
    }[first]

    # When
    with pytest.raises(ClientError):
        dynamodb.transact_write_items(TransactItems=[change, failing_update("z")])

    # Then "a" is as it was
    assert dynamodb.get_item(TableName=TABLE, Key=key)["Item"] == before
    assert n(dynamodb, "z") == 7
