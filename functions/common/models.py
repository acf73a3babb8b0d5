"""Bases of the pydantic models a context declares by the dozen and uses a few at a time: response
models (`View`, in `models/api.py`; requests use `functions.common.inputs.StrictInput`) and domain
records (`Record`, in `logic/domain.py`).

Both are built on first use, not at import: an API declares dozens of views and records and one
request touches a few, so building them all at import was most of a context's cold start beyond
Powertools and pydantic themselves (docs/benchmarks.md, "Cold start"). Event details
(`functions.common.events.DomainEvent`, `ConsumedView`) and settings are deferred the same way.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class View(BaseModel):
    model_config = ConfigDict(defer_build=True)


class Record(BaseModel):
    model_config = ConfigDict(defer_build=True)
