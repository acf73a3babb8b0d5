"""The catalog table: product read model items, counters, vendors, trend buckets, event markers.

Layout (single table, pk/sk):
- `PRODUCT#<id>` / `PRODUCT`: offers and first-seen time as JSON (`state`) and the optimistic
  lock `revision`; written only by the offer merge, with a condition on the revision.
- `PRODUCT#<id>` / `COUNTERS`: hearts, sales, rating sum and count; changed only by atomic `ADD`,
  so counters never conflict with offer merges.
- `VENDOR#<id>` / `VENDOR`: name, status, shipping rules, return days (from VendorUpdated).
- `TREND#<yyyymmddhh>` / `TREND`: per-hour counters `h:<product_id>` and `s:<product_id>`
  (hearts, sales), expiring after 8 days; read with one BatchGet per window.
- `EVENT#<event_id>` / `EVENT`: marks a counted event (expires after 2 days).
- `FAMILY#<family_id>` / `FAMILY`: `members`, the string set of its products' ids (changed only
  by `ADD` and `DELETE`, so concurrent indexers never overwrite each other's members).
Everything is read by key (GetItem/BatchGet), never by Query; only a search index rebuild scans
the table (`scan_products`). Products are written with
TransactWriteItems of up to 100 conditional puts: one request instead of 100 (on AWS at twice the
write units; locally moto handles a request per product at ~3 ms of its CPU each, a 100-put
transaction at ~0.2 ms per product, measured). The transaction is only a batching device: a
cancelled one is sent again without the products whose condition failed. moto without the local
runtime's patch (e.g. in-process `mock_aws`) copies the whole table per transaction, which is
fine at test sizes only; it is not thread-safe either, so requests go out one after another
unless the store is built with `concurrency` > 1 (the indexer: its batch of ~1,000 offers is
~20 BatchGets and ~10 transactions, which then overlap instead of waiting for each other).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, TypeVar

from pydantic import Field
from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from functions.catalog.logic.domain import Counters, OfferEntry, Product, Signal, VendorInfo
from functions.catalog.logic.ports import ProductConflict
from functions.catalog.store.records import CatalogRecord
from functions.common.dynamo import bind_table, cancellation_codes, translate_errors
from functions.common.errors import Conflict
from functions.common.models import Record

PRODUCT_SK = "PRODUCT"
COUNTERS_SK = "COUNTERS"
VENDOR_SK = "VENDOR"
TREND_SK = "TREND"
EVENT_SK = "EVENT"
FAMILY_SK = "FAMILY"
TREND_TTL = timedelta(days=8)
EVENT_TTL = timedelta(days=2)
_BATCH_GET = 100
_TRANSACTION_ITEMS = 100
_TRANSACTION_BYTES = 3 * 1024 * 1024
_TRANSACTION_ATTEMPTS = 5
_COUNTERS = ("hearts", "sales", "rating_sum", "rating_count")
_SIGNALLED = ("hearts", "sales")
"""Counters added by signals; the rating is set as community counts it (`set_rating`)."""
_SCAN_LIMIT = 1000  # items evaluated per Scan request (a page is also cut at 1 MB)

_Chunk = TypeVar("_Chunk")
_Result = TypeVar("_Result")


_STATE_FIELDS = {"offers", "first_seen"}


class _ProductState(Record):
    """A `PRODUCT` item's `state`: the JSON of the product's `_STATE_FIELDS`, written by pydantic
    (7 µs for a one-offer product instead of 30 µs through `model_dump` and `json.dumps`)."""

    offers: dict[str, OfferEntry] = Field(default_factory=dict)
    first_seen: datetime | None = None


class VendorItem(CatalogRecord):
    name = UnicodeAttribute()
    status = UnicodeAttribute()
    shipping_rules = UnicodeAttribute(default="[]")
    return_days = NumberAttribute(default=0)


def product_key(product_id: str) -> str:
    return f"PRODUCT#{product_id}"


def family_item_key(family_id: str) -> str:
    return f"FAMILY#{family_id}"


def trend_key(hour: str) -> str:
    return f"TREND#{hour}"


def _number(item: dict[str, Any], name: str) -> int:
    value = item.get(name)
    return int(value["N"]) if value and "N" in value else 0


class DynamoCatalogStore:
    """`CatalogRepository` on DynamoDB (PynamoDB for vendors, the low-level client for the hot path)."""

    def __init__(self, table_name: str, client: Any = None, concurrency: int = 1):
        for model in (CatalogRecord, VendorItem):
            bind_table(model, table_name)
        self._table = table_name
        if client is None:
            import boto3
            from botocore.config import Config

            # No parameter validation, as PynamoDB's own client (the other contexts' stores) has it:
            # requests are built here from validated models, and botocore's validation walk was
            # ~11% of the indexer's CPU. A connection for each request in flight.
            config = Config(parameter_validation=False, max_pool_connections=max(10, concurrency))
            client = boto3.client("dynamodb", config=config)
        self._client = client
        self._pool = ThreadPoolExecutor(concurrency, "catalog-store") if concurrency > 1 else None

    def _each(self, work: Callable[[_Chunk], _Result], chunks: Sequence[_Chunk]) -> list[_Result]:
        """`work` on every chunk, up to `concurrency` at a time; results in the chunks' order."""
        if self._pool is None or len(chunks) < 2:
            return [work(chunk) for chunk in chunks]
        return list(self._pool.map(work, chunks))

    # ---- products -----------------------------------------------------------------------------

    def get_product(self, product_id: str) -> Product | None:
        return self.get_products([product_id]).get(product_id)

    def get_products(self, product_ids: Iterable[str]) -> dict[str, Product]:
        ids = list(dict.fromkeys(product_ids))
        keys = [{"pk": {"S": product_key(pid)}, "sk": {"S": sk}} for pid in ids for sk in (PRODUCT_SK, COUNTERS_SK)]
        states: dict[str, dict[str, Any]] = {}
        counters: dict[str, dict[str, Any]] = {}
        for item in self._batch_get(keys):
            product_id = item["pk"]["S"].removeprefix("PRODUCT#")
            (states if item["sk"]["S"] == PRODUCT_SK else counters)[product_id] = item
        return {
            pid: _product_of(pid, states.get(pid), counters.get(pid)) for pid in ids if pid in states or pid in counters
        }

    def scan_products(self, page_size: int) -> Iterator[list[Product]]:
        """Scan pages of `PRODUCT` items (keys only), then BatchGet each page's products with
        their counters (consistent reads, so a page is as fresh as `get_products`)."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "FilterExpression": "#sk = :product",
            "ProjectionExpression": "#pk",
            "ExpressionAttributeNames": {"#pk": "pk", "#sk": "sk"},
            "ExpressionAttributeValues": {":product": {"S": PRODUCT_SK}},
            "Limit": _SCAN_LIMIT,
        }
        pending: list[str] = []
        while True:
            with translate_errors():
                response = self._client.scan(**request)
            pending += [item["pk"]["S"].removeprefix("PRODUCT#") for item in response.get("Items", [])]
            last = response.get("LastEvaluatedKey")
            while len(pending) >= page_size or (pending and not last):
                ids, pending = pending[:page_size], pending[page_size:]
                found = self.get_products(ids)
                yield [found[pid] for pid in ids if pid in found]
            if not last:
                return
            request["ExclusiveStartKey"] = last

    def save_products(self, products: Sequence[Product]) -> None:
        """Conditional puts, up to 100 per TransactWriteItems: new products must not exist, stored
        ones must still have the revision they were read with. A transaction whose conditions do
        not all hold is sent again without the failing products, so every product whose condition
        holds is written; ProductConflict names the others (merging them again is idempotent)."""
        chunks = _chunks([self._put_request(product) for product in products])
        conflicts = [pid for failed in self._each(self._put_chunk, chunks) for pid in failed]
        if conflicts:
            raise ProductConflict(conflicts)

    def _put_request(self, product: Product) -> dict[str, Any]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "Item": {
                "pk": {"S": product_key(product.product_id)},
                "sk": {"S": PRODUCT_SK},
                "state": {"S": product.model_dump_json(include=_STATE_FIELDS)},
                "revision": {"N": str(product.revision + 1)},
            },
        }
        if product.revision == 0:
            request["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            request["ConditionExpression"] = "revision = :revision"
            request["ExpressionAttributeValues"] = {":revision": {"N": str(product.revision)}}
        return request

    def _put_chunk(self, requests: list[dict[str, Any]]) -> list[str]:
        """Write `requests` in one transaction, dropping the ones whose condition fails; their ids."""
        conflicts: list[str] = []
        busy = 0
        while requests:
            try:
                self._client.transact_write_items(TransactItems=[{"Put": request} for request in requests])
                return conflicts
            except Exception as exc:
                reasons = cancellation_codes(exc)
                if reasons is None or len(reasons) != len(requests):
                    with translate_errors():
                        raise
                failed = {i for i, code in enumerate(reasons) if code == "ConditionalCheckFailed"}
                if not failed:
                    if busy >= _TRANSACTION_ATTEMPTS or any(
                        code not in (None, "None", "TransactionConflict") for code in reasons
                    ):
                        with translate_errors():
                            raise
                    busy += 1  # another transaction touched one of these items: try again shortly
                    time.sleep(random.uniform(0, 0.02 * 2**busy))
                    continue
                conflicts += [_product_id(requests[i]) for i in sorted(failed)]
                requests = [request for i, request in enumerate(requests) if i not in failed]
        return conflicts

    def _batch_get(self, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
        chunks = [keys[start : start + _BATCH_GET] for start in range(0, len(keys), _BATCH_GET)]
        with translate_errors():
            return [item for found in self._each(self._get_chunk, chunks) for item in found]

    def _get_chunk(self, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        pending: dict[str, Any] = {self._table: {"Keys": keys, "ConsistentRead": True}}
        while pending:
            response = self._client.batch_get_item(RequestItems=pending)
            found += response.get("Responses", {}).get(self._table, [])
            pending = response.get("UnprocessedKeys") or {}
        return found

    # ---- variant families ---------------------------------------------------------------------

    def family_members(self, family_ids: Iterable[str]) -> dict[str, set[str]]:
        keys = [{"pk": {"S": family_item_key(fid)}, "sk": {"S": FAMILY_SK}} for fid in dict.fromkeys(family_ids)]
        found = self._batch_get(keys) if keys else []
        return {
            item["pk"]["S"].removeprefix("FAMILY#"): set(item["members"]["SS"]) for item in found if "members" in item
        }

    def update_families(self, joined: Mapping[str, set[str]], left: Mapping[str, set[str]]) -> None:
        changes = [("ADD", fid, ids) for fid, ids in joined.items() if ids]
        changes += [("DELETE", fid, ids) for fid, ids in left.items() if ids]
        with translate_errors():
            self._each(self._update_family, changes)

    def _update_family(self, change: tuple[str, str, set[str]]) -> None:
        action, family_id, product_ids = change
        self._client.update_item(
            TableName=self._table,
            Key={"pk": {"S": family_item_key(family_id)}, "sk": {"S": FAMILY_SK}},
            UpdateExpression=f"{action} members :ids",
            ExpressionAttributeValues={":ids": {"SS": sorted(product_ids)}},
        )

    # ---- counters and trends ------------------------------------------------------------------

    def apply_signals(self, event_id: str, signals: Sequence[Signal], at: datetime) -> bool:
        """Add the signals' counters (and the trend bucket of `at`) once per event id.

        The event marker is written first (a redelivered event is skipped); if adding the
        counters then fails, the marker is removed again so that the retry counts the event.
        """
        marker = {"pk": {"S": f"EVENT#{event_id}"}, "sk": {"S": EVENT_SK}}
        try:
            with translate_errors():
                self._client.put_item(
                    TableName=self._table,
                    Item={**marker, "ttl": {"N": str(int((at + EVENT_TTL).timestamp()))}},
                    ConditionExpression="attribute_not_exists(pk)",
                )
        except Conflict:
            return False
        try:
            with translate_errors():
                for signal in signals:
                    self._add_counters(signal)
                self._add_trend(signals, at)
        except Exception:
            self._client.delete_item(TableName=self._table, Key=marker)
            raise
        return True

    def _add_counters(self, signal: Signal) -> None:
        amounts = {name: getattr(signal, name) for name in _SIGNALLED if getattr(signal, name)}
        if not amounts:
            return
        self._client.update_item(
            TableName=self._table,
            Key={"pk": {"S": product_key(signal.product_id)}, "sk": {"S": COUNTERS_SK}},
            UpdateExpression="ADD " + ", ".join(f"{name} :{name}" for name in amounts),
            ExpressionAttributeValues={f":{name}": {"N": str(value)} for name, value in amounts.items()},
        )

    def set_rating(self, product_id: str, rating_sum: int, rating_count: int, as_of: datetime) -> bool:
        try:
            with translate_errors():
                self._client.update_item(
                    TableName=self._table,
                    Key={"pk": {"S": product_key(product_id)}, "sk": {"S": COUNTERS_SK}},
                    UpdateExpression="SET rating_sum = :sum, rating_count = :count, rating_as_of = :at",
                    ConditionExpression="attribute_not_exists(rating_as_of) OR rating_as_of < :at",
                    ExpressionAttributeValues={
                        ":sum": {"N": str(rating_sum)},
                        ":count": {"N": str(rating_count)},
                        ":at": {"S": as_of.isoformat()},
                    },
                )
        except Conflict:
            return False
        return True

    def _add_trend(self, signals: Sequence[Signal], at: datetime) -> None:
        names: dict[str, str] = {"#ttl": "ttl"}
        values: dict[str, Any] = {":ttl": {"N": str(int((at + TREND_TTL).timestamp()))}}
        adds: list[str] = []
        for index, signal in enumerate(signals):
            for prefix, amount in (("h", signal.hearts), ("s", signal.sales)):
                if amount:
                    names[f"#{prefix}{index}"] = f"{prefix}:{signal.product_id}"
                    values[f":{prefix}{index}"] = {"N": str(amount)}
                    adds.append(f"#{prefix}{index} :{prefix}{index}")
        if adds:
            self._client.update_item(
                TableName=self._table,
                Key={"pk": {"S": trend_key(at.strftime("%Y%m%d%H"))}, "sk": {"S": TREND_SK}},
                UpdateExpression="SET #ttl = :ttl ADD " + ", ".join(adds),
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )

    def trend_counts(self, hours: Sequence[str]) -> dict[str, dict[str, tuple[int, int]]]:
        """Per hour bucket: product id → (hearts, sales)."""
        keys = [{"pk": {"S": trend_key(hour)}, "sk": {"S": TREND_SK}} for hour in hours]
        items = self._batch_get(keys)
        return {item["pk"]["S"].removeprefix("TREND#"): _trend_of(item) for item in items}

    # ---- vendors ------------------------------------------------------------------------------

    def put_vendor(self, vendor: VendorInfo) -> None:
        with translate_errors():
            VendorItem(
                f"VENDOR#{vendor.vendor_id}",
                VENDOR_SK,
                name=vendor.name,
                status=vendor.status,
                shipping_rules=json.dumps([rule.model_dump() for rule in vendor.shipping_rules]),
                return_days=vendor.return_days,
            ).save()

    def get_vendors(self, vendor_ids: Iterable[str]) -> dict[str, VendorInfo]:
        keys = [(f"VENDOR#{vid}", VENDOR_SK) for vid in dict.fromkeys(vendor_ids)]
        found: dict[str, VendorInfo] = {}
        with translate_errors():
            for start in range(0, len(keys), _BATCH_GET):
                for item in VendorItem.batch_get(keys[start : start + _BATCH_GET]):
                    vendor = VendorInfo(
                        vendor_id=item.pk.removeprefix("VENDOR#"),
                        name=item.name,
                        status=item.status,
                        shipping_rules=json.loads(item.shipping_rules or "[]"),
                        return_days=int(item.return_days or 0),
                    )
                    found[vendor.vendor_id] = vendor
        return found


def _chunks(requests: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """At most 100 puts and about 3 MB per transaction (DynamoDB allows 100 and 4 MB)."""
    chunks: list[list[dict[str, Any]]] = []
    size = 0
    for request in requests:
        request_size = len(request["Item"]["state"]["S"]) + 200
        if not chunks or len(chunks[-1]) >= _TRANSACTION_ITEMS or size + request_size > _TRANSACTION_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(request)
        size += request_size
    return chunks


def _product_id(request: dict[str, Any]) -> str:
    return str(request["Item"]["pk"]["S"]).removeprefix("PRODUCT#")


def _trend_of(item: dict[str, Any]) -> dict[str, tuple[int, int]]:
    counts: dict[str, list[int]] = {}
    for name, value in item.items():
        kind, _, product_id = name.partition(":")
        if kind in ("h", "s") and product_id and "N" in value:
            pair = counts.setdefault(product_id, [0, 0])
            pair[0 if kind == "h" else 1] += int(value["N"])
    return {pid: (pair[0], pair[1]) for pid, pair in counts.items()}


def _product_of(product_id: str, state_item: dict[str, Any] | None, counters_item: dict[str, Any] | None) -> Product:
    raw = state_item.get("state") if state_item else None
    state = _ProductState.model_validate_json(raw["S"]) if raw else _ProductState()
    counters = counters_item or {}
    return Product(
        product_id=product_id,
        offers=state.offers,
        first_seen=state.first_seen,
        counters=Counters(**{name: _number(counters, name) for name in _COUNTERS}),
        revision=_number(state_item, "revision") if state_item else 0,
    )
