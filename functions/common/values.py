"""Shared annotated types for identifiers and money (an amount in `MinorUnits` beside a `Currency`).

`Identifier` also types path parameters (`order_id: Identifier` in a route: a 422 for anything
else); `is_identifier` is the same check where a mismatch answers otherwise (a 404, a 400).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$"), Field(description="ISO 4217 code")]
MinorUnits = Annotated[int, Field(ge=0, le=10**11, description="Amount in minor units (cents)")]
IDENTIFIER_PATTERN = r"^[A-Za-z0-9_.:-]{1,128}$"
Identifier = Annotated[str, StringConstraints(pattern=IDENTIFIER_PATTERN)]
DEFAULT_CURRENCY = "EUR"
ShopLanguage = Literal["nl", "de", "en"]
"""The languages the shop speaks."""
_IDENTIFIER = re.compile(IDENTIFIER_PATTERN)


def is_identifier(value: str) -> bool:
    """Whether `value` is a valid `Identifier`."""
    return _IDENTIFIER.fullmatch(value) is not None
