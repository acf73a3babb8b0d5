"""Scheduled every 5 minutes: expire abandoned checkouts (stock back), complete orders past returns."""

from __future__ import annotations

from typing import Any

from functions.common.observability import logger


def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    from functions.orders.handlers import services
    from functions.orders.logic.sweep import Sweeper

    report = Sweeper(services.deps()).run()
    logger().info("reservation sweep", extra={"source": event.get("source")})
    return dict(report.__dict__)
