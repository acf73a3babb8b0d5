"""BatchGetItem and GetItem responses of the local moto server (local/aws/moto_query.py) equal moto's own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from local.aws import moto_query
from tests.unit.local.moto_tables import create_table, moto

TABLE, OTHER, EMPTY, BIG = "batch-get", "batch-get-other", "batch-get-empty", "batch-get-big"
ITEMS: list[dict[str, Any]] = [
    {
        "pk": {"S": "plain"},
        "sk": {"S": "1"},
        "n": {"N": "1.50"},
        "flag": {"BOOL": False},
        "none": {"NULL": True},
        "ss": {"SS": ["b", "a"]},
        "ns": {"NS": ["2", "10", "1.0"]},
        "l": {"L": [{"S": "x"}, {"N": "-0"}, {"M": {"deep": {"L": [{"BOOL": True}]}}}]},
        "m": {"M": {"a": {"S": 'é " \\ \n'}, "empty": {"M": {}}, "list": {"L": []}}},
    },
    {"pk": {"S": "plain"}, "sk": {"S": "2"}, "title": {"S": "second"}},
    {"pk": {"S": "binary"}, "sk": {"S": "1"}, "b": {"B": b"\x00\xff"}},
    {"pk": {"S": "binary"}, "sk": {"S": "2"}, "bs": {"BS": [b"a", b"b"]}},
    {"pk": {"S": "nested-binary"}, "sk": {"S": "1"}, "m": {"M": {"b": {"B": b"z"}}}},
]


@pytest.fixture(scope="module")
def dynamodb() -> Iterator[Any]:
    with moto(True) as client:
        for name in (TABLE, OTHER, EMPTY):
            create_table(client, name)
        for item in ITEMS:
            client.put_item(TableName=TABLE, Item=item)
            client.put_item(TableName=OTHER, Item=item)
        yield client


def _raw(client: Any, operation: str, **request: Any) -> Any:
    """The response body's JSON, as the server wrote it."""
    bodies: list[bytes] = []

    def keep(response_dict: dict[str, Any], **_kwargs: Any) -> None:
        bodies.append(response_dict["body"])

    client.meta.events.register(f"before-parse.dynamodb.{operation}", keep)
    try:
        getattr(client, {"BatchGetItem": "batch_get_item", "GetItem": "get_item"}[operation])(**request)
    finally:
        client.meta.events.unregister(f"before-parse.dynamodb.{operation}", keep)
    return json.loads(bodies[-1])


def _both(client: Any, operation: str, **request: Any) -> tuple[Any, Any]:
    patched = _raw(client, operation, **request)
    with moto_query.original_query():
        original = _raw(client, operation, **request)
    return patched, original


def _keys(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in pairs]


PLAIN = _keys(("plain", "1"), ("plain", "2"), ("missing", "1"))
REQUESTS: dict[str, dict[str, Any]] = {
    "one table": {TABLE: {"Keys": PLAIN}},
    "two tables": {TABLE: {"Keys": PLAIN}, OTHER: {"Keys": PLAIN[:1]}},
    "nothing found": {TABLE: {"Keys": _keys(("missing", "1"))}, EMPTY: {"Keys": _keys(("x", "y"))}},
    "found and not": {EMPTY: {"Keys": _keys(("x", "y"))}, TABLE: {"Keys": PLAIN}},
    "projection": {
        TABLE: {"Keys": PLAIN, "ProjectionExpression": "#n, l[2], m.a", "ExpressionAttributeNames": {"#n": "n"}}
    },
    "binary": {TABLE: {"Keys": _keys(("binary", "1"), ("plain", "1"))}},
    "binary set": {TABLE: {"Keys": _keys(("binary", "2"))}, OTHER: {"Keys": PLAIN}},
    "nested binary": {TABLE: {"Keys": _keys(("nested-binary", "1"), ("plain", "2"))}},
}


@pytest.mark.parametrize("capacity", [None, "TOTAL", "INDEXES", "NONE"])
@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_batch_get_responses_are_moto_s(dynamodb: Any, name: str, capacity: str | None) -> None:
    request: dict[str, Any] = {"RequestItems": REQUESTS[name]}
    if capacity:
        request["ReturnConsumedCapacity"] = capacity

    patched, original = _both(dynamodb, "BatchGetItem", **request)

    assert patched == original
    assert set(patched["Responses"]) == set(REQUESTS[name])


@pytest.mark.parametrize(
    "key", [("plain", "1"), ("plain", "2"), ("missing", "1"), ("binary", "1"), ("binary", "2"), ("nested-binary", "1")]
)
def test_get_item_responses_are_moto_s(dynamodb: Any, key: tuple[str, str]) -> None:
    patched, original = _both(dynamodb, "GetItem", TableName=TABLE, Key=_keys(key)[0])

    assert patched == original


def test_plain_batches_skip_moto_s_serializer_for_items(dynamodb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given moto's serializer refusing to serialize any item
    from moto.core import serialize

    original = serialize.JSONSerializer._serialize_type_map

    def refuse(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> Any:
        if shape.name == "AttributeMap" and value:
            raise AssertionError("an item went through moto's serializer")
        return original(self, serialized, value, shape, key)

    monkeypatch.setattr(serialize.JSONSerializer, "_serialize_type_map", refuse)

    # When / Then plain items are spliced in as they are
    response = dynamodb.batch_get_item(RequestItems=REQUESTS["two tables"])
    assert len(response["Responses"][TABLE]) == 2
    # and a batch with a binary value still goes through moto's serializer
    with pytest.raises(Exception, match="serializer"):
        dynamodb.batch_get_item(RequestItems=REQUESTS["binary"])


def test_unprocessed_keys_are_moto_s(dynamodb: Any) -> None:
    # Given more than 16 MB of items (moto answers the rest as UnprocessedKeys)
    create_table(dynamodb, BIG)
    big = "x" * 390_000
    for i in range(45):
        dynamodb.put_item(TableName=BIG, Item={"pk": {"S": "big"}, "sk": {"S": f"{i:02d}"}, "v": {"S": big}})
    keys = _keys(*[("big", f"{i:02d}") for i in range(45)])

    # When
    patched, original = _both(dynamodb, "BatchGetItem", RequestItems={BIG: {"Keys": keys}, TABLE: {"Keys": PLAIN}})

    # Then
    assert patched == original
    assert len(patched["UnprocessedKeys"][BIG]["Keys"]) > 0


def _key(pk: Any, sk: Any) -> dict[str, Any]:
    return {"pk": pk, "sk": sk}


DUPLICATE_CASES: list[list[Any]] = [
    [],
    [_key({"S": "a"}, {"S": "1"})],
    [_key({"S": "a"}, {"S": "1"}), _key({"S": "a"}, {"S": "2"})],
    [_key({"S": "a"}, {"S": "1"}), _key({"S": "b"}, {"S": "1"}), _key({"S": "a"}, {"S": "1"})],
    [_key({"S": "a"}, {"S": "1"}), {"sk": {"S": "1"}, "pk": {"S": "a"}}],  # same key, other order
    [_key({"S": "a"}, {"N": "1"}), _key({"S": "a"}, {"N": "1.0"})],  # different strings
    [_key({"S": "a"}, {"N": "1"}), _key({"S": "a"}, {"S": "1"})],
    [_key({"B": b"x"}, {"S": "1"}), _key({"B": b"x"}, {"S": "1"})],
    [_key({"B": b"x"}, {"S": "1"}), _key({"B": "eA=="}, {"S": "1"})],
    [{"pk": {"L": [{"S": "a"}]}}, {"pk": {"L": [{"S": "a"}]}}],
    [{"pk": {"L": [{"S": "a"}]}}, {"pk": {"M": {"0": {"S": "a"}}}}],
    [{"pk": {"S": "a"}}, {"pk": {"S": "a"}, "sk": {"S": "1"}}],
    [{"pk": 1}, {"pk": True}, {"pk": 1.0}],  # == treats these alike, and so must the patch
    [{"pk": ("a",)}, {"pk": ("a",)}],  # not JSON: moto's own comparison
]


@pytest.mark.parametrize("keys", DUPLICATE_CASES, ids=lambda keys: str(keys)[:50])
def test_duplicate_keys_are_found_as_moto_finds_them(dynamodb: Any, keys: list[Any]) -> None:
    from moto.dynamodb.responses import DynamoHandler

    handler = DynamoHandler.__new__(DynamoHandler)
    expected = moto_query._originals["contains_duplicates"](handler, keys)

    assert moto_query.contains_duplicates(handler, keys) is expected


def test_a_batch_with_a_repeated_key_is_refused(dynamodb: Any) -> None:
    from botocore.exceptions import ClientError
    from moto.dynamodb.responses import DynamoHandler

    assert DynamoHandler.__dict__["_contains_duplicates"] is moto_query.contains_duplicates
    with pytest.raises(ClientError, match="duplicates"):
        dynamodb.batch_get_item(RequestItems={TABLE: {"Keys": [*PLAIN, PLAIN[0]]}})
