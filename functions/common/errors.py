"""Domain errors with an HTTP status and a machine-readable code.

Logic and stores raise these; each API maps them once to the DESIGN error shape
`{"error": {"code", "message", "details"}}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field


class ErrorDetail(BaseModel):
    model_config = ConfigDict(defer_build=True)  # built with the first error, not at every import

    field: str | None = None
    code: str
    message: str


class ErrorBody(BaseModel):
    model_config = ConfigDict(defer_build=True)

    code: str
    message: str
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorResponse(BaseModel):
    model_config = ConfigDict(defer_build=True)

    error: ErrorBody


class PleinError(Exception):
    status: ClassVar[HTTPStatus] = HTTPStatus.BAD_REQUEST
    default_code: ClassVar[str] = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: list[ErrorDetail] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details = details or []

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.details)


class BadRequest(PleinError):
    pass


class Unauthorized(PleinError):
    status = HTTPStatus.UNAUTHORIZED
    default_code = "unauthorized"


class Forbidden(PleinError):
    status = HTTPStatus.FORBIDDEN
    default_code = "forbidden"


class NotFound(PleinError):
    status = HTTPStatus.NOT_FOUND
    default_code = "not_found"


class Conflict(PleinError):
    status = HTTPStatus.CONFLICT
    default_code = "conflict"


class PayloadTooLarge(PleinError):
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


class UnprocessableEntity(PleinError):
    status = HTTPStatus.UNPROCESSABLE_ENTITY
    default_code = "validation_failed"


class PaymentRequired(PleinError):
    status = HTTPStatus.PAYMENT_REQUIRED
    default_code = "payment_declined"


class Unavailable(PleinError):
    """A dependency is throttled or down; the client may retry."""

    status = HTTPStatus.SERVICE_UNAVAILABLE
    default_code = "unavailable"


def error_body(code: str, message: str, details: list[ErrorDetail] | None = None) -> dict[str, Any]:
    body = ErrorResponse(error=ErrorBody(code=code, message=message, details=details or []))
    return body.model_dump(mode="json")


@dataclass(frozen=True, slots=True)
class GatewayError:
    """An answer API Gateway gives itself, before any function runs, in the project's error shape."""

    status: int
    code: str
    message: str

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message)


GATEWAY_ERRORS: dict[str, GatewayError] = {
    "UNAUTHORIZED": GatewayError(status=401, code="unauthorized", message="sign in: no valid token was sent"),
    "ACCESS_DENIED": GatewayError(status=403, code="forbidden", message="this token may not call this endpoint"),
    "MISSING_AUTHENTICATION_TOKEN": GatewayError(status=404, code="route_not_found", message="no such endpoint"),
    "REQUEST_TOO_LARGE": GatewayError(status=413, code="payload_too_large", message="the request is too large"),
    "THROTTLED": GatewayError(status=429, code="throttled", message="too many requests: retry in a moment"),
    "DEFAULT_4XX": GatewayError(status=400, code="bad_request", message="the request was refused"),
    "DEFAULT_5XX": GatewayError(status=502, code="gateway_error", message="the service failed to answer; retry"),
}
"""Keyed by API Gateway's gateway response type. The CDK app installs these as the REST API's
gateway responses and the local gateway answers with them, so a client sees one error shape."""
