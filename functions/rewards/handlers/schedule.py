"""The scheduled job (rewards-schedule): points expiry, stage reviews at period ends, referrals whose
return window has ended."""

from __future__ import annotations

from typing import Any

from functions.common.observability import logger
from functions.rewards.handlers.dependencies import worker


def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    report = worker().jobs.run()
    summary = {
        "expired_members": report.expired_members,
        "stage_reviews": report.stage_reviews,
        "referrals_decided": report.referrals_decided,
    }
    logger().info("rewards schedule ran", extra=summary)
    return summary
