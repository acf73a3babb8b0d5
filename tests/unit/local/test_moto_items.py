"""The local runtime's item construction (local/aws/moto_items.py) matches moto's own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import example, given, settings
from hypothesis import strategies as st

from local.aws import moto_items, patches
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


def _shape(value: Any) -> Any:
    """A DynamoType tree as plain data, with the Python type of every node and leaf."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    if isinstance(value, DynamoType):
        return ("DynamoType", type(value).__name__, value.type, _shape(value.value))
    if isinstance(value, dict):
        return ("dict", [(k, _shape(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_shape(v) for v in value])
    return (type(value).__name__, value)


_texts = st.text(max_size=6) | st.sampled_from(["é", "€uro", "𝄞", ""])
_scalars = st.one_of(
    st.builds(lambda v: {"S": v}, _texts),
    st.builds(lambda v: {"N": v}, st.sampled_from(["1", "-1.50", "1e10", "0"])),
    st.builds(lambda v: {"B": v}, st.binary(max_size=4) | _texts),
    st.builds(lambda v: {"BOOL": v}, st.booleans()),
    st.just({"NULL": True}),
    st.builds(lambda v: {"SS": v}, st.lists(_texts, max_size=3)),
    st.builds(lambda v: {"NS": v}, st.lists(st.sampled_from(["1", "2.5", "-3"]), max_size=3)),
    st.builds(lambda v: {"BS": v}, st.lists(st.binary(max_size=3), max_size=3)),
    # shapes moto accepts but the fast path leaves to moto's own code
    st.builds(lambda v: {"S": v}, st.booleans()),
    st.builds(lambda v: {"SS": v}, st.lists(st.booleans(), max_size=2)),
    st.just({"X": "unknown"}),
)
_values = st.recursive(
    _scalars,
    lambda children: (
        st.builds(lambda v: {"L": v}, st.lists(children, max_size=3))
        | st.builds(lambda v: {"M": v}, st.dictionaries(_texts, children, max_size=3))
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(value=_values)
def test_attribute_values_convert_and_size_as_moto_s(value: dict[str, Any]) -> None:
    from moto.dynamodb.models.dynamo_type import DynamoType

    expected = DynamoType(value)

    node, size = moto_items.converted(value)

    assert _shape(node) == _shape(expected)
    assert size == expected.size()


def test_items_are_built_as_moto_builds_them() -> None:
    from moto.dynamodb.models.dynamo_type import DynamoType, Item

    attrs = {"pk": {"S": "k"}, "m": {"M": {"l": {"L": [{"N": "1"}, {"B": b"x"}]}}}, "d": DynamoType({"S": "x"})}
    key = DynamoType({"S": "k"})
    patches.install()
    try:
        assert Item.__init__ is moto_items.item_init
        patched = Item(key, None, attrs)
    finally:
        patches.remove()
    expected = Item(key, None, attrs)

    assert type(patched.attrs) is type(expected.attrs)
    assert _shape(dict(patched.attrs)) == _shape(dict(expected.attrs))
    assert patched.size() == expected.size()


@settings(max_examples=300, deadline=None)
@given(first=_values, second=_values)
@example(first={"S": "1"}, second={"N": "1"})  # the same text, not the same value
@example(first={"S": "a"}, second={"B": "a"})
def test_values_hash_and_compare_as_moto_s(first: dict[str, Any], second: dict[str, Any]) -> None:
    from moto.dynamodb.models.dynamo_type import DynamoType

    patched = moto_items.string_comparisons(DynamoType)
    for a, b in ((first, second), (first, first), (second, dict(second))):
        x, y = DynamoType(a), DynamoType(b)
        try:
            expected = (hash(x), hash(y), x == y, x != y)
        except TypeError:  # moto cannot hash it (a set or list value): neither may the patch
            with pytest.raises(TypeError):
                patched["__hash__"](x), patched["__hash__"](y)
            continue
        found = (patched["__hash__"](x), patched["__hash__"](y), patched["__eq__"](x, y), patched["__ne__"](x, y))
        assert found == expected
