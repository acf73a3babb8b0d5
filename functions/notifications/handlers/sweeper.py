"""The sweeper (notifications-sweeper, every minute): review requests that are due, deliveries and
campaign mail deferred past a member's quiet hours."""

from __future__ import annotations

from typing import Any

from functions.common.observability import logger
from functions.notifications.handlers.dependencies import campaign_worker, event_consumer


def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    from functions.notifications.logic.campaigns import CAMPAIGN_MAIL

    done = event_consumer().run_due({CAMPAIGN_MAIL: campaign_worker().sender.send_due})
    logger().info("notifications sweeper ran", extra={"done": done})
    return {"done": done}
