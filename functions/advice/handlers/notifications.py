"""Consumer of NotificationCreated (plein.notifications): a live `notification` frame to the
member's open advice socket connections (logic/inbox.py)."""

from __future__ import annotations

from typing import Any

from functions.advice.handlers.dependencies import inbox_frames
from functions.common.consumers import eventbridge_sqs_entry


def handle(source: str, detail_type: str, detail: dict[str, Any]) -> None:
    inbox_frames().handle(source, detail_type, detail)


handler = eventbridge_sqs_entry(handle)
