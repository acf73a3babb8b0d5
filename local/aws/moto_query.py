"""A partition-indexed DynamoDB Query for moto's server, pinned to the moto version it was written for.

moto 5.2.5's `Table.query` flattens every item of the table, filters them by hash key and sorts
them on every call (about 850 ms at 100k items). Items are already stored per partition
(`table.items[hash][range]`), so this patch:

- keeps each partition's range keys sorted (a dict subclass that maintains the order on insert and
  delete), and for GSIs a per-index grouping by the index hash key, sorted lazily per partition and
  rebuilt only after the table was written to;
- finds the key condition's window with bisect (=, <, <=, >, >=, BETWEEN, begins_with), starts after
  `ExclusiveStartKey` with a binary search using moto's own ordering predicate, walks forward or
  backward and stops at `Limit`;
- then applies moto's own steps (index projection, FilterExpression, projection; not its deep copy
  of the results, which nothing changes) and its own `LastEvaluatedKey` rules, so that results,
  counts and keys equal moto's.

Queries it does not cover (legacy QueryFilter, multi-attribute keys, indexes without a range key,
tables without a range key, mixed key types) run moto's original code. tests/unit/local compares
both on generated tables and queries.

Responses of Query, Scan, GetItem and BatchGetItem are serialized by moto's own serializer without
their items, which are already in wire format and are spliced back in as they are (moto's shape
serializer takes ~1.5 ms per ~1 KB item); a response with a binary value anywhere in its items
goes through moto's serializer unchanged. BatchGetItem keeps `UnprocessedKeys` and
`ConsumedCapacity` in moto's serializer. Server CPU per BatchGetItem of 100 ~1 KB items
(`/_plein/stats`): 155 ms → 14.5 ms; tests/unit/local/test_moto_batch_get.py compares the response
JSON with moto's. BatchGetItem's check for repeated keys compares each key with every earlier one
(0.3 ms of ~1.3 ms in-process for 100 keys that are not in the table, the feed import's usual
case); `contains_duplicates` finds the same answer with a set of hashable stand-ins.

local/aws/patches.py installs these (`apply`, `apply_responses`, `apply_duplicate_keys`)
with the other patches of local/aws.
"""

from __future__ import annotations

import bisect
import copy
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from local.aws.moto_lock import LOCK  # the indexes change only with the items they index

# Writes that may change items without going through Table.put_item / Table.delete_item /
# DynamoDBBackend.update_item (which keep the GSI indexes current): they invalidate them.
WRITE_METHODS = (
    "execute_statement",
    "execute_transaction",
    "batch_execute_statement",
    "restore_table_from_backup",
    "restore_table_to_point_in_time",
    "import_table",
    "update_table",
)
_originals: dict[str, Callable[..., Any]] = {}


def _cast(key: Any) -> Any:
    return key.cast_value


class Partition(dict[Any, Any]):
    """One partition of a table (range key → item) that keeps its range keys sorted."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sorted: list[Any] | None = None

    def __setitem__(self, key: Any, value: Any) -> None:
        with LOCK:
            if self._sorted is not None and not super().__contains__(key):
                try:
                    bisect.insort(self._sorted, key, key=_cast)
                except TypeError:
                    self._sorted = None
            super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        with LOCK:
            super().__delitem__(key)
            self._sorted = None

    def pop(self, key: Any, *default: Any) -> Any:
        with LOCK:
            self._sorted = None
            return super().pop(key, *default)

    def popitem(self) -> tuple[Any, Any]:
        with LOCK:
            self._sorted = None
            return super().popitem()

    def clear(self) -> None:
        with LOCK:
            self._sorted = None
            super().clear()

    def update(self, *args: Any, **kwargs: Any) -> None:
        with LOCK:
            self._sorted = None
            super().update(*args, **kwargs)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        with LOCK:
            self._sorted = None
            return super().setdefault(key, default)

    def sorted_keys(self) -> list[Any]:
        with LOCK:
            if self._sorted is None:
                self._sorted = sorted(super().keys(), key=_cast)
            return self._sorted

    def __copy__(self) -> Partition:
        return Partition(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> Partition:
        fresh = Partition()
        for key, value in self.items():
            dict.__setitem__(fresh, copy.deepcopy(key, memo), copy.deepcopy(value, memo))
        return fresh

    def __reduce__(self) -> Any:
        return (Partition, (dict(self),))


def _bump(table: Any) -> None:
    table._plein_version = getattr(table, "_plein_version", 0) + 1


def _key(table: Any, attrs: dict[str, Any]) -> tuple[Any, Any] | None:
    from moto.dynamodb.models.dynamo_type import DynamoType

    try:
        hash_value = DynamoType(attrs[table.hash_key_attr])
        range_value = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
    except (KeyError, TypeError):
        return None
    return hash_value, range_value


def _lookup(table: Any, key: tuple[Any, Any] | None) -> Any:
    if key is None or not table.range_key_attr:
        return None
    partition = table.items.get(key[0])
    return partition.get(key[1]) if partition else None


def _reindex(table: Any, before: Any, after: Any) -> None:
    """Move an item in every current GSI index after a write (before/after: Item or None)."""
    try:
        for index in _indexes(table):
            if before is not None:
                index.remove(before)
            if after is not None:
                index.add(after)
    except Exception:
        _bump(table)


# ---- the query ---------------------------------------------------------------------------------


def _begins_with(values: Sequence[Any], prefix: Any) -> tuple[int, int]:
    lo = hi = bisect.bisect_left(values, prefix)
    while hi < len(values) and values[hi].startswith(prefix):
        hi += 1
    return lo, hi


_WINDOWS: dict[str, Callable[[Sequence[Any], Sequence[Any]], tuple[int, int]]] = {
    "EQ": lambda v, o: (bisect.bisect_left(v, o[0]), bisect.bisect_right(v, o[0])),
    "LT": lambda v, o: (0, bisect.bisect_left(v, o[0])),
    "LE": lambda v, o: (0, bisect.bisect_right(v, o[0])),
    "GT": lambda v, o: (bisect.bisect_right(v, o[0]), len(v)),
    "GE": lambda v, o: (bisect.bisect_left(v, o[0]), len(v)),
    "BETWEEN": lambda v, o: (
        bisect.bisect_left(v, o[0]),
        max(bisect.bisect_left(v, o[0]), bisect.bisect_right(v, o[1])),
    ),
    "BEGINS_WITH": lambda v, o: _begins_with(v, o[0]),
}


_SYMBOLS = {"=": "EQ", "<": "LT", "<=": "LE", ">": "GT", ">=": "GE"}


def _window(values: Sequence[Any], comparison: str | None, operands: Sequence[Any]) -> tuple[int, int]:
    """[lo, hi) of the sorted `values` that can satisfy the key condition."""
    if not comparison:
        return 0, len(values)
    name = comparison.upper()
    window = _WINDOWS.get(_SYMBOLS.get(name, name))
    if window is None:
        raise _Unsupported(comparison)
    return window(values, operands)


class _Unsupported(Exception):
    pass


class _PartitionItems(Sequence[Any]):
    """A partition's items in range key order, looked up lazily (no copy per query)."""

    def __init__(self, keys: list[Any], partition: dict[Any, Any]):
        self._keys = keys
        self._partition = partition

    def __len__(self) -> int:
        return len(self._keys)

    def __getitem__(self, index: Any) -> Any:
        return self._partition[self._keys[index]]


class _Values(Sequence[Any]):
    """The range key values of `items`, computed only where bisect looks."""

    def __init__(self, items: Sequence[Any], attribute: str):
        self._items = items
        self._attribute = attribute

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: Any) -> Any:
        return self._items[index].attrs[self._attribute].cast_value


def _candidates(
    table: Any, hash_key: Any, index_name: str | None, hash_key_conditions: Any
) -> tuple[Sequence[Any], str]:
    """The partition's items in moto's order, and the attribute the range condition applies to."""
    if index_name is None:
        if hash_key is None or not table.range_key_attr:
            raise _Unsupported("no hash key")
        partition = table.items.get(hash_key)
        if not partition:
            return [], table.range_key_attr
        keys = partition.sorted_keys() if isinstance(partition, Partition) else sorted(partition, key=_cast)
        return _PartitionItems(keys, partition), table.range_key_attr
    index = {i.name: i for i in table.all_indexes()}.get(index_name)
    if index is None or index not in table.global_indexes:
        raise _Unsupported("not a GSI")  # moto raises the right error; LSIs are rare here
    hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"]
    ranges = [k["AttributeName"] for k in index.schema if k["KeyType"] == "RANGE"]
    conditions = hash_key_conditions or []
    if len(hashes) != 1 or len(ranges) != 1 or len(conditions) != 1 or conditions[0][0] != hashes[0]:
        raise _Unsupported("multi-attribute or hash-only index")
    groups = _gsi_groups(table, index_name, hashes[0], ranges[0])
    return groups.get(conditions[0][1], []), ranges[0]


class _GsiIndex:
    """One GSI of one table: items grouped by the index hash key, each group in moto's order.

    Kept up to date by the write hooks (put, delete, update); any other kind of write bumps the
    table's version and the index is rebuilt on the next query.
    """

    def __init__(self, table: Any, hash_attr: str, range_attr: str):
        self.hash_attr = hash_attr
        self.range_attr = range_attr
        self.sort_attrs = [a for a in (range_attr, table.hash_key_attr, table.range_key_attr) if a]
        self.version = getattr(table, "_plein_version", 0)
        self.groups: dict[Any, list[Any]] = {}
        self._placed: dict[int, tuple[Any, tuple[Any, ...]]] = {}
        for item in table.all_items():
            placement = self._placement(item)
            if placement is not None:
                self.groups.setdefault(placement[0], []).append(item)
                self._placed[id(item)] = placement
        for group in self.groups.values():
            group.sort(key=self.order)

    def order(self, item: Any) -> tuple[Any, ...]:
        return tuple(item.attrs[a].cast_value for a in self.sort_attrs)

    def _placement(self, item: Any) -> tuple[Any, tuple[Any, ...]] | None:
        value = item.attrs.get(self.hash_attr)
        if value is None or not item.attrs.get(self.range_attr):
            return None
        return value, self.order(item)

    def add(self, item: Any) -> None:
        placement = self._placement(item)
        if placement is not None:
            bisect.insort(self.groups.setdefault(placement[0], []), item, key=self.order)
            self._placed[id(item)] = placement

    def remove(self, item: Any) -> None:
        placement = self._placed.pop(id(item), None)
        if placement is None:
            return
        group = self.groups.get(placement[0], [])
        index = bisect.bisect_left(group, placement[1], key=self.order)
        while index < len(group) and group[index] is not item:
            index += 1
        if index < len(group):
            del group[index]
        else:  # the item's keys changed without a hook seeing it: search it
            for position, candidate in enumerate(group):
                if candidate is item:
                    del group[position]
                    break

    def __deepcopy__(self, memo: dict[int, Any]) -> None:
        return None  # copies of a table (moto's transaction rollback) rebuild their own


def _indexes(table: Any) -> list[_GsiIndex]:
    """The table's GSI indexes that are current (the others are rebuilt when next queried)."""
    version = getattr(table, "_plein_version", 0)
    cache = table.__dict__.get("_plein_gsi") or {}
    return [index for index in cache.values() if index is not None and index.version == version]


def _gsi_groups(table: Any, index_name: str, hash_attr: str, range_attr: str) -> dict[Any, list[Any]]:
    cache: dict[str, _GsiIndex | None] = table.__dict__.get("_plein_gsi") or {}
    table.__dict__["_plein_gsi"] = cache
    index = cache.get(index_name)
    if index is None or index.version != getattr(table, "_plein_version", 0):
        index = cache[index_name] = _GsiIndex(table, hash_attr, range_attr)
    return index.groups


def _start(
    table: Any,
    items: Sequence[Any],
    *,
    esk: dict[str, Any] | None,
    hash_attrs: list[str],
    range_attrs: list[Any],
    forward: bool,
) -> int:
    """Position (in iteration order) of the first item after ExclusiveStartKey, by moto's predicate."""
    if esk is None:
        return 0
    count = len(items)
    lo, hi = 0, count
    while lo < hi:
        middle = (lo + hi) // 2
        item = items[middle] if forward else items[count - 1 - middle]
        if table._item_comes_before_dct(item, esk, hash_attrs, range_attrs, forward):
            lo = middle + 1
        else:
            hi = middle
    return lo


def fast_query(  # noqa: PLR0917 - moto's own Table.query signature
    self: Any,
    hash_key: Any,
    range_comparison: str | None,
    range_objs: list[Any],
    limit: int,
    exclusive_start_key: dict[str, Any],
    scan_index_forward: bool,
    projection_expressions: list[list[str]] | None,
    index_name: str | None = None,
    consistent_read: bool = False,
    filter_expression: Any = None,
    hash_key_conditions: list[tuple[str, Any]] | None = None,
    range_key_conditions: list[tuple[str, str, list[Any]]] | None = None,
    **filter_kwargs: Any,
) -> tuple[list[Any], int, dict[str, Any] | None]:
    original = _originals["query"]
    arguments = (hash_key, range_comparison, range_objs, limit, exclusive_start_key, scan_index_forward)
    keywords = {
        "projection_expressions": projection_expressions,
        "index_name": index_name,
        "consistent_read": consistent_read,
        "filter_expression": filter_expression,
        "hash_key_conditions": hash_key_conditions,
        "range_key_conditions": range_key_conditions,
        **filter_kwargs,
    }
    if filter_kwargs or (range_key_conditions and len(range_key_conditions) > 1):
        return original(self, *arguments, **keywords)  # type: ignore[no-any-return]
    if index_name is not None and consistent_read:
        return original(self, *arguments, **keywords)  # type: ignore[no-any-return]
    try:
        with LOCK:
            return _query(
                self,
                _Request(*arguments, projection_expressions, index_name, filter_expression, hash_key_conditions),
            )
    except (_Unsupported, TypeError, AttributeError):
        return original(self, *arguments, **keywords)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class _Request:
    hash_key: Any
    range_comparison: str | None
    range_objs: list[Any]
    limit: int | None
    exclusive_start_key: dict[str, Any] | None
    scan_index_forward: bool
    projection_expressions: list[list[str]] | None
    index_name: str | None
    filter_expression: Any
    hash_key_conditions: list[tuple[str, Any]] | None


def _query(table: Any, request: _Request) -> tuple[list[Any], int, dict[str, Any] | None]:
    from moto.dynamodb.models.table import RESULT_SIZE_LIMIT

    items, range_attr = _candidates(table, request.hash_key, request.index_name, request.hash_key_conditions)
    forward = request.scan_index_forward is not False
    if request.index_name is None:
        hash_attrs, range_attrs = [table.hash_key_attr], [table.range_key_attr]
    else:
        index_hash = (request.hash_key_conditions or [("", None)])[0][0]
        hash_attrs, range_attrs = [index_hash, table.hash_key_attr], [range_attr, table.range_key_attr]
    values = _Values(items, range_attr)
    operands = [obj.cast_value for obj in request.range_objs]
    if operands and len(values) and any(type(op) is not type(values[0]) for op in operands):
        raise _Unsupported("mixed key types")
    lo, hi = _window(values, request.range_comparison, operands)
    count = len(items)
    # positions in iteration order: forward i → items[i]; backward i → items[count - 1 - i]
    window_start, window_end = (lo, hi) if forward else (count - hi, count - lo)
    position = max(
        _start(
            table,
            items,
            esk=request.exclusive_start_key,
            hash_attrs=hash_attrs,
            range_attrs=range_attrs,
            forward=forward,
        ),
        window_start,
    )

    def at(i: int) -> Any:
        return items[i] if forward else items[count - 1 - i]

    results: list[Any] = []
    size = 0
    last_evaluated_key = None
    while position < count:
        item = at(position)
        item_size = item.size()  # summed over every attribute: computed once per item
        if (request.limit is not None and len(results) == request.limit) or size + item_size > RESULT_SIZE_LIMIT:
            last_evaluated_key = table._get_last_evaluated_key(results[-1], request.index_name) if results else None
            break
        if position >= window_end:
            break
        if not request.range_comparison or item.attrs[range_attr].compare(request.range_comparison, request.range_objs):
            results.append(item)
            size += item_size
        position += 1
    scanned = len(results)
    # No deep copy of the stored items (moto's own Query makes one): nothing below changes them.
    # Index and attribute projections build new items, the filter only reads, and the response
    # (DynamoResult) converts them to new dicts while the DynamoDB lock is still held.
    if request.index_name:
        index = table.get_index(request.index_name)
        results = [index.project(r) for r in results]
    if request.filter_expression is not None:
        results = [item for item in results if request.filter_expression.expr(item)]
    if request.projection_expressions:
        results = [r.project(request.projection_expressions) for r in results]
    return results, scanned, last_evaluated_key


# ---- response serialization -------------------------------------------------------------------

_PLAIN_TYPES = frozenset({"S", "N", "BOOL", "NULL", "SS", "NS", "L", "M"})
_ITEM_KEYS = {"Query": "Items", "Scan": "Items", "GetItem": "Item"}


def _plain(value: Any) -> bool:
    """True for attribute values that serialize to themselves (no binary)."""
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return isinstance(value, dict) and all(_plain_attribute(attribute) for attribute in value.values())


def _plain_attribute(attribute: Any) -> bool:
    if not isinstance(attribute, dict) or len(attribute) != 1:
        return False
    kind, inner = next(iter(attribute.items()))
    if kind == "L":
        return all(_plain_attribute(v) for v in inner)
    if kind == "M":
        return _plain(inner)
    return kind in _PLAIN_TYPES


def fast_execute_result(self: Any, context: Any) -> Any:
    """moto 5.2.5 serializes every item through botocore's shape model (about 2 ms per item);
    items are already in wire format, so Query, Scan, GetItem and BatchGetItem splice them in as
    they are."""
    import json

    from moto.core.responses import ActionResult

    original = _originals["execute_result"]
    operation = context.operation_model.name
    if operation == "BatchGetItem":
        return _batch_get_result(self, context)
    key = _ITEM_KEYS.get(operation)
    result = self.result
    if key is None or not isinstance(result, dict) or key not in result:
        return original(self, context)
    items = result[key]
    if not _plain(items if isinstance(items, list) else [items]):
        return original(self, context)
    status, headers, body = original(ActionResult({k: v for k, v in result.items() if k != key}), context)
    document = json.loads(body or "{}")
    document[key] = items
    return status, headers, json.dumps(document)


def _batch_get_result(self: Any, context: Any) -> Any:
    """BatchGetItem's result with the items of `Responses` spliced in as they are (moto's serializer
    takes about 1.5 ms per item); `UnprocessedKeys` and `ConsumedCapacity` go through moto's own."""
    import json

    from moto.core.responses import ActionResult

    original = _originals["execute_result"]
    result = self.result
    responses = result.get("Responses") if isinstance(result, dict) else None
    if not isinstance(responses, dict) or not responses:
        return original(self, context)
    if not all(isinstance(items, list) and _plain(items) for items in responses.values()):
        return original(self, context)
    stripped = {**result, "Responses": {table_name: [] for table_name in responses}}
    status, headers, body = original(ActionResult(stripped), context)
    document = json.loads(body or "{}")
    spliced = document.setdefault("Responses", {})
    for table_name, items in responses.items():
        if items or table_name in spliced:
            spliced[table_name] = items
    return status, headers, json.dumps(document)


_LEAVES = (str, bytes, int, float, bool, type(None))


class _Unfrozen(Exception):
    """A key holds a value `_frozen` does not know (moto's own comparison then runs)."""


def _frozen(value: Any) -> Any:
    """A hashable stand-in that equals another's exactly when the JSON values are `==`."""
    kind = type(value)
    if kind is dict:
        return frozenset((name, _frozen(inner)) for name, inner in value.items())
    if kind is list:
        return (list, tuple(_frozen(inner) for inner in value))  # `list` marks it: no JSON value is a type
    if kind in _LEAVES:
        return value
    raise _Unfrozen


def contains_duplicates(self: Any, keys: list[Any]) -> bool:
    """moto 5.2.5's `DynamoHandler._contains_duplicates` (BatchGetItem's check for repeated keys) in
    O(keys) instead of comparing every key with every earlier one (0.3 ms per 100 keys)."""
    seen: set[Any] = set()
    try:
        for key in keys:
            frozen = _frozen(key)
            if frozen in seen:
                return True
            seen.add(frozen)
    except _Unfrozen:
        return bool(_originals["contains_duplicates"](self, keys))
    return False


# ---- applying ---------------------------------------------------------------------------------


# ---- write hooks ----------------------------------------------------------------------------


def indexed_put(method: Callable[..., Any]) -> Callable[..., Any]:
    def put_item(self: Any, item_attrs: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        with LOCK:
            key = _key(self, item_attrs)
            before = _lookup(self, key)
            try:
                return method(self, item_attrs, *args, **kwargs)
            finally:
                _reindex(self, before, _lookup(self, key))

    return put_item


def indexed_delete(method: Callable[..., Any]) -> Callable[..., Any]:
    def delete_item(self: Any, *args: Any, **kwargs: Any) -> Any:
        with LOCK:
            deleted = method(self, *args, **kwargs)
            _reindex(self, deleted, None)
            return deleted

    return delete_item


def indexed_update(method: Callable[..., Any]) -> Callable[..., Any]:
    def update_item(self: Any, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        with LOCK:
            try:
                table = self.get_table(table_name)
                hash_value, range_value = self.get_keys_value(table, key)
            except Exception:
                return method(self, table_name, key, *args, **kwargs)
            try:
                return method(self, table_name, key, *args, **kwargs)
            finally:
                item = _lookup(table, (hash_value, range_value))
                _reindex(table, item, item)  # updated in place: take it out by identity, put it back

    return update_item


def bumping_backend(method: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        finally:
            for table in list(self.tables.values()):
                _bump(table)

    return wrapper


def apply(replace: Callable[[Any, str, Any], None]) -> None:
    """Install the partition-indexed Query and the write hooks that keep its indexes current,
    through `replace(owner, name, value)` (local/aws/patches.py, which can undo it)."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    _originals["query"] = Table.query
    original_init = Table.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.items = defaultdict(Partition)

    replace(Table, "__init__", init)
    replace(Table, "put_item", indexed_put(Table.put_item))
    replace(Table, "delete_item", indexed_delete(Table.delete_item))
    replace(DynamoDBBackend, "update_item", indexed_update(DynamoDBBackend.update_item))
    for name in WRITE_METHODS:
        replace(DynamoDBBackend, name, bumping_backend(getattr(DynamoDBBackend, name)))
    replace(Table, "query", fast_query)


def apply_responses(replace: Callable[[Any, str, Any], None]) -> None:
    """Install the Query/Scan/GetItem/BatchGetItem responses with their items spliced in."""
    from moto.dynamodb.responses import DynamoResult

    _originals["execute_result"] = DynamoResult.execute_result
    replace(DynamoResult, "execute_result", fast_execute_result)


def apply_duplicate_keys(replace: Callable[[Any, str, Any], None]) -> None:
    """Install BatchGetItem's repeated-key check by hashable stand-ins."""
    from moto.dynamodb.responses import DynamoHandler

    _originals["contains_duplicates"] = DynamoHandler._contains_duplicates
    replace(DynamoHandler, "_contains_duplicates", contains_duplicates)


@contextmanager
def original_query() -> Iterator[None]:
    """Run moto's own Query inside this block (to compare results)."""
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.responses import DynamoResult

    patched = Table.__dict__["query"], DynamoResult.__dict__["execute_result"]
    Table.query = _originals["query"]  # type: ignore[method-assign]
    DynamoResult.execute_result = _originals["execute_result"]  # type: ignore[method-assign]
    try:
        yield
    finally:
        Table.query, DynamoResult.execute_result = patched  # type: ignore[method-assign]
