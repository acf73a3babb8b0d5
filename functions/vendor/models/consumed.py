"""The vendor context's own view of the events it consumes (only the fields it reads)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from functions.common.events import ConsumedPart
from functions.common.values import MinorUnits


class OrderLineView(ConsumedPart):
    vendor_id: str
    quantity: int = Field(ge=1)
    line_total: MinorUnits


class OrderPlacedView(ConsumedPart):
    source: ClassVar[str] = "plein.orders"
    detail_type: ClassVar[str] = "OrderPlaced"

    event_id: str
    order_id: str
    lines: list[OrderLineView]
