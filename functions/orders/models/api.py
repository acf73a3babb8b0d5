"""Request and response bodies of the orders API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from functions.common.inputs import StrictInput
from functions.common.models import View
from functions.common.values import Currency, Identifier, MinorUnits
from functions.orders.logic.domain import (
    VARIANT_DESCRIPTION,
    DeliveryAddress,
    Order,
    OrderLine,
    OrderStatus,
    ReturnRequest,
    StatusChange,
    SubOrder,
)

CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$"), Field(description="ISO 3166-1 alpha-2")]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]


class CartItemInput(StrictInput):
    quantity: int = Field(ge=1, description="Units of the offer; at most the per-order maximum")
    expected_unit_price: MinorUnits | None = Field(
        default=None, description="The unit price the client shows; a different current price is refused"
    )
    currency: Currency | None = None


class CartLineView(View):
    offer_id: str
    product_id: str | None = None
    vendor_id: str | None = None
    sku: str | None = None
    title: str | None = None
    image_link: str | None = None
    variant: dict[str, str] = Field(default_factory=dict, description=VARIANT_DESCRIPTION)
    quantity: int
    unit_price: int | None = Field(description="Current price; null when the offer is gone")
    seen_unit_price: int
    price_changed: bool
    line_total: int
    available: int
    problems: list[str] = Field(default_factory=list, description="e.g. price_changed, insufficient_stock, withdrawn")


class CartVendorGroup(View):
    vendor_id: str
    vendor_name: str | None
    lines: list[CartLineView]
    subtotal: int
    shipping: int | None = Field(description="Null when the vendor does not ship to the country")


class CartView(View):
    currency: str
    country: str
    vendors: list[CartVendorGroup]
    items_total: int
    shipping_total: int | None
    total: int | None
    problems: list[str] = Field(default_factory=list)
    version: int


class AddressInput(StrictInput):
    name: ShortText
    line1: ShortText
    line2: ShortText | None = None
    postal_code: Annotated[str, StringConstraints(min_length=1, max_length=20, strip_whitespace=True)]
    city: ShortText
    country: CountryCode

    def to_domain(self) -> DeliveryAddress:
        return DeliveryAddress(**self.model_dump())


class CheckoutInput(StrictInput):
    shipping_address: AddressInput
    payment_method: Annotated[str, StringConstraints(min_length=1, max_length=100)] = Field(
        description="Payment method token; locally Stripe's test tokens: tok_visa, tok_chargeDeclined, tok_error"
    )
    currency: Currency | None = Field(default=None, description="Must be the cart's currency (EUR)")
    expected_total: MinorUnits | None = Field(default=None, description="Refused with 409 if the total differs")
    gift_card_code: ShortText | None = None
    points: int | None = Field(default=None, ge=1)
    referral_code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")] | None = None
    advice_session_id: Identifier | None = None


class OrderView(View):
    order_id: str
    user_id: str
    status: OrderStatus
    currency: str
    sub_orders: list[SubOrder]
    items_total: int
    shipping_total: int
    discount_total: int
    gift_card_paid: int = Field(default=0, description="What a gift card paid (part of discount_total)")
    points_paid: int = Field(default=0, description="What reward points paid (part of discount_total)")
    points_used: int = 0
    total: int
    refunded_total: int
    shipping_address: DeliveryAddress
    payment_id: str | None
    referral_code: str | None
    advice_session_id: str | None
    created_at: datetime
    updated_at: datetime
    history: list[StatusChange]
    refund_status: Literal["pending", "refunded"] | None = Field(
        default=None,
        description="pending: a refund the order owes failed and is being retried; refunded: all refunds were made",
    )

    @classmethod
    def of(cls, order: Order) -> OrderView:
        view = cls.model_validate(order.model_dump(exclude={"version", "chunk_count", "payment_method"}))
        status = "pending" if order.pending_refunds else "refunded" if order.refunded_total > 0 else None
        return view.model_copy(update={"refund_status": status})


SUMMARY_TITLES = 3


class OrderSummary(View):
    order_id: str
    status: OrderStatus
    total: int
    currency: str
    vendor_ids: list[str]
    line_count: int
    item_count: int = Field(description="Units over all lines")
    titles: list[str] = Field(description="Product titles of the first three lines, to recognise the order by")
    created_at: datetime

    @classmethod
    def of(cls, order: Order) -> OrderSummary:
        return cls(
            order_id=order.order_id,
            status=order.status,
            total=order.total,
            currency=order.currency,
            vendor_ids=[sub.vendor_id for sub in order.sub_orders],
            line_count=len(order.lines),
            item_count=sum(line.quantity for line in order.lines),
            titles=[line.title for line in order.lines[:SUMMARY_TITLES]],
            created_at=order.created_at,
        )


class VendorOrderSummary(View):
    order_id: str
    created_at: datetime
    currency: str
    shipping_address: DeliveryAddress
    sub_order: SubOrder


class PayoutTotals(View):
    state: Literal["payable", "pending"] = Field(
        description="`payable`: the return window is over; `pending`: paid, shipped or delivered, may still change"
    )
    currency: str
    sub_orders: int
    items: int = Field(description="Item totals, minor units")
    shipping: int
    refunded: int
    commission: int = Field(description="Commission on what was kept (refunded items carry none)")
    payout: int = Field(description="items + shipping - refunded - commission")


class PayoutStatement(View):
    vendor_id: str
    month: str = Field(description="YYYY-MM, by the day the order was placed (UTC)")
    totals: list[PayoutTotals] = Field(description="One entry per state and currency that has sub-orders")


class CancelInput(StrictInput):
    reason: ShortText | None = None


class ReturnInput(StrictInput):
    offer_id: Identifier
    quantity: int = Field(ge=1)
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500, strip_whitespace=True)]


class ReturnView(View):
    order_id: str
    vendor_id: str
    request: ReturnRequest


class ShipInput(StrictInput):
    carrier: Annotated[str, StringConstraints(min_length=1, max_length=60, strip_whitespace=True)]
    tracking_number: Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]


class ReturnDecisionInput(StrictInput):
    decision: Literal["accept", "reject"]
    restock: bool = Field(default=True, description="Put the returned units back into the sellable stock")
    note: ShortText | None = None


__all__ = ["OrderLine"]
