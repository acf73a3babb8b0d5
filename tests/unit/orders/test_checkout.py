"""Checkout on honest fakes: reservation, payment outcomes, idempotency, compensations, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from functions.common.errors import BadRequest, Conflict, PaymentRequired, Unavailable, UnprocessableEntity
from functions.orders.logic.cart import CartService
from functions.orders.logic.checkout import CheckoutService
from functions.orders.logic.domain import OrderStatus, ReservationChunk, SubOrderStatus
from functions.orders.logic.ports import OutOfStock, PaymentStatus
from functions.orders.models.events import OrderPlaced
from tests.support.events import RecordingPublisher
from tests.unit.orders.fakes import InMemoryOrdersStore, OrdersPorts
from tests.unit.orders.helpers import checkout_input, offer, stock


def events(ports: OrdersPorts) -> RecordingPublisher:
    assert isinstance(ports.publisher, RecordingPublisher)
    return ports.publisher


@pytest.fixture
def two_vendor_cart(store: InMemoryOrdersStore, carts: CartService) -> None:
    stock(
        store,
        offer("a", "v1", quantity=5, price=2000),
        offer("b", "v1", quantity=5, price=500),
        offer("c", "v2", 3, 1200),
    )
    carts.put_item("u1", "a", 2)
    carts.put_item("u1", "b", 1)
    carts.put_item("u1", "c", 1)


@pytest.mark.usefixtures("two_vendor_cart")
def test_checkout_creates_one_paid_order_with_a_sub_order_per_vendor(
    checkouts: CheckoutService, store: InMemoryOrdersStore, ports: OrdersPorts
) -> None:
    # When the shopper checks out a cart of two vendors
    result = checkouts.checkout("u1", "key-1", checkout_input())

    # Then one paid order exists, split per vendor, with shipping, commission and payout
    order = result.order
    assert result.created
    assert order.status == OrderStatus.PAID
    v1, v2 = order.sub_order("v1"), order.sub_order("v2")
    assert v1 is not None
    assert v2 is not None
    assert (v1.subtotal, v1.shipping, v1.commission) == (4500, 495, 675)
    assert v1.payout == 4500 + 495 - 675
    assert (v2.subtotal, v2.shipping) == (1200, 495)
    assert v1.status == SubOrderStatus.PAID
    assert order.total == 4500 + 495 + 1200 + 495
    # and stock is reserved, the payment captured, the cart emptied and OrderPlaced published
    assert (store.offers["a"].available, store.offers["a"].reserved) == (3, 2)
    assert [(p.amount, p.status) for p in store.payments()] == [(order.total, PaymentStatus.CAPTURED)]
    assert store.get_cart("u1").lines == []
    placed = events(ports).of_type(OrderPlaced)
    assert len(placed) == 1
    assert placed[0].total == order.total
    assert {(line.offer_id, line.product_id, line.quantity) for line in placed[0].lines} == {
        ("a", "p-a", 2),
        ("b", "p-b", 1),
        ("c", "p-c", 1),
    }


@pytest.mark.usefixtures("two_vendor_cart")
def test_the_same_checkout_twice_returns_one_order_and_one_payment(
    checkouts: CheckoutService, store: InMemoryOrdersStore, ports: OrdersPorts
) -> None:
    first = checkouts.checkout("u1", "key-1", checkout_input(referral_code="ref1"))
    second = checkouts.checkout("u1", "key-1", checkout_input(referral_code="ref1"))

    assert not second.created
    assert second.order.order_id == first.order.order_id
    assert len(store.payments()) == 1
    assert len(events(ports).of_type(OrderPlaced)) == 1
    assert events(ports).of_type(OrderPlaced)[0].referral_code == "ref1"


@pytest.mark.usefixtures("two_vendor_cart")
def test_a_key_reused_with_another_body_is_refused(checkouts: CheckoutService) -> None:
    checkouts.checkout("u1", "key-1", checkout_input())
    with pytest.raises(UnprocessableEntity) as error:
        checkouts.checkout("u1", "key-1", checkout_input(country="BE"))
    assert error.value.code == "idempotency_key_reused"


@pytest.mark.usefixtures("two_vendor_cart")
@pytest.mark.parametrize("key", [None, "", "has spaces", "x" * 129])
def test_checkout_needs_a_valid_idempotency_key(checkouts: CheckoutService, key: str | None) -> None:
    with pytest.raises(BadRequest) as error:
        checkouts.checkout("u1", key, checkout_input())
    assert error.value.code in {"missing_idempotency_key", "invalid_idempotency_key"}


@pytest.mark.usefixtures("two_vendor_cart")
def test_a_declined_card_releases_every_reservation_and_repeats_the_decline(
    checkouts: CheckoutService, store: InMemoryOrdersStore, ports: OrdersPorts
) -> None:
    with pytest.raises(PaymentRequired) as error:
        checkouts.checkout("u1", "key-1", checkout_input("tok_chargeDeclined"))
    assert error.value.code == "payment_declined"

    assert all(o.reserved == 0 and o.available == o.vendor_quantity for o in store.offers.values())
    (order,) = store.orders.values()
    assert order.status == OrderStatus.PAYMENT_FAILED
    assert store.list_for_shopper("u1", 10, None)[0] == []
    assert not events(ports).events
    assert len(store.get_cart("u1").lines) == 3, "the cart stays for another attempt"
    # a repeat gives the same answer without a second payment attempt
    with pytest.raises(PaymentRequired):
        checkouts.checkout("u1", "key-1", checkout_input("tok_chargeDeclined"))
    assert [p.status for p in store.payments()] == [PaymentStatus.DECLINED]


@pytest.mark.usefixtures("two_vendor_cart")
@pytest.mark.parametrize("card", ["tok_error", "tok_captureError"])
def test_a_failing_provider_gives_503_and_releases_stock(
    checkouts: CheckoutService, store: InMemoryOrdersStore, card: str
) -> None:
    with pytest.raises(Unavailable) as error:
        checkouts.checkout("u1", "key-1", checkout_input(card))
    assert error.value.code == "payment_unavailable"
    assert all(o.reserved == 0 and o.available == o.vendor_quantity for o in store.offers.values())
    assert all(p.status != PaymentStatus.CAPTURED for p in store.payments())
    (order,) = store.orders.values()
    assert order.status == OrderStatus.PAYMENT_FAILED


@pytest.mark.usefixtures("two_vendor_cart")
def test_an_unknown_payment_token_is_a_client_error(checkouts: CheckoutService, store: InMemoryOrdersStore) -> None:
    with pytest.raises(UnprocessableEntity) as error:
        checkouts.checkout("u1", "key-1", checkout_input("4242424242424242"))
    assert error.value.code == "invalid_payment_method"
    assert all(o.reserved == 0 for o in store.offers.values())


def test_out_of_stock_is_409_and_the_key_can_be_used_again(
    checkouts: CheckoutService, carts: CartService, store: InMemoryOrdersStore
) -> None:
    stock(store, offer("a", quantity=2))
    carts.put_item("u1", "a", 2)
    store.reserve(
        store_chunk("other", [("a", 1)]),
        None,
    )
    with pytest.raises(OutOfStock) as error:
        checkouts.checkout("u1", "key-1", checkout_input())
    assert error.value.code == "insufficient_stock"
    assert error.value.offer_ids == ["a"]
    store.release("other", 0)
    assert checkouts.checkout("u1", "key-1", checkout_input()).created


def test_changed_prices_are_shown_and_refused_once(
    checkouts: CheckoutService, carts: CartService, store: InMemoryOrdersStore
) -> None:
    stock(store, offer("a", price=1000))
    carts.put_item("u1", "a", 1)
    store.upsert_offer(offer("a", price=1200, revision=2))

    with pytest.raises(Conflict) as error:
        checkouts.checkout("u1", "key-1", checkout_input())
    assert error.value.code == "prices_changed"
    assert store.get_cart("u1").lines[0].seen_unit_price == 1200
    # the shopper saw the new price: the same request goes through now, at the new price
    order = checkouts.checkout("u1", "key-1", checkout_input()).order
    assert order.items_total == 1200


def test_an_expected_total_that_differs_is_refused(
    checkouts: CheckoutService, carts: CartService, store: InMemoryOrdersStore
) -> None:
    stock(store, offer("a", price=1000))
    carts.put_item("u1", "a", 1)
    with pytest.raises(Conflict) as error:
        checkouts.checkout("u1", "key-1", checkout_input(expected_total=1))
    assert error.value.code == "total_changed"
    assert checkouts.checkout("u1", "key-2", checkout_input(expected_total=1495)).created


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"currency": "USD"}, "currency_mismatch"),
        ({"gift_card_code": "GIFT-1"}, "redemptions_unavailable"),
        ({"points": 100}, "redemptions_unavailable"),
        ({"country": "US"}, "not_shippable"),
    ],
)
def test_checkout_input_errors_are_4xx(
    checkouts: CheckoutService, carts: CartService, store: InMemoryOrdersStore, extra: dict[str, object], code: str
) -> None:
    stock(store, offer("a"))
    carts.put_item("u1", "a", 1)
    with pytest.raises(UnprocessableEntity) as error:
        checkouts.checkout("u1", "key-1", checkout_input(**extra))  # type: ignore[arg-type]
    assert error.value.code == code
    assert store.offers["a"].reserved == 0


def test_an_empty_cart_cannot_be_checked_out(checkouts: CheckoutService) -> None:
    with pytest.raises(UnprocessableEntity) as error:
        checkouts.checkout("u1", "key-1", checkout_input())
    assert error.value.code == "cart_empty"


def big_cart(store: InMemoryOrdersStore, carts: CartService) -> None:
    """130 lines of three vendors: more than one transaction (98 lines) holds."""
    offers = [offer(f"o{i:03d}", f"v{i % 3}", quantity=3, price=100) for i in range(130)]
    stock(store, *offers)
    for item in offers:
        carts.put_item("u1", item.offer_id, 2)


def test_a_cart_larger_than_one_transaction_is_reserved_completely(
    checkouts: CheckoutService, carts: CartService, store: InMemoryOrdersStore
) -> None:
    big_cart(store, carts)
    order = checkouts.checkout("u1", "key-1", checkout_input()).order
    assert order.chunk_count == 2
    assert len(order.lines) == 130
    assert all(o.reserved == 2 and o.available == 1 for o in store.offers.values())


def test_a_failure_in_the_second_chunk_releases_the_first(
    checkouts: CheckoutService, carts: CartService, store: InMemoryOrdersStore
) -> None:
    big_cart(store, carts)
    store.fail_next_reserve = {1}
    with pytest.raises(OutOfStock):
        checkouts.checkout("u1", "key-1", checkout_input())
    assert all(o.reserved == 0 and o.available == 3 for o in store.offers.values())
    (order,) = store.orders.values()
    assert order.status == OrderStatus.EXPIRED
    assert store.payments() == []


def store_chunk(order_id: str, lines: list[tuple[str, int]]) -> ReservationChunk:

    return ReservationChunk(order_id=order_id, index=0, lines=lines, expires_at=datetime.now(UTC) + timedelta(hours=1))


@pytest.mark.usefixtures("two_vendor_cart")
def test_a_repeat_while_the_first_request_runs_returns_the_placed_order(
    checkouts: CheckoutService, store: InMemoryOrdersStore
) -> None:
    import hashlib

    from functions.orders.logic.ports import IdempotencyRecord

    # Given a first request that reserved stock and is now waiting for the payment provider
    request = checkout_input()
    order, chunks = checkouts._plan("u1", "first", request)
    store.begin(
        IdempotencyRecord(
            user_id="u1",
            key="key-1",
            request_hash=hashlib.sha256(request.model_dump_json().encode()).hexdigest(),
            order_id="first",
            expires_at=datetime.now(UTC) + timedelta(hours=1),
        )
    )
    store.reserve(chunks[0], order)

    # When the client repeats the request
    repeat = checkouts.checkout("u1", "key-1", request)

    # Then it gets the same order, still placed, and nothing else is reserved or charged
    assert (repeat.created, repeat.order.order_id, repeat.order.status) == (False, "first", OrderStatus.PLACED)
    assert store.offers["a"].reserved == 2
    assert store.payments() == []


@pytest.mark.usefixtures("two_vendor_cart")
def test_a_repeat_before_the_order_exists_is_asked_to_retry(
    checkouts: CheckoutService, store: InMemoryOrdersStore
) -> None:
    import hashlib

    from functions.orders.logic.ports import IdempotencyRecord

    request = checkout_input()
    digest = hashlib.sha256(request.model_dump_json().encode()).hexdigest()
    store.begin(
        IdempotencyRecord(
            user_id="u1", key="key-1", request_hash=digest, order_id="first", expires_at=datetime.now(UTC)
        )
    )
    with pytest.raises(Conflict) as error:
        checkouts.checkout("u1", "key-1", request)
    assert error.value.code == "checkout_in_progress"
