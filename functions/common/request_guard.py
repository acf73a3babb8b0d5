"""Checks on a REST request's body before routing: what no route should have to think about.

API Gateway hands a Lambda proxy integration any bytes a client sent. A declared media type other
than JSON is answered 415 (the resolver parses `application/json` only, and case-sensitively: the
header is passed on in lower case), a body that is not UTF-8 or not JSON 400, and JSON nested
deeper or holding longer numbers than any Plein request needs 400 as well, before pydantic (or
Python's own integer-length guard, which raises ValueError at 4,300 digits) ever sees it.
"""

from __future__ import annotations

import base64
import binascii
from http import HTTPStatus
from typing import Any

from functions.common.errors import BadRequest, PleinError
from functions.common.json_text import MAX_JSON_DEPTH, TooDeep, loads_bounded

ONE_CLICK_UNSUBSCRIBE = "list-unsubscribe=one-click"
"""The one form body taken (RFC 8058): a mail client's one-click unsubscribe POST. The body says
nothing the route needs (the signed token is in the path), so it is dropped before routing."""

MAX_NUMBER_CHARS = 40
"""Longest JSON number literal accepted: past any amount, quantity or coordinate Plein stores."""


class UnsupportedMediaType(PleinError):
    status = HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    default_code = "unsupported_media_type"


def checked_event(event: dict[str, Any]) -> dict[str, Any]:
    """The event with its body as UTF-8 text; raises a 4xx `PleinError` for a body no route takes."""
    body = event.get("body")
    if body is None or body == "":
        return event
    headers = event.get("headers") or {}
    declared = next((key for key in headers if key.lower() == "content-type"), None)
    if declared is not None:
        if _one_click(str(headers[declared]), body, bool(event.get("isBase64Encoded"))):
            return {
                **event,
                "body": None,
                "isBase64Encoded": False,
                "headers": {k: v for k, v in headers.items() if k != declared},
            }
        _check_media_type(str(headers[declared]))
    text = _text(body, bool(event.get("isBase64Encoded")))
    _check_json(text)
    if text is body and (declared is None or headers[declared] == headers[declared].lower()):
        return event
    checked = {**event, "body": text, "isBase64Encoded": False}
    if declared is not None:
        checked["headers"] = {**headers, declared: str(headers[declared]).lower()}
    return checked


def _one_click(content_type: str, body: str, base64_encoded: bool) -> bool:
    if content_type.split(";", 1)[0].strip().lower() != "application/x-www-form-urlencoded":
        return False
    try:
        text = _text(body, base64_encoded)
    except PleinError:
        return False
    return text.strip().lower() == ONE_CLICK_UNSUBSCRIBE


def _check_media_type(content_type: str) -> None:
    """Clients that send JSON without a Content-Type are common; a declared other type is not JSON."""
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        raise UnsupportedMediaType("send the request body as application/json")


def _text(body: str, base64_encoded: bool) -> str:
    if base64_encoded:
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadRequest("the request body is not valid base64", code="invalid_encoding") from exc
    else:
        try:
            raw = body.encode("utf-8")
        except UnicodeEncodeError as exc:  # lone surrogates: bytes that were never UTF-8
            raise BadRequest("the request body is not valid UTF-8", code="invalid_encoding") from exc
        return body
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest("the request body is not valid UTF-8", code="invalid_encoding") from exc


def _check_json(text: str) -> None:
    try:
        loads_bounded(text, parse_int=_bounded_int, parse_float=_bounded_float, parse_constant=_no_constant)
    except PleinError:
        raise
    except TooDeep as exc:
        raise BadRequest(f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels", code="json_too_deep") from exc
    except ValueError as exc:
        raise BadRequest("the request body is not valid JSON", code="invalid_json") from exc


def _bounded_int(literal: str) -> int:
    _check_length(literal)
    return int(literal)


def _bounded_float(literal: str) -> float:
    _check_length(literal)
    return float(literal)


def _check_length(literal: str) -> None:
    if len(literal) > MAX_NUMBER_CHARS:
        raise BadRequest(f"a number in the body is longer than {MAX_NUMBER_CHARS} characters", code="number_too_long")


def _no_constant(literal: str) -> float:
    raise BadRequest(f"{literal} is not a JSON value", code="invalid_json")
