"""Scheduled tick of feed pulls: fetch the feed URLs whose daily time has come into the feeds
bucket, where each becomes an import like an upload."""

from __future__ import annotations

from typing import Any

from functions.common.observability import logger
from functions.vendor.handlers.dependencies import feed_pulls


@logger().inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    results = feed_pulls().pull_due()
    refused = [result for result in results if result.code]
    logger().info("feed pulls", extra={"pulled": len(results) - len(refused), "refused": [r.code for r in refused]})
    return {"pulled": len(results) - len(refused), "refused": len(refused)}
