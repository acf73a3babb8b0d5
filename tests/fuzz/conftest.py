"""A marketplace of its own for the API fuzzer: generated writes must not disturb the e2e suite.

The authorization matrix runs on it first, then the fuzzer: the fuzzer's generated writes
(cancelled orders, withdrawn offers, changed rules) would change what the matrix's scene is built
from, while the fuzzer only asserts what holds for any data.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Plein, running_plein

FUZZ_PRODUCTS = 60


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    places = [i for i, item in enumerate(items) if "fuzz" in item.path.parts and "tests" in item.path.parts]
    fuzz = sorted((items[i] for i in places), key=lambda item: item.path.name != "test_authz_matrix.py")
    for place, item in zip(places, fuzz, strict=True):
        item.add_marker(pytest.mark.xdist_group("fuzz"))
        item.add_marker(pytest.mark.e2e)
        items[place] = item


DEMO_ORDERS_SECONDS = 300.0


@pytest.fixture(scope="session")
def fuzzed_plein() -> Iterator[Plein]:
    with running_plein(FUZZ_PRODUCTS, extra_contexts=()) as running:
        _wait_for_demo_orders(running)
        yield running


def _wait_for_demo_orders(plein: Plein) -> None:
    """The seed places the demo shopper's orders once the vendors' offers reached the orders
    context, in the background when that takes a while: the matrix's scene is built from them."""
    shopper = plein.client("shopper")
    deadline = time.monotonic() + DEMO_ORDERS_SECONDS
    while not shopper.get("/orders").json().get("items"):
        assert time.monotonic() < deadline, "the seed placed no demo orders for the shopper"
        time.sleep(1)


@pytest.fixture(scope="session")
def role_headers(fuzzed_plein: Plein) -> dict[str, dict[str, str]]:
    """Request headers of every role: anonymous and each demo user (shopper, vendor, advisor, admin)."""
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for role in ("shopper", "vendor", "advisor", "admin"):
        headers[role] = {"Authorization": f"Bearer {fuzzed_plein.token(role)}"}
    return headers
