"""Cognito user pool groups (roles reach tokens as `cognito:groups`)."""

from __future__ import annotations

from typing import Any


class CognitoDirectory:
    def __init__(self, client: Any, user_pool_id: str):
        self._client = client
        self._pool = user_pool_id

    def add_to_group(self, username: str, group: str) -> None:
        self._client.admin_add_user_to_group(UserPoolId=self._pool, Username=username, GroupName=group)


REJECTED_CODES = frozenset({"NotAuthorizedException", "UserNotFoundException", "InvalidParameterException"})


class CognitoTokens:
    """Cognito's own check of an access token (signature, expiry, revocation) through `GetUser`,
    which needs no IAM permission and no JWT library in the bundle."""

    def __init__(self, client: Any):
        self._client = client

    def user_of(self, access_token: str) -> tuple[str, dict[str, str]] | None:
        """(username, attributes) of the token's user, or None when Cognito refuses the token."""
        from botocore.exceptions import ClientError

        try:
            user = self._client.get_user(AccessToken=access_token)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in REJECTED_CODES:
                return None
            raise
        attributes = {item["Name"]: item["Value"] for item in user.get("UserAttributes", [])}
        return str(user["Username"]), attributes
