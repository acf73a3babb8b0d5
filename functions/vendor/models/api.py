"""Request and response bodies of the vendor REST API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from functions.common import taxonomy
from functions.common.inputs import StrictInput
from functions.common.models import View
from functions.common.values import Currency, Identifier, MinorUnits
from functions.vendor.logic.domain import (
    Contact,
    FeedFormat,
    FeedMapping,
    FeedMode,
    FeedStatus,
    PresignedPost,
    PullResult,
    VendorStatus,
)
from functions.vendor.models.events import Availability, Condition, FeedCounts, OfferSnapshot, ShippingRule

SKU_PATTERN = r"^[^\s/?#][^/?#]*$"
"""A SKU: no slash, `?` or `#` (it is a path segment), not starting with a space."""
Sku = Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=SKU_PATTERN)]
Url = Annotated[str, StringConstraints(max_length=2000, pattern=r"^https?://\S+$")]
ShortText = Annotated[str, StringConstraints(max_length=150, strip_whitespace=True)]


def _valid_gtin(value: str) -> str:
    from functions.vendor.logic.ids import is_valid_gtin

    if not is_valid_gtin(value):
        raise ValueError("a GTIN has 8, 12, 13 or 14 digits and a valid check digit")
    return value


Gtin = Annotated[str, StringConstraints(pattern=r"^\d{8,14}$"), AfterValidator(_valid_gtin)]


class VendorApplication(StrictInput):
    name: Annotated[str, StringConstraints(min_length=2, max_length=80, strip_whitespace=True)]
    story: str = Field(default="", max_length=5000)
    logo_url: Url | None = None
    contact: Contact = Field(default_factory=Contact)


class VendorApproval(StrictInput):
    commission_bps: int | None = Field(default=None, ge=0, le=10_000)


class VendorDecline(StrictInput):
    reason: Annotated[str, StringConstraints(min_length=5, max_length=1000, strip_whitespace=True)] = Field(
        description="Shown to the applicant, who may change the application and resubmit it"
    )


class VendorPatch(StrictInput):
    """Fields a vendor may change; `commission_bps` only an admin."""

    name: Annotated[str, StringConstraints(min_length=2, max_length=80, strip_whitespace=True)] | None = None
    story: str | None = Field(default=None, max_length=5000)
    logo_url: Url | None = None
    contact: Contact | None = None
    shipping_rules: list[ShippingRule] | None = Field(default=None, max_length=50)
    free_shipping_from: MinorUnits | None = None
    return_days: int | None = Field(default=None, ge=0, le=365)
    return_policy: str | None = Field(default=None, max_length=10_000)
    service_policy: str | None = Field(default=None, max_length=10_000)
    commission_bps: int | None = Field(default=None, ge=0, le=10_000)


class VendorOut(View):
    vendor_id: Identifier
    name: str
    status: VendorStatus
    logo_url: str | None
    story: str
    contact: Contact
    commission_bps: int
    shipping_rules: list[ShippingRule]
    free_shipping_from: MinorUnits | None
    return_days: int
    return_policy: str
    service_policy: str
    created_at: datetime
    approved_at: datetime | None
    decline_reason: str | None = None


class VendorApplicationOut(View):
    """An application as the admin console lists it."""

    vendor_id: Identifier
    name: str
    status: VendorStatus
    owner_username: str | None
    story: str
    logo_url: str | None
    contact: Contact
    created_at: datetime
    decline_reason: str | None = None


class PublicVendor(View):
    vendor_id: Identifier
    name: str
    logo_url: str | None
    story: str
    website: str | None
    shipping_rules: list[ShippingRule]
    free_shipping_from: MinorUnits | None
    return_days: int
    return_policy: str
    service_policy: str


class OfferIn(StrictInput):
    """A complete offer (PUT): product content plus price, stock and delivery terms."""

    title: Annotated[str, StringConstraints(min_length=1, max_length=150, strip_whitespace=True)]
    description: str = Field(default="", max_length=5000)
    brand: ShortText | None = None
    gtin: Gtin | None = None
    mpn: Annotated[str, StringConstraints(max_length=70)] | None = None
    category: Annotated[
        list[Annotated[str, StringConstraints(min_length=1, max_length=100)]], AfterValidator(taxonomy.canonical)
    ] = Field(
        default_factory=list,
        max_length=8,
        description="Category path, root first: a path of Google's product taxonomy in English, Dutch or"
        " German is stored as the marketplace's (English) path",
    )
    link: Url | None = None
    image_link: Url | None = None
    additional_image_links: list[Url] = Field(default_factory=list, max_length=10)
    price: MinorUnits
    sale_price: MinorUnits | None = None
    sale_starts_at: datetime | None = None
    sale_ends_at: datetime | None = None
    currency: Currency = "EUR"
    availability: Availability | None = None
    quantity: int = Field(ge=0, le=10_000_000)
    condition: Condition = "new"
    item_group_id: Annotated[str, StringConstraints(max_length=50)] | None = None
    attributes: dict[
        Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,30}$")],
        Annotated[str, StringConstraints(max_length=100)],
    ] = Field(default_factory=dict, max_length=20)
    shipping_cost: MinorUnits | None = None
    handling_days: int = Field(default=1, ge=0, le=60)


class OfferPatch(StrictInput):
    """A fast price/stock update: only the given fields change."""

    price: MinorUnits | None = None
    sale_price: MinorUnits | None = None
    sale_starts_at: datetime | None = None
    sale_ends_at: datetime | None = None
    quantity: int | None = Field(default=None, ge=0, le=10_000_000)
    availability: Availability | None = None
    handling_days: int | None = Field(default=None, ge=0, le=60)
    shipping_cost: MinorUnits | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> OfferPatch:
        if not self.model_fields_set:
            raise ValueError("give at least one field to change")
        return self


class OfferBatchItem(OfferPatch):
    sku: Sku


class OfferBatchPatch(StrictInput):
    items: list[OfferBatchItem] = Field(min_length=1, max_length=100)


class OfferBatchResult(View):
    sku: str
    result: Literal["updated", "unchanged", "not_found", "invalid"]
    revision: int | None = None
    message: str | None = None


class OfferBatchResponse(View):
    items: list[OfferBatchResult]


class VendorOffer(OfferSnapshot):
    status: Literal["active", "withdrawn"]


class FeedRequest(StrictInput):
    filename: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9._ -]+$")]
    mode: FeedMode = "upsert"
    content_type: str | None = Field(default=None, max_length=100)


class FeedCreated(View):
    feed_id: Identifier
    status: FeedStatus
    mode: FeedMode
    upload: PresignedPost
    max_bytes: int
    expires_at: datetime


class FeedStatusOut(View):
    feed_id: Identifier
    vendor_id: Identifier
    status: FeedStatus
    mode: FeedMode
    filename: str
    format: FeedFormat | None
    mapped: bool = Field(description="Read through the vendor's saved column mapping")
    encoding: str | None
    counts: FeedCounts
    progress: float = Field(ge=0, le=1, description="Share of the file read so far")
    reason: str | None
    error_report_url: str | None
    error_report_lines: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class FeedPreviewRequest(StrictInput):
    sample: str = Field(min_length=1, max_length=1_000_000, description="The first lines of a feed file")
    mode: FeedMode = "upsert"
    mapping: FeedMapping | None = Field(
        default=None,
        description="A column mapping to try (else the saved one applies when the header has its id column)",
    )


class FeedPreviewRow(View):
    line: int
    sku: str | None
    title: str | None
    price: MinorUnits | None


class FeedPreviewError(View):
    line: int
    field: str | None
    code: str
    message: str


class FeedPreview(View):
    format: FeedFormat
    encoding: str
    columns: dict[str, str | None] = Field(description="Column as written in the file → recognised field")
    mapped: bool = Field(description="Read through a column mapping (the one sent, or the vendor's saved one)")
    missing: list[str] = Field(
        description="Required fields of the mode that no column gives: an upload would be refused; map them"
    )
    rows: list[FeedPreviewRow]
    errors: list[FeedPreviewError]


class LastFeed(View):
    feed_id: Identifier
    status: FeedStatus
    counts: FeedCounts
    finished_at: datetime | None


class Dashboard(View):
    vendor_id: Identifier
    offers: int
    out_of_stock: int
    last_feed: LastFeed | None
    sales: int | None = Field(default=None, description="Orders with this vendor's items (from OrderPlaced)")
    items_sold: int = 0
    revenue: MinorUnits = Field(default=0, description="Sum of sold line totals, minor units")
    rating: float | None = Field(default=None, description="Average rating (once community exists)")


class Storefront(View):
    vendor: PublicVendor
    offers: list[OfferSnapshot]
    next_cursor: str | None


class SavedMappingOut(View):
    vendor_id: Identifier
    mapping: FeedMapping
    updated_at: datetime


class FeedSourceIn(StrictInput):
    url: str = Field(
        min_length=10,
        max_length=2000,
        description="Where the feed is fetched from once a day: https, a public address, no user or password",
    )
    mode: FeedMode = "upsert"
    filename: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        pattern=r"^[A-Za-z0-9._ -]+$",
        description="Names the file type when the URL does not end with one (e.g. feed.xml); else taken from the URL",
    )


class FeedSourceOut(View):
    vendor_id: Identifier
    url: str
    mode: FeedMode
    filename: str
    next_pull_at: datetime
    last_pull: PullResult | None
