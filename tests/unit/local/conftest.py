"""Fixtures of the moto patch tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local.aws import patches


@pytest.fixture
def patched() -> Iterator[None]:
    """moto with every local runtime patch applied for the test, removed after it."""
    patches.install()
    try:
        yield
    finally:
        patches.remove()
