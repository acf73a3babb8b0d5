"""Fixtures of the moto patch tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local.aws import moto_query


@pytest.fixture
def patched() -> Iterator[None]:
    """moto with every local runtime patch applied for the test, removed after it."""
    moto_query.apply()
    try:
        yield
    finally:
        moto_query.remove()
