"""No lost events, no silent gaps (issue 17): events are saved with the order change that causes
them (the store's outbox), and a refund that fails after a cancel or an accepted return stays
pending on the order and is paid exactly once by the RefundPending retry."""

from __future__ import annotations

from typing import Any

import pytest

from functions.common.errors import Unavailable
from functions.orders.logic.cart import CartService
from functions.orders.logic.checkout import CheckoutService
from functions.orders.logic.domain import Order, OrderStatus, SubOrderStatus
from functions.orders.logic.lifecycle import LifecycleService
from functions.orders.logic.ports import PaymentError
from functions.orders.models.events import OrderCancelled, OrderPlaced, OrderReturned, RefundPending
from tests.unit.orders.fakes import InMemoryOrdersStore, OrdersPorts
from tests.unit.orders.helpers import checkout_input, offer, shopper, stock, vendor_user


class Crash(Exception):
    """The function dies (a timeout, a lost container) between two steps."""


def _order(store: InMemoryOrdersStore, carts: CartService, checkouts: CheckoutService, card: str) -> Order:
    stock(store, offer("a", "v1", quantity=5, price=2000), offer("c", "v2", quantity=5, price=1000))
    carts.put_item("u1", "a", 2)
    carts.put_item("u1", "c", 1)
    return checkouts.checkout("u1", "key-1", checkout_input(card)).order


@pytest.fixture
def order(store: InMemoryOrdersStore, carts: CartService, checkouts: CheckoutService) -> Order:
    return _order(store, carts, checkouts, "tok_visa")


def _crash(*_: Any, **__: Any) -> Any:
    raise Crash


def _retry(lifecycle: LifecycleService, event: RefundPending) -> None:
    lifecycle.handle(event.source, event.detail_type, event.model_dump(mode="json"))


def test_an_order_placed_event_is_saved_with_the_paid_order(
    store: InMemoryOrdersStore, carts: CartService, checkouts: CheckoutService, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a checkout whose function dies right after the order was committed
    monkeypatch.setattr(store, "finish", _crash)
    with pytest.raises(Crash):
        _order(store, carts, checkouts, "tok_visa")
    # Then the paid order and its OrderPlaced are both saved: the relay publishes it
    (saved,) = store.orders.values()
    assert saved.status == OrderStatus.PAID
    (placed,) = store.outbox.of_type(OrderPlaced)
    assert placed.order_id == saved.order_id


def test_a_capture_failure_after_the_commit_withdraws_the_order(
    store: InMemoryOrdersStore, carts: CartService, checkouts: CheckoutService
) -> None:
    with pytest.raises(Unavailable):
        _order(store, carts, checkouts, "tok_captureError")
    (saved,) = store.orders.values()
    assert saved.status == OrderStatus.PAYMENT_FAILED
    (cancelled,) = store.outbox.of_type(OrderCancelled)
    assert (cancelled.order_id, cancelled.refund_amount, sorted(cancelled.vendor_ids)) == (
        saved.order_id,
        0,
        ["v1", "v2"],
    )


def test_a_crash_after_the_cancel_was_saved_loses_neither_event_nor_refund(
    order: Order,
    lifecycle: LifecycleService,
    store: InMemoryOrdersStore,
    ports: OrdersPorts,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given the function dies when it calls the payment provider, after saving the cancel
    monkeypatch.setattr(ports.payments, "refund", _crash)
    with pytest.raises(Crash):
        lifecycle.cancel(shopper(), order.order_id, "changed my mind")
    # Then the cancel, its event and the refund it owes are all saved
    saved = store.orders[order.order_id]
    assert saved.status == OrderStatus.CANCELLED
    assert [r.amount for r in saved.pending_refunds] == [s.total for s in saved.sub_orders]
    assert len(store.outbox.of_type(OrderCancelled)) == 1
    pending = store.outbox.of_type(RefundPending)
    assert sorted(e.refund_key for e in pending) == [f"{order.order_id}.cancel.v1", f"{order.order_id}.cancel.v2"]
    # When the provider works again and the queue delivers the events (one of them twice)
    monkeypatch.undo()
    for event in [*pending, pending[0]]:
        _retry(lifecycle, event)
    # Then the whole order is refunded, once
    (payment,) = store.payments()
    assert payment.refunded == order.total
    assert sorted(payment.refunds) == sorted(e.refund_key for e in pending)
    view = lifecycle.get_order(shopper(), order.order_id)
    assert (view.refund_status, store.orders[order.order_id].pending_refunds) == ("refunded", [])


def test_a_failed_card_refund_answers_the_cancel_and_is_paid_once_by_the_retry(
    store: InMemoryOrdersStore, carts: CartService, checkouts: CheckoutService, lifecycle: LifecycleService
) -> None:
    # Given an order paid with a card whose first refund attempt fails
    order = _order(store, carts, checkouts, "tok_refundFailsOnce")
    # When the shopper cancels it
    view = lifecycle.cancel(shopper(), order.order_id, None)
    # Then the cancel succeeds and shows the refund pending; nothing was refunded yet
    assert view.status == OrderStatus.CANCELLED
    assert view.refund_status == "pending"
    (payment,) = store.payments()
    assert payment.refunded == 0
    # When the RefundPending events are delivered, twice each
    events = store.outbox.of_type(RefundPending)
    assert len(events) == 2
    for event in events + events:
        _retry(lifecycle, event)
    # Then every refund was made exactly once
    (payment,) = store.payments()
    assert payment.refunded == order.total
    assert len(payment.refunds) == 2
    assert lifecycle.get_order(shopper(), order.order_id).refund_status == "refunded"


def test_a_refund_still_failing_is_retried_from_the_queue(
    order: Order,
    lifecycle: LifecycleService,
    store: InMemoryOrdersStore,
    ports: OrdersPorts,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def down(*_: Any, **__: Any) -> Any:
        raise PaymentError("provider down")

    monkeypatch.setattr(ports.payments, "refund", down)
    lifecycle.cancel(shopper(), order.order_id, None)
    event = store.outbox.of_type(RefundPending)[0]
    # The consumer fails while the refund stays pending, so SQS delivers it again (then the DLQ)
    with pytest.raises(Unavailable) as error:
        _retry(lifecycle, event)
    assert error.value.code == "refund_unavailable"
    assert len(store.orders[order.order_id].pending_refunds) == 2


def test_an_accepted_return_whose_refund_fails_is_refunded_by_the_retry(
    store: InMemoryOrdersStore, carts: CartService, checkouts: CheckoutService, lifecycle: LifecycleService
) -> None:
    order = _order(store, carts, checkouts, "tok_refundFailsOnce")
    lifecycle.ship(vendor_user("v1"), "v1", order.order_id, "PostNL", "1")
    lifecycle.deliver(vendor_user("v1"), "v1", order.order_id)
    request = lifecycle.request_return(shopper(), order.order_id, "a", 1, "too small")
    decided = lifecycle.decide_return(
        vendor_user("v1"), "v1", request.request.return_id, accept=True, restock=False, note=None
    )
    assert decided.request.refund_amount == 2000
    assert lifecycle.get_order(shopper(), order.order_id).refund_status == "pending"
    assert len(store.outbox.of_type(OrderReturned)) == 1
    (event,) = store.outbox.of_type(RefundPending)
    _retry(lifecycle, event)
    _retry(lifecycle, event)
    assert store.payments()[0].refunded == 2000
    saved = store.orders[order.order_id]
    assert saved.pending_refunds == []
    assert next(s for s in saved.sub_orders if s.vendor_id == "v1").status == SubOrderStatus.DELIVERED


def test_other_events_are_ignored_by_the_refund_consumer(lifecycle: LifecycleService) -> None:
    lifecycle.handle("plein.orders", "OrderPlaced", {"order_id": "o1"})
