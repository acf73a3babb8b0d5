from __future__ import annotations

import pytest

from functions.orders.logic.cart import CartService
from functions.orders.logic.checkout import CheckoutService
from functions.orders.logic.lifecycle import LifecycleService
from tests.unit.orders.fakes import FakeClock, InMemoryOrdersStore, OrdersPorts, make_ports


@pytest.fixture
def store() -> InMemoryOrdersStore:
    return InMemoryOrdersStore()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def ports(store: InMemoryOrdersStore, clock: FakeClock) -> OrdersPorts:
    return make_ports(store, clock)


@pytest.fixture
def carts(ports: OrdersPorts) -> CartService:
    return ports.cart_service()


@pytest.fixture
def checkouts(ports: OrdersPorts) -> CheckoutService:
    return ports.checkout_service()


@pytest.fixture
def lifecycle(ports: OrdersPorts) -> LifecycleService:
    return ports.lifecycle_service()
