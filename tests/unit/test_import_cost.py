"""What keeps a function's cold start lean (docs/conventions.md, "Cold start"; figures in
docs/benchmarks.md): no pydantic model is built at import, and a function without routes loads
neither route modules nor (where its context's providers allow) services only the routes use."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from infra.topology import contexts

HANDLER_MODULES = sorted(
    {function.handler.rpartition(".")[0] for wiring in contexts() for function in wiring.functions()}
)


def _subclasses(cls: type[BaseModel]) -> Iterator[type[BaseModel]]:
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def test_every_model_in_functions_is_built_on_first_use() -> None:
    # Given every handler module imported (which imports every model a function can use)
    for module in HANDLER_MODULES:
        importlib.import_module(module)

    # Then each model class in functions/ defers its build (a base from functions.common.models,
    # inputs, events or settings), so an import builds none of them
    eager = sorted(
        f"{model.__module__}.{model.__qualname__}"
        for model in set(_subclasses(BaseModel))
        if model.__module__.startswith("functions.")
        and "[" not in model.__qualname__  # a parametrized generic (Page[Offer]) is built where it is used
        and not model.model_config.get("defer_build")
    )
    assert eager == [], "derive these from functions.common.models.View or Record (or another deferred base)"


PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(name for name in sys.modules if name.startswith("functions."))))
"""


def _loaded_by(module: str) -> set[str]:
    """The functions.* modules a fresh process has loaded after importing `module`."""
    out = subprocess.run([sys.executable, "-c", PROBE, module], check=True, capture_output=True, text=True)
    return set(json.loads(out.stdout))


@pytest.mark.parametrize(
    "consumer",
    [module for module in HANDLER_MODULES if not module.endswith((".api", ".ws", ".ws_authorizer"))],
)
def test_a_function_without_routes_loads_no_route_module(consumer: str) -> None:
    # When a consumer, worker or schedule handler is imported in a fresh process
    loaded = _loaded_by(consumer)

    # Then none of its context's route modules came with it
    context = consumer.split(".")[1]
    assert not {name for name in loaded if name.startswith(f"functions.{context}.handlers.routes")}


def test_the_community_consumer_loads_only_the_logic_it_uses() -> None:
    # When the community's events consumer is imported (its API has fourteen services)
    loaded = _loaded_by("functions.community.handlers.events")

    # Then neither the API models nor a service the consumer does not call came with it: the
    # providers in handlers/dependencies.py import their service's module when first called
    assert "functions.community.models.api" not in loaded
    assert not loaded & {"functions.community.logic.reviews", "functions.community.logic.articles"}
