"""After checkout: shopper and vendor views, shipping, delivery, cancellation, returns and completion.

Sub-order state machine (each vendor's part of an order moves on its own):

    placed ─pay─> paid ─ship─> shipped ─deliver─> delivered ─(return window passed)─> completed
      │             └─cancel─> cancelled
      └─decline/expiry─> payment_failed | expired

Returns are per line of a delivered sub-order inside its return window: requested → refunded | rejected.
Every change is saved with its stock moves and its events (the store's transactional outbox) in one
transaction, guarded by the order's version.

Refunds: a cancel or an accepted return saves what it owes as a `PendingRefund` on the order, with a
`RefundPending` event, in that same transaction; then the refund is tried at once. One that fails
stays pending (the answer shows it) and the orders context's own `RefundPending` consumer retries it
from its queue (with a DLQ) until paid. Every attempt uses the same refund key, and the payment
provider and the rewards context refund once per key, so a retry never pays twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from functions.common.auth import Principal, Role
from functions.common.errors import Conflict, NotFound, PleinError, Unavailable, UnprocessableEntity
from functions.common.events import DomainEvent
from functions.common.observability import logger
from functions.common.pagination import CursorCodec, Page, clamp_limit
from functions.orders.logic import emit
from functions.orders.logic.domain import (
    MAX_RETURNS_PER_ORDER,
    Order,
    OrderStatus,
    PendingRefund,
    ReturnRequest,
    ReturnStatus,
    StatusChange,
    StockMove,
    SubOrder,
    SubOrderStatus,
    complete_after,
    derive_status,
    new_id,
)
from functions.orders.logic.ports import (
    Clock,
    OrderRepository,
    PaymentDeclined,
    PaymentError,
    PaymentProvider,
    Redemptions,
)
from functions.orders.models.api import (
    OrderSummary,
    OrderView,
    PayoutStatement,
    PayoutTotals,
    ReturnView,
    VendorOrderSummary,
)
from functions.orders.models.events import RefundPending

_SAVE_ATTEMPTS = 5
Change = Callable[[Order, datetime], tuple[Order, list[StockMove], list[DomainEvent]]]


class LifecycleService:
    def __init__(
        self,
        *,
        orders: OrderRepository,
        payments: PaymentProvider,
        cursors: CursorCodec,
        clock: Clock,
        redemptions: Redemptions,
        new_id: Callable[[], str] = new_id,
    ) -> None:
        self._orders = orders
        self._payments = payments
        self._redemptions = redemptions
        self._cursors = cursors
        self._clock = clock
        self._new_id = new_id

    # ------------------------------------------------------------ shopper

    def get_order(self, caller: Principal, order_id: str) -> OrderView:
        return OrderView.of(self._owned(caller, order_id))

    def list_orders(self, caller: Principal, limit: int | None, cursor: str | None) -> Page[OrderSummary]:
        scope = f"orders:{caller.user_id}"
        after = self._cursors.decode(cursor, scope)
        orders, last = self._orders.list_for_shopper(caller.user_id, clamp_limit(limit), after)
        return Page(items=[OrderSummary.of(order) for order in orders], next_cursor=self._cursors.encode(last, scope))

    def cancel(self, caller: Principal, order_id: str, reason: str | None) -> OrderView:
        self._owned(caller, order_id)
        cancelled: list[SubOrder] = []

        def change(order: Order, now: datetime) -> tuple[Order, list[StockMove], list[DomainEvent]]:
            cancelled.clear()
            targets = [sub for sub in order.sub_orders if sub.status == SubOrderStatus.PAID]
            if not targets:
                raise Conflict("only orders that have not shipped can be cancelled", code="not_cancellable")
            moves: list[StockMove] = []
            updated = order
            owed: list[PendingRefund] = []
            for sub in targets:
                refund = sub.total - sub.refunded
                new_sub = _moved(sub, SubOrderStatus.CANCELLED, now, reason).model_copy(update={"refunded": sub.total})
                cancelled.append(new_sub)
                updated = _replace_sub(updated, new_sub)
                if refund > 0:
                    key = f"{order.order_id}.cancel.{sub.vendor_id}"
                    owed.append(PendingRefund(key=key, amount=refund, before=updated.refunded_total, requested_at=now))
                updated = updated.model_copy(update={"refunded_total": updated.refunded_total + refund})
                moves += [StockMove(line.offer_id, line.quantity, "release") for line in sub.lines]
            refund_total = sum(sub.total for sub in targets) - sum(sub.refunded for sub in targets)
            updated = updated.model_copy(update={"pending_refunds": [*updated.pending_refunds, *owed]})
            events: list[DomainEvent] = [emit.cancelled(updated, cancelled, refund_total, reason, now)]
            return updated, moves, events + [emit.refund_pending(updated, refund) for refund in owed]

        order = self._apply(order_id, change)
        return OrderView.of(self.settle_refunds(order))

    def request_return(self, caller: Principal, order_id: str, offer_id: str, quantity: int, reason: str) -> ReturnView:
        self._owned(caller, order_id)
        return_id = self._new_id()

        def change(order: Order, now: datetime) -> tuple[Order, list[StockMove], list[DomainEvent]]:
            sub = next((s for s in order.sub_orders if s.line(offer_id) is not None), None)
            if sub is None:
                raise NotFound(f"offer {offer_id} is not part of this order", code="order_line_not_found")
            if sub.status != SubOrderStatus.DELIVERED:
                raise Conflict("only delivered items can be returned", code="not_returnable")
            if sub.complete_after is not None and now >= sub.complete_after:
                raise Conflict("the return window has closed", code="return_window_closed")
            if sum(len(s.returns) for s in order.sub_orders) >= MAX_RETURNS_PER_ORDER:
                raise UnprocessableEntity("too many return requests for this order", code="too_many_returns")
            line = sub.line(offer_id)
            assert line is not None
            pending = sum(
                r.quantity for r in sub.returns if r.offer_id == offer_id and r.status == ReturnStatus.REQUESTED
            )
            returnable = line.quantity - line.returned_quantity - pending
            if quantity > returnable:
                raise UnprocessableEntity(
                    f"at most {returnable} units of {offer_id} can still be returned", code="return_quantity_exceeded"
                )
            request = ReturnRequest(
                return_id=return_id, offer_id=offer_id, quantity=quantity, reason=reason, requested_at=now
            )
            new_sub = sub.model_copy(
                update={
                    "returns": [*sub.returns, request],
                    "history": [*sub.history, StatusChange(status="return_requested", at=now, note=reason)],
                }
            )
            return _replace_sub(order, new_sub), [], []

        order = self._apply(order_id, change)
        found = order.find_return(return_id)
        assert found is not None
        return ReturnView(order_id=order_id, vendor_id=found[0].vendor_id, request=found[1])

    # ------------------------------------------------------------ vendor

    def list_vendor_orders(
        self,
        caller: Principal,
        vendor_id: str,
        limit: int | None,
        cursor: str | None,
        status: SubOrderStatus | None = None,
    ) -> Page[VendorOrderSummary]:
        """The vendor's sub-orders, newest first; `status=paid` is what is left to ship."""
        caller.require_vendor(vendor_id)
        scope = f"vendor-orders:{vendor_id}:{status or 'all'}"
        after = self._cursors.decode(cursor, scope)
        views, last = self._orders.list_for_vendor(vendor_id, clamp_limit(limit), after, status)
        items = [VendorOrderSummary.model_validate(view.model_dump()) for view in views]
        return Page(items=items, next_cursor=self._cursors.encode(last, scope))

    def payouts(self, caller: Principal, vendor_id: str, month: str) -> PayoutStatement:
        """What the vendor is owed for the orders placed in `month`: payable once the return window
        is over, pending while it is open; cancelled and unpaid sub-orders owe nothing."""
        caller.require_vendor(vendor_id)
        sums: dict[tuple[str, str], dict[str, int]] = {}
        for view in self._orders.vendor_orders_placed_in(vendor_id, month):
            sub = view.sub_order
            state = _PAYOUT_STATES.get(sub.status)
            if state is None:
                continue
            entry = sums.setdefault((state, view.currency), dict.fromkeys(_PAYOUT_FIGURES, 0))
            entry["sub_orders"] += 1
            entry["items"] += sub.subtotal
            entry["shipping"] += sub.shipping
            entry["refunded"] += sub.refunded
            entry["commission"] += sub.settled_commission()
            entry["payout"] += sub.settled_payout()
        totals = [
            PayoutTotals(state=state, currency=currency, **figures)
            for (state, currency), figures in sorted(sums.items())
        ]
        return PayoutStatement(vendor_id=vendor_id, month=month, totals=totals)

    def get_vendor_order(self, caller: Principal, vendor_id: str, order_id: str) -> VendorOrderSummary:
        caller.require_vendor(vendor_id)
        order = self._orders.get_order(order_id)
        sub = order.sub_order(vendor_id) if order else None
        if order is None or sub is None or order.status in _UNPAID:
            raise NotFound(f"order {order_id} does not exist", code="order_not_found")
        return _vendor_view(order, sub)

    def ship(
        self, caller: Principal, vendor_id: str, order_id: str, carrier: str, tracking_number: str
    ) -> VendorOrderSummary:
        caller.require_vendor(vendor_id)

        def change(order: Order, now: datetime) -> tuple[Order, list[StockMove], list[DomainEvent]]:
            sub = self._vendor_sub(order, vendor_id)
            if sub.status != SubOrderStatus.PAID:
                raise Conflict(f"a {sub.status} order cannot be shipped", code="invalid_transition")
            new_sub = _moved(sub, SubOrderStatus.SHIPPED, now, f"{carrier} {tracking_number}").model_copy(
                update={"carrier": carrier, "tracking_number": tracking_number, "shipped_at": now}
            )
            updated = _replace_sub(order, new_sub)
            moves = [StockMove(line.offer_id, line.quantity, "ship") for line in sub.lines]
            return updated, moves, [emit.shipped(updated, new_sub, now)]

        order = self._apply(order_id, change, vendor_id=vendor_id)
        sub = order.sub_order(vendor_id)
        assert sub is not None
        return _vendor_view(order, sub)

    def deliver(self, caller: Principal, vendor_id: str, order_id: str) -> VendorOrderSummary:
        caller.require_vendor(vendor_id)

        def change(order: Order, now: datetime) -> tuple[Order, list[StockMove], list[DomainEvent]]:
            sub = self._vendor_sub(order, vendor_id)
            if sub.status != SubOrderStatus.SHIPPED:
                raise Conflict(f"a {sub.status} order cannot be delivered", code="invalid_transition")
            new_sub = _moved(sub, SubOrderStatus.DELIVERED, now).model_copy(
                update={"delivered_at": now, "complete_after": complete_after(now, sub.return_days)}
            )
            updated = _replace_sub(order, new_sub)
            return updated, [], [emit.delivered(updated, new_sub, now)]

        order = self._apply(order_id, change, vendor_id=vendor_id)
        sub = order.sub_order(vendor_id)
        assert sub is not None
        return _vendor_view(order, sub)

    def decide_return(
        self, caller: Principal, vendor_id: str, return_id: str, *, accept: bool, restock: bool, note: str | None
    ) -> ReturnView:
        caller.require_vendor(vendor_id)
        order_id = self._orders.order_of_return(return_id)
        if order_id is None:
            raise NotFound(f"return {return_id} does not exist", code="return_not_found")
        refund = 0

        def change(order: Order, now: datetime) -> tuple[Order, list[StockMove], list[DomainEvent]]:
            nonlocal refund
            found = order.find_return(return_id)
            if found is None or found[0].vendor_id != vendor_id:
                raise NotFound(f"return {return_id} does not exist", code="return_not_found")
            sub, request = found
            if request.status != ReturnStatus.REQUESTED:
                raise Conflict(f"the return was already {request.status}", code="return_already_decided")
            line = sub.line(request.offer_id)
            assert line is not None
            if not accept:
                decided = request.model_copy(update={"status": ReturnStatus.REJECTED, "decided_at": now, "note": note})
                new_sub = _with_return(sub, decided, now, "return_rejected")
                refund = 0
                return _replace_sub(order, new_sub), [], []
            refund = line.unit_price * request.quantity
            decided = request.model_copy(
                update={
                    "status": ReturnStatus.REFUNDED,
                    "decided_at": now,
                    "refund_amount": refund,
                    "restocked": restock,
                    "note": note,
                }
            )
            new_lines = [
                ln.model_copy(update={"returned_quantity": ln.returned_quantity + request.quantity})
                if ln.offer_id == line.offer_id
                else ln
                for ln in sub.lines
            ]
            new_sub = _with_return(sub, decided, now, "return_refunded").model_copy(
                update={"lines": new_lines, "refunded": sub.refunded + refund}
            )
            owed = PendingRefund(
                key=f"{order_id}.{return_id}", amount=refund, before=order.refunded_total, requested_at=now
            )
            updated = _replace_sub(order, new_sub).model_copy(
                update={
                    "refunded_total": order.refunded_total + refund,
                    "pending_refunds": [*order.pending_refunds, owed] if refund else order.pending_refunds,
                }
            )
            moves = [StockMove(line.offer_id, request.quantity, "restock")] if restock else []
            events: list[DomainEvent] = [emit.returned(updated, new_sub, return_id, now)]
            return updated, moves, events + ([emit.refund_pending(updated, owed)] if refund else [])

        order = self._apply(order_id, change)
        if refund:
            order = self.settle_refunds(order)
        found = order.find_return(return_id)
        assert found is not None
        return ReturnView(order_id=order_id, vendor_id=vendor_id, request=found[1])

    # ------------------------------------------------------------ refunds

    def handle(self, source: str, detail_type: str, detail: dict[str, Any]) -> None:
        """The `RefundPending` consumer: pay what the order still owes. Raises Unavailable while the
        event's refund stays pending, so its queue delivers it again (then its DLQ)."""
        if (source, detail_type) != (RefundPending.source, RefundPending.detail_type):
            logger().warning("ignored event", extra={"source": source, "detail_type": detail_type})
            return
        event = RefundPending.model_validate(detail)
        order = self._orders.get_order(event.order_id)
        if order is None:
            return
        settled = self.settle_refunds(order)
        if any(refund.key == event.refund_key for refund in settled.pending_refunds):
            raise Unavailable("the refund could not be made yet; retry", code="refund_unavailable")

    def settle_refunds(self, order: Order) -> Order:
        """Try every refund `order` owes (once per refund key) and drop the paid ones from it; a
        failed one stays pending for the retry. Returns the order as saved."""
        paid: set[str] = set()
        for refund in order.pending_refunds:
            try:
                self._refund(order, refund.amount, refund.key, refund.before)
            except _RefundFailed:
                continue
            paid.add(refund.key)
        if not paid:
            return order

        def change(current: Order, now: datetime) -> tuple[Order, list[StockMove], list[DomainEvent]]:
            remaining = [refund for refund in current.pending_refunds if refund.key not in paid]
            history = [*current.history, StatusChange(status="refunded", at=now)]
            return current.model_copy(update={"pending_refunds": remaining, "history": history}), [], []

        return self._apply(order.order_id, change)

    # ------------------------------------------------------------ scheduled

    def complete(self, order_id: str, vendor_id: str) -> bool:
        """Close a delivered sub-order whose return window passed and that has no open return."""

        def change(order: Order, now: datetime) -> tuple[Order, list[StockMove], list[DomainEvent]]:
            sub = self._vendor_sub(order, vendor_id)
            open_returns = any(r.status == ReturnStatus.REQUESTED for r in sub.returns)
            due = sub.complete_after is not None and now >= sub.complete_after
            if sub.status != SubOrderStatus.DELIVERED or open_returns or not due:
                raise _NotDue
            return _replace_sub(order, _moved(sub, SubOrderStatus.COMPLETED, now)), [], []

        try:
            self._apply(order_id, change, vendor_id=vendor_id)
        except (_NotDue, NotFound):
            return False
        return True

    # ------------------------------------------------------------ helpers

    def _owned(self, caller: Principal, order_id: str) -> Order:
        order = self._orders.get_order(order_id)
        if order is None or (order.user_id != caller.user_id and not caller.has(Role.ADMIN)):
            # Another shopper's order looks exactly like one that does not exist.
            raise NotFound(f"order {order_id} does not exist", code="order_not_found")
        return order

    def _vendor_sub(self, order: Order, vendor_id: str) -> SubOrder:
        sub = order.sub_order(vendor_id)
        if sub is None or order.status in _UNPAID:
            raise NotFound(f"order {order.order_id} does not exist", code="order_not_found")
        return sub

    def _apply(self, order_id: str, change: Change, vendor_id: str | None = None) -> Order:
        """Read, change and save an order with its stock moves, retrying when another change won."""
        for _ in range(_SAVE_ATTEMPTS):
            order = self._orders.get_order(order_id)
            if order is None:
                raise NotFound(f"order {order_id} does not exist", code="order_not_found")
            now = self._clock.now()
            updated, moves, events = change(order, now)
            updated = updated.model_copy(update={"updated_at": now})
            status = derive_status(updated)
            if status != updated.status:
                updated = updated.model_copy(
                    update={"status": status, "history": [*updated.history, StatusChange(status=status, at=now)]}
                )
            try:
                return self._orders.save(updated, moves, events)
            except Conflict as exc:
                if exc.code == "conflict":
                    continue
                raise
        raise Conflict("the order is being changed concurrently, retry", code="order_busy")

    def give_back_redemption(self, order: Order, release_key: str) -> None:
        """What gift cards and points paid of an order that was never paid goes back (the sweep's
        abandoned checkouts; once per release key). A failure is logged: the charge stays recorded."""
        if order.discount_total <= 0:
            return
        try:
            self._redemptions.release(key=order.order_id, release_key=release_key)
        except PleinError as exc:
            logger().error("could not give back a redemption", extra={"order_id": order.order_id, "code": exc.code})

    def _refund(self, order: Order, amount: int, key: str, before: int) -> None:
        """Refund `amount` of the order's value once per `key` (`before`: refunded until now): the
        card payment first, what is beyond it goes back to the gift card and points that paid.
        Raises _RefundFailed when either fails (a retry with the same key pays only what is left)."""
        to_card, to_redemption = refund_split(order.total, before, amount)
        if to_card > 0 and order.payment_id is not None:
            try:
                self._payments.refund(order.payment_id, to_card, key)
            except (PaymentDeclined, PaymentError) as exc:
                logger().warning("refund failed, left pending", extra={"order_id": order.order_id, "refund_key": key})
                raise _RefundFailed from exc
        if to_redemption > 0 and order.discount_total > 0:
            try:
                self._redemptions.release(key=order.order_id, release_key=key, amount=to_redemption)
            except (Unavailable, UnprocessableEntity, Conflict, NotFound) as exc:
                extra = {"order_id": order.order_id, "refund_key": key}
                logger().warning("gift card and points refund failed, left pending", extra=extra)
                raise _RefundFailed from exc


def refund_split(paid_by_card: int, before: int, amount: int) -> tuple[int, int]:
    """(to the card payment, to gift cards and points) of a refund of `amount` after `before` was
    refunded: refunds go to the card payment until it is all refunded, then to the redemption."""
    to_card = max(0, min(before + amount, paid_by_card) - min(before, paid_by_card))
    return to_card, amount - to_card


_UNPAID = frozenset({OrderStatus.PLACED, OrderStatus.PAYMENT_FAILED, OrderStatus.EXPIRED})
_PAYOUT_STATES = {
    SubOrderStatus.COMPLETED: "payable",
    SubOrderStatus.PAID: "pending",
    SubOrderStatus.SHIPPED: "pending",
    SubOrderStatus.DELIVERED: "pending",
}
"""Which sub-orders a payout statement counts, and as what; the others (unpaid, cancelled) owe nothing."""
_PAYOUT_FIGURES = ("sub_orders", "items", "shipping", "refunded", "commission", "payout")


class _NotDue(Exception):
    pass


class _RefundFailed(Exception):
    """A refund attempt failed; the refund stays pending."""


def _moved(sub: SubOrder, status: SubOrderStatus, at: datetime, note: str | None = None) -> SubOrder:
    return sub.model_copy(
        update={"status": status, "history": [*sub.history, StatusChange(status=status, at=at, note=note)]}
    )


def _with_return(sub: SubOrder, request: ReturnRequest, at: datetime, what: str) -> SubOrder:
    returns = [request if r.return_id == request.return_id else r for r in sub.returns]
    return sub.model_copy(
        update={"returns": returns, "history": [*sub.history, StatusChange(status=what, at=at, note=request.note)]}
    )


def _replace_sub(order: Order, sub: SubOrder) -> Order:
    return order.model_copy(
        update={"sub_orders": [sub if s.vendor_id == sub.vendor_id else s for s in order.sub_orders]}
    )


def _vendor_view(order: Order, sub: SubOrder) -> VendorOrderSummary:
    return VendorOrderSummary(
        order_id=order.order_id,
        created_at=order.created_at,
        currency=order.currency,
        shipping_address=order.shipping_address,
        sub_order=sub,
    )
