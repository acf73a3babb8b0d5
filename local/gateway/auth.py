"""Cognito JWT verification as API Gateway's Cognito authorizer does it.

The signature is checked against the user pool's JWKS (served by moto at
`/<pool_id>/.well-known/jwks.json`), then expiry, issuer (moto issues the real AWS issuer URL),
audience (the app client id) and `token_use` (API Gateway's REST authorizer without OAuth scopes
accepts ID tokens only). Claims are handed to the handler as API Gateway does: every value a
string, `cognito:groups` comma separated, times as `Wed Nov 25 18:05:00 UTC 2026`.

Like API Gateway's authorizer cache (keyed by the token), a verified token is remembered, so that
the RS256 check and the decoding (about half a millisecond) run once per token, not per request;
its expiry is still checked on every use.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import jwt
from jwt.algorithms import RSAAlgorithm

TIME_CLAIMS = frozenset({"exp", "iat", "auth_time", "nbf"})
_CLAIM_TIME_FORMAT = "%a %b %d %H:%M:%S UTC %Y"


class InvalidToken(Exception):
    """The token is missing, malformed, forged, expired, or not for this client."""


def issuer(region: str, user_pool_id: str) -> str:
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"


def bearer_token(authorization: str | None) -> str | None:
    """API Gateway's Cognito authorizer takes the raw token or `Bearer <token>`."""
    if not authorization:
        return None
    value = authorization.strip()
    if value.lower().startswith("bearer "):
        value = value[7:].strip()
    return value or None


@dataclass
class JwtVerifier:
    region: str
    user_pool_id: str
    client_ids: frozenset[str]
    keys: dict[str, Any] = field(default_factory=dict)
    leeway_seconds: int = 0
    cache_size: int = 1024
    _verified: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_jwks(
        cls, region: str, user_pool_id: str, client_ids: Iterable[str], jwks: Mapping[str, Any]
    ) -> JwtVerifier:
        keys = {key["kid"]: RSAAlgorithm.from_jwk(json.dumps(key)) for key in jwks.get("keys", [])}
        return cls(region=region, user_pool_id=user_pool_id, client_ids=frozenset(client_ids), keys=keys)

    @classmethod
    def fetch(cls, endpoint: str, region: str, user_pool_id: str, client_ids: Iterable[str]) -> JwtVerifier:
        url = f"{endpoint.rstrip('/')}/{user_pool_id}/.well-known/jwks.json"
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback endpoint
            jwks = json.load(response)
        return cls.from_jwks(region, user_pool_id, client_ids, jwks)

    def verify(self, token: str | None) -> dict[str, Any]:
        """The token's claims (do not change them: they are shared); raises InvalidToken for anything
        API Gateway would refuse."""
        if not token:
            raise InvalidToken("no token")
        known = self._verified.get(token)
        if known is not None:
            if int(known["exp"]) > time.time() - self.leeway_seconds:  # PyJWT's own expiry rule
                return known
            self._verified.pop(token, None)
            raise InvalidToken("token expired")
        claims = self._verify_signed(token)
        if len(self._verified) >= self.cache_size:
            self._verified.pop(next(iter(self._verified)), None)  # the oldest
        self._verified[token] = claims
        return claims

    def _verify_signed(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("malformed token") from exc
        key = self.keys.get(str(header.get("kid")))
        if key is None or header.get("alg") != "RS256":
            raise InvalidToken("unknown signing key")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=["RS256"],
                issuer=issuer(self.region, self.user_pool_id),
                options={"verify_aud": False, "require": ["exp", "iss", "sub", "token_use"]},
                leeway=self.leeway_seconds,
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken("token expired") from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        if claims.get("token_use") != "id":
            raise InvalidToken("not an ID token")
        if claims.get("aud") not in self.client_ids:
            raise InvalidToken("token is for another client")
        return claims


def _claim_value(name: str, value: Any) -> str:
    if name in TIME_CLAIMS and isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC).strftime(_CLAIM_TIME_FORMAT)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


def authorizer_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    """The `requestContext.authorizer.claims` API Gateway's Cognito authorizer passes on."""
    return {name: _claim_value(name, value) for name, value in claims.items()}
