"""Opaque, tamper-evident pagination cursors and the list response shape."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pydantic import Field

from functions.common.errors import BadRequest
from functions.common.models import View

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_SIGNATURE_BYTES = 16

ItemT = TypeVar("ItemT")


class Page(View, Generic[ItemT]):
    items: list[ItemT]
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` to get the next page")


class CursorCodec:
    """Signs cursor payloads with HMAC-SHA256 so a client can neither forge nor alter them.

    `scope` binds a cursor to one listing (for example a vendor's offers), so a cursor from one
    list is refused by another.
    """

    def __init__(self, secret: str | Callable[[], str]):
        # A callable (such as `CursorSettings.cursor_key`) is asked on every use, so a rotated key
        # takes effect without a new process; the callable caches (Powertools parameters).
        self._secret = secret

    @property
    def _key(self) -> bytes:
        return (self._secret if isinstance(self._secret, str) else self._secret()).encode()

    def encode(self, payload: dict[str, Any] | None, scope: str) -> str | None:
        if payload is None:
            return None
        body = json.dumps(payload, separators=(",", ":"), sort_keys=True, default=str).encode()
        signature = self._sign(body, scope)
        return base64.urlsafe_b64encode(signature + body).decode().rstrip("=")

    def decode(self, cursor: str | None, scope: str) -> dict[str, Any] | None:
        if not cursor:
            return None
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        except ValueError as exc:
            raise _invalid() from exc
        signature, body = raw[:_SIGNATURE_BYTES], raw[_SIGNATURE_BYTES:]
        if len(signature) != _SIGNATURE_BYTES or not hmac.compare_digest(signature, self._sign(body, scope)):
            raise _invalid()
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise _invalid() from exc
        if not isinstance(payload, dict):
            raise _invalid()
        return payload

    def _sign(self, body: bytes, scope: str) -> bytes:
        return hmac.new(self._key, scope.encode() + b"\0" + body, hashlib.sha256).digest()[:_SIGNATURE_BYTES]


def _invalid() -> BadRequest:
    return BadRequest("the cursor is not valid for this list", code="invalid_cursor")


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if limit < 1 or limit > MAX_LIMIT:
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}", code="invalid_limit")
    return limit
