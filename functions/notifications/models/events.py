"""Events the notifications context publishes (through its outbox)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from functions.common.events import DomainEvent

SOURCE = "plein.notifications"


class NotificationCreated(DomainEvent):
    """A notification landed in a member's inbox; the advice context forwards it as a live
    `notification` frame to the member's open WebSocket connections."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "NotificationCreated"

    user_id: str
    notification_id: str
    topic: str
    title: str
    body: str
    link: str | None = None
    unread: int = 0


# ==== newsletters and campaigns (logic/campaigns.py) =========================================
# Internal steps of sending a campaign, published through the outbox and consumed by
# `notifications-campaigns` itself: the queue between them carries the batches, and its consumer
# holds the send rate. Their event ids are deterministic, so a step saved twice is saved once.


class CampaignPageQueued(DomainEvent):
    """Resolve one page of a campaign's recipients (page 0 when an admin sends it; each page's
    step queues the next one from `cursor`)."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "CampaignPageQueued"

    campaign_id: str
    page: int = Field(ge=0)
    cursor: dict[str, str] | None = None


class CampaignBatchQueued(DomainEvent):
    """Send a campaign to these members (at most one batch of them), each at most once."""

    source: ClassVar[str] = SOURCE
    detail_type: ClassVar[str] = "CampaignBatchQueued"

    campaign_id: str
    batch_id: str
    user_ids: list[str] = Field(max_length=500)
