"""The user directory port on Cognito: approval makes the applicant a vendor user."""

from __future__ import annotations

from typing import Any

from functions.common.auth import VENDOR_ID_CLAIM, Role
from functions.common.errors import NotFound, Unavailable
from functions.common.observability import logger


class CognitoUserDirectory:
    def __init__(self, user_pool_id: str, client: Any):
        self._pool = user_pool_id
        self._cognito = client

    def bind_vendor(self, username: str, vendor_id: str) -> None:
        try:
            self._cognito.admin_add_user_to_group(UserPoolId=self._pool, Username=username, GroupName=Role.VENDOR.value)
            self._cognito.admin_update_user_attributes(
                UserPoolId=self._pool,
                Username=username,
                UserAttributes=[{"Name": VENDOR_ID_CLAIM, "Value": vendor_id}],
            )
        except self._cognito.exceptions.UserNotFoundException as exc:
            raise NotFound("the applicant's account no longer exists", code="applicant_not_found") from exc
        except self._cognito.exceptions.ResourceNotFoundException as exc:
            raise Unavailable("the user pool or the vendor group is missing", code="user_pool_unavailable") from exc


class UnboundUserDirectory:
    """For runs without a user pool (unit tests, tools): approval only records the binding."""

    def __init__(self) -> None:
        self.bound: dict[str, str] = {}

    def bind_vendor(self, username: str, vendor_id: str) -> None:
        logger().warning("no user pool configured: vendor binding not written", extra={"vendor_id": vendor_id})
        self.bound[username] = vendor_id
