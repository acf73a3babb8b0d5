"""Events the orders context publishes (source `plein.orders`). Consumers declare their own views."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from functions.common.events import DomainEvent
from functions.common.models import Record
from functions.common.values import DEFAULT_CURRENCY, Currency

SOURCE = "plein.orders"


class EventLine(Record):
    offer_id: str
    product_id: str
    vendor_id: str
    sku: str
    quantity: int = Field(ge=1)
    unit_price: int = Field(ge=0)
    line_total: int = Field(ge=0)


class Attribution(Record):
    referral_code: str | None = None
    advice_session_id: str | None = None


class OrderEvent(DomainEvent):
    """What every orders event carries: the order, the shopper, the vendors and lines concerned, attribution."""

    order_id: str
    user_id: str = Field(description="The shopper")
    vendor_ids: list[str]
    lines: list[EventLine]
    currency: Currency = DEFAULT_CURRENCY
    referral_code: str | None = None
    advice_session_id: str | None = None


class OrderPlaced(OrderEvent):
    """The order is paid: stock is reserved for it and the shopper was charged `total`."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "OrderPlaced"

    items_total: int
    shipping_total: int
    discount_total: int = 0
    total: int


class OrderShipped(OrderEvent):
    """A vendor shipped its sub-order; `lines` are that vendor's lines."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "OrderShipped"

    vendor_id: str
    carrier: str
    tracking_number: str


class OrderDelivered(OrderEvent):
    """A vendor's sub-order was delivered: its return window starts."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "OrderDelivered"

    vendor_id: str


class OrderCancelled(OrderEvent):
    """Sub-orders of `vendor_ids` were cancelled before shipping; `lines` are the cancelled lines."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "OrderCancelled"

    refund_amount: int
    reason: str | None = None


class OrderReturned(OrderEvent):
    """A return was accepted and refunded; `lines` hold the returned quantities."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "OrderReturned"

    vendor_id: str
    return_id: str
    reason: str
    refund_amount: int


ORDER_EVENTS: tuple[type[OrderEvent], ...] = (OrderPlaced, OrderShipped, OrderDelivered, OrderCancelled, OrderReturned)


class RefundPending(DomainEvent):
    """A refund the order owes was saved with the cancel or accepted return that caused it; the
    orders context consumes it itself and pays it (once per `refund_key`), retried from its queue."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "RefundPending"

    order_id: str
    user_id: str
    refund_key: str
    amount: int = Field(ge=0)
    currency: Currency = DEFAULT_CURRENCY
