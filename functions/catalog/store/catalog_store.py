"""The catalog table: product read model items, vendor items, trend buckets, event markers.

Layout (single table, pk/sk):
- `PRODUCT#<id>` / `PRODUCT`: offers and first-seen time as JSON (`state`), optimistic-lock
  `revision`, and atomic counters (hearts, sales, rating sum and count).
- `VENDOR#<id>` / `VENDOR`: name, status, shipping rules, return days (from VendorUpdated).
- `TREND#<yyyymmddhh>` / `TREND`: per-hour counters `h:<product_id>` and `s:<product_id>`
  (hearts, sales), expiring after 8 days; read with one BatchGet per window.
- `EVENT#<event_id>` / `EVENT`: marks a counted event, written in the same transaction as its
  counters so a redelivered event counts once.
Everything is read by key (GetItem/BatchGet), never by Query.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError

from functions.catalog.logic.ports import Signal, VendorInfo
from functions.catalog.logic.products import Counters, OfferEntry, Product
from functions.catalog.store.records import CatalogRecord
from functions.common.dynamo import bind_table, error_code, translate_errors
from functions.common.errors import Conflict

PRODUCT_SK = "PRODUCT"
VENDOR_SK = "VENDOR"
TREND_SK = "TREND"
EVENT_SK = "EVENT"
TREND_TTL = timedelta(days=8)
EVENT_TTL = timedelta(days=2)
_BATCH_GET = 100
_TRANSACTION = 100


class ProductItem(CatalogRecord):
    state = UnicodeAttribute(default="{}")
    revision = NumberAttribute(default=0)
    hearts = NumberAttribute(default=0)
    sales = NumberAttribute(default=0)
    rating_sum = NumberAttribute(default=0)
    rating_count = NumberAttribute(default=0)


class VendorItem(CatalogRecord):
    name = UnicodeAttribute()
    status = UnicodeAttribute()
    shipping_rules = UnicodeAttribute(default="[]")
    return_days = NumberAttribute(default=0)


def product_key(product_id: str) -> str:
    return f"PRODUCT#{product_id}"


def trend_key(hour: str) -> str:
    return f"TREND#{hour}"


def _product_of(item: ProductItem) -> Product:
    state = json.loads(item.state or "{}")
    return Product(
        product_id=item.pk.removeprefix("PRODUCT#"),
        offers={oid: OfferEntry.model_validate(entry) for oid, entry in state.get("offers", {}).items()},
        first_seen=state.get("first_seen"),
        counters=Counters(
            hearts=int(item.hearts or 0),
            sales=int(item.sales or 0),
            rating_sum=int(item.rating_sum or 0),
            rating_count=int(item.rating_count or 0),
        ),
        revision=int(item.revision or 0),
    )


class DynamoCatalogStore:
    """`CatalogRepository` on DynamoDB (PynamoDB for items, the low-level client for counters)."""

    def __init__(self, table_name: str, client: Any = None):
        for model in (CatalogRecord, ProductItem, VendorItem):
            bind_table(model, table_name)
        self._table = table_name
        if client is None:
            import boto3

            client = boto3.client("dynamodb")
        self._client = client

    # ---- products -----------------------------------------------------------------------------

    def get_product(self, product_id: str) -> Product | None:
        with translate_errors():
            try:
                return _product_of(ProductItem.get(product_key(product_id), PRODUCT_SK))
            except ProductItem.DoesNotExist:
                return None

    def get_products(self, product_ids: Iterable[str]) -> dict[str, Product]:
        keys = [(product_key(pid), PRODUCT_SK) for pid in dict.fromkeys(product_ids)]
        found: dict[str, Product] = {}
        with translate_errors():
            for start in range(0, len(keys), _BATCH_GET):
                for item in ProductItem.batch_get(keys[start : start + _BATCH_GET], consistent_read=True):
                    product = _product_of(item)
                    found[product.product_id] = product
        return found

    def save_products(self, products: Sequence[Product]) -> None:
        """Write products whose stored revision is still `product.revision`; Conflict otherwise."""
        from pynamodb.connection import Connection
        from pynamodb.transactions import TransactWrite

        connection = Connection(region=ProductItem.Meta.region, host=getattr(ProductItem.Meta, "host", None))
        for start in range(0, len(products), _TRANSACTION):
            chunk = products[start : start + _TRANSACTION]
            try:
                with translate_errors(), TransactWrite(connection=connection) as transaction:
                    for product in chunk:
                        item, condition = self._item_of(product)
                        transaction.save(item, condition=condition)
            except TransactWriteError as exc:
                reasons = [getattr(r, "code", None) for r in (exc.cancellation_reasons or []) if r]
                if "ConditionalCheckFailed" in reasons or error_code(exc) in ("TransactionConflictException",):
                    raise Conflict("a product changed concurrently", code="product_conflict") from exc
                raise

    def _item_of(self, product: Product) -> tuple[ProductItem, Any]:
        state = {
            "offers": {oid: entry.model_dump(mode="json") for oid, entry in product.offers.items()},
            "first_seen": product.first_seen.isoformat() if product.first_seen else None,
        }
        counters = product.counters
        item = ProductItem(
            product_key(product.product_id),
            PRODUCT_SK,
            state=json.dumps(state, separators=(",", ":")),
            revision=product.revision + 1,
            hearts=counters.hearts,
            sales=counters.sales,
            rating_sum=counters.rating_sum,
            rating_count=counters.rating_count,
        )
        if product.revision == 0:
            return item, ProductItem.pk.does_not_exist()
        return item, ProductItem.revision == product.revision

    # ---- counters and trends ------------------------------------------------------------------

    def apply_signals(self, event_id: str, signals: Sequence[Signal], at: datetime) -> bool:
        """Add the signals' counters (and the trend bucket of `at`) once per event id.

        Returns False when the event was already counted. Counter updates bump `revision`, so a
        concurrent offer merge retries instead of overwriting them.
        """
        hour = at.strftime("%Y%m%d%H")
        actions: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        "pk": {"S": f"EVENT#{event_id}"},
                        "sk": {"S": EVENT_SK},
                        "ttl": {"N": str(int((at + EVENT_TTL).timestamp()))},
                    },
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        ]
        trend_names: dict[str, str] = {"#ttl": "ttl"}
        trend_values: dict[str, Any] = {":ttl": {"N": str(int((at + TREND_TTL).timestamp()))}}
        trend_adds: list[str] = []
        for index, signal in enumerate(signals):
            actions.append(self._counter_update(signal))
            for prefix, amount in (("h", signal.hearts), ("s", signal.sales)):
                if amount:
                    trend_names[f"#{prefix}{index}"] = f"{prefix}:{signal.product_id}"
                    trend_values[f":{prefix}{index}"] = {"N": str(amount)}
                    trend_adds.append(f"#{prefix}{index} :{prefix}{index}")
        if trend_adds:
            actions.append(
                {
                    "Update": {
                        "TableName": self._table,
                        "Key": {"pk": {"S": trend_key(hour)}, "sk": {"S": TREND_SK}},
                        "UpdateExpression": "SET #ttl = :ttl ADD " + ", ".join(trend_adds),
                        "ExpressionAttributeNames": trend_names,
                        "ExpressionAttributeValues": trend_values,
                    }
                }
            )
        try:
            with translate_errors():
                self._client.transact_write_items(TransactItems=actions)
        except Exception as exc:
            if error_code(exc) != "TransactionCanceledException":
                raise
            reasons = getattr(exc, "response", {}).get("CancellationReasons") or [{}]
            if reasons[0].get("Code") == "ConditionalCheckFailed":
                return False  # this event was counted before
            raise Conflict("the counters changed concurrently", code="counter_conflict") from exc
        return True

    def _counter_update(self, signal: Signal) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self._table,
                "Key": {"pk": {"S": product_key(signal.product_id)}, "sk": {"S": PRODUCT_SK}},
                "UpdateExpression": "ADD hearts :h, sales :s, rating_sum :rs, rating_count :rc, revision :one",
                "ExpressionAttributeValues": {
                    ":h": {"N": str(signal.hearts)},
                    ":s": {"N": str(signal.sales)},
                    ":rs": {"N": str(signal.rating_sum)},
                    ":rc": {"N": str(signal.rating_count)},
                    ":one": {"N": "1"},
                },
            }
        }

    def trend_counts(self, hours: Sequence[str]) -> dict[str, dict[str, tuple[int, int]]]:
        """Per hour bucket: product id → (hearts, sales)."""
        result: dict[str, dict[str, tuple[int, int]]] = {}
        keys = [{"pk": {"S": trend_key(hour)}, "sk": {"S": TREND_SK}} for hour in hours]
        with translate_errors():
            for start in range(0, len(keys), _BATCH_GET):
                pending: dict[str, Any] = {self._table: {"Keys": keys[start : start + _BATCH_GET]}}
                while pending:
                    response = self._client.batch_get_item(RequestItems=pending)
                    for item in response.get("Responses", {}).get(self._table, []):
                        result[item["pk"]["S"].removeprefix("TREND#")] = _trend_of(item)
                    pending = response.get("UnprocessedKeys") or {}
        return result

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
