"""The community context's views of the events it consumes: only the fields it reads."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from functions.common.events import ConsumedPart, ConsumedView


class DeliveredLine(ConsumedPart):
    product_id: str = Field(min_length=1)
    vendor_id: str = Field(min_length=1)


class OrderDeliveredView(ConsumedView):
    """A vendor's sub-order reached the shopper: its products become verified purchases of the
    shopper, and the vendor a seller of them (who may reply to their reviews)."""

    source: ClassVar[str] = "plein.orders"
    detail_type: ClassVar[str] = "OrderDelivered"

    order_id: str
    user_id: str = Field(min_length=1)
    vendor_id: str
    lines: list[DeliveredLine]


class StageChangedView(ConsumedView):
    """A member moved along the rewards journey: the stage shows as a badge on the profile."""

    source: ClassVar[str] = "plein.rewards"
    detail_type: ClassVar[str] = "StageChanged"

    user_id: str = Field(min_length=1)
    new_stage: str = Field(min_length=1, max_length=40)


CONSUMED: tuple[type[ConsumedView], ...] = (OrderDeliveredView, StageChangedView)
