"""Cognito: user pool groups (roles reach tokens as `cognito:groups`), members found by e-mail
address, access tokens."""

from __future__ import annotations

from typing import Any


class CognitoDirectory:
    def __init__(self, client: Any, user_pool_id: str):
        self._client = client
        self._pool = user_pool_id

    def add_to_group(self, username: str, group: str) -> None:
        self._client.admin_add_user_to_group(UserPoolId=self._pool, Username=username, GroupName=group)

    def member_by_email(self, email: str) -> str | None:
        # The API refused quotes and backslashes in addresses, so the filter cannot be escaped from.
        found = self._client.list_users(
            UserPoolId=self._pool, Filter=f'email = "{email.strip().lower()}"', AttributesToGet=["sub"], Limit=2
        ).get("Users", [])
        if len(found) != 1:
            return None  # nobody, or an address two accounts share: ask for the user id instead
        attributes = {item["Name"]: item["Value"] for item in found[0].get("Attributes", [])}
        return attributes.get("sub")


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
