"""OpenAPI `responses` of routes: the success model, and error statuses in the project's error shape
listing each status's error codes. infra/openapi.py adds the statuses every operation can answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from functions.common.errors import ErrorResponse

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
    from pydantic import BaseModel

_TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict",
    422: "Invalid request",
    503: "Busy: retry",
}


def failures(**codes: str) -> dict[int, OpenAPIResponse]:
    """`failures(e404="reward_not_found", e409="insufficient_points")`."""
    found: dict[int, OpenAPIResponse] = {}
    for key, listed in codes.items():
        status = int(key.removeprefix("e"))
        found[status] = {
            "description": f"{_TITLES.get(status, 'Error')}: {listed}",
            "content": {"application/json": {"model": ErrorResponse}},
        }
    return found


def answers(model: type[BaseModel], description: str, **codes: str) -> dict[int, OpenAPIResponse]:
    """A 200 with `model`, and `failures(**codes)`."""
    return _success(200, model, description) | failures(**codes)


def created(model: type[BaseModel], description: str, **codes: str) -> dict[int, OpenAPIResponse]:
    """A 201 with `model`, and `failures(**codes)`."""
    return _success(201, model, description) | failures(**codes)


def _success(status: int, model: type[BaseModel], description: str) -> dict[int, OpenAPIResponse]:
    return {status: {"description": description, "content": {"application/json": {"model": model}}}}
