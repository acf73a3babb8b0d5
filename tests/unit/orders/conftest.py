from __future__ import annotations

import pytest

from functions.orders.logic.cart import CartService
from functions.orders.logic.checkout import CheckoutService
from functions.orders.logic.deps import OrdersDeps
from functions.orders.logic.lifecycle import LifecycleService
from tests.unit.orders.fakes import FakeClock, InMemoryOrdersStore, make_deps


@pytest.fixture
def store() -> InMemoryOrdersStore:
    return InMemoryOrdersStore()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def deps(store: InMemoryOrdersStore, clock: FakeClock) -> OrdersDeps:
    return make_deps(store, clock)


@pytest.fixture
def carts(deps: OrdersDeps) -> CartService:
    return CartService(deps)


@pytest.fixture
def checkouts(deps: OrdersDeps) -> CheckoutService:
    return CheckoutService(deps)


@pytest.fixture
def lifecycle(deps: OrdersDeps) -> LifecycleService:
    return LifecycleService(deps)
