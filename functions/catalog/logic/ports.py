"""Ports of the catalog logic besides search: the read-model repository and the clock."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, Field

from functions.catalog.logic.products import Product
from functions.catalog.models.events import ShippingRuleView


class Signal(BaseModel):
    """Counter increments for one product from one event (negative for an un-heart)."""

    product_id: str
    hearts: int = 0
    sales: int = 0
    rating_sum: int = 0
    rating_count: int = 0


class VendorInfo(BaseModel):
    vendor_id: str
    name: str
    status: str = "approved"
    shipping_rules: list[ShippingRuleView] = Field(default_factory=list)
    return_days: int = 0


class CatalogRepository(Protocol):
    def get_product(self, product_id: str) -> Product | None: ...

    def get_products(self, product_ids: Iterable[str]) -> dict[str, Product]:
        """Strongly consistent reads of the products that exist among `product_ids`."""
        ...

    def save_products(self, products: Sequence[Product]) -> None:
        """Store products, each only if its stored revision is still `product.revision` (0 = new);
        raises Conflict (nothing or part written) when one changed meanwhile."""
        ...

    def apply_signals(self, event_id: str, signals: Sequence[Signal], at: datetime) -> bool:
        """Add counters and trend counts once per event id; False if the event was counted before."""
        ...

    def trend_counts(self, hours: Sequence[str]) -> dict[str, dict[str, tuple[int, int]]]:
        """Per hour bucket (`yyyymmddhh`): product id → (hearts, sales)."""
        ...

    def put_vendor(self, vendor: VendorInfo) -> None: ...

    def get_vendors(self, vendor_ids: Iterable[str]) -> dict[str, VendorInfo]: ...
