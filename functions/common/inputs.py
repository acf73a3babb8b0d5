"""The base of every request body model: what a client sends is taken as it is typed, or refused.

- Unknown keys are refused (`extra="forbid"`), in nested models as well: a misspelt optional field
  is a 422, not silently ignored.
- Numbers and booleans are strict: `"quantity": "5"`, `"quantity": true` or `"flag": "yes"` are
  refused with the field named instead of coerced (pydantic's lax mode would take them). A float
  field still takes an integer. Strings, dates, enums and literals keep pydantic's JSON rules (an
  ISO date string is a date), which is why this is per field and not `strict=True` for the model:
  Powertools validates the parsed JSON as Python objects, where strict mode would refuse them too.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ConfigDict, Strict

_STRICT_SCALARS = frozenset({int, float, bool})


def _scalar_types(annotation: Any) -> set[Any]:
    """`int | None` -> {int}; anything but a union of scalars and None -> an empty set."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = set(typing.get_args(annotation)) - {type(None)}
    else:
        members = {annotation}
    return members if members and members <= _STRICT_SCALARS else set()


class StrictInput(BaseModel):
    # Built on first use: the Strict markers below must be in place before the one build (a
    # rebuild per model doubled the cost of importing a context's API models).
    model_config = ConfigDict(extra="forbid", defer_build=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        for field in cls.model_fields.values():
            if _scalar_types(field.annotation) and not any(isinstance(m, Strict) for m in field.metadata):
                field.metadata.append(Strict())
