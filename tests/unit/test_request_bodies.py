"""Every request body of every context is a `StrictInput`, nested models included."""

from __future__ import annotations

import importlib
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import BaseModel, ValidationError

from functions.common.inputs import StrictInput
from infra.topology import contexts


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models_in(field.annotation)
        return
    for argument in typing.get_args(annotation):
        yield from _models_in(argument)


def request_bodies() -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    for wiring in contexts():
        if wiring.api is None:
            continue
        app = importlib.import_module(wiring.api.handler.rpartition(".")[0]).app
        for route in [*app._static_routes, *app._dynamic_routes]:
            for hint in typing.get_type_hints(route.func, include_extras=True).values():
                if typing.get_origin(hint) is typing.Annotated and any(
                    isinstance(extra, Body) for extra in hint.__metadata__
                ):
                    found.update(_models_in(typing.get_args(hint)[0]))
    return found


def test_every_request_body_model_is_strict() -> None:
    bodies = request_bodies()
    assert len(bodies) > 40, "the routes' bodies were not found: this test would prove nothing"
    loose = sorted(f"{model.__module__}.{model.__qualname__}" for model in bodies if not issubclass(model, StrictInput))
    assert not loose, loose


class Line(StrictInput):
    quantity: int
    price: float | None = None
    gift: bool = False


class Order(StrictInput):
    lines: list[Line]


@pytest.mark.parametrize(
    ("body", "field", "error"),
    [
        ({"lines": [{"quantity": "5"}]}, ("lines", 0, "quantity"), "int_type"),
        ({"lines": [{"quantity": True}]}, ("lines", 0, "quantity"), "int_type"),
        ({"lines": [{"quantity": 5.0}]}, ("lines", 0, "quantity"), "int_type"),
        ({"lines": [{"quantity": 1, "price": "1.5"}]}, ("lines", 0, "price"), "float_type"),
        ({"lines": [{"quantity": 1, "gift": "true"}]}, ("lines", 0, "gift"), "bool_type"),
        ({"lines": [{"quantity": 1, "colour": "red"}]}, ("lines", 0, "colour"), "extra_forbidden"),
    ],
)
def test_numbers_and_booleans_are_not_coerced_and_unknown_keys_are_refused(
    body: dict[str, Any], field: tuple[Any, ...], error: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        Order.model_validate(body)

    assert [(e["loc"], e["type"]) for e in refused.value.errors()] == [(field, error)]


def test_well_typed_bodies_pass_and_a_float_field_takes_an_integer() -> None:
    order = Order.model_validate({"lines": [{"quantity": 2, "price": 3, "gift": True}]})

    assert order.lines[0].price == 3.0
