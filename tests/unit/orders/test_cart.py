"""Cart rules: stock, the per-order maximum, the price the client saw, currency, vendor grouping."""

from __future__ import annotations

from datetime import timedelta

import pytest

from functions.common.errors import Conflict, NotFound, UnprocessableEntity
from functions.orders.logic.cart import CartService
from functions.orders.logic.domain import MAX_QUANTITY_PER_LINE
from tests.unit.orders.fakes import FakeClock, InMemoryOrdersStore
from tests.unit.orders.helpers import offer, stock


def test_cart_groups_lines_by_vendor_with_shipping(carts: CartService, store: InMemoryOrdersStore) -> None:
    stock(store, offer("a", "v1", price=3000), offer("b", "v1", price=2500), offer("c", "v2", price=700))
    carts.put_item("u1", "a", 1)
    carts.put_item("u1", "b", 1)
    view = carts.put_item("u1", "c", 2)

    groups = {group.vendor_id: group for group in view.vendors}
    assert groups["v1"].subtotal == 5500
    assert groups["v1"].shipping == 0, "free from 50 EUR"
    assert (groups["v2"].subtotal, groups["v2"].shipping) == (1400, 495)
    assert view.total == 5500 + 1400 + 495
    assert carts.view("u1", "BE").shipping_total == 995 + 995
    assert carts.view("u1", "US").problems == ["not_shippable"]


def test_putting_an_offer_again_replaces_its_quantity(carts: CartService, store: InMemoryOrdersStore) -> None:
    stock(store, offer("a"))
    carts.put_item("u1", "a", 1)
    view = carts.put_item("u1", "a", 3)
    assert [line.quantity for group in view.vendors for line in group.lines] == [3]


def test_removing_an_offer(carts: CartService, store: InMemoryOrdersStore) -> None:
    stock(store, offer("a"))
    carts.put_item("u1", "a", 1)
    assert carts.remove_item("u1", "a").vendors == []
    with pytest.raises(NotFound):
        carts.remove_item("u1", "a")


def test_unknown_offer_is_404(carts: CartService) -> None:
    with pytest.raises(NotFound) as error:
        carts.put_item("u1", "nope", 1)
    assert error.value.code == "offer_not_found"


@pytest.mark.parametrize("quantity", [0, -1, MAX_QUANTITY_PER_LINE + 1])
def test_quantity_outside_one_to_the_maximum_is_422(
    carts: CartService, store: InMemoryOrdersStore, quantity: int
) -> None:
    stock(store, offer("a", quantity=100))
    with pytest.raises(UnprocessableEntity) as error:
        carts.put_item("u1", "a", quantity)
    assert error.value.code in {"invalid_quantity", "quantity_above_maximum"}


def test_more_than_the_stock_is_409(carts: CartService, store: InMemoryOrdersStore) -> None:
    stock(store, offer("a", quantity=2))
    with pytest.raises(Conflict) as error:
        carts.put_item("u1", "a", 3)
    assert error.value.code == "insufficient_stock"


def test_a_price_the_client_made_up_is_refused(carts: CartService, store: InMemoryOrdersStore) -> None:
    stock(store, offer("a", price=1000))
    with pytest.raises(Conflict) as error:
        carts.put_item("u1", "a", 1, expected_unit_price=1)
    assert error.value.code == "price_changed"
    assert store.get_cart("u1").lines == []
    assert carts.put_item("u1", "a", 1, expected_unit_price=1000).items_total == 1000


def test_a_wrong_currency_is_refused(carts: CartService, store: InMemoryOrdersStore) -> None:
    stock(store, offer("a"))
    with pytest.raises(UnprocessableEntity) as error:
        carts.put_item("u1", "a", 1, currency="USD")
    assert error.value.code == "currency_mismatch"


def test_withdrawn_offers_cannot_be_added_and_show_up_in_the_cart(
    carts: CartService, store: InMemoryOrdersStore
) -> None:
    stock(store, offer("a"), offer("b"))
    carts.put_item("u1", "a", 1)
    store.withdraw_offers(["a", "b"])
    with pytest.raises(Conflict):
        carts.put_item("u1", "b", 1)
    assert "offer_unavailable" in carts.view("u1").problems


def test_the_cart_shows_changed_prices(carts: CartService, store: InMemoryOrdersStore) -> None:
    stock(store, offer("a", price=1000))
    carts.put_item("u1", "a", 1)
    store.upsert_offer(offer("a", price=800, revision=2))
    line = carts.view("u1").vendors[0].lines[0]
    assert (line.unit_price, line.seen_unit_price, line.price_changed) == (800, 1000, True)


def test_sale_prices_apply_inside_their_window(
    carts: CartService, store: InMemoryOrdersStore, clock: FakeClock
) -> None:
    now = clock.now()
    stock(store, offer("a", price=1000, sale_price=700, sale_starts_at=now, sale_ends_at=now + timedelta(days=1)))
    assert carts.put_item("u1", "a", 1).items_total == 700
    clock.advance(days=2)
    assert carts.view("u1").items_total == 1000
