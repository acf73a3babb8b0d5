"""Cognito app clients' write attributes, enforced as on AWS: a correctness patch.

moto 5.2.5 stores an app client's `WriteAttributes` but never checks them: with a user's own
access token (UpdateUserAttributes) or at SignUp, anyone could set `custom:vendor_id` and act as
another vendor's staff. AWS refuses attributes the client may not write with NotAuthorizedException
("A client attempted to write unauthorized attribute"); these wrappers do the same before moto's
own code runs. A client without WriteAttributes may write every attribute, as on AWS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

UNAUTHORIZED_ATTRIBUTE = "A client attempted to write unauthorized attribute"


def refused(client: Any, attributes: Iterable[dict[str, str]]) -> bool:
    """Whether `attributes` holds one that the app client `client` may not write."""
    allowed = (client.extended_config or {}).get("WriteAttributes") if client is not None else None
    return allowed is not None and any(attribute["Name"] not in allowed for attribute in attributes)


def _client_of_token(backend: Any, access_token: str) -> Any:
    for pool in backend.user_pools.values():
        if access_token in pool.access_tokens:
            client_id, _ = pool.access_tokens[access_token]
            return pool.clients.get(client_id)
    return None


def _client_by_id(backend: Any, client_id: str) -> Any:
    return next((pool.clients[client_id] for pool in backend.user_pools.values() if client_id in pool.clients), None)


def checked_update(update: Callable[..., None]) -> Callable[..., None]:
    def update_user_attributes(self: Any, access_token: str, attributes: list[dict[str, str]]) -> None:
        from moto.cognitoidp.exceptions import NotAuthorizedError

        if refused(_client_of_token(self, access_token), attributes):
            raise NotAuthorizedError(UNAUTHORIZED_ATTRIBUTE)
        update(self, access_token, attributes)

    return update_user_attributes


def checked_sign_up(sign_up: Callable[..., Any]) -> Callable[..., Any]:
    def sign_up_checked(
        self: Any, client_id: str, username: str, password: str, attributes: list[dict[str, str]]
    ) -> Any:
        from moto.cognitoidp.exceptions import NotAuthorizedError

        if refused(_client_by_id(self, client_id), attributes):
            raise NotAuthorizedError(UNAUTHORIZED_ATTRIBUTE)
        return sign_up(self, client_id, username, password, attributes)

    return sign_up_checked


def apply(replace: Callable[[Any, str, Any], None]) -> None:
    """Install on moto's regional Cognito backend through `replace(owner, name, value)`."""
    from moto.cognitoidp.models import CognitoIdpBackend

    replace(CognitoIdpBackend, "update_user_attributes", checked_update(CognitoIdpBackend.update_user_attributes))
    replace(CognitoIdpBackend, "sign_up", checked_sign_up(CognitoIdpBackend.sign_up))
