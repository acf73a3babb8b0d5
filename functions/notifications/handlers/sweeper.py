"""The sweeper (notifications-sweeper, every minute): review requests that are due, deliveries
deferred past a member's quiet hours."""

from __future__ import annotations

from typing import Any

from functions.common.observability import logger
from functions.notifications.handlers.dependencies import event_consumer


def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    done = event_consumer().run_due()
    logger().info("notifications sweeper ran", extra={"done": done})
    return {"done": done}
