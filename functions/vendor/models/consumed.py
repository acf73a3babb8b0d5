"""The vendor context's own view of the events it consumes (only the fields it reads)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from functions.common.values import MinorUnits


class _View(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class OrderLineView(_View):
    vendor_id: str
    quantity: int = Field(ge=1)
    line_total: MinorUnits


class OrderPlacedView(_View):
    source: ClassVar[str] = "plein.orders"
    detail_type: ClassVar[str] = "OrderPlaced"

    event_id: str
    order_id: str
    lines: list[OrderLineView]
