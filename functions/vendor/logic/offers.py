"""Offers: one vendor's SKU of a product with price, stock, content and delivery terms.

Every write goes through `build_offer`, which derives the ids, keeps availability consistent
with stock, bumps `revision` only when the content really changed and leaves unchanged offers
alone (same content hash), so consumers see each change exactly once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from functions.common.auth import Principal
from functions.common.errors import Conflict, ErrorDetail, NotFound, UnprocessableEntity
from functions.common.pagination import CursorCodec, Page, clamp_limit
from functions.vendor.logic import ids
from functions.vendor.logic.domain import Offer, OfferListing, OfferSort, Vendor
from functions.vendor.logic.ports import OfferRepository, VendorRepository
from functions.vendor.models.api import (
    OfferBatchPatch,
    OfferBatchResponse,
    OfferBatchResult,
    OfferIn,
    OfferPatch,
    VendorOffer,
)
from functions.vendor.models.events import OfferSnapshot

# Fields of OfferSnapshot that are bookkeeping, not content: they do not count as a change.
BOOKKEEPING = frozenset({"created_at", "updated_at", "revision"})
CONTENT_FIELDS = tuple(name for name in OfferSnapshot.model_fields if name not in BOOKKEEPING)


class OfferInvalid(ValueError):
    """The offer's fields contradict each other (e.g. a sale price above the price)."""

    def __init__(self, field: str, code: str, message: str):
        super().__init__(message)
        self.field = field
        self.code = code
        self.message = message


_CONTENT_DEFAULTS = {
    name: field.get_default(call_default_factory=True)
    for name, field in OfferSnapshot.model_fields.items()
    if name in CONTENT_FIELDS and not field.is_required()
}


def content_hash(content: Mapping[str, Any]) -> str:
    """The same digest for the same offer whether a field was left out or given as its default
    (a seeded or API-made offer re-imported unchanged is unchanged)."""
    snapshot_like = {name: content.get(name, _CONTENT_DEFAULTS.get(name)) for name in CONTENT_FIELDS}
    encoded = OfferSnapshot.__pydantic_serializer__.to_json(snapshot_like, warnings=False)
    return hashlib.blake2b(encoded, digest_size=16).hexdigest()


def normalise(content: dict[str, Any]) -> dict[str, Any]:
    """Derive availability from stock where the vendor left it open; check price and sale dates."""
    quantity = int(content.get("quantity") or 0)
    availability = content.get("availability")
    if availability is None:
        availability = "in_stock" if quantity > 0 else "out_of_stock"
    elif availability == "in_stock" and quantity == 0:
        availability = "out_of_stock"
    content["availability"] = availability
    sale_price = content.get("sale_price")
    if sale_price is not None and sale_price >= content["price"]:
        raise OfferInvalid("sale_price", "sale_not_below_price", "the sale price must be below the price")
    starts, ends = content.get("sale_starts_at"), content.get("sale_ends_at")
    if starts is not None and ends is not None and ends <= starts:
        raise OfferInvalid("sale_ends_at", "sale_ends_before_start", "the sale must end after it starts")
    if sale_price is None:
        content["sale_starts_at"] = content["sale_ends_at"] = None
    return content


def build_offer(  # noqa: PLR0917 - the six facts an offer is built from
    vendor_id: str,
    vendor_name: str,
    sku: str,
    content: Mapping[str, Any],
    existing: Offer | None,
    now: datetime,
) -> Offer | None:
    """The offer to write for `content`, or None when it would not change the stored offer.

    `content` holds OfferSnapshot content fields (title, price, ...); ids are derived here.
    """
    fields = dict(content)
    fields["vendor_id"] = vendor_id
    fields["vendor_name"] = vendor_name
    fields["sku"] = sku
    fields["offer_id"] = ids.offer_id(vendor_id, sku)
    fields["product_id"] = ids.product_id(vendor_id, sku, fields.get("gtin"))
    if fields.get("gtin"):
        fields["gtin"] = ids.gtin_14(fields["gtin"])
    normalise(fields)
    digest = content_hash(fields)
    if existing is not None and existing.status == "active" and existing.content_hash == digest:
        return None
    fields["created_at"] = existing.snapshot.created_at if existing else now
    fields["updated_at"] = now
    fields["revision"] = existing.snapshot.revision + 1 if existing else 1
    snapshot = OfferSnapshot.model_validate(fields)
    return Offer(snapshot=snapshot, status="active", content_hash=digest)


def withdrawn(existing: Offer, now: datetime) -> Offer:
    snapshot = existing.snapshot.model_copy(update={"updated_at": now, "revision": existing.snapshot.revision + 1})
    return Offer(snapshot=snapshot, status="withdrawn", content_hash=existing.content_hash)


def patched_content(existing: Offer, patch: OfferPatch) -> dict[str, Any]:
    content = existing.snapshot.model_dump(include=set(CONTENT_FIELDS))
    changes = patch.model_dump(include=patch.model_fields_set - {"sku"})
    if (
        "quantity" in changes
        and "availability" not in changes
        and content["availability"]
        in (
            "in_stock",
            "out_of_stock",
        )
    ):
        content["availability"] = None  # follow the new stock level
    content.update(changes)
    return content


def to_out(offer: Offer) -> VendorOffer:
    return VendorOffer(**offer.snapshot.model_dump(), status=offer.status)


class OfferService:
    def __init__(
        self,
        *,
        vendors: VendorRepository,
        offers: OfferRepository,
        cursors: CursorCodec,
        clock: Callable[[], datetime],
    ):
        self._vendors = vendors
        self._offers = offers
        self._cursors = cursors
        self._clock = clock

    def _vendor_for(self, caller: Principal, vendor_id: str) -> Vendor:
        caller.require_vendor(vendor_id)
        vendor = self._vendors.get(vendor_id)
        if vendor is None:
            raise NotFound("no such vendor", code="vendor_not_found")
        if vendor.status != "approved":
            raise Conflict("the vendor is not approved yet", code="vendor_not_approved")
        return vendor

    def put(self, caller: Principal, vendor_id: str, sku: str, body: OfferIn) -> tuple[VendorOffer, bool]:
        """Create or replace an offer; the flag says whether it was created."""
        vendor = self._vendor_for(caller, vendor_id)
        existing = self._offers.get(ids.offer_id(vendor_id, sku))
        offer = _checked(lambda: build_offer(vendor_id, vendor.name, sku, body.model_dump(), existing, self._clock()))
        if offer is None:
            assert existing is not None
            return to_out(existing), False
        self._offers.put(offer, existing.snapshot.revision if existing else None)
        return to_out(offer), existing is None or existing.status == "withdrawn"

    def patch(self, caller: Principal, vendor_id: str, sku: str, body: OfferPatch) -> VendorOffer:
        vendor = self._vendor_for(caller, vendor_id)
        existing = self._live(vendor_id, sku)
        content = patched_content(existing, body)
        offer = _checked(lambda: build_offer(vendor_id, vendor.name, sku, content, existing, self._clock()))
        if offer is None:
            return to_out(existing)
        self._offers.put(offer, existing.snapshot.revision)
        return to_out(offer)

    def delete(self, caller: Principal, vendor_id: str, sku: str) -> None:
        self._vendor_for(caller, vendor_id)
        existing = self._live(vendor_id, sku)
        self._offers.put(withdrawn(existing, self._clock()), existing.snapshot.revision)

    def get(self, caller: Principal, vendor_id: str, sku: str) -> VendorOffer:
        caller.require_vendor(vendor_id)
        return to_out(self._live(vendor_id, sku))

    def list(
        self,
        caller: Principal,
        vendor_id: str,
        limit: int | None,
        cursor: str | None,
        *,
        listing: OfferListing = "live",
        sku_prefix: str | None = None,
        sort: OfferSort = "sku",
    ) -> Page[VendorOffer]:
        """A page of the vendor's offers of one listing in `sort` order; `cursor` continues a
        previous page (of the same listing, prefix and order: the cursor is bound to them)."""
        caller.require_vendor(vendor_id)
        scope = f"offers:{vendor_id}:{listing}:{sku_prefix or ''}:{sort}"
        after = self._cursors.decode(cursor, scope)
        offers, last = self._offers.list_by_vendor(
            vendor_id,
            clamp_limit(limit),
            (after or {}).get("after"),
            listing=listing,
            sku_prefix=sku_prefix,
            sort=sort,
        )
        return Page[VendorOffer](
            items=[to_out(offer) for offer in offers],
            next_cursor=self._cursors.encode({"after": last} if last else None, scope),
        )

    def batch_patch(self, caller: Principal, vendor_id: str, body: OfferBatchPatch) -> OfferBatchResponse:
        """Price/stock updates for up to 100 SKUs, written in one transaction."""
        vendor = self._vendor_for(caller, vendor_id)
        skus = [item.sku for item in body.items]
        if len(set(skus)) != len(skus):
            raise UnprocessableEntity("each SKU may appear once per batch", code="duplicate_sku")
        existing = self._offers.get_many([ids.offer_id(vendor_id, sku) for sku in skus])
        now = self._clock()
        results: list[OfferBatchResult] = []
        writes: list[tuple[Offer, int]] = []
        for item in body.items:
            current = existing.get(ids.offer_id(vendor_id, item.sku))
            if current is None or current.status != "active":
                results.append(OfferBatchResult(sku=item.sku, result="not_found", message="no such offer"))
                continue
            try:
                offer = build_offer(vendor_id, vendor.name, item.sku, patched_content(current, item), current, now)
            except OfferInvalid as exc:
                results.append(OfferBatchResult(sku=item.sku, result="invalid", message=exc.message))
                continue
            if offer is None:
                results.append(OfferBatchResult(sku=item.sku, result="unchanged", revision=current.snapshot.revision))
                continue
            writes.append((offer, current.snapshot.revision))
            results.append(OfferBatchResult(sku=item.sku, result="updated", revision=offer.snapshot.revision))
        if writes:
            self._offers.put_all_or_nothing(writes)
        return OfferBatchResponse(items=results)

    def _live(self, vendor_id: str, sku: str) -> Offer:
        offer = self._offers.get(ids.offer_id(vendor_id, sku))
        if offer is None or offer.status != "active":
            raise NotFound("no such offer", code="offer_not_found")
        return offer


def _checked(build: Callable[[], Offer | None]) -> Offer | None:
    try:
        return build()
    except OfferInvalid as exc:
        raise UnprocessableEntity(
            exc.message,
            code="invalid_offer",
            details=[ErrorDetail(field=exc.field, code=exc.code, message=exc.message)],
        ) from exc
