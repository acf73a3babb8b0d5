"""Unit tests run without AWS and without sockets."""

from __future__ import annotations

# The X-Ray SDK creates (but never uses, with tracing disabled) a UDP socket when first imported;
# import it before sockets are refused so that handler modules can be imported inside tests.
import aws_xray_sdk.core  # noqa: F401
import pytest


@pytest.fixture(autouse=True)
def _no_network(socket_disabled: None) -> None:
    """pytest-socket refuses every connection a unit test would open."""
