"""Lambda REQUEST authorizer of the advice WebSocket `$connect`: `?token=<Cognito access token>`.

Cognito verifies the token (store/cognito.py `CognitoTokens`: `GetUser` checks signature, expiry
and revocation, with no IAM permission and no JWT library in the bundle); this function then checks that the now-trusted
token was issued by Plein's user pool for access, and passes the caller on to the routes as
authorizer context. Bad tokens get a Deny policy (403), not an exception, so that they do not
count as function errors.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from pydantic import Field

from functions.common.auth import VENDOR_ID_CLAIM
from functions.common.observability import logger
from functions.common.settings import EnvSettings, load_settings


class AuthorizerSettings(EnvSettings):
    user_pool_id: str = Field(alias="USER_POOL_ID", pattern=r"^[a-z]{2}-[a-z]+-\d_[A-Za-z0-9]+$")


class Rejected(Exception):
    """The token is missing, invalid, expired, revoked or not one of ours."""


def issuer(user_pool_id: str) -> str:
    region = user_pool_id.split("_", 1)[0]
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"


def token_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified: only call it on a token Cognito has accepted."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError) as exc:
        raise Rejected("malformed token") from exc
    if not isinstance(claims, dict):
        raise Rejected("malformed token")
    return claims


def caller_context(token: str, user_pool_id: str) -> dict[str, str]:
    from functions.advice.handlers.dependencies import token_check

    found = token_check().user_of(token)
    if found is None:
        raise Rejected("token refused by Cognito")
    username, attributes = found
    claims = token_claims(token)
    if claims.get("iss") != issuer(user_pool_id) or claims.get("token_use") != "access":
        raise Rejected("not an access token of this user pool")
    groups = claims.get("cognito:groups") or []
    return {
        "sub": attributes.get("sub") or str(claims.get("sub", "")),
        "username": username,
        "groups": ",".join(str(group) for group in groups),
        "vendor_id": attributes.get(VENDOR_ID_CLAIM, ""),
    }


def policy(principal_id: str, effect: str, resource: str, context: dict[str, str] | None = None) -> dict[str, Any]:
    statement = {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}
    document: dict[str, Any] = {
        "principalId": principal_id,
        "policyDocument": {"Version": "2012-10-17", "Statement": [statement]},
    }
    if context:
        document["context"] = context
    return document


def authorize(event: dict[str, Any]) -> dict[str, Any]:
    settings = load_settings(AuthorizerSettings)
    resource = str(event.get("methodArn", "*"))
    token = (event.get("queryStringParameters") or {}).get("token")
    try:
        if not token:
            raise Rejected("no token")
        context = caller_context(token, settings.user_pool_id)
    except Rejected as exc:
        logger().info("connection refused", extra={"reason": str(exc)})
        return policy("anonymous", "Deny", resource)
    return policy(context["sub"], "Allow", resource, context)


@logger().inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return authorize(event)
