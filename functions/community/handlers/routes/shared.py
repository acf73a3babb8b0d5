"""What the community routes share: path checks and 201 answers."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel

from functions.common.api import json_response
from functions.common.errors import NotFound
from functions.common.values import is_identifier

TAGS = ["community"]


def respond_created(body: BaseModel) -> Response[Any]:
    return json_response(HTTPStatus.CREATED, body.model_dump(mode="json"))


def identifier(value: str, what: str) -> str:
    """A path id in the platform's identifier form; anything else names nothing (404 `<what>_not_found`)."""
    if not is_identifier(value):
        raise NotFound(f"no such {what}", code=f"{what}_not_found")
    return value
