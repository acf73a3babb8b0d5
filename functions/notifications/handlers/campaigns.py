"""Consumers of the newsletter and campaigns: `notifications-audience` (opt-in mails and the
segment projection, from community, orders and rewards events) and `notifications-campaigns`
(the context's own campaign pages and batches, at the shared send rate)."""

from __future__ import annotations

from typing import Any

from functions.common.consumers import eventbridge_sqs_entry
from functions.notifications.handlers.dependencies import campaign_worker


def handle_audience(source: str, detail_type: str, detail: dict[str, Any]) -> None:
    campaign_worker().audience.handle(source, detail_type, detail)


def handle_campaign(source: str, detail_type: str, detail: dict[str, Any]) -> None:
    campaign_worker().sender.handle(detail_type, detail)


audience = eventbridge_sqs_entry(handle_audience)
sender = eventbridge_sqs_entry(handle_campaign)
