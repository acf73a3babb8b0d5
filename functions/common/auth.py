"""The signed-in caller, read from the Cognito authorizer claims of an API Gateway REST event."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from pydantic import Field

from functions.common.errors import Forbidden, Unauthorized
from functions.common.models import Record

VENDOR_ID_CLAIM = "custom:vendor_id"


USER_WRITABLE_ATTRIBUTES = ("email", "name")
"""The Cognito attributes a user may set on their own account (SignUp, UpdateUserAttributes): the
CDK app's and the local runtime's app clients both allow exactly these. `custom:vendor_id` is
written only by the vendor approval, through admin APIs."""


class Role(StrEnum):
    SHOPPER = "shopper"
    VENDOR = "vendor"
    ADVISOR = "advisor"
    ADMIN = "admin"


class Principal(Record):
    user_id: str = Field(min_length=1)
    username: str | None = None
    email: str | None = None
    groups: frozenset[Role] = frozenset()
    vendor_id: str | None = None

    def has(self, role: Role) -> bool:
        return role in self.groups

    def require(self, *roles: Role) -> None:
        """Raise Forbidden unless the caller is in at least one of `roles`."""
        if not any(role in self.groups for role in roles):
            raise Forbidden(f"requires one of the groups: {', '.join(sorted(roles))}", code="missing_group")

    def require_vendor(self, vendor_id: str) -> None:
        """Admins may act for any vendor; a vendor user only for the vendor bound to its account."""
        if self.has(Role.ADMIN):
            return
        if not (self.has(Role.VENDOR) and self.vendor_id == vendor_id):
            raise Forbidden("you can only manage your own vendor account", code="not_your_vendor")


def parse_groups(raw: Any) -> frozenset[Role]:
    """API Gateway passes `cognito:groups` as a list, `"a,b"` or `"[a b]"`; unknown groups are ignored."""
    if raw is None:
        return frozenset()
    names: Iterable[str]
    if isinstance(raw, str):
        names = raw.strip("[]").replace(",", " ").split()
    else:
        names = (str(name) for name in raw)
    known = {role.value for role in Role}
    return frozenset(Role(name) for name in names if name in known)


def principal_from_claims(claims: Mapping[str, Any] | None) -> Principal:
    if not claims or not claims.get("sub"):
        raise Unauthorized("sign in to use this endpoint", code="unauthenticated")
    return Principal(
        user_id=str(claims["sub"]),
        username=claims.get("cognito:username") or claims.get("username"),
        email=claims.get("email"),
        groups=parse_groups(claims.get("cognito:groups")),
        vendor_id=claims.get(VENDOR_ID_CLAIM) or None,
    )


def principal_from_event(raw_event: Mapping[str, Any]) -> Principal:
    request_context = raw_event.get("requestContext") or {}
    authorizer = request_context.get("authorizer") or {}
    return principal_from_claims(authorizer.get("claims"))
