"""Orders' own view of the vendor events it consumes (consumer-side contract; see the contract test).

Only the fields orders uses are declared; unknown fields are ignored so that the vendor context can add
fields without breaking this consumer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from functions.common.events import ConsumedPart

VENDOR_SOURCE = "plein.vendor"
OFFERS_CHANGED = "OffersChanged"
VENDOR_UPDATED = "VendorUpdated"


class OfferView(ConsumedPart):
    offer_id: str
    vendor_id: str
    sku: str
    product_id: str
    title: str
    image_link: str | None = None
    price: int = Field(ge=0)
    sale_price: int | None = Field(default=None, ge=0)
    sale_starts_at: datetime | None = None
    sale_ends_at: datetime | None = None
    currency: str
    availability: str = "in_stock"
    quantity: int = Field(ge=0)
    shipping_cost: int | None = Field(default=None, ge=0)
    revision: int = Field(ge=1)
    item_group_id: str | None = None
    attributes: dict[str, str] = Field(default_factory=dict)


class OfferChangeView(ConsumedPart):
    offer_id: str
    product_id: str
    change: Literal["upserted", "withdrawn"]
    offer: OfferView | None = None


class OffersChangedView(ConsumedPart):
    event_id: str
    occurred_at: datetime
    vendor_id: str
    changes: list[OfferChangeView]


class ShippingRuleView(ConsumedPart):
    zone: str
    countries: list[str] = Field(default_factory=lambda: ["*"])
    cost: int = Field(ge=0)
    free_from: int | None = Field(default=None, ge=0)


class VendorUpdatedView(ConsumedPart):
    event_id: str
    occurred_at: datetime
    vendor_id: str
    name: str
    status: str
    commission_bps: int = Field(ge=0, le=10_000)
    shipping_rules: list[ShippingRuleView]
    return_days: int = Field(ge=0)
