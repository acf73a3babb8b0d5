"""The local runtime's reuse of parsed conditions (local/aws/moto_conditions.py) decides as moto does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from local.aws import moto_conditions
from tests.unit.local.moto_tables import create_table, moto

TABLE = "conditions-patch"


@pytest.fixture(params=["patched", "moto"])
def dynamodb(request: pytest.FixtureRequest) -> Iterator[Any]:
    from moto.dynamodb.comparisons import ConditionExpressionParser

    patched = request.param == "patched"
    with moto(patched) as client:
        assert (ConditionExpressionParser.parse.__module__ == moto_conditions.__name__) is patched
        create_table(client, TABLE, sort_key=False)
        yield client


def put(key: str, revision: int, condition: str, values: dict[str, Any] | None = None) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "TableName": TABLE,
        "Item": {"pk": {"S": key}, "revision": {"N": str(revision)}},
        "ConditionExpression": condition,
    }
    if values:
        operation["ExpressionAttributeValues"] = values
    return {"Put": operation}


def codes(client: Any, items: list[dict[str, Any]]) -> list[str] | None:
    try:
        client.transact_write_items(TransactItems=items)
    except ClientError as error:
        return [reason["Code"] for reason in error.response["CancellationReasons"]]
    return None


def test_repeated_conditions_decide_per_item(dynamodb: Any) -> None:
    new = "attribute_not_exists(pk)"
    assert codes(dynamodb, [put(f"k{n}", 1, new) for n in range(3)]) is None
    # the same expression again, now failing for k1 only
    assert codes(dynamodb, [put("k1", 2, new), put("k9", 1, new)]) == ["ConditionalCheckFailed", "None"]
    # the same expression with different values gives each its own answer
    same = "revision = :r"
    assert codes(dynamodb, [put("k0", 2, same, {":r": {"N": "1"}}), put("k2", 2, same, {":r": {"N": "1"}})]) is None
    assert codes(dynamodb, [put("k0", 3, same, {":r": {"N": "1"}}), put("k2", 3, same, {":r": {"N": "2"}})]) == [
        "ConditionalCheckFailed",
        "None",
    ]


def test_unused_names_are_still_refused(dynamodb: Any) -> None:
    condition = "attribute_not_exists(#p)"
    ok = {"Put": put("a", 1, condition)["Put"] | {"ExpressionAttributeNames": {"#p": "pk"}}}
    assert codes(dynamodb, [ok]) is None
    unused = {"Put": put("b", 1, condition)["Put"] | {"ExpressionAttributeNames": {"#p": "pk", "#x": "x"}}}
    for operation in (unused, unused):  # parsed, then reused
        with pytest.raises(ClientError) as error:
            dynamodb.transact_write_items(TransactItems=[operation])
        assert error.value.response["Error"]["Code"] == "ValidationException"
