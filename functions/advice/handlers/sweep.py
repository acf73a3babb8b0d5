"""Scheduled tick of live advice: escalate timed-out offers, take silent advisors offline."""

from __future__ import annotations

from typing import Any

from functions.advice.handlers.dependencies import live_service
from functions.common.observability import logger


@logger().inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    escalated, offline = live_service().sweep()
    logger().info("advice sweep", extra={"escalated": escalated, "offline": offline})
    return {"escalated": escalated, "offline": offline}
