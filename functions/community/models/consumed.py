"""The community context's views of the events it consumes: only the fields it reads."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field


class EventView(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    source: ClassVar[str]
    detail_type: ClassVar[str]

    event_id: str = Field(min_length=1)
    occurred_at: datetime


class DeliveredLine(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    product_id: str = Field(min_length=1)
    vendor_id: str = Field(min_length=1)


class OrderDeliveredView(EventView):
    """A vendor's sub-order reached the shopper: its products become verified purchases of the
    shopper, and the vendor a seller of them (who may reply to their reviews)."""

    source: ClassVar[str] = "plein.orders"
    detail_type: ClassVar[str] = "OrderDelivered"

    order_id: str
    user_id: str = Field(min_length=1)
    vendor_id: str
    lines: list[DeliveredLine]


class StageChangedView(EventView):
    """A member moved along the rewards journey: the stage shows as a badge on the profile."""

    source: ClassVar[str] = "plein.rewards"
    detail_type: ClassVar[str] = "StageChanged"

    user_id: str = Field(min_length=1)
    new_stage: str = Field(min_length=1, max_length=40)


CONSUMED: tuple[type[EventView], ...] = (OrderDeliveredView, StageChangedView)
