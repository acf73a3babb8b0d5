"""Every context's wiring, collected for the CDK app and the local runtime.

Free of CDK imports, so the local runtime reads the same description the CDK app deploys.
"""

from __future__ import annotations

import importlib
from functools import cache

from pynamodb.models import Model

from functions.common.wiring import ContextWiring, Function

CONTEXTS = ("vendor", "catalog", "orders", "community", "advice", "rewards", "notifications")


@cache
def contexts() -> tuple[ContextWiring, ...]:
    return tuple(importlib.import_module(f"functions.{name}.wiring").WIRING for name in CONTEXTS)


def context(name: str) -> ContextWiring:
    return next(wiring for wiring in contexts() if wiring.name == name)


def table_model(wiring: ContextWiring) -> type[Model]:
    module, _, attribute = wiring.table.model.partition(":")
    model: type[Model] = getattr(importlib.import_module(module), attribute)
    return model


def resolve_handler(function: Function) -> object:
    """Import a function's handler; only the local runtime and tests call this."""
    module, _, attribute = function.handler.rpartition(".")
    return getattr(importlib.import_module(module), attribute)


def table_name(stage: str, context_name: str) -> str:
    return f"plein-{stage}-{context_name}"


def function_name(stage: str, function: Function) -> str:
    return f"plein-{stage}-{function.name}"


def queue_name(stage: str, function: Function) -> str:
    return f"plein-{stage}-{function.name}"


def bus_name(stage: str) -> str:
    return f"plein-{stage}"
