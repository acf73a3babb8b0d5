"""The catalog's own view of the events it consumes (consumer-side schemas, cns427-style).

The catalog never imports another context: it declares only the fields it reads, ignores the
rest, and tests/unit/catalog/test_catalog_event_contracts.py checks the producers' events still
validate against these views. Events of producers that do not exist yet (community) are
declared here from DESIGN.md and will get their contract test when the producer lands.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from functions.common.events import ConsumedPart, ConsumedView


class OfferView(ConsumedPart):
    """The fields of a vendor's offer snapshot the catalog reads."""

    offer_id: str
    vendor_id: str
    vendor_name: str
    sku: str
    product_id: str
    gtin: str | None = None
    title: str
    description: str = ""
    brand: str | None = None
    category: list[str] = Field(default_factory=list)
    link: str | None = None
    image_link: str | None = None
    additional_image_links: list[str] = Field(default_factory=list)
    price: int = Field(ge=0)
    sale_price: int | None = Field(default=None, ge=0)
    sale_starts_at: datetime | None = None
    sale_ends_at: datetime | None = None
    currency: str = "EUR"
    availability: str = "in_stock"
    quantity: int = Field(ge=0)
    condition: str = "new"
    item_group_id: str | None = Field(default=None, description="The vendor's variant family")
    attributes: dict[str, str] = Field(default_factory=dict)
    shipping_cost: int | None = Field(default=None, ge=0)
    handling_days: int = Field(default=1, ge=0)
    created_at: datetime
    updated_at: datetime
    revision: int = Field(ge=1)


class OfferChangeView(ConsumedPart):
    offer_id: str
    product_id: str
    change: Literal["upserted", "withdrawn"]
    offer: OfferView | None = None
    withdrawn_at: datetime | None = None
    revision: int | None = None


class OffersChangedView(ConsumedView):
    source: ClassVar[str] = "plein.vendor"
    detail_type: ClassVar[str] = "OffersChanged"

    vendor_id: str
    changes: list[OfferChangeView]


class ShippingRuleView(ConsumedPart):
    zone: str
    countries: list[str] = Field(default_factory=lambda: ["*"])
    cost: int = Field(ge=0)
    free_from: int | None = None
    min_days: int = 1
    max_days: int = 3


class VendorUpdatedView(ConsumedView):
    source: ClassVar[str] = "plein.vendor"
    detail_type: ClassVar[str] = "VendorUpdated"

    vendor_id: str
    name: str
    status: str
    shipping_rules: list[ShippingRuleView] = Field(default_factory=list)
    return_days: int = 0


class OrderLineView(ConsumedPart):
    product_id: str
    quantity: int = Field(default=1, ge=1)


class OrderPlacedView(ConsumedView):
    source: ClassVar[str] = "plein.orders"
    detail_type: ClassVar[str] = "OrderPlaced"

    order_id: str
    lines: list[OrderLineView]


class ProductHeartedView(ConsumedView):
    """A shopper hearted (or, with `hearted` false, un-hearted) a product."""

    source: ClassVar[str] = "plein.community"
    detail_type: ClassVar[str] = "ProductHearted"

    product_id: str
    user_id: str
    hearted: bool = True


class ProductRatingChangedView(ConsumedView):
    """A product's rating over its published reviews, after one was published or removed."""

    source: ClassVar[str] = "plein.community"
    detail_type: ClassVar[str] = "ProductRatingChanged"

    product_id: str
    average: float = Field(ge=0, le=5)
    count: int = Field(ge=0)

    @property
    def rating_sum(self) -> int:
        """The stars of every review together (the average is rounded; the sum is whole)."""
        return round(self.average * self.count)


CONSUMED: tuple[type[ConsumedView], ...] = (
    OffersChangedView,
    VendorUpdatedView,
    OrderPlacedView,
    ProductHeartedView,
    ProductRatingChangedView,
)
