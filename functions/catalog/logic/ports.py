"""Ports of the catalog logic besides search (logic/search.py): the read-model repository."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from functions.catalog.logic.domain import Product, Signal, VendorInfo
from functions.common.errors import Conflict


class ProductConflict(Conflict):
    """`save_products` wrote every product except `product_ids`, whose stored revision had changed."""

    def __init__(self, product_ids: Iterable[str]):
        super().__init__("a product changed concurrently", code="product_conflict")
        self.product_ids = tuple(product_ids)


class CatalogRepository(Protocol):
    def get_product(self, product_id: str) -> Product | None: ...

    def get_products(self, product_ids: Iterable[str]) -> dict[str, Product]:
        """Strongly consistent reads of the products that exist among `product_ids`."""
        ...

    def scan_products(self, page_size: int) -> Iterator[list[Product]]:
        """Every stored product (one with offers written by `save_products`, listed or not), in
        pages of at most `page_size`, in no particular order. Not a snapshot: a product written
        during the scan may appear in its old or new state (its own event reindexes it)."""
        ...

    def save_products(self, products: Sequence[Product]) -> None:
        """Store products, each only if its stored revision is still `product.revision` (0 = new);
        raises Conflict (nothing or part written) when one changed meanwhile, or ProductConflict
        naming exactly the products not written (all others were)."""
        ...

    def family_members(self, family_ids: Iterable[str]) -> dict[str, set[str]]:
        """Strongly consistent: the product ids recorded as members of each family (a product that
        moved to another family may still be listed; the family document leaves it out)."""
        ...

    def update_families(self, joined: Mapping[str, set[str]], left: Mapping[str, set[str]]) -> None:
        """Add products to families and remove them (idempotent set additions and removals)."""
        ...

    def apply_signals(self, event_id: str, signals: Sequence[Signal], at: datetime) -> bool:
        """Add counters and trend counts once per event id; False if the event was counted before."""
        ...

    def set_rating(self, product_id: str, rating_sum: int, rating_count: int, as_of: datetime) -> bool:
        """Store a product's rating unless one as of `as_of` or later is stored; False if not stored."""
        ...

    def trend_counts(self, hours: Sequence[str]) -> dict[str, dict[str, tuple[int, int]]]:
        """Per hour bucket (`yyyymmddhh`): product id → (hearts, sales)."""
        ...

    def put_vendor(self, vendor: VendorInfo) -> None: ...

    def get_vendors(self, vendor_ids: Iterable[str]) -> dict[str, VendorInfo]: ...
