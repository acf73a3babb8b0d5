"""The product read model: all vendors' offers of one product, merged from offer changes.

Each offer is a last-writer-wins register ordered by `(time, revision, kind)`: an upsert's time
is its `updated_at`, a withdrawal's the event's `occurred_at`. Merging takes the larger entry,
so applying the same changes in any order, or twice, gives the same product (idempotent and
order-tolerant; SQS may redeliver and reorder). Withdrawn offers stay as tombstones so a late,
older upsert cannot bring them back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from functions.catalog.logic.search import SearchDocument, VendorRef
from functions.catalog.models.consumed import OfferChangeView, OfferView, ShippingRuleView
from functions.common.models import Record

POPULARITY_WEIGHTS = {"sale": 3.0, "heart": 1.0, "review": 0.5}


class OfferEntry(Record):
    """A register value: a live offer or a tombstone."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["live", "gone"]
    at: datetime
    revision: int = 0
    offer: OfferView | None = None

    def order_key(self) -> tuple[datetime, int, int]:
        return (self.at, self.revision, 1 if self.kind == "gone" else 0)


class Counters(Record):
    """Community and sales signals, changed by atomic counters in the store."""

    hearts: int = 0
    sales: int = 0
    rating_sum: int = 0
    rating_count: int = 0

    @property
    def rating(self) -> float:
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count else 0.0

    @property
    def popularity(self) -> float:
        return max(
            0.0,
            self.sales * POPULARITY_WEIGHTS["sale"]
            + self.hearts * POPULARITY_WEIGHTS["heart"]
            + self.rating_count * POPULARITY_WEIGHTS["review"],
        )


class Product(Record):
    """The catalog's read model of one product (what the table item holds)."""

    product_id: str
    offers: dict[str, OfferEntry] = Field(default_factory=dict)
    first_seen: datetime | None = None
    counters: Counters = Field(default_factory=Counters)
    revision: int = Field(default=0, description="Optimistic lock; 0 = not stored yet")

    def live_offers(self) -> list[OfferView]:
        live = [entry.offer for entry in self.offers.values() if entry.kind == "live" and entry.offer]
        live.sort(key=lambda offer: offer.offer_id)
        live.sort(key=lambda offer: offer.updated_at, reverse=True)  # newest first, stable by id
        return live

    @property
    def listed(self) -> bool:
        return bool(self.live_offers())


class Signal(Record):
    """Counter increments for one product from one event (negative for an un-heart)."""

    product_id: str
    hearts: int = 0
    sales: int = 0


class VendorInfo(Record):
    vendor_id: str
    name: str
    status: str = "approved"
    shipping_rules: list[ShippingRuleView] = Field(default_factory=list)
    return_days: int = 0


def entry_of(change: OfferChangeView, occurred_at: datetime) -> OfferEntry:
    if change.change == "upserted" and change.offer is not None:
        return OfferEntry(kind="live", at=change.offer.updated_at, revision=change.offer.revision, offer=change.offer)
    return OfferEntry(kind="gone", at=occurred_at)


def merge(product: Product, changes: Iterable[tuple[OfferChangeView, datetime]]) -> Product:
    """Apply offer changes (each with its event time) to a product; returns a new product."""
    offers = dict(product.offers)
    first_seen = product.first_seen
    for change, occurred_at in changes:
        if change.product_id != product.product_id:
            continue
        incoming = entry_of(change, occurred_at)
        current = offers.get(change.offer_id)
        if current is None or incoming.order_key() > current.order_key():
            offers[change.offer_id] = incoming
        if incoming.offer is not None:
            created = incoming.offer.created_at
            first_seen = created if first_seen is None else min(first_seen, created)
    return product.model_copy(update={"offers": offers, "first_seen": first_seen})


def sale_active(offer: OfferView, now: datetime) -> bool:
    if offer.sale_price is None or offer.sale_price >= offer.price:
        return False
    if offer.sale_starts_at is not None and now < offer.sale_starts_at:
        return False
    return not (offer.sale_ends_at is not None and now >= offer.sale_ends_at)


def current_price(offer: OfferView, now: datetime) -> int:
    return offer.sale_price if sale_active(offer, now) and offer.sale_price is not None else offer.price


def next_price_change(offers: Iterable[OfferView], now: datetime) -> datetime | None:
    """When the earliest sale among these offers starts or ends after `now` (the indexed price is
    then stale and must be computed again); None when no sale window lies ahead."""
    edges = [
        edge
        for offer in offers
        if offer.sale_price is not None and offer.sale_price < offer.price
        for edge in (offer.sale_starts_at, offer.sale_ends_at)
        if edge is not None and edge > now
    ]
    return min(edges, default=None)


def available(offer: OfferView) -> bool:
    return offer.availability == "in_stock" and offer.quantity > 0


def _first(values: Iterable[str | None]) -> str | None:
    return next((value for value in values if value), None)


def to_document(product: Product, now: datetime) -> SearchDocument | None:
    """The search document of a product; None when no offer is live (remove it from the index)."""
    offers = product.live_offers()
    if not offers:
        return None
    in_stock = [offer for offer in offers if available(offer)]
    priced = in_stock or offers
    best = min(priced, key=lambda offer: (current_price(offer, now), offer.offer_id))
    category = next((offer.category for offer in offers if offer.category), [])
    attributes: dict[str, str] = {}
    for offer in reversed(offers):
        attributes.update(offer.attributes)
    vendors = {offer.vendor_id: VendorRef(vendor_id=offer.vendor_id, name=offer.vendor_name) for offer in offers}
    return SearchDocument(
        product_id=product.product_id,
        title=offers[0].title,
        brand=_first(offer.brand for offer in offers),
        description=_first(offer.description for offer in offers) or "",
        attributes=attributes,
        category=category,
        vendors=sorted(vendors.values(), key=lambda vendor: vendor.vendor_id),
        price=current_price(best, now),
        currency=best.currency,
        in_stock=bool(in_stock),
        offer_count=len(offers),
        rating=product.counters.rating,
        rating_count=product.counters.rating_count,
        popularity=product.counters.popularity,
        image_link=_first(offer.image_link for offer in offers),
        created_at=product.first_seen or offers[-1].created_at,
        reprice_at=next_price_change(offers, now),
    )
