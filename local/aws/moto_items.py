"""Item construction in O(attributes) instead of O(attributes²), for the local moto server.

moto 5.2.5 builds every written item attribute by attribute into a `LimitedSizeDict`, whose
`__setitem__` sums the size of every attribute already set to enforce DynamoDB's 400 KB item
limit: for a 20-attribute item, 210 `size()` walks per write, about 1.3 ms of server CPU and more
than half of a 100-put TransactWriteItems (cProfile, in-process). This version converts the
attributes, checks the same limit once on their total (sizes are never negative, so the total
exceeds it exactly when moto's running sum would) and raises the same `ItemSizeTooLarge`. Later
writes to `attrs` (updates) keep moto's own check.

Second version: each attribute value in wire format (S, N, B, BOOL, NULL, SS, NS, BS, L, M with
the value types the wire gives) is built into the same `DynamoType` tree and sized in one pass,
with moto's classes and helpers looked up once instead of imported per item; anything else (a
`DynamoType`, an unusual shape) goes through `DynamoType(value)` and `size()` as before. Per
20-attribute ~1 KB item (in-process): moto 178 µs, first version 30 µs, this one 13 to 16 µs.

Keys: every `DynamoType` hash and equality test goes through `cast_value`, a property that asks
five type questions before returning a string's own value; a 100-put transaction into a table
keyed by strings hashes or compares ~15 of them per item (the partition dict, the item lookups
before and after the write, the index). For type `S` these now use the value directly, which is
exactly what `cast_value` returns for it: in-process, 20% of a TransactWriteItems' server CPU.

Pinned to the moto version of `patches`; tests/unit/local/test_moto_items.py compares items,
generated attribute values (trees, sizes, hashes and equality) and the limit with moto's own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

ITEM_SIZE_LIMIT = 405000  # moto's own figure (DynamoDB's 400 KB, measured by moto between 409 and 410 KB)


class _NotPlain(Exception):
    """A value `_build` leaves to moto's own DynamoType (a DynamoType, or JSON of an unusual shape)."""


def _bytesize(value: Any) -> int:
    """moto's `bytesize` for the str and bytes it accepts."""
    kind = type(value)
    if kind is str:
        return len(value) if value.isascii() else len(value.encode("utf-8"))
    if kind is bytes:
        return len(value)
    raise _NotPlain


def _scalar(kind: str, inner: Any) -> int:
    """The size moto gives a scalar or set value of type `kind`; raises `_NotPlain` for others."""
    if kind in {"S", "B"}:
        return _bytesize(inner)
    if kind == "N":
        if type(inner) is not str:
            raise _NotPlain
        return len(inner)
    if kind in {"BOOL", "NULL"}:
        if type(inner) is not bool:
            raise _NotPlain
        return 1
    if type(inner) is not list:
        raise _NotPlain
    if kind in {"SS", "BS"}:
        return sum(_bytesize(v) for v in inner)
    if kind == "NS" and all(type(v) is str for v in inner):
        return sum(len(v) for v in inner)
    raise _NotPlain


def _build(raw: Any, new: Callable[[Any], Any], dynamo_type: Any) -> tuple[Any, int]:
    """moto's `DynamoType(raw)` and its `size()`, in one pass over an attribute value in wire format
    ({type: value}); raises `_NotPlain` for anything else (moto's own code then runs)."""
    if type(raw) is not dict or len(raw) != 1:
        raise _NotPlain
    for kind, inner in raw.items():
        node = new(dynamo_type)
        node.type = kind
        if kind == "M":
            if type(inner) is not dict:
                raise _NotPlain
            children: dict[str, Any] = {}
            size = 0
            for name, child in inner.items():
                children[name], child_size = _build(child, new, dynamo_type)
                size += _bytesize(name) + child_size
            node.value = children
        elif kind == "L":
            if type(inner) is not list:
                raise _NotPlain
            elements: list[Any] = []
            size = 0
            for child in inner:
                element, child_size = _build(child, new, dynamo_type)
                elements.append(element)
                size += child_size
            node.value = elements
        else:
            node.value, size = inner, _scalar(kind, inner)
        return node, size
    raise _NotPlain  # pragma: no cover - a one-key dict always has an item


@functools.cache
def _moto() -> tuple[Any, Any, Any, Any]:
    """moto's DynamoType, LimitedSizeDict, bytesize and ItemSizeTooLarge (imported once, not per item)."""
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, LimitedSizeDict
    from moto.dynamodb.models.utilities import bytesize

    return DynamoType, LimitedSizeDict, bytesize, ItemSizeTooLarge


def converted(value: Any) -> tuple[Any, int]:
    """`(DynamoType(value), its size())` as moto computes them, in one pass when `value` is plain."""
    dynamo_type = _moto()[0]
    try:
        return _build(value, object.__new__, dynamo_type)
    except _NotPlain:
        node = dynamo_type(value)
        return node, node.size()


def item_init(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
    _, limited_size_dict, bytesize, item_size_too_large = _moto()
    self.hash_key = hash_key
    self.range_key = range_key
    items = limited_size_dict()
    total = 0
    for key, value in attrs.items():
        node, size = converted(value)
        dict.__setitem__(items, key, node)  # checked below: skip the per-attribute running sum
        total += (len(key) if type(key) is str and key.isascii() else bytesize(key)) + size
    if total > ITEM_SIZE_LIMIT:
        raise item_size_too_large
    self.attrs = items


def string_comparisons(dynamo_type: Any) -> dict[str, Callable[..., Any]]:
    """`DynamoType`'s `__hash__`, `__eq__` and `__ne__` with strings compared by their value."""
    moto_hash, moto_eq, moto_ne = dynamo_type.__hash__, dynamo_type.__eq__, dynamo_type.__ne__

    def __hash__(self: Any) -> int:  # noqa: N807 - the dunder being replaced
        return hash(("S", self.value)) if self.type == "S" else int(moto_hash(self))

    def __eq__(self: Any, other: Any) -> bool:  # noqa: N807
        if self.type == "S":
            return bool(other.type == "S" and self.value == other.value)
        return bool(moto_eq(self, other))

    def __ne__(self: Any, other: Any) -> bool:  # noqa: N807
        if self.type == "S":
            return bool(other.type != "S" or self.value != other.value)
        return bool(moto_ne(self, other))

    return {"__hash__": __hash__, "__eq__": __eq__, "__ne__": __ne__}


def apply(replace: Callable[[Any, str, Any], None]) -> None:
    """Install on moto's DynamoDB Item and DynamoType through `replace(owner, name, value)` (so it
    can be undone)."""
    from moto.dynamodb.models.dynamo_type import DynamoType, Item

    replace(Item, "__init__", item_init)
    for name, method in string_comparisons(DynamoType).items():
        replace(DynamoType, name, method)
