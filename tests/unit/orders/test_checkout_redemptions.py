"""Gift cards and points at checkout through the `Redemptions` port: the order's discount, once per
checkout even when retried, given back when the checkout fails, the order is cancelled, or a refund
goes beyond what the card payment paid."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.common.errors import PaymentRequired, Unavailable, UnprocessableEntity
from functions.orders.logic.cart import CartService
from functions.orders.logic.checkout import CheckoutService
from functions.orders.logic.domain import RESERVATION_MINUTES, OrderStatus, plan_chunks
from functions.orders.logic.lifecycle import LifecycleService, refund_split
from functions.orders.logic.ports import PaymentStatus
from tests.unit.orders.fakes import FakeClock, InMemoryOrdersStore, OrdersPorts
from tests.unit.orders.helpers import checkout_input, offer, shopper, stock, vendor_user
from tests.unit.orders.redemption_fakes import InMemoryRedemptions

GROSS = 2 * 2000 + 495 + 1000 + 495  # two vendors, home shipping each


@pytest.fixture
def rewards() -> InMemoryRedemptions:
    return InMemoryRedemptions(cards={"GIFT-CARD-1": 1000}, points={"u1": 500})


@pytest.fixture
def ports(store: InMemoryOrdersStore, clock: FakeClock, rewards: InMemoryRedemptions) -> OrdersPorts:
    return OrdersPorts(store, clock, redemptions=rewards)


@pytest.fixture(autouse=True)
def cart(store: InMemoryOrdersStore, carts: CartService) -> None:
    stock(store, offer("a", "v1", quantity=5, price=2000), offer("c", "v2", quantity=5, price=1000))
    carts.put_item("u1", "a", 2)
    carts.put_item("u1", "c", 1)


def test_a_gift_card_and_points_pay_part_of_the_order(
    checkouts: CheckoutService, store: InMemoryOrdersStore, rewards: InMemoryRedemptions
) -> None:
    order = checkouts.checkout("u1", "key-1", checkout_input(gift_card_code="GIFT-CARD-1", points=200)).order
    assert (order.discount_total, order.gift_card_paid, order.points_paid, order.points_used) == (1200, 1000, 200, 200)
    assert order.total == GROSS - 1200
    assert [(p.amount, p.status) for p in store.payments()] == [(GROSS - 1200, PaymentStatus.CAPTURED)]
    assert (rewards.cards["GIFT-CARD-1"], rewards.points["u1"]) == (0, 300)


def test_a_retried_checkout_charges_once(checkouts: CheckoutService, rewards: InMemoryRedemptions) -> None:
    first = checkouts.checkout("u1", "key-1", checkout_input(gift_card_code="GIFT-CARD-1")).order
    again = checkouts.checkout("u1", "key-1", checkout_input(gift_card_code="GIFT-CARD-1"))
    assert not again.created
    assert again.order.order_id == first.order_id
    assert rewards.calls == [f"charge {first.order_id}"]
    assert rewards.cards["GIFT-CARD-1"] == 0


@pytest.mark.parametrize(("card", "error"), [("tok_chargeDeclined", PaymentRequired), ("tok_error", Unavailable)])
def test_a_failed_payment_gives_the_redemption_back(
    checkouts: CheckoutService, rewards: InMemoryRedemptions, store: InMemoryOrdersStore, card: str, error: type
) -> None:
    with pytest.raises(error):
        checkouts.checkout("u1", "key-1", checkout_input(card, gift_card_code="GIFT-CARD-1", points=100))
    assert (rewards.cards["GIFT-CARD-1"], rewards.points["u1"]) == (1000, 500)
    (order,) = store.orders.values()
    assert order.status == OrderStatus.PAYMENT_FAILED
    assert rewards.calls[-1] == f"release {order.order_id} checkout_failed None"


def test_a_refused_gift_card_refuses_the_checkout_and_reserves_nothing(
    checkouts: CheckoutService, store: InMemoryOrdersStore
) -> None:
    with pytest.raises(UnprocessableEntity) as refused:
        checkouts.checkout("u1", "key-1", checkout_input(gift_card_code="NOT-A-CARD"))
    assert refused.value.code == "gift_card_invalid"
    assert store.offers["a"].reserved == 0
    # the key may be used again
    assert checkouts.checkout("u1", "key-1", checkout_input()).created


def test_an_order_the_gift_card_pays_in_full_needs_no_payment_and_a_cancel_gives_it_all_back(
    checkouts: CheckoutService, lifecycle: LifecycleService, store: InMemoryOrdersStore, rewards: InMemoryRedemptions
) -> None:
    rewards.cards["BIG-CARD-1"] = 10_000
    order = checkouts.checkout("u1", "key-1", checkout_input(gift_card_code="BIG-CARD-1")).order
    assert (order.status, order.total, order.discount_total, order.payment_id) == (OrderStatus.PAID, 0, GROSS, None)
    assert store.payments() == []
    lifecycle.cancel(shopper(), order.order_id, "changed my mind")
    assert rewards.cards["BIG-CARD-1"] == 10_000


def test_a_cancel_refunds_the_card_payment_and_releases_the_redemption(
    checkouts: CheckoutService, lifecycle: LifecycleService, store: InMemoryOrdersStore, rewards: InMemoryRedemptions
) -> None:
    order = checkouts.checkout("u1", "key-1", checkout_input(gift_card_code="GIFT-CARD-1", points=200)).order
    lifecycle.cancel(shopper(), order.order_id, None)
    assert store.payments()[0].refunded == GROSS - 1200
    assert (rewards.cards["GIFT-CARD-1"], rewards.points["u1"]) == (1000, 500)


def test_a_return_beyond_the_card_payment_goes_back_to_the_gift_card(
    checkouts: CheckoutService, lifecycle: LifecycleService, store: InMemoryOrdersStore, rewards: InMemoryRedemptions
) -> None:
    rewards.cards["BIG-CARD-1"] = GROSS - 1500  # the card payment is 1500
    order = checkouts.checkout("u1", "key-1", checkout_input(gift_card_code="BIG-CARD-1")).order
    assert order.total == 1500
    lifecycle.ship(vendor_user("v1"), "v1", order.order_id, "PostNL", "1")
    lifecycle.deliver(vendor_user("v1"), "v1", order.order_id)
    request = lifecycle.request_return(shopper(), order.order_id, "a", 1, "too small")
    lifecycle.decide_return(vendor_user("v1"), "v1", request.request.return_id, accept=True, restock=True, note=None)
    # 2000 refunded: 1500 to the card payment, 500 back to the gift card
    assert store.payments()[0].refunded == 1500
    assert rewards.cards["BIG-CARD-1"] == 500
    assert rewards.calls[-1] == f"release {order.order_id} {order.order_id}.{request.request.return_id} 500"


def test_the_sweep_gives_back_what_an_abandoned_checkout_charged(
    ports: OrdersPorts,
    store: InMemoryOrdersStore,
    checkouts: CheckoutService,
    clock: FakeClock,
    rewards: InMemoryRedemptions,
) -> None:
    # Given a checkout that charged the gift card, reserved stock and then died before paying
    order, _ = checkouts._plan("u1", "abandoned", checkout_input(gift_card_code="GIFT-CARD-1"))
    (chunk,) = plan_chunks(order.order_id, [("a", 2), ("c", 1)], clock.now())
    store.reserve(chunk.model_copy(update={"expires_at": clock.now()}), order)
    assert rewards.cards["GIFT-CARD-1"] == 0

    # When the sweep expires it, the card gets its balance back (once)
    clock.advance(minutes=RESERVATION_MINUTES)
    assert ports.sweeper().run().expired_orders == 1
    assert store.orders["abandoned"].status == OrderStatus.EXPIRED
    assert rewards.cards["GIFT-CARD-1"] == 1000
    assert rewards.calls[-1] == "release abandoned checkout_failed None"


@given(paid=st.integers(0, 10_000), before=st.integers(0, 10_000), amount=st.integers(0, 10_000))
def test_refunds_go_to_the_card_payment_first_and_never_beyond_it(paid: int, before: int, amount: int) -> None:
    to_card, to_redemption = refund_split(paid, before, amount)
    assert to_card + to_redemption == amount
    assert 0 <= to_card <= max(0, paid - before)
    assert to_redemption >= 0
    assert to_redemption == 0 or before + to_card >= paid
