"""The product read model: all vendors' offers of one product, merged from offer changes.

Each offer is a last-writer-wins register ordered by `(time, revision, kind)`: an upsert's time
is its `updated_at`, a withdrawal's its `withdrawn_at` (the event's `occurred_at` when it has
none: a deleted offer), so an offer withdrawn and put back in one batch ends live. Merging takes
the larger entry, so applying the same changes in any order, or twice, gives the same product (idempotent and
order-tolerant; SQS may redeliver and reorder). Withdrawn offers stay as tombstones so a late,
older upsert cannot bring them back.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from functions.catalog.logic.search import ProductOption, SearchDocument, VariantSummary, VendorRef
from functions.catalog.models.consumed import OfferChangeView, OfferView, ShippingRuleView
from functions.common.models import Record

POPULARITY_WEIGHTS = {"sale": 3.0, "heart": 1.0, "review": 0.5}
FAMILY_PREFIX = "fm_"
MAX_VARIANTS = 100
"""Variants listed per family (a feed's `item_group_id` rarely groups more; the rest stay searchable)."""
OPTION_ORDER = ("color", "size", "material", "pattern", "gender", "age_group")
SIZE_ORDER = ("xxxs", "xxs", "xs", "s", "m", "l", "xl", "xxl", "2xl", "xxxl", "3xl", "4xl", "5xl")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?")


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

    @property
    def family_id(self) -> str:
        """The family of the earliest live offer with an `item_group_id` (its vendor's family:
        another vendor's offer of the same GTIN joins that family), else the product itself."""
        grouped = [offer for offer in self.live_offers() if offer.item_group_id]
        if not grouped:
            return self.product_id
        first = min(grouped, key=lambda offer: (offer.created_at, offer.offer_id))
        return family_key(first.vendor_id, first.item_group_id or "")


def family_key(vendor_id: str, item_group_id: str) -> str:
    return FAMILY_PREFIX + hashlib.sha256(f"{vendor_id}\x1f{item_group_id}".encode()).hexdigest()[:20]


def is_grouped(family_id: str) -> bool:
    """Whether the id names a family of variants (else it is a product's own id)."""
    return family_id.startswith(FAMILY_PREFIX)


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
    return OfferEntry(kind="gone", at=change.withdrawn_at or occurred_at, revision=change.revision or 0)


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


def members_of(family_id: str, products: Iterable[Product], now: datetime) -> list[Product]:
    """The listed products among `products` that belong to the family now (a membership not yet
    removed is left out), once each, the first seen first."""
    members = {p.product_id: p for p in products if p.listed and p.family_id == family_id}
    return sorted(members.values(), key=lambda p: (p.first_seen or now, p.product_id))


def family_document(family_id: str, products: Iterable[Product], now: datetime) -> SearchDocument | None:
    """The search document of a family: its members (`members_of`) merged into one result;
    None when none is listed. A product without variants is a family of one, indexed as
    `to_document` makes it."""
    ordered = members_of(family_id, products, now)
    documents = [document for product in ordered if (document := to_document(product, now)) is not None]
    if not documents:
        return None
    if len(documents) == 1:
        alone = documents[0]
        return alone if alone.family_id == family_id else alone.model_copy(update={"family_id": family_id})
    counters = Counters(
        hearts=sum(p.counters.hearts for p in ordered),
        sales=sum(p.counters.sales for p in ordered),
        rating_sum=sum(p.counters.rating_sum for p in ordered),
        rating_count=sum(p.counters.rating_count for p in ordered),
    )
    shown = min(documents, key=lambda d: (not d.in_stock, -d.popularity, d.product_id))
    in_stock = [d for d in documents if d.in_stock]
    options, variants = variants_of(documents)
    vendors = {vendor.vendor_id: vendor for d in documents for vendor in d.vendors}
    repriced = [d.reprice_at for d in documents if d.reprice_at is not None]
    return shown.model_copy(
        update={
            "family_id": family_id,
            "brand": shown.brand or _first(d.brand for d in documents),
            "description": shown.description or _first(d.description for d in documents) or "",
            "category": shown.category or next((d.category for d in documents if d.category), []),
            "attributes": _all_values([d.attributes for d in documents]),
            "vendors": sorted(vendors.values(), key=lambda vendor: vendor.vendor_id),
            "price": min(d.price for d in in_stock or documents),
            "in_stock": bool(in_stock),
            "offer_count": sum(d.offer_count for d in documents),
            "rating": counters.rating,
            "rating_count": counters.rating_count,
            "popularity": counters.popularity,
            "image_link": shown.image_link or _first(d.image_link for d in documents),
            "created_at": min(d.created_at for d in documents),
            "reprice_at": min(repriced, default=None),
            "options": options,
            "variants": variants,
        }
    )


def _distinct_values(attributes: Sequence[dict[str, str]]) -> dict[str, list[str]]:
    """Each attribute's values, once each, in the order first seen."""
    values: dict[str, list[str]] = {}
    for found in attributes:
        for name, value in found.items():
            known = values.setdefault(name, [])
            if value and value not in known:
                known.append(value)
    return values


def _all_values(attributes: Sequence[dict[str, str]]) -> dict[str, str]:
    """Every attribute with each of its values (`color`: `Red, Blue`): all are searchable."""
    return {name: ", ".join(found) for name, found in _distinct_values(attributes).items() if found}


def variant_options(attributes: Sequence[dict[str, str]]) -> list[ProductOption]:
    """The attributes in which variants differ (two values or more), in OPTION_ORDER, then by
    name; values ordered as sizes or numbers when they all are, else alphabetically (the order
    variants arrive in says nothing: a feed's rows land in one batch)."""
    values = _distinct_values(attributes)
    differing = [name for name, found in values.items() if len(found) > 1]
    differing.sort(key=lambda name: (OPTION_ORDER.index(name) if name in OPTION_ORDER else len(OPTION_ORDER), name))
    return [ProductOption(name=name, values=_ordered_values(values[name])) for name in differing]


def _ordered_values(values: list[str]) -> list[str]:
    if all(value.casefold() in SIZE_ORDER for value in values):
        return sorted(values, key=lambda value: SIZE_ORDER.index(value.casefold()))
    numbers = {value: _leading_number(value) for value in values}
    if None not in numbers.values():
        return sorted(values, key=lambda value: numbers[value] or 0.0)  # 30/32 by its waist, 38.5 as a number
    return sorted(values, key=str.casefold)


def _leading_number(value: str) -> float | None:
    found = _NUMBER.match(value)
    return float(found.group().replace(",", ".")) if found else None


def variants_of(documents: Sequence[SearchDocument]) -> tuple[list[ProductOption], list[VariantSummary]]:
    """The options of a family whose products have these documents, and its variants as a
    selector lists them: ordered by their option values in the options' order, at most
    MAX_VARIANTS."""
    options = variant_options([d.attributes for d in documents])
    rank = {option.name: {value: index for index, value in enumerate(option.values)} for option in options}
    summaries = [
        VariantSummary(
            product_id=d.product_id,
            title=d.title,
            options={option.name: d.attributes[option.name] for option in options if d.attributes.get(option.name)},
            price=d.price,
            in_stock=d.in_stock,
            image_link=d.image_link,
        )
        for d in documents
    ]
    summaries.sort(
        key=lambda v: (
            [rank[option.name].get(v.options.get(option.name, ""), len(rank[option.name])) for option in options],
            v.product_id,
        )
    )
    return options, summaries[:MAX_VARIANTS]
