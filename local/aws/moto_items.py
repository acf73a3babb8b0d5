"""Item construction in O(attributes) instead of O(attributes²), for the local moto server.

moto 5.2.5 builds every written item attribute by attribute into a `LimitedSizeDict`, whose
`__setitem__` sums the size of every attribute already set to enforce DynamoDB's 400 KB item
limit: for a 20-attribute item, 210 `size()` walks per write, about 1.3 ms of server CPU and more
than half of a 100-put TransactWriteItems (cProfile, in-process). This version converts the
attributes, checks the same limit once on their total (sizes are never negative, so the total
exceeds it exactly when moto's running sum would) and raises the same `ItemSizeTooLarge`. Later
writes to `attrs` (updates) keep moto's own check. Pinned to the moto version of `moto_query`;
tests/unit/local/test_moto_items.py compares items and the limit with moto's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ITEM_SIZE_LIMIT = 405000  # moto's own figure (DynamoDB's 400 KB, measured by moto between 409 and 410 KB)


def item_init(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, LimitedSizeDict
    from moto.dynamodb.models.utilities import bytesize

    self.hash_key = hash_key
    self.range_key = range_key
    converted = {key: DynamoType(value) for key, value in attrs.items()}
    if sum(bytesize(key) + value.size() for key, value in converted.items()) > ITEM_SIZE_LIMIT:
        raise ItemSizeTooLarge
    self.attrs = LimitedSizeDict()
    dict.update(self.attrs, converted)  # checked above: skip the per-attribute running sum


def apply(replace: Callable[[Any, str, Any], None]) -> None:
    """Install on moto's DynamoDB Item through `replace(owner, name, value)` (so it can be undone)."""
    from moto.dynamodb.models.dynamo_type import Item

    replace(Item, "__init__", item_init)
