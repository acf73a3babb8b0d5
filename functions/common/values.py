"""Shared annotated types for identifiers and money."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$"), Field(description="ISO 4217 code")]
MinorUnits = Annotated[int, Field(ge=0, le=10**11, description="Amount in minor units (cents)")]
Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,128}$")]
DEFAULT_CURRENCY = "EUR"


class Money(BaseModel):
    model_config = ConfigDict(frozen=True)

    amount: MinorUnits
    currency: Currency = DEFAULT_CURRENCY
