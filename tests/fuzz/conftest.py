"""A marketplace of its own for the API fuzzer: generated writes must not disturb the e2e suite.

The authorization matrix runs on it first, then the fuzzer: the fuzzer's generated writes
(cancelled orders, withdrawn offers, changed rules) would change what the matrix's scene is built
from, while the fuzzer only asserts what holds for any data.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Plein, running_plein, wait_for_demo_orders

FUZZ_PRODUCTS = 60


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    places = [i for i, item in enumerate(items) if "fuzz" in item.path.parts and "tests" in item.path.parts]
    fuzz = sorted((items[i] for i in places), key=lambda item: item.path.name != "test_authz_matrix.py")
    for place, item in zip(places, fuzz, strict=True):
        item.add_marker(pytest.mark.xdist_group("fuzz"))
        item.add_marker(pytest.mark.e2e)
        items[place] = item


@pytest.fixture(scope="session")
def fuzzed_plein() -> Iterator[Plein]:
    with running_plein(FUZZ_PRODUCTS, extra_contexts=()) as running:
        wait_for_demo_orders(running)
        yield running


@pytest.fixture(scope="session")
def role_headers(fuzzed_plein: Plein) -> dict[str, dict[str, str]]:
    """Request headers of every role: anonymous and each demo user (shopper, vendor, advisor, admin)."""
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for role in ("shopper", "vendor", "advisor", "admin"):
        headers[role] = {"Authorization": f"Bearer {fuzzed_plein.token(role)}"}
    return headers
