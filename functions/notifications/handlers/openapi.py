"""OpenAPI metadata the notifications routes share: the success model and error responses in the
project's error shape, listing each status's error codes."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel

from functions.common.errors import ErrorResponse

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
    """`failures(e404="notification_not_found", e409="preferences_changed")`."""
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
    ok: OpenAPIResponse = {"description": description, "content": {"application/json": {"model": model}}}
    return {200: ok, **failures(**codes)}
