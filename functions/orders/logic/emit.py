"""Build the orders events from the domain. Event ids are derived from the transition, so a retried
transition publishes the same event id and idempotent consumers see it once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from functions.orders.logic.domain import Order, OrderLine, PendingRefund, SubOrder
from functions.orders.models.events import (
    EventLine,
    OrderCancelled,
    OrderDelivered,
    OrderPlaced,
    OrderReturned,
    OrderShipped,
    RefundPending,
)


def event_lines(lines: Sequence[OrderLine]) -> list[EventLine]:
    return [
        EventLine(
            offer_id=line.offer_id,
            product_id=line.product_id,
            vendor_id=line.vendor_id,
            sku=line.sku,
            quantity=line.quantity,
            unit_price=line.unit_price,
            line_total=line.line_total,
        )
        for line in lines
    ]


def _common(order: Order, vendor_ids: list[str], lines: Sequence[OrderLine], at: datetime) -> dict[str, object]:
    return {
        "order_id": order.order_id,
        "user_id": order.user_id,
        "vendor_ids": vendor_ids,
        "lines": event_lines(lines),
        "currency": order.currency,
        "referral_code": order.referral_code,
        "advice_session_id": order.advice_session_id,
        "occurred_at": at,
    }


def placed(order: Order, at: datetime) -> OrderPlaced:
    return OrderPlaced.model_validate(
        {
            **_common(order, [sub.vendor_id for sub in order.sub_orders], order.lines, at),
            "event_id": f"{order.order_id}.placed",
            "items_total": order.items_total,
            "shipping_total": order.shipping_total,
            "discount_total": order.discount_total,
            "total": order.total,
        }
    )


def shipped(order: Order, sub: SubOrder, at: datetime) -> OrderShipped:
    return OrderShipped.model_validate(
        {
            **_common(order, [sub.vendor_id], sub.lines, at),
            "event_id": f"{order.order_id}.{sub.vendor_id}.shipped",
            "vendor_id": sub.vendor_id,
            "carrier": sub.carrier or "",
            "tracking_number": sub.tracking_number or "",
        }
    )


def delivered(order: Order, sub: SubOrder, at: datetime) -> OrderDelivered:
    return OrderDelivered.model_validate(
        {
            **_common(order, [sub.vendor_id], sub.lines, at),
            "event_id": f"{order.order_id}.{sub.vendor_id}.delivered",
            "vendor_id": sub.vendor_id,
        }
    )


def cancelled(order: Order, subs: Sequence[SubOrder], refund: int, reason: str | None, at: datetime) -> OrderCancelled:
    vendor_ids = [sub.vendor_id for sub in subs]
    return OrderCancelled.model_validate(
        {
            **_common(order, vendor_ids, [line for sub in subs for line in sub.lines], at),
            "event_id": f"{order.order_id}.cancelled.{'.'.join(vendor_ids)}",
            "refund_amount": refund,
            "reason": reason,
        }
    )


def returned(order: Order, sub: SubOrder, return_id: str, at: datetime) -> OrderReturned:
    found = order.find_return(return_id)
    assert found is not None
    _, request = found
    line = sub.line(request.offer_id)
    assert line is not None
    returned_line = line.model_copy(
        update={"quantity": request.quantity, "line_total": line.unit_price * request.quantity}
    )
    return OrderReturned.model_validate(
        {
            **_common(order, [sub.vendor_id], [returned_line], at),
            "event_id": f"{order.order_id}.{return_id}.returned",
            "vendor_id": sub.vendor_id,
            "return_id": return_id,
            "reason": request.reason,
            "refund_amount": request.refund_amount,
        }
    )


def refund_pending(order: Order, refund: PendingRefund) -> RefundPending:
    return RefundPending(
        event_id=f"{refund.key}.refund_pending",
        occurred_at=refund.requested_at,
        order_id=order.order_id,
        user_id=order.user_id,
        refund_key=refund.key,
        amount=refund.amount,
        currency=order.currency,
    )
