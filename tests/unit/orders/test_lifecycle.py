"""After checkout: ship, deliver, cancel, returns, authorization, and the sweep."""

from __future__ import annotations

import pytest

from functions.common.errors import Conflict, Forbidden, NotFound, UnprocessableEntity
from functions.orders.logic.cart import CartService
from functions.orders.logic.checkout import CheckoutService
from functions.orders.logic.domain import (
    RESERVATION_MINUTES,
    Order,
    OrderStatus,
    ReturnStatus,
    SubOrderStatus,
    plan_chunks,
)
from functions.orders.logic.lifecycle import LifecycleService
from functions.orders.logic.ports import PaymentStatus
from functions.orders.models.events import OrderCancelled, OrderDelivered, OrderReturned, OrderShipped
from tests.support.events import RecordingPublisher
from tests.unit.orders.fakes import FakeClock, InMemoryOrdersStore, OrdersPorts
from tests.unit.orders.helpers import checkout_input, offer, shopper, stock, vendor_user


@pytest.fixture
def order(store: InMemoryOrdersStore, carts: CartService, checkouts: CheckoutService) -> Order:
    stock(store, offer("a", "v1", quantity=5, price=2000), offer("c", "v2", quantity=5, price=1000))
    carts.put_item("u1", "a", 2)
    carts.put_item("u1", "c", 1)
    return checkouts.checkout("u1", "key-1", checkout_input(advice_session_id="s-1")).order


def published(ports: OrdersPorts, kind: type) -> list:  # type: ignore[type-arg]
    assert isinstance(ports.publisher, RecordingPublisher)
    return ports.publisher.of_type(kind)


def test_ship_moves_reserved_units_out_of_stock(
    order: Order, lifecycle: LifecycleService, store: InMemoryOrdersStore, ports: OrdersPorts
) -> None:
    view = lifecycle.ship(vendor_user("v1"), "v1", order.order_id, "PostNL", "3SABC")

    assert view.sub_order.status == SubOrderStatus.SHIPPED
    a = store.offers["a"]
    assert (a.vendor_quantity, a.reserved, a.available) == (3, 0, 3)
    event = published(ports, OrderShipped)[0]
    assert (event.vendor_id, event.tracking_number, event.advice_session_id) == ("v1", "3SABC", "s-1")
    shopper_view = lifecycle.get_order(shopper(), order.order_id)
    assert shopper_view.status == OrderStatus.SHIPPED
    sub = next(s for s in shopper_view.sub_orders if s.vendor_id == "v1")
    assert (sub.carrier, sub.tracking_number) == ("PostNL", "3SABC")
    assert [h.status for h in sub.history] == ["placed", "paid", "shipped"]


def test_shipping_twice_is_a_conflict(order: Order, lifecycle: LifecycleService) -> None:
    lifecycle.ship(vendor_user("v1"), "v1", order.order_id, "PostNL", "1")
    with pytest.raises(Conflict):
        lifecycle.ship(vendor_user("v1"), "v1", order.order_id, "PostNL", "1")


def test_a_vendor_cannot_act_for_another_vendor(order: Order, lifecycle: LifecycleService) -> None:
    with pytest.raises(Forbidden):
        lifecycle.ship(vendor_user("v2"), "v1", order.order_id, "PostNL", "1")
    with pytest.raises(Forbidden):
        lifecycle.list_vendor_orders(vendor_user("v2"), "v1", None, None)
    with pytest.raises(NotFound):
        lifecycle.ship(vendor_user("v3"), "v3", order.order_id, "PostNL", "1")


def test_a_vendor_sees_only_its_own_sub_orders(order: Order, lifecycle: LifecycleService) -> None:
    page = lifecycle.list_vendor_orders(vendor_user("v2"), "v2", None, None)
    assert [item.sub_order.vendor_id for item in page.items] == ["v2"]
    assert [line.offer_id for line in page.items[0].sub_order.lines] == ["c"]


def test_a_shopper_cannot_read_or_cancel_another_shoppers_order(order: Order, lifecycle: LifecycleService) -> None:
    with pytest.raises(NotFound):
        lifecycle.get_order(shopper("u2"), order.order_id)
    with pytest.raises(NotFound):
        lifecycle.cancel(shopper("u2"), order.order_id, None)
    assert lifecycle.list_orders(shopper("u2"), None, None).items == []
    assert [o.order_id for o in lifecycle.list_orders(shopper("u1"), None, None).items] == [order.order_id]


def test_cancel_before_shipping_releases_stock_and_refunds(
    order: Order, lifecycle: LifecycleService, store: InMemoryOrdersStore, ports: OrdersPorts
) -> None:
    lifecycle.ship(vendor_user("v2"), "v2", order.order_id, "DHL", "9")
    view = lifecycle.cancel(shopper(), order.order_id, "changed my mind")

    v1 = next(s for s in view.sub_orders if s.vendor_id == "v1")
    assert v1.status == SubOrderStatus.CANCELLED
    assert (store.offers["a"].reserved, store.offers["a"].available) == (0, 5)
    (payment,) = store.payments()
    assert payment.refunded == v1.total
    event = published(ports, OrderCancelled)[0]
    assert (event.vendor_ids, event.refund_amount) == (["v1"], v1.total)
    with pytest.raises(Conflict) as error:
        lifecycle.cancel(shopper(), order.order_id, None)
    assert error.value.code == "not_cancellable"


def delivered(order: Order, lifecycle: LifecycleService) -> None:
    lifecycle.ship(vendor_user("v1"), "v1", order.order_id, "PostNL", "1")
    lifecycle.deliver(vendor_user("v1"), "v1", order.order_id)


def test_returns_are_refunded_and_restocked_when_accepted(
    order: Order, lifecycle: LifecycleService, store: InMemoryOrdersStore, ports: OrdersPorts
) -> None:
    delivered(order, lifecycle)
    assert published(ports, OrderDelivered)[0].vendor_id == "v1"

    request = lifecycle.request_return(shopper(), order.order_id, "a", 1, "too small")
    assert request.request.status == ReturnStatus.REQUESTED
    with pytest.raises(UnprocessableEntity):
        lifecycle.request_return(shopper(), order.order_id, "a", 2, "more than bought")

    decided = lifecycle.decide_return(
        vendor_user("v1"), "v1", request.request.return_id, accept=True, restock=True, note=None
    )
    assert (decided.request.status, decided.request.refund_amount) == (ReturnStatus.REFUNDED, 2000)
    assert store.offers["a"].vendor_quantity == 4
    assert store.payments()[0].refunded == 2000
    event = published(ports, OrderReturned)[0]
    assert (event.lines[0].quantity, event.refund_amount, event.reason) == (1, 2000, "too small")
    with pytest.raises(Conflict):
        lifecycle.decide_return(
            vendor_user("v1"), "v1", request.request.return_id, accept=True, restock=True, note=None
        )


def test_a_rejected_return_changes_no_money(
    order: Order, lifecycle: LifecycleService, store: InMemoryOrdersStore
) -> None:
    delivered(order, lifecycle)
    request = lifecycle.request_return(shopper(), order.order_id, "a", 2, "broken")
    with pytest.raises(NotFound):
        lifecycle.decide_return(
            vendor_user("v2"), "v2", request.request.return_id, accept=True, restock=True, note=None
        )
    decided = lifecycle.decide_return(
        vendor_user("v1"), "v1", request.request.return_id, accept=False, restock=False, note="used"
    )
    assert decided.request.status == ReturnStatus.REJECTED
    assert store.payments()[0].refunded == 0


def test_returns_need_a_delivered_line_inside_the_window(
    order: Order, lifecycle: LifecycleService, clock: FakeClock
) -> None:
    with pytest.raises(Conflict) as error:
        lifecycle.request_return(shopper(), order.order_id, "a", 1, "why")
    assert error.value.code == "not_returnable"
    delivered(order, lifecycle)
    clock.advance(days=15)
    with pytest.raises(Conflict) as error:
        lifecycle.request_return(shopper(), order.order_id, "a", 1, "late")
    assert error.value.code == "return_window_closed"


def test_the_sweep_completes_sub_orders_after_the_return_window(
    order: Order, lifecycle: LifecycleService, ports: OrdersPorts, clock: FakeClock
) -> None:
    delivered(order, lifecycle)
    assert ports.sweeper().run().completed_sub_orders == 0
    clock.advance(days=14, seconds=1)
    assert ports.sweeper().run().completed_sub_orders == 1
    view = lifecycle.get_order(shopper(), order.order_id)
    assert next(s for s in view.sub_orders if s.vendor_id == "v1").status == SubOrderStatus.COMPLETED


def test_the_sweep_releases_abandoned_checkouts(
    ports: OrdersPorts, store: InMemoryOrdersStore, carts: CartService, checkouts: CheckoutService, clock: FakeClock
) -> None:
    # Given a checkout that reserved stock and then died before paying
    stock(store, offer("a", quantity=3))
    carts.put_item("u1", "a", 2)
    order, _ = checkouts._plan("u1", "abandoned", checkout_input())
    (chunk,) = plan_chunks(order.order_id, [("a", 2)], clock.now())
    chunk = chunk.model_copy(update={"expires_at": clock.now()})
    store.reserve(chunk, order)
    ports.payments.authorize(key="abandoned", user_id="u1", amount=1, currency="EUR", method="tok_visa")
    assert store.offers["a"].available == 1

    # When the sweep runs after the reservation expired
    clock.advance(minutes=RESERVATION_MINUTES)
    report = ports.sweeper().run()

    # Then the units are back, the order expired and the authorisation voided
    assert (report.released_chunks, report.expired_orders) == (1, 1)
    assert (store.offers["a"].available, store.offers["a"].reserved) == (3, 0)
    assert store.orders["abandoned"].status == OrderStatus.EXPIRED
    assert store.payments()[0].status == PaymentStatus.VOIDED
    assert ports.sweeper().run().released_chunks == 0


def test_the_payout_statement_counts_kept_items_once_the_return_window_is_over(
    order: Order,
    lifecycle: LifecycleService,
    carts: CartService,
    checkouts: CheckoutService,
    clock: FakeClock,
) -> None:
    # Given v1's sub-order of two items at €20 (15 % commission) delivered, one item returned
    delivered(order, lifecycle)
    request = lifecycle.request_return(shopper(), order.order_id, "a", 1, "too small")
    lifecycle.decide_return(vendor_user("v1"), "v1", request.request.return_id, accept=True, restock=True, note=None)
    # and a second order of v1's, paid and not shipped, and a third one cancelled
    carts.put_item("u1", "a", 1)
    second = checkouts.checkout("u1", "key-2", checkout_input()).order
    carts.put_item("u1", "a", 1)
    third = checkouts.checkout("u1", "key-3", checkout_input()).order
    lifecycle.cancel(shopper(), third.order_id, None)
    month = order.created_at.strftime("%Y-%m")
    first_sub = next(s for s in order.sub_orders if s.vendor_id == "v1")
    second_sub = next(s for s in second.sub_orders if s.vendor_id == "v1")

    # When the window closes and the sweep completes the first
    clock.advance(days=15)
    assert lifecycle.complete(order.order_id, "v1")
    statement = lifecycle.payouts(vendor_user("v1"), "v1", month)

    # Then the first is payable, with commission on the kept item only; the second is pending
    payable, pending = statement.totals
    assert (payable.state, payable.sub_orders, payable.items, payable.refunded) == ("payable", 1, 4000, 2000)
    assert payable.commission == 300  # 15 % of the €20 kept
    assert payable.payout == 4000 + first_sub.shipping - 2000 - 300
    assert (pending.state, pending.sub_orders, pending.items) == ("pending", 1, 2000)
    assert pending.payout == 2000 + second_sub.shipping - 300
    # another month has nothing; another vendor may not look
    assert lifecycle.payouts(vendor_user("v1"), "v1", "2001-01").totals == []
    with pytest.raises(Forbidden):
        lifecycle.payouts(vendor_user("v2"), "v1", month)
