"""In-memory implementations of the catalog ports, honest enough to run the same contract tests
as the DynamoDB store (tests/integration/catalog/test_catalog_repository.py)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from functions.catalog.logic.domain import Counters, Product, Signal, VendorInfo
from functions.catalog.logic.ports import ProductConflict
from functions.common.errors import Conflict

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


class InMemoryCatalogRepository:
    def __init__(self) -> None:
        self.products: dict[str, Product] = {}
        self.vendors: dict[str, VendorInfo] = {}
        self.trends: dict[str, dict[str, list[int]]] = {}
        self.events: set[str] = set()
        self.rating_as_of: dict[str, datetime] = {}
        self.conflicts_to_raise = 0
        self.saves = 0
        self.saved_ids: list[list[str]] = []
        self.families: dict[str, set[str]] = {}

    def get_product(self, product_id: str) -> Product | None:
        return self.products.get(product_id)

    def get_products(self, product_ids: Iterable[str]) -> dict[str, Product]:
        return {pid: self.products[pid] for pid in product_ids if pid in self.products}

    def scan_products(self, page_size: int) -> Iterator[list[Product]]:
        # Like the table: only products written by save_products (revision > 0), not counters alone.
        stored = [product for product in self.products.values() if product.revision]
        for start in range(0, len(stored), page_size):
            yield stored[start : start + page_size]

    def save_products(self, products: Sequence[Product]) -> None:
        if self.conflicts_to_raise:
            self.conflicts_to_raise -= 1
            raise Conflict("a product changed concurrently", code="product_conflict")
        self.saved_ids.append([product.product_id for product in products])
        conflicts = []
        for product in products:
            stored = self.products.get(product.product_id)
            if (stored.revision if stored else 0) != product.revision:
                conflicts.append(product.product_id)
                continue
            # Counters live beside the product (atomic adds); an offer merge never overwrites them.
            counters = stored.counters if stored else Counters()
            self.products[product.product_id] = product.model_copy(
                update={"revision": product.revision + 1, "counters": counters}
            )
        self.saves += 1
        if conflicts:
            raise ProductConflict(conflicts)

    def family_members(self, family_ids: Iterable[str]) -> dict[str, set[str]]:
        return {fid: set(self.families[fid]) for fid in family_ids if self.families.get(fid)}

    def update_families(self, joined: Mapping[str, set[str]], left: Mapping[str, set[str]]) -> None:
        for family_id, product_ids in joined.items():
            self.families.setdefault(family_id, set()).update(product_ids)
        for family_id, product_ids in left.items():
            self.families.get(family_id, set()).difference_update(product_ids)

    def apply_signals(self, event_id: str, signals: Sequence[Signal], at: datetime) -> bool:
        if event_id in self.events:
            return False
        self.events.add(event_id)
        hour = at.strftime("%Y%m%d%H")
        for signal in signals:
            product = self.products.get(signal.product_id) or Product(product_id=signal.product_id)
            counters = product.counters
            self.products[signal.product_id] = product.model_copy(
                update={
                    "counters": Counters(
                        hearts=counters.hearts + signal.hearts,
                        sales=counters.sales + signal.sales,
                        rating_sum=counters.rating_sum,
                        rating_count=counters.rating_count,
                    ),
                }
            )
            if signal.hearts or signal.sales:
                pair = self.trends.setdefault(hour, {}).setdefault(signal.product_id, [0, 0])
                pair[0] += signal.hearts
                pair[1] += signal.sales
        return True

    def set_rating(self, product_id: str, rating_sum: int, rating_count: int, as_of: datetime) -> bool:
        stored = self.rating_as_of.get(product_id)
        if stored is not None and stored >= as_of:
            return False
        self.rating_as_of[product_id] = as_of
        product = self.products.get(product_id) or Product(product_id=product_id)
        counters = product.counters.model_copy(update={"rating_sum": rating_sum, "rating_count": rating_count})
        self.products[product_id] = product.model_copy(update={"counters": counters})
        return True

    def trend_counts(self, hours: Sequence[str]) -> dict[str, dict[str, tuple[int, int]]]:
        return {
            hour: {pid: (pair[0], pair[1]) for pid, pair in self.trends[hour].items()}
            for hour in hours
            if hour in self.trends
        }

    def put_vendor(self, vendor: VendorInfo) -> None:
        self.vendors[vendor.vendor_id] = vendor

    def get_vendors(self, vendor_ids: Iterable[str]) -> dict[str, VendorInfo]:
        return {vid: self.vendors[vid] for vid in vendor_ids if vid in self.vendors}


def offer(
    offer_id: str = "o1",
    product_id: str = "p1",
    *,
    vendor_id: str = "v1",
    revision: int = 1,
    updated: timedelta = timedelta(0),
    **fields: Any,
) -> dict[str, Any]:
    """An offer snapshot as the vendor context publishes it (plain JSON-able dict)."""
    base: dict[str, Any] = {
        "offer_id": offer_id,
        "vendor_id": vendor_id,
        "vendor_name": f"Vendor {vendor_id}",
        "sku": f"sku-{offer_id}",
        "product_id": product_id,
        "gtin": "4006381333931",
        "title": "Bratpfanne Edelstahl 28 cm",
        "description": "Robuste Pfanne für die Küche",
        "brand": "WMF",
        "category": ["Home", "Kitchen", "Pans"],
        "price": 4999,
        "currency": "EUR",
        "availability": "in_stock",
        "quantity": 5,
        "attributes": {"material": "Edelstahl"},
        "created_at": T0.isoformat(),
        "updated_at": (T0 + updated).isoformat(),
        "revision": revision,
    }
    base.update(fields)
    return base


def offers_changed(
    changes: list[dict[str, Any]], *, vendor_id: str = "v1", event_id: str = "e1", at: datetime = T0
) -> dict[str, Any]:
    """An OffersChanged detail; `changes` items are offer dicts or ("withdraw", offer_id, product_id)."""
    return {
        "event_id": event_id,
        "occurred_at": at.isoformat(),
        "version": 1,
        "vendor_id": vendor_id,
        "changes": changes,
    }


def upserted(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {
        "offer_id": snapshot["offer_id"],
        "product_id": snapshot["product_id"],
        "change": "upserted",
        "offer": snapshot,
    }


def withdrawn(offer_id: str, product_id: str) -> dict[str, Any]:
    return {"offer_id": offer_id, "product_id": product_id, "change": "withdrawn", "offer": None}
