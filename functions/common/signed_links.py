"""Signed links: tokens in e-mails that authenticate one narrow action (unsubscribe from a topic,
write the review of a delivered product) without signing in.

A token is `base64url(json claims) . base64url(HMAC-SHA256)` under a key derived per purpose from
the cursor secret every function already has (`CursorSettings`), so a token for one purpose is
refused for another, and any context can verify a token another context issued without importing
it. Claims carry `exp` (epoch seconds) when the link expires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from functions.common.errors import BadRequest, NotFound

_SIGNATURE_BYTES = 20
_MAX_TOKEN = 2048
UNSUBSCRIBE = "unsubscribe"
REVIEW_INVITATION = "review-invitation"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SignedLinks:
    """Issues and verifies tokens for one `purpose`."""

    def __init__(self, secret: str | Callable[[], str], purpose: str):
        self._secret = secret
        self._purpose = purpose

    def _key(self) -> bytes:
        root = (self._secret if isinstance(self._secret, str) else self._secret()).encode()
        return hmac.new(root, b"plein-signed-link\0" + self._purpose.encode(), hashlib.sha256).digest()

    def _sign(self, body: bytes) -> bytes:
        return hmac.new(self._key(), body, hashlib.sha256).digest()[:_SIGNATURE_BYTES]

    def issue(self, claims: dict[str, Any], expires_at: datetime | None = None) -> str:
        payload = dict(claims)
        if expires_at is not None:
            payload["exp"] = int(expires_at.timestamp())
        body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
        return f"{_b64(body)}.{_b64(self._sign(body))}"

    def verify(self, token: str, now: datetime) -> dict[str, Any]:
        """The claims of a valid token; 404 `link_not_found` for a forged, altered or malformed
        one (nothing tells a guesser more), 400 `link_expired` for an expired one."""
        if not token or len(token) > _MAX_TOKEN or token.count(".") != 1:
            raise _invalid()
        body_part, signature_part = token.split(".")
        try:
            body, signature = _unb64(body_part), _unb64(signature_part)
        except ValueError as exc:
            raise _invalid() from exc
        if len(signature) != _SIGNATURE_BYTES or not hmac.compare_digest(signature, self._sign(body)):
            raise _invalid()
        try:
            claims = json.loads(body)
        except ValueError as exc:
            raise _invalid() from exc
        if not isinstance(claims, dict):
            raise _invalid()
        expires = claims.get("exp")
        if expires is not None and (not isinstance(expires, int) or now.timestamp() >= expires):
            raise BadRequest("this link has expired", code="link_expired")
        return claims


def _invalid() -> NotFound:
    return NotFound("this link is not valid", code="link_not_found")
