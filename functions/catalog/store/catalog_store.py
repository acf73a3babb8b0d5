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
Everything is read by key (GetItem/BatchGet), never by Query, and nothing uses
TransactWriteItems: moto (without the local runtime's patch, e.g. in-process `mock_aws`) copies
the whole table for every transaction, which at 100k items costs seconds per call.
Conditional writes of one batch go out in parallel.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from functions.catalog.logic.ports import Signal, VendorInfo
from functions.catalog.logic.products import Counters, OfferEntry, Product
from functions.catalog.store.records import CatalogRecord
from functions.common.dynamo import bind_table, translate_errors
from functions.common.errors import Conflict

PRODUCT_SK = "PRODUCT"
COUNTERS_SK = "COUNTERS"
VENDOR_SK = "VENDOR"
TREND_SK = "TREND"
EVENT_SK = "EVENT"
TREND_TTL = timedelta(days=8)
EVENT_TTL = timedelta(days=2)
_BATCH_GET = 100
_PARALLEL_WRITES = 8
_COUNTERS = ("hearts", "sales", "rating_sum", "rating_count")


class VendorItem(CatalogRecord):
    name = UnicodeAttribute()
    status = UnicodeAttribute()
    shipping_rules = UnicodeAttribute(default="[]")
    return_days = NumberAttribute(default=0)


def product_key(product_id: str) -> str:
    return f"PRODUCT#{product_id}"


def trend_key(hour: str) -> str:
    return f"TREND#{hour}"


def _number(item: dict[str, Any], name: str) -> int:
    value = item.get(name)
    return int(value["N"]) if value and "N" in value else 0


class DynamoCatalogStore:
    """`CatalogRepository` on DynamoDB (PynamoDB for vendors, the low-level client for the hot path)."""

    def __init__(self, table_name: str, client: Any = None):
        for model in (CatalogRecord, VendorItem):
            bind_table(model, table_name)
        self._table = table_name
        if client is None:
            import boto3

            client = boto3.client("dynamodb")
        self._client = client
        self._pool = ThreadPoolExecutor(max_workers=_PARALLEL_WRITES, thread_name_prefix="catalog-store")

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

    def save_products(self, products: Sequence[Product]) -> None:
        """Conditional PutItem per product (in parallel): new ones must not exist, stored ones
        must still have the revision they were read with. Conflict if any condition failed (the
        others are written; merging again is idempotent)."""
        outcomes = list(self._pool.map(self._put_product, products))
        if not all(outcomes):
            raise Conflict("a product changed concurrently", code="product_conflict")

    def _put_product(self, product: Product) -> bool:
        state = {
            "offers": {oid: entry.model_dump(mode="json") for oid, entry in product.offers.items()},
            "first_seen": product.first_seen.isoformat() if product.first_seen else None,
        }
        request: dict[str, Any] = {
            "TableName": self._table,
            "Item": {
                "pk": {"S": product_key(product.product_id)},
                "sk": {"S": PRODUCT_SK},
                "state": {"S": json.dumps(state, separators=(",", ":"))},
                "revision": {"N": str(product.revision + 1)},
            },
        }
        if product.revision == 0:
            request["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            request["ConditionExpression"] = "revision = :revision"
            request["ExpressionAttributeValues"] = {":revision": {"N": str(product.revision)}}
        try:
            with translate_errors():
                self._client.put_item(**request)
        except Conflict:
            return False
        return True

    def _batch_get(self, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        with translate_errors():
            for start in range(0, len(keys), _BATCH_GET):
                pending: dict[str, Any] = {
                    self._table: {"Keys": keys[start : start + _BATCH_GET], "ConsistentRead": True}
                }
                while pending:
                    response = self._client.batch_get_item(RequestItems=pending)
                    found += response.get("Responses", {}).get(self._table, [])
                    pending = response.get("UnprocessedKeys") or {}
        return found

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
        amounts = {name: getattr(signal, name) for name in _COUNTERS if getattr(signal, name)}
        if not amounts:
            return
        self._client.update_item(
            TableName=self._table,
            Key={"pk": {"S": product_key(signal.product_id)}, "sk": {"S": COUNTERS_SK}},
            UpdateExpression="ADD " + ", ".join(f"{name} :{name}" for name in amounts),
            ExpressionAttributeValues={f":{name}": {"N": str(value)} for name, value in amounts.items()},
        )

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


def _trend_of(item: dict[str, Any]) -> dict[str, tuple[int, int]]:
    counts: dict[str, list[int]] = {}
    for name, value in item.items():
        kind, _, product_id = name.partition(":")
        if kind in ("h", "s") and product_id and "N" in value:
            pair = counts.setdefault(product_id, [0, 0])
            pair[0 if kind == "h" else 1] += int(value["N"])
    return {pid: (pair[0], pair[1]) for pid, pair in counts.items()}


def _product_of(product_id: str, state_item: dict[str, Any] | None, counters_item: dict[str, Any] | None) -> Product:
    state = json.loads(state_item["state"]["S"]) if state_item and "state" in state_item else {}
    counters = counters_item or {}
    return Product(
        product_id=product_id,
        offers={oid: OfferEntry.model_validate(entry) for oid, entry in state.get("offers", {}).items()},
        first_seen=state.get("first_seen"),
        counters=Counters(**{name: _number(counters, name) for name in _COUNTERS}),
        revision=_number(state_item, "revision") if state_item else 0,
    )
