"""The advice context's views of other contexts' events: only the fields it reads."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from functions.common.events import ConsumedPart


class OrderLineView(ConsumedPart):
    product_id: str
    line_total: int = Field(ge=0)


class OrderPlacedView(ConsumedPart):
    """`OrderPlaced` from plein.orders: a paid order, for conversion attribution."""

    event_id: str
    occurred_at: datetime
    order_id: str
    user_id: str
    lines: list[OrderLineView]
    advice_session_id: str | None = None


class NotificationCreatedView(ConsumedPart):
    """`NotificationCreated` from plein.notifications: forwarded as a live `notification` frame."""

    event_id: str
    occurred_at: datetime
    user_id: str
    notification_id: str
    topic: str
    title: str
    body: str
    link: str | None = None
    unread: int = Field(default=0, ge=0)
