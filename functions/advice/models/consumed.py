"""The advice context's views of other contexts' events: only the fields it reads."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class OrderLineView(BaseModel):
    model_config = ConfigDict(extra="ignore")

    product_id: str
    line_total: int = Field(ge=0)


class OrderPlacedView(BaseModel):
    """`OrderPlaced` from plein.orders: a paid order, for conversion attribution."""

    model_config = ConfigDict(extra="ignore")

    event_id: str
    occurred_at: datetime
    order_id: str
    user_id: str
    lines: list[OrderLineView]
    advice_session_id: str | None = None


class NotificationCreatedView(BaseModel):
    """`NotificationCreated` from plein.notifications: forwarded as a live `notification` frame."""

    model_config = ConfigDict(extra="ignore")

    event_id: str
    occurred_at: datetime
    user_id: str
    notification_id: str
    topic: str
    title: str
    body: str
    link: str | None = None
    unread: int = Field(default=0, ge=0)
