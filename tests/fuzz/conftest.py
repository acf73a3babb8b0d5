"""A marketplace of its own for the API fuzzer: generated writes must not disturb the e2e suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Plein, running_plein

FUZZ_PRODUCTS = 60


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "fuzz" in item.path.parts and "tests" in item.path.parts:
            item.add_marker(pytest.mark.xdist_group("fuzz"))
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def fuzzed_plein() -> Iterator[Plein]:
    with running_plein(FUZZ_PRODUCTS, extra_contexts=()) as running:
        yield running


@pytest.fixture(scope="module")
def matrix_plein() -> Iterator[Plein]:
    """The authorization matrix's own marketplace: the fuzzer's generated writes (cancelled orders,
    withdrawn offers, changed rules) must not change what the matrix's scene is built from."""
    with running_plein(FUZZ_PRODUCTS, extra_contexts=()) as running:
        yield running


@pytest.fixture(scope="session")
def role_headers(fuzzed_plein: Plein) -> dict[str, dict[str, str]]:
    """Request headers of every role: anonymous and each demo user (shopper, vendor, advisor, admin)."""
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for role in ("shopper", "vendor", "advisor", "admin"):
        headers[role] = {"Authorization": f"Bearer {fuzzed_plein.token(role)}"}
    return headers
