"""What the community routes share: path checks and 201 responses."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel

from functions.common.api import json_response
from functions.common.errors import NotFound
from functions.common.values import is_identifier

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

TAGS = ["community"]


def created(model: type[BaseModel], description: str, *statuses: int) -> dict[int, OpenAPIResponse]:
    """OpenAPI `responses` of a route answering 201 with `model`, and its error statuses."""
    success: OpenAPIResponse = {"description": description, "content": {"application/json": {"model": model}}}
    return {201: success}


def respond_created(body: BaseModel) -> Response[Any]:
    return json_response(HTTPStatus.CREATED, body.model_dump(mode="json"))


def identifier(value: str, what: str) -> str:
    """A path id in the platform's identifier form; anything else names nothing (404 `<what>_not_found`)."""
    if not is_identifier(value):
        raise NotFound(f"no such {what}", code=f"{what}_not_found")
    return value
