"""Scheduled every 5 minutes: expire abandoned checkouts (stock back), complete orders past returns."""

from __future__ import annotations

from typing import Any

from functions.common.observability import logger
from functions.orders.handlers.dependencies import sweeper


def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    report = sweeper().run()
    logger().info("reservation sweep", extra={"source": event.get("source")})
    return dict(report.__dict__)
