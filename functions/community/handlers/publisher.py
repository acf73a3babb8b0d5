"""Scheduled (every minute): publish the articles whose `publish_at` has come."""

from __future__ import annotations

from typing import Any

from functions.common.observability import logger
from functions.community.handlers.dependencies import article_publisher


def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    published = article_publisher().publish_due()
    logger().info("scheduled articles published", extra={"published": published})
    return {"published": published}
