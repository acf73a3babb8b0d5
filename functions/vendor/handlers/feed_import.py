"""S3 `ObjectCreated` (through SQS) → feed import. One S3 record per SQS message."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from functions.common.consumers import sqs_batch_entry
from functions.common.observability import logger
from functions.vendor.handlers.dependencies import feed_service


def handle_record(record: dict[str, Any]) -> None:
    try:
        body = json.loads(record["body"])
    except (KeyError, TypeError, ValueError):
        logger().warning("feed import message is not JSON; dropped")
        return
    if not isinstance(body, dict):
        return
    for key, size, sequencer in created_objects(body):
        feed = feed_service().import_object(key, size, sequencer)
        if feed is None:
            logger().info("feed object skipped (unknown or already imported)", extra={"key": key})
        else:
            logger().info(
                "feed imported",
                extra={"key": key, "status": feed.status, "counts": feed.counts.model_dump(), "reason": feed.reason},
            )


def created_objects(body: dict[str, Any]) -> list[tuple[str, int, str]]:
    """(key, size, sequencer) of the created objects in an S3 notification (direct or via EventBridge)."""
    found: list[tuple[str, int, str]] = []
    for s3_record in body.get("Records", []):  # S3 → SQS (s3:TestEvent has no Records)
        if not str(s3_record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        obj = s3_record.get("s3", {}).get("object", {})
        key = unquote_plus(str(obj.get("key", "")))
        found.append((key, int(obj.get("size") or 0), str(obj.get("sequencer") or obj.get("eTag") or "")))
    if body.get("detail-type") == "Object Created":  # S3 → EventBridge → SQS
        obj = body.get("detail", {}).get("object", {})
        found.append(
            (str(obj.get("key", "")), int(obj.get("size") or 0), str(obj.get("sequencer") or obj.get("etag") or ""))
        )
    return found


handler = sqs_batch_entry(handle_record)
