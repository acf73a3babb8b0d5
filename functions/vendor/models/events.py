"""Events the vendor context publishes. Consumers declare their own view of these (contract tests)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field

from functions.common.events import DomainEvent
from functions.common.inputs import StrictInput
from functions.common.models import Record
from functions.common.values import Currency, Identifier, MinorUnits

SOURCE = "plein.vendor"

Availability = Literal["in_stock", "out_of_stock", "preorder", "backorder"]
Condition = Literal["new", "refurbished", "used"]


class ShippingRule(StrictInput):
    """Shipping cost for a destination zone (ISO country codes, `*` for everywhere else)."""

    zone: str = Field(min_length=1, max_length=40)
    countries: list[str] = Field(default_factory=lambda: ["*"])
    cost: MinorUnits
    free_from: MinorUnits | None = Field(default=None, description="Order value from which shipping is free")
    min_days: int = Field(default=1, ge=0, le=90)
    max_days: int = Field(default=3, ge=0, le=90)


class OfferSnapshot(Record):
    """An offer as it is now: a vendor's SKU of a product with its price, stock and content."""

    offer_id: Identifier
    vendor_id: Identifier
    vendor_name: str
    sku: str
    product_id: Identifier = Field(description="Shared by all vendors' offers of the same GTIN")
    gtin: str | None = None
    mpn: str | None = None
    title: str
    description: str = ""
    brand: str | None = None
    category: list[str] = Field(default_factory=list, description="Category path, root first")
    link: str | None = None
    image_link: str | None = None
    additional_image_links: list[str] = Field(default_factory=list)
    price: MinorUnits
    sale_price: MinorUnits | None = None
    sale_starts_at: datetime | None = None
    sale_ends_at: datetime | None = None
    currency: Currency = "EUR"
    availability: Availability = "in_stock"
    quantity: int = Field(ge=0)
    condition: Condition = "new"
    item_group_id: str | None = None
    attributes: dict[str, str] = Field(default_factory=dict, description="color, size, material, gender, age_group")
    shipping_cost: MinorUnits | None = Field(default=None, description="Overrides the vendor's shipping rules")
    handling_days: int = Field(default=1, ge=0, le=60)
    created_at: datetime
    updated_at: datetime
    revision: int = Field(ge=1, description="Increases with every change of this offer")


class OfferChange(Record):
    offer_id: Identifier
    product_id: Identifier
    change: Literal["upserted", "withdrawn"]
    offer: OfferSnapshot | None = Field(default=None, description="Absent when withdrawn")
    withdrawn_at: datetime | None = Field(
        default=None, description="A withdrawal's time (absent for an offer deleted from the table)"
    )
    revision: int | None = Field(
        default=None, ge=1, description="A withdrawal's offer revision (absent for a deleted offer)"
    )


class OffersChanged(DomainEvent):
    """A batch of offer changes, in table-stream order. Batched so a 100k-row feed is ~1k events.
    An active offer whose product changed (its GTIN was added, changed or removed) moves: a
    `withdrawn` change for the old `product_id` right before the `upserted` one for the new, in the
    same event, timed and numbered as the upsert. Keyed by product, drop the offer from the old
    product; keyed by offer, skip a withdrawal that a later upsert of the same offer in the event
    supersedes. A withdrawal carries the offer's `revision` and `withdrawn_at`, so a consumer can
    order it against upserts (an offer withdrawn and put back in one batch ends live)."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "OffersChanged"

    vendor_id: Identifier
    changes: list[OfferChange]


class VendorApproved(DomainEvent):
    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "VendorApproved"

    vendor_id: Identifier
    name: str
    owner_user_id: str


class VendorDeclined(DomainEvent):
    """An admin declined an application; the applicant may change it, which resubmits it."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "VendorDeclined"

    vendor_id: Identifier
    name: str
    owner_user_id: str
    reason: str


class VendorUpdated(DomainEvent):
    """The vendor's public profile, shipping rules and service terms as they are now."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "VendorUpdated"

    vendor_id: Identifier
    name: str
    status: Literal["pending", "approved", "suspended"]
    commission_bps: int = Field(ge=0, le=10_000, description="Commission in basis points of the line total")
    shipping_rules: list[ShippingRule]
    return_days: int = Field(ge=0, le=365)


class FeedCounts(Record):
    received: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    rejected: int = 0
    kept_rejected: int = 0
    """Replace mode: active offers not withdrawn because their row was in the file but rejected."""


class FeedImportCompleted(DomainEvent):
    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "FeedImportCompleted"

    vendor_id: Identifier
    feed_id: Identifier
    status: Literal["completed", "failed"]
    counts: FeedCounts
    reason: str | None = None
