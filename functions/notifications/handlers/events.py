"""Consumer of other contexts' events and of SES feedback (notifications-events); idempotent on
`event_id` (notification ids derive from it)."""

from __future__ import annotations

from typing import Any

from functions.common.consumers import eventbridge_sqs_entry
from functions.notifications.handlers.dependencies import event_consumer


def handle_event(source: str, detail_type: str, detail: dict[str, Any]) -> None:
    event_consumer().handle(source, detail_type, detail)


handler = eventbridge_sqs_entry(handle_event)
