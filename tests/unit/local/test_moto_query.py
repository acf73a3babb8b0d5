"""The partition-indexed Query (local/aws/moto_query.py) returns exactly what moto's own Query does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from local.aws import moto_query, patches

TABLE = "query-patch"
NUMERIC = "query-patch-numeric"
SORT_KEYS = ["a", "ab", "abc", "b", "ba", "bb", "c", "ca", "d", "e#1", "e#2", "e#10", "f"]


@pytest.fixture(scope="module")
def dynamodb() -> Iterator[Any]:
    patches.install()
    try:
        with mock_aws():
            client = boto3.client("dynamodb", region_name="eu-west-1")
            client.create_table(
                TableName=TABLE,
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                AttributeDefinitions=[
                    {"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "gsi1pk", "gsi1sk")
                ],
                GlobalSecondaryIndexes=[
                    {
                        "IndexName": "gsi1",
                        "KeySchema": [
                            {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                            {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
                        ],
                        "Projection": {"ProjectionType": "ALL"},
                    }
                ],
                BillingMode="PAY_PER_REQUEST",
            )
            client.create_table(
                TableName=NUMERIC,
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}],
                AttributeDefinitions=[
                    {"AttributeName": "pk", "AttributeType": "S"},
                    {"AttributeName": "n", "AttributeType": "N"},
                ],
                BillingMode="PAY_PER_REQUEST",
            )
            _fill(client)
            yield client
    finally:
        patches.remove()


def _fill(client: Any) -> None:
    for p in range(3):
        for i, sk in enumerate(SORT_KEYS):
            item = {"pk": {"S": f"P{p}"}, "sk": {"S": sk}, "qty": {"N": str(i % 4)}}
            if i % 3:  # some items are not in the GSI (missing keys)
                item["gsi1pk"] = {"S": f"G{i % 2}"}
                item["gsi1sk"] = {"S": SORT_KEYS[(i * 5) % len(SORT_KEYS)]}  # duplicates across items
            client.put_item(TableName=TABLE, Item=item)
    for n in [-5, -1, 0, 1, 2, 2.5, 10, 100, 1000]:
        client.put_item(TableName=NUMERIC, Item={"pk": {"S": "N"}, "n": {"N": str(n)}})


def _both(client: Any, request: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every page of the query, patched and unpatched."""

    def pages() -> list[dict[str, Any]]:
        found, arguments = [], dict(request)
        for _ in range(50):
            page = client.query(**arguments)
            page.pop("ResponseMetadata")
            found.append(page)
            if "LastEvaluatedKey" not in page:
                break
            arguments["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return found

    patched = pages()
    with moto_query.original_query():
        original = pages()
    return patched, original


CONDITIONS: list[tuple[str, dict[str, Any]]] = [
    ("pk = :p", {}),
    ("pk = :p AND sk = :a", {":a": {"S": "b"}}),
    ("pk = :p AND sk < :a", {":a": {"S": "b"}}),
    ("pk = :p AND sk <= :a", {":a": {"S": "b"}}),
    ("pk = :p AND sk > :a", {":a": {"S": "b"}}),
    ("pk = :p AND sk >= :a", {":a": {"S": "bb"}}),
    ("pk = :p AND sk BETWEEN :a AND :b", {":a": {"S": "ab"}, ":b": {"S": "d"}}),
    ("pk = :p AND sk BETWEEN :a AND :b", {":a": {"S": "z"}, ":b": {"S": "zz"}}),
    ("pk = :p AND begins_with(sk, :a)", {":a": {"S": "e#"}}),
    ("pk = :p AND begins_with(sk, :a)", {":a": {"S": "a"}}),
    ("pk = :p AND begins_with(sk, :a)", {":a": {"S": "x"}}),
]


@pytest.mark.parametrize(("condition", "values"), CONDITIONS)
@pytest.mark.parametrize("forward", [True, False])
@pytest.mark.parametrize("limit", [None, 1, 2, 5])
def test_table_queries_match_moto(dynamodb: Any, condition: str, values: dict[str, Any], forward: bool, limit: Any):
    # Given the three partitions of _fill
    request: dict[str, Any] = {
        "TableName": TABLE,
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": {":p": {"S": "P1"}, **values},
        "ScanIndexForward": forward,
    }
    if limit:
        request["Limit"] = limit

    # When
    patched, original = _both(dynamodb, request)

    # Then
    assert patched == original


@pytest.mark.parametrize("forward", [True, False])
@pytest.mark.parametrize("limit", [None, 1, 3])
@pytest.mark.parametrize(
    ("condition", "values"),
    [
        ("gsi1pk = :g", {}),
        ("gsi1pk = :g AND gsi1sk >= :a", {":a": {"S": "b"}}),
        ("gsi1pk = :g AND begins_with(gsi1sk, :a)", {":a": {"S": "e"}}),
        ("gsi1pk = :g AND gsi1sk BETWEEN :a AND :b", {":a": {"S": "a"}, ":b": {"S": "c"}}),
    ],
)
def test_gsi_queries_match_moto(dynamodb: Any, condition: str, values: dict[str, Any], forward: bool, limit: Any):
    request: dict[str, Any] = {
        "TableName": TABLE,
        "IndexName": "gsi1",
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": {":g": {"S": "G1"}, **values},
        "ScanIndexForward": forward,
    }
    if limit:
        request["Limit"] = limit

    patched, original = _both(dynamodb, request)

    assert patched == original
    assert patched[0]["Count"] > 0 or "gsi1sk" in condition


def test_gsi_follows_writes_and_missing_keys(dynamodb: Any) -> None:
    # Given a GSI query answered once (and cached)
    request = {
        "TableName": TABLE,
        "IndexName": "gsi1",
        "KeyConditionExpression": "gsi1pk = :g",
        "ExpressionAttributeValues": {":g": {"S": "G0"}},
    }
    before, _ = _both(dynamodb, request)

    # When an item moves into the index by an update, and another leaves it by losing its key
    dynamodb.update_item(
        TableName=TABLE,
        Key={"pk": {"S": "P0"}, "sk": {"S": "a"}},
        UpdateExpression="SET gsi1pk = :g, gsi1sk = :s",
        ExpressionAttributeValues={":g": {"S": "G0"}, ":s": {"S": "zz"}},
    )
    leaving = before[0]["Items"][0]
    dynamodb.update_item(
        TableName=TABLE, Key={"pk": leaving["pk"], "sk": leaving["sk"]}, UpdateExpression="REMOVE gsi1sk"
    )
    after, original = _both(dynamodb, request)

    # Then
    assert after == original
    assert after[0]["Count"] == before[0]["Count"]
    assert after[0]["Items"][-1]["gsi1sk"] == {"S": "zz"}


def test_filter_and_projection_match_moto(dynamodb: Any) -> None:
    request = {
        "TableName": TABLE,
        "KeyConditionExpression": "pk = :p AND sk > :a",
        "FilterExpression": "qty > :s",
        "ProjectionExpression": "sk, qty",
        "ExpressionAttributeValues": {":p": {"S": "P2"}, ":a": {"S": "a"}, ":s": {"N": "1"}},
        "Limit": 4,
    }

    patched, original = _both(dynamodb, request)

    assert patched == original
    assert len(patched) > 1


@pytest.mark.parametrize(
    ("condition", "values"),
    [
        ("pk = :p AND n < :a", {":a": {"N": "2"}}),
        ("pk = :p AND n >= :a", {":a": {"N": "2"}}),
        ("pk = :p AND n BETWEEN :a AND :b", {":a": {"N": "-1"}, ":b": {"N": "10"}}),
    ],
)
def test_numeric_sort_keys_match_moto(dynamodb: Any, condition: str, values: dict[str, Any]) -> None:
    request = {
        "TableName": NUMERIC,
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": {":p": {"S": "N"}, **values},
        "Limit": 2,
    }

    patched, original = _both(dynamodb, request)

    assert patched == original


def test_deleted_items_leave_the_partition(dynamodb: Any) -> None:
    request = {
        "TableName": TABLE,
        "KeyConditionExpression": "pk = :p",
        "ExpressionAttributeValues": {":p": {"S": "P0"}},
    }
    _both(dynamodb, request)

    dynamodb.delete_item(TableName=TABLE, Key={"pk": {"S": "P0"}, "sk": {"S": "b"}})
    patched, original = _both(dynamodb, request)

    assert patched == original
    assert {"S": "b"} not in [item["sk"] for item in patched[0]["Items"]]


keys = st.text(alphabet="abc#", min_size=1, max_size=4)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sort_keys=st.sets(keys, min_size=0, max_size=25),
    operator=st.sampled_from(["=", "<", "<=", ">", ">=", "BETWEEN", "begins_with"]),
    operands=st.tuples(keys, keys),
    forward=st.booleans(),
    limit=st.one_of(st.none(), st.integers(1, 6)),
)
def test_generated_queries_match_moto(  # noqa: PLR0917 - one argument per Hypothesis strategy
    dynamodb: Any, sort_keys: set[str], operator: str, operands: Any, forward: bool, limit: int | None
) -> None:
    # Given a fresh partition with generated sort keys
    partition = f"H{abs(hash((tuple(sorted(sort_keys)), operator, operands, forward, limit)))}"
    for sk in sort_keys:
        dynamodb.put_item(TableName=TABLE, Item={"pk": {"S": partition}, "sk": {"S": sk}})
    low, high = sorted(operands)
    if operator == "BETWEEN":
        condition = "pk = :p AND sk BETWEEN :a AND :b"
        values = {":a": {"S": low}, ":b": {"S": high}}
    elif operator == "begins_with":
        condition, values = "pk = :p AND begins_with(sk, :a)", {":a": {"S": low}}
    else:
        condition, values = f"pk = :p AND sk {operator} :a", {":a": {"S": low}}
    request: dict[str, Any] = {
        "TableName": TABLE,
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": {":p": {"S": partition}, **values},
        "ScanIndexForward": forward,
    }
    if limit:
        request["Limit"] = limit

    # When / Then
    patched, original = _both(dynamodb, request)
    assert patched == original


def test_supported_queries_take_the_fast_path(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given moto's own Query made unusable
    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("fell back to moto's Query")

    monkeypatch.setitem(moto_query._originals, "query", refuse)

    # When table and GSI queries run, they never reach it
    table = dynamodb.query(
        TableName=TABLE,
        KeyConditionExpression="pk = :p AND begins_with(sk, :a)",
        ExpressionAttributeValues={":p": {"S": "P1"}, ":a": {"S": "e#"}},
        Limit=2,
    )
    index = dynamodb.query(
        TableName=TABLE,
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :g AND gsi1sk > :a",
        ExpressionAttributeValues={":g": {"S": "G1"}, ":a": {"S": "a"}},
        ScanIndexForward=False,
    )

    # Then
    assert table["Count"] == 2
    assert index["Count"] > 0


def test_gsi_stays_right_through_batch_writes_transactions_and_replacements(dynamodb: Any) -> None:
    # Given a GSI partition answered once (its index is built)
    request = {
        "TableName": TABLE,
        "IndexName": "gsi1",
        "KeyConditionExpression": "gsi1pk = :g",
        "ExpressionAttributeValues": {":g": {"S": "GX"}},
    }
    _both(dynamodb, request)

    # When items enter it by batch write, move in it by replacement, leave it by a transaction
    dynamodb.batch_write_item(
        RequestItems={
            TABLE: [
                {"PutRequest": {"Item": {"pk": {"S": "PX"}, "sk": {"S": f"s{i}"}, **_gsi("GX", f"k{9 - i}")}}}
                for i in range(8)
            ]
        }
    )
    dynamodb.put_item(TableName=TABLE, Item={"pk": {"S": "PX"}, "sk": {"S": "s3"}, **_gsi("GX", "a-first")})
    dynamodb.transact_write_items(
        TransactItems=[
            {"Delete": {"TableName": TABLE, "Key": {"pk": {"S": "PX"}, "sk": {"S": "s5"}}}},
            {
                "Update": {
                    "TableName": TABLE,
                    "Key": {"pk": {"S": "PX"}, "sk": {"S": "s6"}},
                    "UpdateExpression": "SET gsi1pk = :o",
                    "ExpressionAttributeValues": {":o": {"S": "GY"}},
                }
            },
        ]
    )
    patched, original = _both(dynamodb, request)

    # Then
    assert patched == original
    assert patched[0]["Items"][0]["sk"]["S"] == "s3"
    assert patched[0]["Count"] == 6


def _gsi(partition: str, sort: str) -> dict[str, Any]:
    return {"gsi1pk": {"S": partition}, "gsi1sk": {"S": sort}}
