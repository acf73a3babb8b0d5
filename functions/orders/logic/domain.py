"""The orders domain: inventory projection, carts, orders split per vendor, returns, and the money rules.

Pure values and functions; no I/O. Amounts are integer minor units in one currency per order.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict, Field

from functions.common.models import Record
from functions.common.values import DEFAULT_CURRENCY

MAX_QUANTITY_PER_LINE = 10
"""Per-order maximum of one offer: a shopper buys at most this many units of an offer at once."""
MAX_CART_LINES = 250
MAX_LINES_PER_VENDOR = 90
"""A vendor's sub-order moves its stock in one transaction (≤100 items, with the order item)."""
MAX_VENDORS_PER_ORDER = 40
MAX_RETURNS_PER_ORDER = 40
CHUNK_LINES = 98
"""Lines per reservation transaction: 98 inventory updates + the chunk record (+ the order item)."""
RESERVATION_MINUTES = 15
BPS = 10_000
VARIANT_OPTIONS = ("color", "size", "material", "pattern", "gender", "age_group")
"""The offer attributes that tell the variants of a family apart, in the order a line shows them
(the catalog's selector shows them in this order too)."""
VARIANT_DESCRIPTION = "The variant's option values, e.g. color and size; empty for a product without variants"


def new_id() -> str:
    """A fresh opaque identifier (orders, returns)."""
    return uuid.uuid4().hex


def variant_options(values: dict[str, str]) -> dict[str, str]:
    """The variant options among `values`, in VARIANT_OPTIONS order; other keys are left out."""
    return {name: values[name] for name in VARIANT_OPTIONS if name in values}


class OfferStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class ShippingRule(Record):
    """Orders' view of a vendor shipping rule (cost for a zone of countries, `*` = everywhere else)."""

    zone: str
    countries: list[str] = Field(default_factory=lambda: ["*"])
    cost: int = Field(ge=0)
    free_from: int | None = Field(default=None, ge=0)


class InventoryOffer(Record):
    """The projection of one vendor offer kept in the orders table, with its stock counters."""

    offer_id: str
    vendor_id: str
    product_id: str
    sku: str
    title: str
    image_link: str | None = None
    price: int = Field(ge=0)
    sale_price: int | None = Field(default=None, ge=0)
    sale_starts_at: datetime | None = None
    sale_ends_at: datetime | None = None
    currency: str = DEFAULT_CURRENCY
    status: OfferStatus = OfferStatus.ACTIVE
    availability: str = "in_stock"
    shipping_cost: int | None = Field(default=None, ge=0)
    revision: int = 1
    variant: dict[str, str] = Field(default_factory=dict, description=VARIANT_DESCRIPTION)
    vendor_quantity: int = 0
    reserved: int = 0
    available: int = 0

    def unit_price(self, now: datetime) -> int:
        """The sale price inside its window (open ends allowed), else the regular price."""
        if self.sale_price is None:
            return self.price
        if self.sale_starts_at is not None and now < self.sale_starts_at:
            return self.price
        if self.sale_ends_at is not None and now >= self.sale_ends_at:
            return self.price
        return self.sale_price

    @property
    def sellable(self) -> bool:
        return self.status == OfferStatus.ACTIVE and self.availability != "out_of_stock"


def newest_per_offer(offers: Sequence[InventoryOffer]) -> list[InventoryOffer]:
    """One offer per id, the highest revision (the first of equal ones), in order of first appearance."""
    newest: dict[str, InventoryOffer] = {}
    for offer in offers:
        known = newest.get(offer.offer_id)
        if known is None or offer.revision > known.revision:
            newest[offer.offer_id] = offer
    return list(newest.values())


class VendorTerms(Record):
    """What checkout needs of a vendor: commission, shipping rules and the return window."""

    vendor_id: str
    name: str
    status: str = "approved"
    commission_bps: int = Field(ge=0, le=BPS)
    shipping_rules: list[ShippingRule] = Field(default_factory=list)
    return_days: int = Field(default=14, ge=0)
    version: int = 0
    """Microseconds since the epoch of the VendorUpdated event; older events are ignored."""

    def rule_for(self, country: str) -> ShippingRule | None:
        country = country.upper()
        for rule in self.shipping_rules:
            if country in (c.upper() for c in rule.countries):
                return rule
        return next((rule for rule in self.shipping_rules if "*" in rule.countries), None)


# ---------------------------------------------------------------- carts


class CartLine(Record):
    offer_id: str
    vendor_id: str = ""
    quantity: int = Field(ge=1)
    seen_unit_price: int = Field(ge=0, description="The unit price the shopper last saw")
    currency: str = DEFAULT_CURRENCY
    added_at: datetime


class Cart(Record):
    user_id: str
    lines: list[CartLine] = Field(default_factory=list)
    version: int = 0

    def line(self, offer_id: str) -> CartLine | None:
        return next((line for line in self.lines if line.offer_id == offer_id), None)

    def with_line(self, line: CartLine) -> Cart:
        lines = [existing for existing in self.lines if existing.offer_id != line.offer_id]
        position = next((i for i, existing in enumerate(self.lines) if existing.offer_id == line.offer_id), len(lines))
        lines.insert(position, line)
        return self.model_copy(update={"lines": lines})

    def without(self, offer_ids: Iterable[str]) -> Cart:
        gone = set(offer_ids)
        return self.model_copy(update={"lines": [line for line in self.lines if line.offer_id not in gone]})


# ---------------------------------------------------------------- orders


class OrderStatus(StrEnum):
    PLACED = "placed"
    """Checkout in progress: stock reserved, payment not yet taken."""
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    PAYMENT_FAILED = "payment_failed"
    EXPIRED = "expired"


class SubOrderStatus(StrEnum):
    PLACED = "placed"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    PAYMENT_FAILED = "payment_failed"
    EXPIRED = "expired"


class ReturnStatus(StrEnum):
    REQUESTED = "requested"
    REFUNDED = "refunded"
    REJECTED = "rejected"


class StatusChange(Record):
    status: str
    at: datetime
    note: str | None = None


class OrderLine(Record):
    offer_id: str
    product_id: str
    vendor_id: str
    sku: str
    title: str
    image_link: str | None = None
    variant: dict[str, str] = Field(default_factory=dict, description=VARIANT_DESCRIPTION)
    quantity: int = Field(ge=1)
    unit_price: int = Field(ge=0)
    line_total: int = Field(ge=0)
    returned_quantity: int = 0


class ReturnRequest(Record):
    return_id: str
    offer_id: str
    quantity: int = Field(ge=1)
    reason: str
    status: ReturnStatus = ReturnStatus.REQUESTED
    requested_at: datetime
    decided_at: datetime | None = None
    refund_amount: int = 0
    restocked: bool = False
    note: str | None = None


class SubOrder(Record):
    vendor_id: str
    vendor_name: str
    status: SubOrderStatus
    lines: list[OrderLine]
    subtotal: int
    shipping: int
    total: int
    commission_bps: int
    commission: int
    payout: int
    return_days: int
    carrier: str | None = None
    tracking_number: str | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    complete_after: datetime | None = None
    refunded: int = 0
    returns: list[ReturnRequest] = Field(default_factory=list)
    history: list[StatusChange] = Field(default_factory=list)

    def line(self, offer_id: str) -> OrderLine | None:
        return next((line for line in self.lines if line.offer_id == offer_id), None)

    def settled_commission(self) -> int:
        """The commission on what the shopper kept: refunded items carry none."""
        return commission_of(max(0, self.subtotal - self.refunded), self.commission_bps)

    def settled_payout(self) -> int:
        """What the vendor is owed: items and shipping, less refunds and the commission on the rest."""
        return self.subtotal + self.shipping - self.refunded - self.settled_commission()


class DeliveryAddress(Record):
    model_config = ConfigDict(frozen=True)

    name: str
    line1: str
    line2: str | None = None
    postal_code: str
    city: str
    country: str


class PendingRefund(Record):
    """A refund the order owes (after a cancel or an accepted return), saved with the change that
    caused it and paid later if the first attempt fails; `key` makes every attempt the same refund."""

    key: str
    amount: int
    before: int = Field(description="What the order had refunded before this refund (splits card and redemption)")
    requested_at: datetime


class Order(Record):
    order_id: str
    user_id: str
    status: OrderStatus
    currency: str
    sub_orders: list[SubOrder]
    items_total: int
    shipping_total: int
    discount_total: int = 0
    gift_card_paid: int = Field(default=0, description="What a gift card paid of discount_total")
    points_paid: int = Field(default=0, description="What reward points paid of discount_total")
    points_used: int = 0
    total: int
    refunded_total: int = 0
    shipping_address: DeliveryAddress
    payment_id: str | None = None
    payment_method: str
    referral_code: str | None = None
    advice_session_id: str | None = None
    chunk_count: int = 1
    created_at: datetime
    updated_at: datetime
    history: list[StatusChange] = Field(default_factory=list)
    pending_refunds: list[PendingRefund] = Field(default_factory=list)
    version: int = 0

    def sub_order(self, vendor_id: str) -> SubOrder | None:
        return next((sub for sub in self.sub_orders if sub.vendor_id == vendor_id), None)

    @property
    def lines(self) -> list[OrderLine]:
        return [line for sub in self.sub_orders for line in sub.lines]

    def find_return(self, return_id: str) -> tuple[SubOrder, ReturnRequest] | None:
        for sub in self.sub_orders:
            for request in sub.returns:
                if request.return_id == return_id:
                    return sub, request
        return None


def derive_status(order: Order) -> OrderStatus:
    """The order's overall status once paid, from its sub-orders' statuses."""
    if order.status in (OrderStatus.PLACED, OrderStatus.PAYMENT_FAILED, OrderStatus.EXPIRED):
        return order.status
    statuses = {sub.status for sub in order.sub_orders}
    live = statuses - {SubOrderStatus.CANCELLED}
    if not live:
        return OrderStatus.CANCELLED
    if live <= {SubOrderStatus.COMPLETED}:
        return OrderStatus.COMPLETED
    if live <= {SubOrderStatus.DELIVERED, SubOrderStatus.COMPLETED}:
        return OrderStatus.DELIVERED
    if live & {SubOrderStatus.SHIPPED, SubOrderStatus.DELIVERED, SubOrderStatus.COMPLETED}:
        return OrderStatus.SHIPPED
    return OrderStatus.PAID


# ---------------------------------------------------------------- stock


StockMoveKind = Literal["reserve", "release", "ship", "restock"]


@dataclass(frozen=True)
class StockMove:
    """One change of an offer's counters, applied atomically with the order change causing it.

    reserve: available -= q, reserved += q (only if available >= q)
    release: available += q, reserved -= q (only if reserved >= q)
    ship:    reserved -= q, vendor_quantity -= q (only if reserved >= q)
    restock: vendor_quantity += q, available += q
    """

    offer_id: str
    quantity: int
    kind: StockMoveKind


class ChunkStatus(StrEnum):
    HELD = "held"
    COMMITTED = "committed"
    RELEASED = "released"


class ReservationChunk(Record):
    """Up to CHUNK_LINES reserved lines of one checkout, reserved in one transaction with this record."""

    order_id: str
    index: int
    lines: list[tuple[str, int]]
    status: ChunkStatus = ChunkStatus.HELD
    expires_at: datetime


def plan_chunks(
    order_id: str, lines: Sequence[tuple[str, int]], expires_at: datetime, size: int = CHUNK_LINES
) -> list[ReservationChunk]:
    return [
        ReservationChunk(order_id=order_id, index=i, lines=list(lines[start : start + size]), expires_at=expires_at)
        for i, start in enumerate(range(0, len(lines), size))
    ]


# ---------------------------------------------------------------- money


def commission_of(amount: int, bps: int) -> int:
    """Commission in minor units, rounded half up."""
    return (amount * bps + BPS // 2) // BPS


def shipping_cost(terms: VendorTerms, country: str, subtotal: int, offers: Sequence[InventoryOffer]) -> int | None:
    """A sub-order's shipping: the vendor's rule for the country (free from its threshold), or the highest
    per-offer override; None when the vendor does not ship there."""
    overrides = [offer.shipping_cost for offer in offers if offer.shipping_cost is not None]
    needs_rule = len(overrides) < len(offers)
    rule_cost = 0
    if needs_rule:
        rule = terms.rule_for(country)
        if rule is None:
            return None
        rule_cost = 0 if rule.free_from is not None and subtotal >= rule.free_from else rule.cost
    return max([rule_cost, *overrides])


def complete_after(delivered_at: datetime, return_days: int) -> datetime:
    return delivered_at + timedelta(days=return_days)
