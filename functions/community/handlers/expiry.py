"""Scheduled: expire the open ideas that missed their next milestone in time."""

from __future__ import annotations

from typing import Any

from functions.common.observability import logger
from functions.community.handlers.dependencies import idea_service


def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    expired = idea_service().expire_due()
    logger().info("ideas expired", extra={"expired": expired})
    return {"expired": expired}
