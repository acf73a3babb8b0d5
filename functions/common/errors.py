"""Domain errors with an HTTP status and a machine-readable code.

Logic and stores raise these; each API maps them once to the DESIGN error shape
`{"error": {"code", "message", "details"}}`.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, ClassVar

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    field: str | None = None
    code: str
    message: str


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorResponse(BaseModel):
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
